//! The class namespace against CPython 3.11: class attributes (looked up
//! after data descriptors and the instance dict, inherited along the MRO,
//! read-only on an instance without a dict, shadowed in a dict), slots and
//! class attributes of one name across a chain and across multiple bases,
//! and member descriptors (`P.x`: repr, `__get__`/`__set__`/`__delete__`,
//! another class's instance, docs).
//!
//! Then random operation sequences (fixed seed) over every class here and
//! every name any of them defines. More, or another seed:
//!
//! ```sh
//! PYSLOTS_NAMESPACE_CASES=5000 PYSLOTS_NAMESPACE_SEED=7 \
//!     cargo test --test class_namespace -- --nocapture
//! ```

use pyslots::__private::{ClassImpl, HIDDEN};
use pyslots::prelude::*;
use pyslots::Layout;
use pyslots::PyClass;
use pyslots::{Literal, Member};
use pyslots_testkit::differential::{check, check_steps, done, line, Op, Op::*, Scenario, Steps};
use pyslots_testkit::rng::{env_or, Rng};

// ---- the classes ------------------------------------------------------------

/// Every literal kind, on a slotted class without a dict.
#[pyclass_like(class_attrs(
    species = "Canine",
    legs = 4,
    temp = -3,
    ratio = 0.5,
    tiny = -2.5e-300,
    huge = 1e999,
    minus_huge = -1e999,
    tame = true,
    wild = false,
    owner = None,
    lo = -9223372036854775808,
    hi = 9223372036854775807,
))]
#[slots(name)]
struct Slotted {
    name: String,
}

/// The same on a regular class: writes go to the instance dict.
#[pyclass_like(class_attrs(species = "Canine", legs = 4, owner = None))]
struct Regular {
    name: String,
}

/// The same on a slotted class with `__dict__`.
#[pyclass_like(class_attrs(species = "Canine", legs = 4, owner = None))]
#[slots(name, __dict__)]
struct SlotDict {
    name: String,
}

/// A chain: the subclass reads its base's class attributes and overrides one.
#[pyclass_like(class_attrs(species = "Animal", kingdom = "Animalia"))]
#[slots(name)]
struct Animal {
    /// What the animal answers to.
    name: String,
}

#[pyclass_like(extends = Animal, class_attrs(species = "Canine"))]
#[slots(breed)]
struct Dog {
    breed: String,
}

/// A subclass's slot over a base's class attribute: the slot wins.
#[pyclass_like(extends = Animal)]
#[slots(kingdom)]
struct Fungus;

/// A subclass's class attribute over a base's slot: the class attribute
/// wins, and the slot is unreachable by name.
#[pyclass_like(extends = Animal, class_attrs(name = "nobody"))]
#[slots()]
struct Ghost;

/// The same with a dict: a write shadows the class attribute in it.
#[pyclass_like(extends = Animal, class_attrs(name = "nobody"))]
struct Spirit;

/// Multiple bases: the first along the MRO wins.
#[pyclass_like(class_attrs(color = "red", size = 1))]
#[slots()]
struct Red;

#[pyclass_like(class_attrs(color = "blue", shape = "round"))]
#[slots()]
struct Blue;

#[pyclass_like(extends(Red, Blue))]
#[slots(v)]
struct Purple;

/// A diamond, where the MRO (Bottom, Left, Right, Top) is not the
/// depth-first order (Bottom, Left, Top, Right): Right's slot `x` comes
/// before Top's class attribute `x`.
#[pyclass_like(class_attrs(x = "Top.x"))]
#[slots(a)]
struct Top;

#[pyclass_like(extends = Top)]
#[slots()]
struct Left;

#[pyclass_like(extends = Top)]
#[slots(x)]
struct Right;

#[pyclass_like(extends(Left, Right))]
#[slots()]
struct Bottom;

/// The other way round: Shadow's class attribute `a` comes before Top's
/// slot `a`.
#[pyclass_like(extends = Top, class_attrs(a = "Shadow.a"))]
#[slots()]
struct Shadow;

#[pyclass_like(extends(Left, Shadow))]
#[slots()]
struct Under;

