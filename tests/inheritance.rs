//! Inheritance against CPython 3.11: the tutorial's cases, chains of three,
//! and multiple bases whose layouts CPython accepts.

use pyslots::prelude::*;
use pyslots::PyClass;
use pyslots::{Attr, Layout};
use pyslots_testkit::differential::{check, Op::*, Scenario};

// Case 1: parent has slots, child adds more.
#[pyclass_like]
#[slots(name, species)]
struct Animal {
    name: String,
    species: String,
}

#[pyclass_like(extends = Animal)]
#[slots(breed)]
struct Dog {
    breed: String,
}

const DOG: &str = "
class Animal:
    __slots__ = ['name', 'species']
    def __init__(self, name, species):
        self.name = name
        self.species = species
class Dog(Animal):
    __slots__ = ['breed']
    def __init__(self, name, breed):
        super().__init__(name, 'Canine')
        self.breed = breed
";

// Case 2: parent is a regular class, child has slots.
#[pyclass_like]
struct RegularAnimal {
    name: String,
}

#[pyclass_like(extends = RegularAnimal)]
#[slots(breed)]
struct SlottedDog {
    breed: String,
}

const SLOTTED_DOG: &str = "
class RegularAnimal:
    def __init__(self, name):
        self.name = name
class SlottedDog(RegularAnimal):
    __slots__ = ['breed']
    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed
";

// Case 3: child declares no slots: it gets __dict__ and __weakref__.
#[pyclass_like(extends = Animal)]
struct Pet {
    owner: String,
}

const PET: &str = "
class Animal:
    __slots__ = ['name', 'species']
    def __init__(self, name, species):
        self.name = name
        self.species = species
class Pet(Animal):
    def __init__(self, name, species, owner):
        super().__init__(name, species)
        self.owner = owner
";

// A chain of three.
#[pyclass_like]
#[slots(x)]
struct Base {
    x: i64,
}

#[pyclass_like(extends = Base)]
#[slots(y)]
struct Derived {
    y: i64,
}

#[pyclass_like(extends = Derived)]
#[slots(z, __weakref__)]
struct Leaf {
    z: i64,
}

const CHAIN: &str = "
class Base:
    __slots__ = ['x']
class Derived(Base):
    __slots__ = ['y']
class Leaf(Derived):
    __slots__ = ['z', '__weakref__']
";

// Multiple bases that form one line of descent: C(A2, A) with A2(A).
#[pyclass_like]
#[slots(a)]
struct A {
    a: i64,
}

#[pyclass_like(extends = A)]
#[slots(a2)]
struct A2 {
    a2: i64,
}

#[pyclass_like(extends(A2, A))]
#[slots(c)]
struct C {
    c: i64,
}

const DESCENT: &str = "
class A:
    __slots__ = ['a']
class A2(A):
    __slots__ = ['a2']
class C(A2, A):
    __slots__ = ['c']
";

// Two regular bases: one dict. Only the first is stored (`Aged` adds no
// storage to it), so `new` takes `Named` alone; `age` is set by name.
#[pyclass_like]
struct Named {
    name: String,
}

#[pyclass_like]
struct Aged {
    age: i64,
}

#[pyclass_like(extends(Named, Aged))]
struct NamedAged {
    city: String,
}

const TWO_REGULAR: &str = "
class Named:
    def __init__(self, name):
        self.name = name
class Aged:
    def __init__(self, age):
        self.age = age
class NamedAged(Named, Aged):
    def __init__(self, name, city):
        Named.__init__(self, name)
        self.city = city
";

// A base with a dict and a base with weak references: the child has both.
#[pyclass_like]
#[slots(__dict__)]
struct WithDict;

#[pyclass_like]
#[slots(__weakref__)]
struct WithWeak;

#[pyclass_like(extends(WithDict, WithWeak))]
#[slots(v)]
struct Both;

const DICT_AND_WEAK: &str = "
class WithDict:
    __slots__ = ['__dict__']
class WithWeak:
    __slots__ = ['__weakref__']
class Both(WithDict, WithWeak):
    __slots__ = ['v']
";