/// Two bases, no diamond: the first base's class attribute hides the
/// second base's slot.
#[pyclass_like(class_attrs(hue = "Tint.hue"))]
#[slots()]
struct Tint;

#[pyclass_like]
#[slots(hue)]
struct Hue;

#[pyclass_like(extends(Tint, Hue))]
#[slots()]
struct Shade;

/// Member descriptors: a doc comment is Python's `__slots__` dict value,
/// which CPython 3.11 keeps out of `Point.x.__doc__` (that is `None`) and
/// `inspect.getdoc(Point.x)` finds.
#[pyclass_like]
#[slots(x, y)]
struct Point {
    /// The horizontal coordinate.
    x: f64,
    y: f64,
}

#[pyclass_like(extends = Point)]
#[slots(z)]
struct Point3 {
    /// Depth.
    z: f64,
}

#[pyclass_like]
#[slots(x)]
struct Other;

const CLASSES: &str = "
import inspect
class Slotted:
    __slots__ = ['name']
    species = 'Canine'
    legs = 4
    temp = -3
    ratio = 0.5
    tiny = -2.5e-300
    huge = 1e999
    minus_huge = -1e999
    tame = True
    wild = False
    owner = None
    lo = -9223372036854775808
    hi = 9223372036854775807
class Regular:
    species = 'Canine'
    legs = 4
    owner = None
class SlotDict:
    __slots__ = ['name', '__dict__']
    species = 'Canine'
    legs = 4
    owner = None
class Animal:
    __slots__ = {'name': 'What the animal answers to.'}
    species = 'Animal'
    kingdom = 'Animalia'
class Dog(Animal):
    __slots__ = ['breed']
    species = 'Canine'
class Fungus(Animal):
    __slots__ = ['kingdom']
class Ghost(Animal):
    __slots__ = []
    name = 'nobody'
class Spirit(Animal):
    name = 'nobody'
class Red:
    __slots__ = []
    color = 'red'
    size = 1
class Blue:
    __slots__ = []
    color = 'blue'
    shape = 'round'
class Purple(Red, Blue):
    __slots__ = ['v']
class Top:
    __slots__ = ['a']
    x = 'Top.x'
class Left(Top):
    __slots__ = []
class Right(Top):
    __slots__ = ['x']
class Bottom(Left, Right):
    __slots__ = []
class Shadow(Top):
    __slots__ = []
    a = 'Shadow.a'
class Under(Left, Shadow):
    __slots__ = []
class Tint:
    __slots__ = []
    hue = 'Tint.hue'
class Hue:
    __slots__ = ['hue']
class Shade(Tint, Hue):
    __slots__ = []
class Point:
    __slots__ = {'x': 'The horizontal coordinate.', 'y': None}
class Point3(Point):
    __slots__ = {'z': 'Depth.'}
class Other:
    __slots__ = ['x']
";

fn v(x: impl Into<Value>) -> Value {
    x.into()
}

/// A scenario on a default instance (every slot unset, an empty dict) of
/// the class named like `T`.
fn scenario<T: PyClass + Default>(name: &'static str, ops: Vec<Op>) -> Scenario {
    Scenario::new(name, CLASSES, class_new(T::LAYOUT.name()), T::default, ops)
}

/// `P.__new__(P)`, leaked once per class (the harness wants a `'static`).
fn class_new(class: &'static str) -> &'static str {
    Box::leak(format!("{class}.__new__({class})").into_boxed_str())
}

// ---- class attributes -------------------------------------------------------

fn class_attribute_scenarios() -> Vec<Scenario> {
    let every_kind =
        ["species", "legs", "temp", "ratio", "tiny", "huge", "minus_huge", "tame", "wild", "owner", "lo", "hi"];
    let mut slotted: Vec<Op> = every_kind.iter().map(|n| Get(*n)).collect();
    slotted.extend([
        Set("species", v("Feline")),
        Del("species"),
        Set("owner", Value::None),
        Del("legs"),
        Get("species"),
        Has("species"),
        Has("owner"),
        Set("name", v("Rex")),
        Get("name"),
        Dir,
        Vars,
        Get("__slots__"),
        Get("__dict__"),
        Get("specis"),
    ]);
    let with_dict = || {
        vec![
            Get("species"),
            Set("species", v("Feline")),
            Get("species"),
            Vars,
            Dir,
            Del("species"),
            Get("species"),
            Del("species"),
            Del("legs"),
            Set("owner", v(1)),
            Get("owner"),
            Has("legs"),
            Dir,
            Set("__dict__", Value::dict([("legs", v(3))])),
            Get("legs"),
            Vars,
        ]
    };
    vec![
        scenario::<Slotted>("slotted: every literal kind, read-only", slotted),
        scenario::<Regular>("regular: writes shadow in the dict", with_dict()),
        scenario::<SlotDict>("slots and __dict__: writes shadow in the dict", with_dict()),
        scenario::<Dog>(
            "a chain: the base's class attributes, one overridden",
            vec![
                Get("species"),
                Get("kingdom"),
                Set("kingdom", v("Plantae")),
                Del("species"),
                Set("name", v("Rex")),
                Get("name"),
                Dir,
                Get("__slots__"),
            ],
        ),
        scenario::<Fungus>(
            "a subclass's slot over a base's class attribute",
            vec![
                Get("kingdom"),
                Has("kingdom"),
                Set("kingdom", v("Fungi")),
                Get("kingdom"),
                Del("kingdom"),
                Get("kingdom"),
                Del("kingdom"),
                Get("species"),
                Dir,
            ],
        ),
        scenario::<Ghost>(
            "a subclass's class attribute over a base's slot",
            vec![Get("name"), Has("name"), Set("name", v("Boo")), Del("name"), Get("name"), Dir],
        ),
        scenario::<Spirit>(
            "a class attribute over a base's slot, with a dict",
            vec![Get("name"), Set("name", v("Casper")), Get("name"), Vars, Del("name"), Get("name"), Del("name"), Dir],
        ),
        scenario::<Purple>(
            "multiple bases: the first along the MRO wins",
            vec![Get("color"), Get("size"), Get("shape"), Set("color", v("x")), Get("v"), Dir],
        ),
        scenario::<Shade>(
            "two bases: the first one's class attribute over the second one's slot",
            vec![Get("hue"), Has("hue"), Set("hue", v(1)), Del("hue"), Get("hue"), Dir],
        ),
        scenario::<Bottom>(
            "a diamond: a slot before a class attribute in the MRO",
            vec![Get("x"), Has("x"), Set("x", v(1)), Get("x"), Del("x"), Get("x"), Set("a", v(2)), Get("a"), Dir],
        ),
        scenario::<Under>(
            "a diamond: a class attribute before a slot in the MRO",
            vec![Get("a"), Has("a"), Set("a", v(1)), Del("a"), Get("a"), Get("x"), Set("x", v(2)), Dir],
        ),
    ]
}

#[test]
fn class_attributes_match_cpython() {
    let scenarios = class_attribute_scenarios();
    let compared = check(&scenarios);
    println!("{} scenarios, {compared} lines, 0 mismatches", scenarios.len());
}

// ---- member descriptors -----------------------------------------------------

fn member<T: PyClass>(name: &str) -> Member<T> {
    T::member(name).unwrap_or_else(|| panic!("{name} is a member of {}", T::LAYOUT.name()))
}

/// `? P.x` in pyslots: the member's repr, or (a name no member has) the
/// class attribute Python finds instead.
fn class_getattr<T: PyClass>(name: &str) -> String {
    match T::member(name) {
        Some(m) => format!("ok {m}"),
        None => {
            line(T::LAYOUT.class_attr(name).map(Literal::to_value).ok_or_else(|| Error::no_attribute("type", name)))
        }
    }
}

fn doc<T>(m: &Member<T>) -> String {
    line(Ok(m.doc().map_or(Value::None, Value::from)))
}

const POINT_MEMBERS: &[&str] = &[
    "p = Point.__new__(Point)",
    "? Point.x",
    "? Point.y",
    "? Point.x.__name__",
    "? inspect.getdoc(Point.x)",
    "? inspect.getdoc(Point.y)",
    "? Point.x.__get__(p)",
    "Point.x.__set__(p, 1.5)",
    "? Point.x.__get__(p)",
    "? p.x",
    "Point.y.__set__(p, -2.0)",
    "? p.y",
    "Point.x.__delete__(p)",
    "? Point.x.__get__(p)",
    "Point.x.__delete__(p)",
    "? p.x",
    "o = Other.__new__(Other)",
    "? Point.x.__get__(o)",
    "? Point.y.__get__(o)",
];

fn point_members() -> Result<Vec<String>, Error> {
    let (x, y) = (member::<Point>("x"), member::<Point>("y"));
    let mut p = Point::default();
    let o = Other::default();
    Ok(vec![
        done(Ok(())),
        format!("ok {x}"),
        format!("ok {y}"),
        line(Ok(Value::from(x.name()))),
        doc(&x),
        doc(&y),
        line(x.get(&p)),
        done(x.set(&mut p, 1.5)),
        line(x.get(&p)),
        line(p.getattr("x")),
        done(y.set(&mut p, -2.0)),
        line(p.getattr("y")),
        done(x.delete(&mut p)),
        line(x.get(&p)),
        done(x.delete(&mut p)),
        line(p.getattr("x")),
        done(Ok(())),
        line(x.get_dyn(&o)),
        line(y.get_dyn(&o)),
    ])
}

const INHERITED_MEMBERS: &[&str] = &[
    "q = Point3.__new__(Point3)",
    "? Point3.x",
    "? Point3.z",
    "? inspect.getdoc(Point3.x)",
    "? inspect.getdoc(Point3.z)",
    "? Point.x.__get__(q)",
    "Point3.x.__set__(q, 7.0)",
    "? Point.x.__get__(q)",
    "? q.x",
    "Point3.z.__set__(q, 9.0)",
    "? Point3.z.__get__(q)",
    "Point3.x.__delete__(q)",
    "? q.x",
    "? Point3.z.__get__(Point.__new__(Point))",
    "? Dog.name",
    "? inspect.getdoc(Dog.name)",
    "? Dog.species",
    "? Dog.breed",
];

fn inherited_members() -> Result<Vec<String>, Error> {
    let (x3, z) = (member::<Point3>("x"), member::<Point3>("z"));
    let x = member::<Point>("x");
    let mut q = Point3::default();
    Ok(vec![
        done(Ok(())),
        format!("ok {x3}"),
        format!("ok {z}"),
        doc(&x3),
        doc(&z),
        line(x.get_dyn(&q)),
        done(x3.set(&mut q, 7.0)),
        line(x.get_dyn(&q)),
        line(q.getattr("x")),
        done(z.set(&mut q, 9.0)),
        line(z.get(&q)),
        done(x3.delete(&mut q)),
        line(q.getattr("x")),
        line(z.get_dyn(&Point::default())),
        class_getattr::<Dog>("name"),
        doc(&member::<Dog>("name")),
        class_getattr::<Dog>("species"),
        class_getattr::<Dog>("breed"),
    ])
}

const HIDDEN_MEMBERS: &[&str] = &[
    "g = Ghost.__new__(Ghost)",
    "? Ghost.name",
    "? Animal.name.__get__(g)",
    "Animal.name.__set__(g, 'Boo')",
    "? Animal.name.__get__(g)",
    "? g.name",
    "s = Spirit.__new__(Spirit)",
    "s.name = 'Casper'",
    "Animal.name.__set__(s, 'Slot')",
    "? Animal.name.__get__(s)",
    "? s.name",
    "? Fungus.kingdom",
    "? Bottom.x",
    "? Bottom.a",
    "? Under.a",
    "? Under.x",
    "b = Bottom.__new__(Bottom)",
    "b.a = 1",
    "? Top.a.__get__(b)",
    "? Animal.name.__get__(b)",
];

fn hidden_members() -> Result<Vec<String>, Error> {
    let name = member::<Animal>("name");
    let mut g = Ghost::default();
    let mut s = Spirit::default();
    let mut b = Bottom::default();
    Ok(vec![
        done(Ok(())),
        class_getattr::<Ghost>("name"),
        line(name.get_dyn(&g)),
        done(name.set(&mut g, "Boo")),
        line(name.get_dyn(&g)),
        line(g.getattr("name")),
        done(Ok(())),
        done(s.setattr("name", v("Casper"))),
        done(name.set(&mut s, "Slot")),
        line(name.get_dyn(&s)),
        line(s.getattr("name")),
        class_getattr::<Fungus>("kingdom"),
        class_getattr::<Bottom>("x"),
        class_getattr::<Bottom>("a"),
        class_getattr::<Under>("a"),
        class_getattr::<Under>("x"),
        done(Ok(())),
        done(b.setattr("a", v(1))),
        line(member::<Top>("a").get_dyn(&b)),
        line(name.get_dyn(&b)),
    ])
}

#[test]
fn member_descriptors_match_cpython() {
    let steps = [
        Steps { name: "Point's members", python: POINT_MEMBERS, rust: point_members },
        Steps { name: "inherited members", python: INHERITED_MEMBERS, rust: inherited_members },
        Steps { name: "members a class attribute hides", python: HIDDEN_MEMBERS, rust: hidden_members },
    ];
    let compared = check_steps(CLASSES, &steps);
    println!("{} scenarios, {compared} lines, 0 mismatches", steps.len());
}

/// Every `Member` method on a subclass agrees with `getattr` by name.
#[test]
fn a_member_is_the_slot_its_name_finds() {
    let mut d = Dog::default();
    let name = member::<Dog>("name");
    assert_eq!(name.owner().name(), "Animal");
    assert_eq!(name.name(), "name");
    name.set(&mut d, "Rex").unwrap();
    assert_eq!(getattr(&d, "name").unwrap(), v("Rex"));
    assert_eq!(name.get_ref(&d).unwrap().to_value(), v("Rex"));
    setattr(&mut d, "name", v("Fido")).unwrap();
    assert_eq!(name.get(&d).unwrap(), v("Fido"));
    assert!(Dog::member("species").is_none(), "a class attribute is no member");
    assert!(Ghost::member("name").is_none(), "hidden by Ghost's class attribute");
    assert!(Animal::member("name").is_some());
}

// ---- slot indices -----------------------------------------------------------

/// `Layout::slot_index` (what `Member` resolves with) and the generated
/// `ClassImpl::slot_index` (what `getattr` by name uses) agree, for every
/// class here and every name any of them knows, hidden names included.
#[test]
fn layout_and_generated_slot_indices_agree() {
    fn agree<T: ClassImpl>(names: &[&str]) -> usize {
        let layout: &'static Layout = &T::LAYOUT;
        for name in names {
            let generated = match T::slot_index(name) {
                u32::MAX | HIDDEN => None,
                i => Some(i),
            };
            let from_layout = layout.slot_index(name).map(|(i, _, _)| i);
            assert_eq!(generated, from_layout, "{}: slot_index({name:?})", layout.name);
            if let Some((index, owner, local)) = layout.slot_index(name) {
                assert_eq!(owner.slots[local], *name);
                assert_eq!(layout.base_offset(owner).map(|o| o + local as u32), Some(index), "{}: {name}", layout.name);
                assert!(index < T::SLOT_COUNT && T::SLOT_COUNT == layout.slot_count());
            }
        }
        names.len()
    }
    let names = all_names();
    let checked = agree::<Slotted>(&names)
        + agree::<Regular>(&names)
        + agree::<SlotDict>(&names)
        + agree::<Animal>(&names)
        + agree::<Dog>(&names)
        + agree::<Fungus>(&names)
        + agree::<Ghost>(&names)
        + agree::<Spirit>(&names)
        + agree::<Red>(&names)
        + agree::<Blue>(&names)
        + agree::<Purple>(&names)
        + agree::<Top>(&names)
        + agree::<Left>(&names)
        + agree::<Right>(&names)
        + agree::<Bottom>(&names)
        + agree::<Shadow>(&names)
        + agree::<Under>(&names)
        + agree::<Tint>(&names)
        + agree::<Hue>(&names)
        + agree::<Shade>(&names)
        + agree::<Point>(&names)
        + agree::<Point3>(&names)
        + agree::<Other>(&names);
    assert!(checked > 100);
}

// ---- random -----------------------------------------------------------------

/// Every slot and class attribute name of every class here, a misspelling,
/// and two special names (not `__slots__`: a dict in Python where it gives
/// docs, a list in pyslots).
fn all_names() -> Vec<&'static str> {
    let mut names = vec!["nothing", "specis", "__dict__", "__weakref__"];
    for layout in LAYOUTS {
        names.extend(layout.slots.iter().copied());
        names.extend(layout.class_attrs.iter().map(|(n, _)| *n));
    }
    names.sort_unstable();
    names.dedup();
    names
}