// A slotted base and a regular base.
#[pyclass_like(extends(A, Named))]
#[slots(k)]
struct SlotsAndDict;

const SLOTS_AND_DICT: &str = "
class A:
    __slots__ = ['a']
class Named:
    def __init__(self, name):
        self.name = name
class SlotsAndDict(A, Named):
    __slots__ = ['k']
";

// A diamond: Bottom(Left, Right) over Top stores Top once (inside Left,
// the stored base); Right adds no storage and is not stored.
#[pyclass_like]
#[slots(a, u)]
struct Top {
    a: i64,
}

#[pyclass_like(extends = Top)]
#[slots()]
struct Left;

#[pyclass_like(extends = Top)]
#[slots()]
struct Right;

#[pyclass_like(extends(Left, Right))]
#[slots(d)]
struct Bottom {
    d: i64,
}

const DIAMOND: &str = "
class Top:
    __slots__ = ('a', 'u')
    def __init__(self, a):
        self.a = a
class Left(Top):
    __slots__ = ()
class Right(Top):
    __slots__ = ()
class Bottom(Left, Right):
    __slots__ = ['d']
    def __init__(self, a, d):
        super().__init__(a)
        self.d = d
";

// The stored base second: Under(Side, Deep), where Deep adds a slot to Top
// and Side adds nothing, stores Deep.
#[pyclass_like(extends = Top)]
#[slots(deep)]
struct Deep {
    deep: String,
}

#[pyclass_like(extends(Right, Deep))]
#[slots()]
struct Under;

const STORED_SECOND: &str = "
class Top:
    __slots__ = ('a', 'u')
    def __init__(self, a):
        self.a = a
class Right(Top):
    __slots__ = ()
class Deep(Top):
    __slots__ = ('deep',)
    def __init__(self, a, deep):
        super().__init__(a)
        self.deep = deep
class Under(Right, Deep):
    __slots__ = []
";

// A diamond whose second side adds a dict: the class stores a dict of its
// own beside the stored Left (CPython adds one for a secondary base).
#[pyclass_like(extends = Top)]
#[slots(__dict__)]
struct DictSide;

#[pyclass_like(extends(Left, DictSide))]
#[slots(w)]
struct DictDiamond;

// A regular mixin first, a slotted base second: the slotted base is stored.
#[pyclass_like]
struct Mixin {
    tag: String,
}

#[pyclass_like(extends(Mixin, Deep))]
#[slots(m)]
struct Mixed;

const DICT_SIDES: &str = "
class Top:
    __slots__ = ('a', 'u')
class Left(Top):
    __slots__ = ()
class DictSide(Top):
    __slots__ = ('__dict__',)
class DictDiamond(Left, DictSide):
    __slots__ = ('w',)
class Deep(Top):
    __slots__ = ('deep',)
class Mixin:
    pass
class Mixed(Mixin, Deep):
    __slots__ = ('m',)
";