const LAYOUTS: [&Layout; 23] = [
    &Slotted::LAYOUT,
    &Regular::LAYOUT,
    &SlotDict::LAYOUT,
    &Animal::LAYOUT,
    &Dog::LAYOUT,
    &Fungus::LAYOUT,
    &Ghost::LAYOUT,
    &Spirit::LAYOUT,
    &Red::LAYOUT,
    &Blue::LAYOUT,
    &Purple::LAYOUT,
    &Top::LAYOUT,
    &Left::LAYOUT,
    &Right::LAYOUT,
    &Bottom::LAYOUT,
    &Shadow::LAYOUT,
    &Under::LAYOUT,
    &Tint::LAYOUT,
    &Hue::LAYOUT,
    &Shade::LAYOUT,
    &Point::LAYOUT,
    &Point3::LAYOUT,
    &Other::LAYOUT,
];

/// A scenario of random operations on a default instance of one class.
fn random_scenario(rng: &mut Rng, names: &[&'static str]) -> Scenario {
    let values = [v("s"), v(-7), v(2.5), v(true), Value::None];
    let ops: Vec<Op> = (0..rng.below(12) + 1)
        .map(|_| {
            let name = *rng.pick(names);
            match rng.below(10) {
                0..=3 => Get(name),
                // `name` and `breed` are `String` slots somewhere.
                4..=6 if matches!(name, "name" | "breed") => Set(name, v("s")),
                4..=6 => Set(name, rng.pick(&values).clone()),
                7 | 8 => Del(name),
                _ => [Has(name), Dir, Vars][rng.below(3)].clone(),
            }
        })
        .collect();
    let name = "random";
    match rng.below(14) {
        0 => scenario::<Slotted>(name, ops),
        1 => scenario::<Regular>(name, ops),
        2 => scenario::<SlotDict>(name, ops),
        3 => scenario::<Animal>(name, ops),
        4 => scenario::<Dog>(name, ops),
        5 => scenario::<Fungus>(name, ops),
        6 => scenario::<Ghost>(name, ops),
        7 => scenario::<Spirit>(name, ops),
        8 => scenario::<Purple>(name, ops),
        9 => scenario::<Bottom>(name, ops),
        10 => scenario::<Under>(name, ops),
        11 => scenario::<Shadow>(name, ops),
        12 => scenario::<Shade>(name, ops),
        _ => scenario::<Top>(name, ops),
    }
}

#[test]
fn random_operations_match_cpython() {
    let count = env_or("PYSLOTS_NAMESPACE_CASES", 400_usize);
    let seed = env_or("PYSLOTS_NAMESPACE_SEED", 0xc1a55_u64);
    let mut rng = Rng::new(seed);
    let names = all_names();
    let scenarios: Vec<Scenario> = (0..count).map(|_| random_scenario(&mut rng, &names)).collect();
    let compared = check(&scenarios);
    println!("{count} scenarios, {compared} lines, 0 mismatches");
}

// ---- through macro_rules! ---------------------------------------------------

/// `$v:literal` reaches the macro in an invisible group.
macro_rules! class_with {
    ($name:ident = $v:literal, $other:ident = $w:literal) => {
        #[pyclass_like(class_attrs($name = $v, $other = $w))]
        #[slots()]
        struct Via;
    };
}

class_with!(count = -7, label = "via");

#[test]
fn a_literal_through_macro_rules() {
    assert_eq!(getattr(&Via::new(), "count").unwrap(), v(-7));
    assert_eq!(getattr(&Via::new(), "label").unwrap(), v("via"));
}