fn v(x: impl Into<Value>) -> Value {
    x.into()
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "parent has slots, child adds more",
            DOG,
            "Dog('Buddy', 'Golden Retriever')",
            || Dog::with_base(Animal::new("Buddy".into(), "Canine".into()), "Golden Retriever".into()),
            vec![
                Get("name"),
                Get("species"),
                Get("breed"),
                Set("z", v(30)),
                Get("__dict__"),
                Vars,
                Dir,
                Set("name", v("Rex")),
                Get("name"),
                Del("species"),
                Del("species"),
                Get("species"),
                Get("__slots__"),
                Weakref,
            ],
        ),
        Scenario::new(
            "parent is regular, child has slots",
            SLOTTED_DOG,
            "SlottedDog('Max', 'Labrador')",
            || SlottedDog::with_base(RegularAnimal::new("Max".into()), "Labrador".into()),
            vec![
                Get("name"),
                Get("breed"),
                Vars,
                Set("color", v("brown")),
                Vars,
                Dir,
                Del("breed"),
                Get("breed"),
                Get("__slots__"),
                Weakref,
            ],
        ),
        Scenario::new(
            "child without slots gets __dict__ and __weakref__",
            PET,
            "Pet('Tom', 'Feline', 'Ann')",
            || Pet::with_base(Animal::new("Tom".into(), "Feline".into()), "Ann".into()),
            vec![
                Get("name"),
                Get("owner"),
                Vars,
                Set("age", v(3)),
                Vars,
                Dir,
                Weakref,
                Get("__weakref__"),
                Get("__slots__"),
                Set("__slots__", v(1)),
                Get("__slots__"),
            ],
        ),
        Scenario::new(
            "a chain of three",
            CHAIN,
            "Leaf()",
            Leaf::default,
            vec![
                Set("x", v(1)),
                Set("y", v(2)),
                Set("z", v(3)),
                Get("x"),
                Get("y"),
                Get("z"),
                Set("w", v(4)),
                Dir,
                Del("x"),
                Get("x"),
                Weakref,
                Get("__slots__"),
                Set("__weakref__", v(1)),
                Vars,
            ],
        ),
        Scenario::new(
            "the tutorial's Base and Derived",
            CHAIN,
            "Derived()",
            Derived::default,
            vec![Set("x", v(10)), Set("y", v(20)), Set("z", v(30)), Get("x"), Get("y"), Dir, Weakref],
        ),
        Scenario::new(
            "multiple bases in one line of descent",
            DESCENT,
            "C()",
            C::default,
            vec![
                Set("a", v(1)),
                Set("a2", v(2)),
                Set("c", v(3)),
                Get("a"),
                Get("a2"),
                Get("c"),
                Dir,
                Set("d", v(4)),
                Del("a"),
                Get("a"),
            ],
        ),
        Scenario::new(
            "two regular bases share one dict",
            TWO_REGULAR,
            "NamedAged('Alice', 'Paris')",
            || NamedAged::with_base(Named::new("Alice".into()), "Paris".into()),
            vec![Vars, Set("age", v(30)), Get("name"), Get("age"), Get("city"), Set("x", v(1)), Vars, Dir, Weakref],
        ),
        Scenario::new(
            "a base with __dict__ and a base with __weakref__",
            DICT_AND_WEAK,
            "Both()",
            Both::default,
            vec![Set("v", v(1)), Set("other", v(2)), Vars, Dir, Weakref, Get("__slots__")],
        ),
        Scenario::new(
            "a slotted base and a regular base",
            SLOTS_AND_DICT,
            "SlotsAndDict.__new__(SlotsAndDict)",
            SlotsAndDict::default,
            vec![Set("a", v(1)), Set("k", v(2)), Set("name", v("n")), Vars, Dir, Weakref, Del("a"), Del("a")],
        ),
        Scenario::new(
            "a diamond stores its shared base once",
            DIAMOND,
            "Bottom(1, 4)",
            || Bottom::with_base(Left::with_base(Top::new(1)), 4),
            vec![
                Get("a"),
                Get("d"),
                Get("u"),
                Set("a", v(7)),
                Get("a"),
                Set("u", v("x")),
                Dir,
                Del("a"),
                Get("a"),
                Del("a"),
                Set("z", v(1)),
                Get("__slots__"),
                Weakref,
            ],
        ),
        Scenario::new(
            "the stored base is the second",
            STORED_SECOND,
            "Under(3, 'deep')",
            || Under::with_base(Deep::with_base(Top::new(3), "deep".into())),
            vec![Get("a"), Get("deep"), Set("deep", v("d2")), Get("deep"), Set("u", v(1)), Dir, Get("__slots__")],
        ),
        Scenario::new(
            "a diamond's second side adds a dict",
            DICT_SIDES,
            "DictDiamond()",
            DictDiamond::default,
            vec![Set("a", v(1)), Set("w", v(2)), Set("x", v(3)), Get("x"), Vars, Dir, Get("__dict__"), Weakref],
        ),
        Scenario::new(
            "a regular mixin first, a slotted base second",
            DICT_SIDES,
            "Mixed()",
            Mixed::default,
            vec![Set("a", v(1)), Set("deep", v("d")), Set("m", v(2)), Set("tag", v("t")), Vars, Dir, Weakref],
        ),
    ]
}

#[test]
fn inheritance_matches_cpython() {
    check(&scenarios());
}

#[test]
fn the_child_reaches_the_base_typed_api() {
    let mut dog = Dog::with_base(Animal::new("Buddy".into(), "Canine".into()), "Golden Retriever".into());
    assert_eq!(dog.name().unwrap(), "Buddy"); // through Deref
    assert_eq!(dog.breed().unwrap(), "Golden Retriever");
    dog.set_name("Rex".into()); // through DerefMut
    assert_eq!(dog.getattr("name").unwrap(), Value::from("Rex"));
    let animal: &Animal = dog.as_ref();
    assert_eq!(animal.species().unwrap(), "Canine");
    let err = dog.setattr("species", 3.into()).unwrap_err();
    assert_eq!(err.to_string(), "'Dog' object attribute 'species' must be str, not int");
}

#[test]
fn layouts_walk_the_chain() {
    let l: &'static Layout = &Leaf::LAYOUT;
    let mro: Vec<&str> = l.mro().iter().map(|l| l.name).collect();
    assert_eq!(mro, ["Leaf", "Derived", "Base"]);
    assert_eq!(l.all_slots(), ["z", "y", "x"]);
    assert!(!l.has_dict && l.has_weakref);
    const { assert!(!Derived::LAYOUT.has_weakref()) };
    let c: &'static Layout = &C::LAYOUT;
    let mro: Vec<&str> = c.mro().iter().map(|l| l.name).collect();
    assert_eq!(mro, ["C", "A2", "A"]);
    const { assert!(Both::LAYOUT.has_dict() && Both::LAYOUT.has_weakref()) };
    const { assert!(Pet::LAYOUT.has_dict() && Pet::LAYOUT.has_weakref() && !Pet::LAYOUT.declares_slots()) };
    // Embedded bases: a Dog is an Animal plus a breed and its flags.
    assert!(std::mem::size_of::<Dog>() <= std::mem::size_of::<Animal>() + 24);
}

#[test]
fn subclass_without_slots_shares_a_regular_base_dict() {
    #[pyclass_like(extends = RegularAnimal)]
    struct Puppy {
        toy: String,
    }
    let p = Puppy::with_base(RegularAnimal::new("Bit".into()), "ball".into());
    assert_eq!(vars(&p).unwrap().to_string(), "{'name': 'Bit', 'toy': 'ball'}");
    // No second dict: the base's is the instance dict.
    assert_eq!(std::mem::size_of::<Puppy>(), std::mem::size_of::<RegularAnimal>());
}

#[test]
fn downgrade_compiles_where_weak_references_are_supported() {
    // `__weakref__` inherited from a base counts; so does a regular class
    // and a subclass without #[slots].
    let leaf = Py::new(Leaf::default());
    let weak = Py::downgrade(&leaf);
    assert!(Py::is(&weak.upgrade().unwrap(), &leaf));
    let pet = Py::new(Pet::default());
    assert!(Py::downgrade(&pet).upgrade().is_some());
    let named = Py::new(Named::default());
    drop(Py::downgrade(&named));
    // Without support, only the run-time variant is callable.
    let err = Py::try_downgrade(&Py::new(Dog::default())).unwrap_err();
    assert_eq!(err.to_string(), "cannot create weak reference to 'Dog' object");
}

#[test]
fn a_diamond_has_one_copy_of_its_shared_base() {
    let mut b = Bottom::with_base(Left::with_base(Top::new(1)), 4);
    // By name, then through every typed path.
    b.setattr("a", 7.into()).unwrap();
    assert_eq!(*b.a().unwrap(), 7); // Deref: Bottom -> Left -> Top
    assert_eq!(*AsRef::<Left>::as_ref(&b).a().unwrap(), 7);
    assert_eq!(*AsRef::<Top>::as_ref(&b).a().unwrap(), 7);
    assert_eq!(*Top::a(&b).unwrap(), 7);
    assert_eq!(Bottom::member("a").unwrap().get(&b).unwrap(), Value::Int(7));
    assert_eq!(Left::member("a").unwrap().get(b.as_ref()).unwrap(), Value::Int(7));
    assert_eq!(Top::member("a").unwrap().get(b.as_ref()).unwrap(), Value::Int(7));
    assert_eq!(Top::member("a").unwrap().get_dyn(&b).unwrap(), Value::Int(7));
    // Right's member applies to a Bottom by its layout (one index space).
    let Ok(Attr::Member(m)) = Type::of::<Right>().attr("a") else { panic!("Right.a is a member") };
    assert_eq!(m.get_dyn(&b).unwrap(), Value::Int(7));
    // Through each typed path, then by name and the others.
    b.set_a(8);
    assert_eq!(b.getattr("a").unwrap(), Value::Int(8));
    AsMut::<Top>::as_mut(&mut b).set_a(9);
    assert_eq!(b.getattr("a").unwrap(), Value::Int(9));
    assert_eq!(Top::member("a").unwrap().get(b.as_ref()).unwrap(), Value::Int(9));
    AsMut::<Left>::as_mut(&mut b).set_a(10);
    assert_eq!(b.getattr("a").unwrap(), Value::Int(10));
    Bottom::member("a").unwrap().set(&mut b, 11).unwrap();
    assert_eq!(*b.a().unwrap(), 11);
    Top::member("u").unwrap().set(b.as_mut(), "s").unwrap();
    assert_eq!(b.getattr("u").unwrap(), Value::from("s"));
    m.set_dyn(&mut b, 12).unwrap();
    assert_eq!(*AsRef::<Top>::as_ref(&b).a().unwrap(), 12);
    m.delete_dyn(&mut b).unwrap();
    assert_eq!(b.a().unwrap_err().to_string(), "'Top' object has no attribute 'a'");
    assert!(!b.hasattr("a"));
    // The state sees one `a` as well.
    b.set_a(13);
    assert_eq!(pyslots::getstate(&b).to_string(), "(None, {'d': 4, 'a': 13, 'u': 's'})");
    // One Top: the index space counts a, u once, and the struct holds one.
    assert_eq!(Bottom::LAYOUT.slot_count(), 3);
    assert_eq!(std::mem::size_of::<Bottom>(), std::mem::size_of::<Left>() + 16);
    assert_eq!(std::mem::size_of::<Left>(), std::mem::size_of::<Top>());
}

#[test]
fn the_stored_base_may_be_a_later_one() {
    let mut u = Under::with_base(Deep::with_base(Top::new(3), "x".into()));
    assert_eq!(u.deep().unwrap(), "x"); // Deref to Deep, the stored base
    let top: &Top = u.as_ref();
    assert_eq!(*top.a().unwrap(), 3);
    u.setattr("a", 5.into()).unwrap();
    assert_eq!(*AsRef::<Deep>::as_ref(&u).a().unwrap(), 5);
    assert_eq!(Top::member("a").unwrap().get(u.as_ref()).unwrap(), Value::Int(5));
    AsMut::<Top>::as_mut(&mut u).set_a(6);
    assert_eq!(u.getattr("a").unwrap(), Value::Int(6));
    assert_eq!(Under::LAYOUT.best_base().map(|l| l.name), Some("Deep"));
    assert_eq!(std::mem::size_of::<Under>(), std::mem::size_of::<Deep>());
    // A regular mixin first: the slotted base is stored, the dict is the
    // class's own.
    let mut m = Mixed::with_base(Deep::with_base(Top::new(1), "d".into()));
    m.setattr("tag", "t".into()).unwrap();
    assert_eq!(m.deep().unwrap(), "d");
    assert_eq!(vars(&m).unwrap().to_string(), "{'tag': 't'}");
    // DictDiamond's dict is its own; Left is the stored base.
    let mut dd = DictDiamond::default();
    dd.setattr("x", 1.into()).unwrap();
    AsMut::<Top>::as_mut(&mut dd).set_a(2);
    assert_eq!(vars(&dd).unwrap().to_string(), "{'x': 1}");
    assert_eq!(dd.getattr("a").unwrap(), Value::Int(2));
}
