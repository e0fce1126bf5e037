//! Random-shape differential fuzzing of classes made at run time
//! (`Type::new`, CPython's `type(name, bases, namespace)`) against CPython
//! 3.11: issue 16, item 5. `fuzz_differential` fuzzes operations over
//! twelve fixed class shapes; this fuzzes the shapes too.
//!
//! Each case is a hierarchy: up to six classes made one after another,
//! each with a random name, zero to four bases among the classes of the
//! hierarchy made so far, `object` and compile-time classes
//! (`tests/shapes`), sometimes twice or in an order C3 refuses, and a
//! random namespace: `__slots__` of every kind, valid or not (a `str`, a
//! list, a tuple, a dict with docs, `bytes`, an int, `None`, a float; items
//! that are no strings, no identifiers, `__dict__` and `__weakref__`
//! (perhaps twice), private names, duplicates), and class attributes of
//! every kind of value, some named as a slot (declared or mangled) or as a
//! base's slot, some `__qualname__` or `__classcell__`. A class whose
//! creation fails is not added; its exception and message are compared. A
//! class that is made prints the names of its MRO and bases (compared with
//! `__mro__` and `__bases__`), its own slots, whether its instances have a
//! `__dict__` and weak references (`__dictoffset__`, `__weakrefoffset__`),
//! and a few class attribute lookups (`getattr(cls, name)`: a value, or a
//! slot's member descriptor and its doc).
//!
//! Then random steps run on fresh instances of the classes made, each a
//! `PyObject` or an owned `Instance`: the shared harness's operations
//! (`differential::Op`, as `fuzz_differential` runs them: getattr, setattr with
//! values of every kind, delattr, hasattr, `dir`, `vars`, on slots, class
//! attributes, dict entries, `__dict__`, `__slots__`, `__weakref__` and
//! missing names, and a weak reference to a fresh instance), plus reads,
//! writes and deletions through a made class's member descriptor (by
//! index; on an instance of another class, CPython's `TypeError`),
//! `__getstate__()`, and `copy.copy` / `copy.deepcopy` (the copy's state).
//! Every line is compared; after every failed write the object must be as
//! it was. Where an owned instance embeds a diamond's class (`DTop` and
//! the classes over it, `tests/shapes`) and `a` and `t` are `DTop`'s slots
//! by name, after every step its typed paths (`AsRef<DTop>` and the
//! accessor, `DTop`'s member) are compared with `getattr` by name, and a
//! write through them is read back by name (and undone). On a mismatch the test prints the hierarchy as a Python program
//! that reproduces it, pyslots' line beside each statement.
//!
//! Behaviour behind names (issue 23): two compile-time shapes have a
//! `#[methods]` block (`Behave`: properties read-write with a deleter,
//! read-only and write-only, a method with an optional parameter, a static
//! method; `Hooked`: a regular class with a method, a property and
//! `__getattr__`), hierarchies build on them, and on an instance of a
//! class over them the steps also use their names and call methods
//! (`call_method`, `PyObject::call_method`) with random arguments and
//! keywords. `random_hierarchies_with_methods_match_cpython` builds on
//! them alone, so that at least 10,000 runs exercise them.
//!
//! Everything runs in one `python3` process. The run is repeatable (fixed
//! seed). More, or another seed:
//!
//! ```sh
//! PYSLOTS_TYPE_FUZZ_HIERARCHIES=200000 PYSLOTS_TYPE_FUZZ_SEED=7 \
//!     cargo test --release --test type_fuzz -- --nocapture
//! ```
//!
//! It prints `H hierarchies: N classes, M operations, K mismatches`: the
//! classes are every class a hierarchy tried to make (how many were
//! refused follows), the operations the class attribute lookups and
//! instance steps.
//!
//! What is left out, and why:
//!
//! - steps on an instance of a class over a `#[methods]` shape that its
//!   instances do not store (`Hooked` beside a class with slots, which
//!   CPython lays the instance out over): a Rust method runs on its own
//!   class's struct, and such an instance holds none (`TypeError:
//!   descriptor 'n' for 'Hooked' objects doesn't apply to a 'D' object`);
//!   see `methods_reachable`;
//! - a property's or method's name looked up on a class over a
//!   `#[methods]` shape (`getattr(C, 'v')`, a member descriptor of that
//!   name): `Type`'s attribute lookup answers slots and class attributes
//!   only, and a property or method that CPython finds before a later
//!   base's slot of the same name (`Hooked.n` before `SlotDict`'s `n`) is
//!   not modelled (an instance over both never stores `Hooked`, above);
//! - `getattr` of a method: its repr (a bound method's) has an address;
//!   the method is called instead, with random arguments and keywords
//!   (never the same keyword twice: CPython's message for that names the
//!   module);
//! - a wrong-typed value for a compile-time class's typed slot (CPython's
//!   classes have no typed slots): such a slot gets values of its type;
//! - the dunders every Python class has (`__doc__`, `__module__`, methods
//!   such as `__init__`), which pyslots does not model: no step reads them
//!   and no namespace gives them a meaning (`__init_subclass__`, `__new__`
//!   and the like); `dir()` is compared without the dunders nobody gave
//!   (the shared runner's `_dir`, with `_given` below), as `Object::dir`
//!   documents;
//! - a class attribute named `__dict__` or `__weakref__`: in CPython it
//!   takes the place of the instance's `__dict__`/`__weakref__` descriptor
//!   (`vars(obj)` returns it, `obj.__dict__ = 1` stores a dict entry);
//!   pyslots gives special names no meaning as class attributes (the macro
//!   refuses them, `class_attrs_not_special`) and finds its descriptors
//!   first.

use pyslots_testkit::differential;
mod shapes;

use std::fmt::Write as _;

use pyslots::prelude::*;
use pyslots::PyClass;
use pyslots::{Attr, Instance};
use pyslots_testkit::oracle::py_str;
use pyslots_testkit::rng::{env_or, Rng};
use shapes::{
    random_int, random_str, random_value, shapes, types, Behave, DBottom, DLeft, DRight, DTop, Hooked, Kind,
    PYTHON_CLASSES,
};

type Op = differential::Op<String>;

// ---- what hierarchies are made of --------------------------------------------

/// The compile-time classes a hierarchy may build on: a line of descent
/// (every class in it derives from those before it), a diamond, or
/// unrelated classes (a class over several of them is accepted where
/// CPython accepts it, one solid base among them). The empty list, most
/// often: run-time classes only.
const FAMILIES: &[&[&str]] = &[
    &[],
    &[],
    &[],
    &["Slot", "Child", "GrandChild"],
    &["Slot", "SlotAttrs"],
    &["Reg", "RegChild"],
    &["Reg", "SlotOnReg"],
    &["WithDict", "Both"],
    &["WithWeak", "Both"],
    &["SlotDict"],
    &["SlotWeak"],
    &["Empty"],
    // A diamond, and its sides alone.
    &["DTop", "DLeft", "DRight", "DBottom"],
    &["DLeft", "DRight"],
    // Unrelated classes: CPython accepts those with one solid base among
    // them (`Reg`, `Empty`, `WithWeak` beside any), refuses the others.
    &["Slot", "Reg", "Empty", "WithWeak", "DRight"],
    &["SlotDict", "SlotWeak", "Empty", "Reg", "Child", "DBottom"],
    // Behaviour behind names (`#[methods]`), as in `METHOD_FAMILIES`.
    &["Behave"],
    &["Hooked"],
    &["Behave", "Hooked", "Reg", "Empty"],
    &["Hooked", "Slot", "SlotDict"],
];

/// The families of `random_hierarchies_with_methods_match_cpython`: the
/// `#[methods]` shapes (properties, methods, a static method,
/// `__getattr__`), alone, over others, and one over the other.
const METHOD_FAMILIES: &[&[&str]] = &[
    &["Behave"],
    &["Behave"],
    &["Hooked"],
    &["Hooked"],
    &["Behave", "Hooked", "Reg", "Empty"],
    &["Behave", "WithWeak", "Empty"],
    &["Hooked", "Slot", "SlotDict"],
    &["Hooked", "Reg", "RegChild"],
];

/// The names the `#[methods]` shapes give meaning to (`Behave`'s
/// properties `v`, `ro`, `wo`, method `m`, static method `st`; `Hooked`'s
/// method `n`, property `p`, and names its `__getattr__` answers, `g...`).
/// Every step may use them on an instance of a class over one of those.
const METHOD_NAMES: &[&str] = &["v", "ro", "wo", "m", "st", "n", "p", "gx", "g", "_bv", "_bw"];

/// The callable ones: `getattr` of these is a function or bound method,
/// whose repr (an address) no step compares; they are called instead.
const CALLABLE_NAMES: &[&str] = &["m", "st", "n"];

/// Keyword names a call passes: the parameters' (`a`, `b`, `x`), the
/// receiver's, and one no method has.
const KEYWORDS: &[&str] = &["a", "b", "x", "self", "zz"];

/// Class names: repeated ones (two classes of one name in a message),
/// underscores (mangling strips them; a name of underscores only mangles
/// nothing), a shape's name, names that are no identifiers.
const CLASS_NAMES: &[&str] =
    &["A", "B", "C", "D", "P", "Q", "_P", "__P", "___", "Slot", "Point", "é", "名前", "with space", "", "A.B", "X1"];

/// `__slots__` items that are identifiers: plain, shared with the shapes'
/// slots, private (mangled), dunders (not mangled), keywords (identifiers
/// all the same), non-ASCII, and the two special ones.
const SLOT_NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "x",
    "y",
    "s",
    "u",
    "v",
    "n",
    "w",
    "k",
    "__p",
    "__q",
    "_r",
    "__",
    "__x__",
    "__qualname__",
    "é",
    "名前",
    "class",
    "None",
    "__dict__",
    "__weakref__",
];

/// `__slots__` items that are strings but no identifiers.
const BAD_SLOT_NAMES: &[&str] = &["", "1a", "a b", "a-b", "nul\0", "x.y", "__p.q", "😀", "a\u{300}"];

/// Class attribute names besides the slot names and their mangled forms.
/// `__doc__` and `__module__` are given (every CPython class has them, and
/// `dir()` lists them once given) but never read through an instance: a
/// subclass has its own (`None`, `'__main__'`), which pyslots does not
/// model.
const ATTR_NAMES: &[&str] = &["k", "m", "attr", "other", "__p", "__x__", "__y__", "__doc__", "__module__"];

/// Class attribute names that are slots of other classes (the shapes',
/// `SLOT_NAMES`): in a subclass they hide the slot.
const HIDING_NAMES: &[&str] = &["a", "x", "u", "s", "n", "_r", "é"];

/// Names every instance operation may use besides its class's own.
const OTHER_NAMES: &[&str] = &[
    "zz",
    "other",
    "__dict__",
    "__slots__",
    "__weakref__",
    "",
    "é",
    "nul\0byte",
    "with space",
    "__x__",
    "__private",
    "_P__p",
    "match",
];

/// Python's private-name mangling (`_Py_Mangle`): `__x` in class `P` is
/// `_P__x`. Used to make class attributes that collide with private slots;
/// pyslots and CPython decide whether they do.
fn mangle(class: &str, name: &str) -> String {
    let stripped = class.trim_start_matches('_');
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') || stripped.is_empty() {
        return name.to_owned();
    }
    format!("_{stripped}{name}")
}

// ---- hierarchies ----------------------------------------------------------------

/// A base of a class being made.
#[derive(Clone, Copy, Debug)]
enum Base {
    /// The class made by the `i`th class description of the hierarchy.
    Made(usize),
    /// A compile-time class of `tests/shapes`, by name.
    Compiled(&'static str),
    Object,
}

impl Base {
    fn same(self, other: Base) -> bool {
        match (self, other) {
            (Base::Made(a), Base::Made(b)) => a == b,
            (Base::Compiled(a), Base::Compiled(b)) => a == b,
            (Base::Object, Base::Object) => true,
            _ => false,
        }
    }
}

/// One `type(name, bases, namespace)` call, then lookups on the class.
#[derive(Clone, Debug)]
struct ClassSpec {
    name: String,
    bases: Vec<Base>,
    namespace: Vec<(String, Value)>,
    /// `getattr(cls, name)`, if the class is made.
    lookups: Vec<String>,
}

/// Steps on a fresh instance of the class of description `class`.
#[derive(Clone, Debug)]
struct Run {
    class: usize,
    /// An owned `Instance` (`Instance::new`), not a `PyObject`.
    owned: bool,
    steps: Vec<Step>,
}

/// One step on an instance, one line in each world.
#[derive(Clone, Debug)]
enum Step {
    /// An operation of the shared harness (`differential::Op`).
    Op(Op),
    /// Through the member descriptor `getattr(C, name)` of the class of
    /// description `class` (of the instance's class or another): a slot
    /// read, written or deleted by index, or CPython's `TypeError` for an
    /// instance of a class that does not inherit the slot.
    Member(usize, String, Access),
    /// `obj.__getstate__()`.
    Getstate,
    /// `copy.copy(obj)` (`copy.deepcopy` if true), then the copy's
    /// `__getstate__()`; on a `PyObject` only, which is what pyslots copies.
    Copy(bool),
    /// `getattr(obj, name)(*args, **kwargs)`: `call_method` (on a
    /// `PyObject`, `PyObject::call_method`, the object not borrowed).
    Call(String, Vec<Value>, Vec<(String, Value)>),
}

#[derive(Clone, Debug)]
enum Access {
    Get,
    Set(Value),
    Del,
}

#[derive(Clone, Debug, Default)]
struct Hierarchy {
    classes: Vec<ClassSpec>,
    runs: Vec<Run>,
}

/// The compile-time classes by name.
struct Compiled {
    types: Vec<(&'static str, Type)>,
    /// The typed slots of each, by class name: (slot, kind).
    typed: Vec<(&'static str, Vec<(&'static str, Kind)>)>,
}

impl Compiled {
    fn new() -> Compiled {
        let typed = shapes()
            .into_iter()
            .map(|s| (s.name, s.names.iter().filter_map(|(n, k)| k.map(|k| (*n, k))).collect()))
            .collect();
        Compiled { types: types(), typed }
    }

    fn get(&self, name: &str) -> Type {
        self.types.iter().find(|(n, _)| *n == name).expect("a shape").1.clone()
    }

    /// The type a value for attribute `name` of an instance of `class`
    /// must have: that of a compile-time class's typed slot, if the first
    /// class along the MRO that has `name` as a slot or class attribute is
    /// a compile-time class with a typed slot of that name.
    fn kind(&self, class: Type, name: &str) -> Option<Kind> {
        for t in class.mro() {
            let layout = t.layout();
            if layout.class_attrs().iter().any(|(n, _)| *n == name) {
                return None;
            }
            if layout.slots().contains(&name) {
                let (shape, _) = self.types.iter().find(|(_, c)| *c == t)?;
                let (_, typed) = self.typed.iter().find(|(n, _)| n == shape)?;
                return typed.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
            }
        }
        None
    }
}

fn random_slot_item(rng: &mut Rng) -> Value {
    match rng.below(100) {
        0 => Value::Int(rng.below(3) as i64),
        1 => Value::None,
        2 => rng.pick(&[Value::Float(1.5), Value::bytes(b"x"), Value::tuple(["x"])]).clone(),
        3..=5 => Value::from(*rng.pick(BAD_SLOT_NAMES)),
        _ => Value::from(*rng.pick(SLOT_NAMES)),
    }
}

/// A `__slots__` value: mostly a list or tuple of identifiers, sometimes
/// anything `type_new` must refuse.
fn random_slots(rng: &mut Rng) -> Value {
    let len = rng.below(5);
    let items = |rng: &mut Rng| (0..len).map(|_| random_slot_item(rng)).collect::<Vec<Value>>();
    match rng.below(100) {
        0..=9 => Value::from(*rng.pick(SLOT_NAMES)),
        10..=54 => Value::list(items(rng)),
        55..=84 => Value::tuple(items(rng)),
        85..=91 => {
            // Dict form: the keys are the slots, a str value their doc.
            let mut d = Dict::new();
            for _ in 0..len {
                let doc = match rng.below(3) {
                    0 => Value::from(random_str(rng)),
                    1 => Value::None,
                    _ => Value::from(format!("doc {}", rng.below(10))),
                };
                d.insert(*rng.pick(SLOT_NAMES), doc);
            }
            Value::from(d)
        }
        92..=93 => Value::bytes(if rng.chance(50) { b"" } else { b"ab" }),
        94 => Value::Int(random_int(rng)),
        95 => Value::None,
        96 => Value::Float(2.5),
        _ => {
            let special = *rng.pick(&["__dict__", "__weakref__"]);
            Value::list([special, *rng.pick(SLOT_NAMES), special])
        }
    }
}

/// The names a `__slots__` value declares, as far as they are strings.
fn declared_names(slots: &Value) -> Vec<String> {
    let items: Vec<Value> = match slots {
        Value::Str(s) => return vec![s.as_str().to_owned()],
        Value::List(l) => l.to_vec(),
        Value::Tuple(t) => t.as_slice().to_vec(),
        Value::Dict(d) => return d.keys().iter().map(|k| k.as_str().to_owned()).collect(),
        _ => Vec::new(),
    };
    items
        .iter()
        .filter_map(|v| match v {
            Value::Str(s) => Some(s.as_str().to_owned()),
            _ => None,
        })
        .collect()
}

fn random_class(rng: &mut Rng, made: &[(usize, Type)], family: &[&'static str]) -> ClassSpec {
    let name = if rng.chance(1) { "a\0b".to_owned() } else { (*rng.pick(CLASS_NAMES)).to_owned() };
    // Four now and then: it takes four (`(A, B, B, A)`) for the duplicate
    // CPython names to differ from the first repeat.
    let count = match rng.below(40) {
        0..=9 => 0,
        10..=27 => 1,
        28..=35 => 2,
        36..=38 => 3,
        _ => 4,
    };
    let count = if made.is_empty() && family.is_empty() { count.min(rng.below(2)) } else { count };
    let mut bases: Vec<Base> = Vec::new();
    while bases.len() < count {
        let base = if made.is_empty() && family.is_empty() || rng.chance(8) {
            Base::Object
        } else if family.is_empty() || !made.is_empty() && rng.chance(65) {
            Base::Made(rng.pick(made).0)
        } else {
            Base::Compiled(family[rng.below(family.len())])
        };
        // A duplicate base, sometimes; another draw, most of the time.
        if !bases.iter().any(|b| b.same(base)) || rng.chance(8) {
            bases.push(base);
        }
    }

    let mut namespace: Vec<(String, Value)> = Vec::new();
    let mut declared = Vec::new();
    if rng.below(5) > 0 {
        let slots = random_slots(rng);
        declared = declared_names(&slots);
        namespace.push(("__slots__".to_owned(), slots));
    }
    for _ in 0..rng.below(4) {
        let (key, value) = match rng.below(20) {
            // A slot's name, as declared or mangled: a conflict, or not.
            0 if !declared.is_empty() => (rng.pick(&declared).clone(), random_value(rng, None)),
            1 if !declared.is_empty() => (mangle(&name, &rng.pick(&declared)[..]), random_value(rng, None)),
            2..=3 => ((*rng.pick(HIDING_NAMES)).to_owned(), random_value(rng, None)),
            4 => {
                let value = if rng.chance(85) { Value::from(*rng.pick(CLASS_NAMES)) } else { Value::Int(3) };
                ("__qualname__".to_owned(), value)
            }
            5 if rng.chance(10) => ("__classcell__".to_owned(), Value::None),
            _ => ((*rng.pick(ATTR_NAMES)).to_owned(), random_value(rng, None)),
        };
        // See the module doc: no class attribute named `__dict__` or
        // `__weakref__`.
        if !namespace.iter().any(|(k, _)| *k == key) && key != "__dict__" && key != "__weakref__" {
            namespace.push((key, value));
        }
    }
    if rng.chance(30) {
        rng.shuffle(&mut namespace);
    }
    ClassSpec { name, bases, namespace, lookups: Vec::new() }
}

/// Names to look up on a made class: its slots, its class attributes and
/// missing names; no dunder CPython's `type` answers itself.
fn random_lookups(rng: &mut Rng, spec: &ClassSpec, t: Type) -> Vec<String> {
    let mut pool: Vec<String> = t.layout().all_slots().iter().map(|s| (*s).to_owned()).collect();
    pool.extend(t.layout().all_class_attrs().iter().map(|(n, _)| (*n).to_owned()));
    pool.extend(spec.namespace.iter().map(|(k, _)| k.clone()));
    pool.extend(["zz", "__slots__", "__x__", "k"].map(str::to_owned));
    pool.retain(|n| !is_type_dunder(n));
    // A class's property or method (`getattr(C, 'v')`) is an object pyslots
    // does not model (`Type::getattr` answers slots and class attributes);
    // see the module doc.
    if t.layout().has_methods() {
        pool.retain(|n| !METHOD_NAMES.contains(&n.as_str()));
    }
    (0..rng.below(3)).map(|_| rng.pick(&pool).clone()).collect()
}

/// Dunders CPython's classes answer from `type` or `object` whatever the
/// namespace says (`__dict__`, `__doc__`, ...): left out of lookups.
fn is_type_dunder(name: &str) -> bool {
    name.starts_with("__") && name.ends_with("__") && !matches!(name, "__slots__" | "__x__" | "__y__")
}

/// Steps on an instance of `t`, the class of description `class`.
fn random_steps(
    rng: &mut Rng,
    (class, t): (usize, Type),
    owned: bool,
    made: &[(usize, Type)],
    h: &Hierarchy,
    compiled: &Compiled,
) -> Vec<Step> {
    let mut pool: Vec<String> = t.layout().all_slots().iter().map(|s| (*s).to_owned()).collect();
    pool.extend(t.layout().all_class_attrs().iter().map(|(n, _)| (*n).to_owned()));
    for spec in &h.classes {
        pool.extend(spec.namespace.iter().map(|(k, _)| k.clone()));
        if let Some((_, slots)) = spec.namespace.iter().find(|(k, _)| k == "__slots__") {
            pool.extend(declared_names(slots));
        }
    }
    // Dunders every CPython class has, which pyslots does not model.
    pool.retain(|n| n != "__doc__" && n != "__module__");
    let behaves = t.layout().has_methods();
    if behaves {
        pool.extend(METHOD_NAMES.iter().map(|n| (*n).to_owned()));
        pool.extend(METHOD_NAMES.iter().map(|n| (*n).to_owned()));
    }
    let len = 1 + rng.below(24);
    (0..len)
        .map(|_| {
            let name = if !pool.is_empty() && rng.below(3) > 0 {
                rng.pick(&pool).clone()
            } else {
                (*rng.pick(OTHER_NAMES)).to_owned()
            };
            match rng.below(if behaves { 28 } else { 24 }) {
                24.. => {
                    let name = if rng.chance(80) { (*rng.pick(CALLABLE_NAMES)).to_owned() } else { name };
                    let args = (0..rng.below(4)).map(|_| random_value(rng, None)).collect();
                    let kwargs = match rng.below(4) {
                        0 => vec![((*rng.pick(KEYWORDS)).to_owned(), random_value(rng, None))],
                        // Two distinct keywords (a repeated one is the caller's
                        // error in CPython, with a message that names the
                        // module: `__main__.P.m() got multiple values for
                        // keyword argument 'a'`).
                        1 => {
                            let first = *rng.pick(KEYWORDS);
                            let second = KEYWORDS.iter().find(|k| **k != first && rng.chance(50)).unwrap_or(&"zz");
                            let second = if *second == first { "b" } else { *second };
                            vec![
                                (first.to_owned(), random_value(rng, None)),
                                (second.to_owned(), random_value(rng, None)),
                            ]
                        }
                        _ => Vec::new(),
                    };
                    Step::Call(name, args, kwargs)
                }
                // A callable's `getattr` is its repr, with an address: no
                // step compares it (its `hasattr` instead).
                0..=5 if behaves && CALLABLE_NAMES.contains(&name.as_str()) => Step::Op(Op::Has(name)),
                0..=5 => Step::Op(Op::Get(name)),
                6..=11 => {
                    // `__dict__` is replaced by a dict, most of the time.
                    let value = if name == "__dict__" && rng.below(3) > 0 {
                        let mut d = Dict::new();
                        d.insert("k", random_int(rng));
                        Value::from(d)
                    } else {
                        random_value(rng, compiled.kind(t.clone(), &name))
                    };
                    Step::Op(Op::Set(name, value))
                }
                12..=14 => Step::Op(Op::Del(name)),
                15..=16 => Step::Op(Op::Has(name)),
                17 => Step::Op(Op::Dir),
                18 => Step::Op(Op::Vars),
                19 => Step::Op(Op::Weakref),
                20 if owned || rng.chance(50) => Step::Getstate,
                20 => Step::Copy(rng.chance(50)),
                _ => {
                    // A slot of this class or another made one, through
                    // that class's descriptor.
                    let (class, c) = if rng.chance(70) { (class, t.clone()) } else { rng.pick(made).clone() };
                    let mut slots = c.layout().all_slots();
                    slots.retain(|n| !is_type_dunder(n));
                    // The member of a slot that a base's method hides in
                    // CPython (see the module doc).
                    if c.layout().has_methods() {
                        slots.retain(|n| !METHOD_NAMES.contains(n));
                    }
                    let name = match slots.is_empty() {
                        true if is_type_dunder(&name)
                            || c.layout().has_methods() && METHOD_NAMES.contains(&name.as_str()) =>
                        {
                            "zz".to_owned()
                        }
                        true => name,
                        false => (*rng.pick(&slots)).to_owned(),
                    };
                    let access = match rng.below(3) {
                        0 => Access::Get,
                        1 => Access::Set(random_value(rng, compiled.kind(c.clone(), &name))),
                        _ => Access::Del,
                    };
                    Step::Member(class, name, access)
                }
            }
        })
        .collect()
}

// ---- pyslots ----------------------------------------------------------------------

/// One printed line, escaped as the Python side escapes it: a message may
/// span lines (the MRO error's does).
fn esc(line: &str) -> String {
    line.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r")
}

fn err_line(e: &Error) -> String {
    format!("{}: {e}", e.exception())
}

/// `type(name, bases, namespace)` in pyslots.
fn make_class(spec: &ClassSpec, made: &[Option<Type>], compiled: &Compiled) -> Result<Type, Error> {
    let bases: Vec<Type> = spec
        .bases
        .iter()
        .map(|b| match *b {
            Base::Made(i) => made[i].clone().expect("bases are made classes"),
            Base::Compiled(name) => compiled.get(name),
            Base::Object => Type::object(),
        })
        .collect();
    let mut ns = Dict::new();
    for (k, v) in &spec.namespace {
        ns.insert(k.as_str(), v.clone());
    }
    Type::new(&spec.name, &bases, ns)
}

/// What a made class prints: the names of its MRO and its bases, its own
/// slots (sorted, once each: CPython sorts them), whether its instances
/// have a `__dict__` and weak references.
fn class_line(t: Type) -> Value {
    let names = |types: Vec<Type>| Value::list(types.iter().map(Type::name).collect::<Vec<_>>());
    let mut own: Vec<&str> = t.layout().slots();
    own.sort_unstable();
    own.dedup();
    let layout = t.layout();
    Value::tuple([
        names(t.mro()),
        names(t.bases()),
        Value::list(own),
        layout.has_dict().into(),
        layout.has_weakref().into(),
    ])
}

/// `getattr(cls, name)`: a value, or a slot's member descriptor and its doc
/// (which CPython's `inspect.getdoc` shows, not the member's `__doc__`).
fn lookup_line(t: Type, name: &str) -> String {
    match t.attr(name) {
        Ok(Attr::Value(v)) => format!("ok {v}"),
        Ok(Attr::Member(m)) => {
            let doc = m.doc().map_or(Value::None, Value::from);
            format!("ok {}", Value::tuple([Value::from("member"), Value::from(m.to_string()), doc]))
        }
        Err(e) => err_line(&e),
    }
}

/// A hierarchy made in pyslots, with the lines it printed.
#[derive(Default)]
struct Made {
    hierarchy: Hierarchy,
    /// The class of each description, if it was made.
    types: Vec<Option<Type>>,
    lines: Vec<String>,
}

impl Made {
    /// Makes the class `spec` describes, recording its line, then the
    /// lookups `lookups` picks once it is made, and their lines.
    fn add_class(
        &mut self,
        mut spec: ClassSpec,
        compiled: &Compiled,
        lookups: impl FnOnce(&ClassSpec, Type) -> Vec<String>,
    ) -> Option<Type> {
        let made = make_class(&spec, &self.types, compiled);
        match &made {
            Ok(t) => {
                self.lines.push(esc(&format!("ok {}", class_line(t.clone()))));
                spec.lookups = lookups(&spec, t.clone());
                self.lines.extend(spec.lookups.iter().map(|n| esc(&lookup_line(t.clone(), n))));
            }
            Err(e) => {
                spec.lookups.clear();
                self.lines.push(esc(&err_line(e)));
            }
        }
        self.types.push(made.as_ref().ok().cloned());
        self.hierarchy.classes.push(spec);
        made.ok()
    }
}

/// Draws a hierarchy, making its classes in pyslots as it goes (the bases
/// of a class are classes already made), then its instance runs.
fn random_hierarchy(rng: &mut Rng, compiled: &Compiled, families: &[&'static [&'static str]]) -> Made {
    let family = *rng.pick(families);
    let mut out = Made::default();
    let mut made: Vec<(usize, Type)> = Vec::new();
    for i in 0..1 + rng.below(6) {
        let spec = random_class(rng, &made, family);
        if let Some(t) = out.add_class(spec, compiled, |spec, t| random_lookups(rng, spec, t)) {
            made.push((i, t));
        }
    }
    // Instances only of classes whose `#[methods]` bases are embedded
    // (see the module doc).
    // Over the `#[methods]` shapes, instances of classes over them only.
    let methods_only = std::ptr::eq(families, METHOD_FAMILIES);
    let runnable: Vec<(usize, Type)> = made
        .iter()
        .filter(|(_, t)| methods_reachable(t) && (!methods_only || t.layout().has_methods()))
        .cloned()
        .collect();
    if !runnable.is_empty() {
        // Over the `#[methods]` shapes, a run or more each time.
        let runs = if methods_only { 1 + rng.below(4) } else { rng.below(4) };
        for _ in 0..runs {
            let (class, t) = rng.pick(&runnable).clone();
            let owned = rng.chance(30);
            let steps = random_steps(rng, (class, t), owned, &made, &out.hierarchy, compiled);
            out.hierarchy.runs.push(Run { class, owned, steps });
        }
    }
    out
}

/// Whether an instance of `t` holds the Rust instance of every `#[methods]`
/// shape along its MRO: a base's method runs on the base's struct, which
/// an instance stores only along its line of stored bases (CPython's
/// `__base__` chain); a base off that line (`Hooked` beside a class with
/// slots) stores nothing, and its methods cannot run (`TypeError:
/// descriptor 'n' for 'Hooked' objects doesn't apply to a 'D' object`).
fn methods_reachable(t: &Type) -> bool {
    let mro = t.mro();
    let Ok(instance) = Instance::new(t) else { return false };
    (!mro.contains(&Type::of::<Behave>()) || instance.base_as::<Behave>().is_some())
        && (!mro.contains(&Type::of::<Hooked>()) || instance.base_as::<Hooked>().is_some())
}

/// Runs the hierarchy's instance steps in pyslots; returns their lines,
/// and reports failed writes that changed the object.
fn run_rust(made: &Made, partial_writes: &mut Vec<String>) -> Vec<String> {
    let mut lines = Vec::new();
    for run in &made.hierarchy.runs {
        let t = made.types[run.class].clone().expect("runs are on made classes");
        let weak = || {
            let strong = t.instantiate().unwrap();
            let weak = strong.try_downgrade()?;
            drop(strong);
            // Another test thread's collection may hold it a moment.
            assert!(pyslots_testkit::soon(|| weak.upgrade().is_none()), "the only strong handle is gone");
            Ok(())
        };
        if t.layout().has_methods() {
            METHOD_RUNS.set(METHOD_RUNS.get() + 1);
        }
        let mut owned = run.owned.then(|| Instance::new(&t).expect("a class made at run time"));
        let shared = t.instantiate().unwrap();
        for step in &run.steps {
            if let Step::Copy(deep) = step {
                lines.push(esc(&copy_line(&shared, *deep)));
                continue;
            }
            if let Step::Call(name, args, kwargs) = step {
                CALLS.set(CALLS.get() + 1);
                let kwargs: Vec<(&str, Value)> = kwargs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                let result = match &mut owned {
                    Some(instance) => pyslots::call_method(instance, name, args, &kwargs),
                    None => shared.call_method(name, args, &kwargs),
                };
                lines.push(esc(&differential::line(result)));
                if let Some(instance) = &mut owned {
                    typed_check(&t, instance, partial_writes);
                }
                continue;
            }
            let mut guard;
            let obj: &mut dyn Object = match &mut owned {
                Some(instance) => instance,
                None => {
                    guard = shared.write();
                    &mut *guard
                }
            };
            let line = match step {
                Step::Op(op) => {
                    differential::run_rust(t.name(), obj, weak, std::slice::from_ref(op), partial_writes).remove(0)
                }
                Step::Member(class, name, access) => {
                    let class = made.types[*class].clone().expect("members of made classes");
                    member_line(class, name, access, obj, partial_writes)
                }
                Step::Getstate => format!("ok {}", pyslots::getstate(obj)),
                Step::Copy(_) | Step::Call(..) => unreachable!("done above"),
            };
            lines.push(esc(&line));
            if let Some(instance) = &mut owned {
                typed_check(&t, instance, partial_writes);
            }
        }
    }
    lines
}

// How many runs (sequences of steps on one instance) were on an instance
// of a class over a `#[methods]` shape, and how many calls they made. Per
// thread: the tests run at once, each on its own thread.
thread_local! {
    static METHOD_RUNS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many typed-path checks ran (see [`typed_check`]).
static TYPED_CHECKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The embedded diamond class's `DTop`, if the instance embeds one.
fn embedded_top(obj: &mut Instance) -> Option<&mut DTop> {
    if obj.base_as::<DBottom>().is_some() {
        return obj.base_as_mut::<DBottom>().map(|b| b.as_mut());
    }
    if obj.base_as::<DLeft>().is_some() {
        return obj.base_as_mut::<DLeft>().map(|b| b.as_mut());
    }
    if obj.base_as::<DRight>().is_some() {
        return obj.base_as_mut::<DRight>().map(|b| b.as_mut());
    }
    obj.base_as_mut::<DTop>()
}

/// Where `class`'s `a` and `t` are `DTop`'s slots by name and its instance
/// embeds a diamond's class: the typed paths read what `getattr` reads,
/// and a write through them is what `getattr` reads next (then undone).
/// A difference goes to `problems`.
fn typed_check(class: &Type, obj: &mut Instance, problems: &mut Vec<String>) {
    let owned_by_top = |name| matches!(class.attr(name), Ok(Attr::Member(m)) if m.owner().name() == "DTop");
    if !owned_by_top("a") || !owned_by_top("t") || embedded_top(obj).is_none() {
        return;
    }
    TYPED_CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let by_name = |obj: &Instance, name: &str| obj.getattr(name).ok();
    let (a, t) = (by_name(obj, "a"), by_name(obj, "t"));
    let top = embedded_top(obj).expect("checked above");
    let typed_a = top.a().ok().map(|v| Value::Int(*v));
    let member_t = DTop::member("t").expect("t is a slot").get(top).ok();
    if typed_a != a || member_t != t {
        problems.push(format!("{class}: typed a {typed_a:?} t {member_t:?}, by name a {a:?} t {t:?}"));
        return;
    }
    top.set_a(424242);
    DTop::member("t").expect("t is a slot").set(top, "typed").expect("an untyped slot");
    let (a2, t2) = (by_name(obj, "a"), by_name(obj, "t"));
    if a2 != Some(Value::Int(424242)) || t2 != Some(Value::from("typed")) {
        problems.push(format!("{class}: wrote a and t through typed paths, by name a {a2:?} t {t2:?}"));
    }
    let top = embedded_top(obj).expect("checked above");
    match a {
        Some(Value::Int(v)) => top.set_a(v),
        _ => drop(DTop::member("a").expect("a is a slot").delete(top)),
    }
    match t {
        Some(v) => DTop::member("t").expect("t is a slot").set(top, v).expect("an untyped slot"),
        None => drop(DTop::member("t").expect("t is a slot").delete(top)),
    }
}

/// `copy.copy(obj)` or `copy.deepcopy(obj)`, then the copy's state.
fn copy_line(obj: &PyObject, deep: bool) -> String {
    let original = Value::from(obj.clone());
    let copied = if deep { pyslots::deepcopy(&original) } else { pyslots::copy(&original) };
    match copied {
        Ok(Value::Object(copy)) => format!("ok {}", pyslots::getstate(&*copy.read())),
        Ok(other) => panic!("a copy of an object is an object, not {other}"),
        Err(e) => err_line(&e),
    }
}

/// A slot through `class`'s member descriptor `name`, if it is one.
fn member_line(
    class: Type,
    name: &str,
    access: &Access,
    obj: &mut dyn Object,
    partial_writes: &mut Vec<String>,
) -> String {
    let Ok(Attr::Member(member)) = class.attr(name) else {
        return "not a member".to_owned();
    };
    let before = format!("{obj:?}");
    let result = match access {
        Access::Get => return differential::line(member.get_dyn(obj)),
        Access::Set(v) => member.set_dyn(obj, v.clone()),
        Access::Del => member.delete_dyn(obj),
    };
    if result.is_err() && format!("{obj:?}") != before {
        partial_writes.push(format!("{member} {access:?} failed but changed\n  {before}\n  {obj:?}"));
    }
    differential::done(result)
}

// ---- CPython ------------------------------------------------------------------------

/// `_hierarchy(classes, runs)`: makes the classes in order, printing each
/// one's line (`_class_line`, or its exception) and its lookups, then runs
/// each run's steps on a fresh instance (`_step`: the shared runner's
/// `_op`, a member descriptor, `__getstate__`), one escaped line each; then
/// closes the group. It comes after the shared runner, whose `_dir` calls
/// the `_given` defined here.
const TYPE_RUNNER: &str = r#"
import copy

_GIVEN = {}

def _given(cls):
    out = set()
    for k in cls.__mro__:
        out |= _GIVEN.get(k, set())
    return out

def _esc(line):
    return line.replace('\\', '\\\\').replace('\n', '\\n').replace('\r', '\\r')

def _base(b, made):
    if type(b) is int:
        return made[b]
    return object if b == 'object' else globals()[b]

def _new_class(name, bases, ns, made):
    c = type(name, tuple(_base(b, made) for b in bases), ns)
    # What the namespace gave the class, not what type() adds.
    _GIVEN[c] = set(c.__dict__) - ({'__module__', '__doc__', '__dict__', '__weakref__'} - set(ns))
    return c

def _mangle(cls, name):
    stripped = cls.lstrip('_')
    if not name.startswith('__') or name.endswith('__') or '.' in name or not stripped:
        return name
    return '_' + stripped + name

# A member descriptor's doc: the str its class's dict-form __slots__ gives
# it, which inspect.getdoc shows (a member's own __doc__ is None). Unlike
# inspect, a private slot's doc is found under its name as declared.
def _slot_doc(m):
    owner = m.__objclass__
    slots = owner.__dict__.get('__slots__')
    if not isinstance(slots, dict):
        return None
    docs = [d for k, d in slots.items() if _mangle(owner.__name__, k) == m.__name__]
    return docs[0] if docs and isinstance(docs[0], str) else None

def _class_line(c):
    names = lambda classes: [k.__name__ for k in classes]
    own = {k for k, v in c.__dict__.items() if type(v).__name__ == 'member_descriptor'}
    return (names(c.__mro__), names(c.__bases__), sorted(own), c.__dictoffset__ != 0, c.__weakrefoffset__ != 0)

def _class_attr(c, name):
    v = getattr(c, name)
    if type(v).__name__ == 'member_descriptor':
        return ('member', repr(v), _slot_doc(v))
    return v

def _call(o, name, args, kwargs):
    return getattr(o, name)(*args, **dict(kwargs))

def _hierarchy(classes, runs):
    made = {}
    for i, name, bases, ns, lookups in classes:
        def make():
            made[i] = _new_class(name, bases, ns, made)
            return _class_line(made[i])
        print(_esc(_line(make)))
        if i in made:
            for n in lookups:
                print(_esc(_line(lambda: _class_attr(made[i], n))))
    for i, steps in runs:
        c = made.get(i)
        o = None if c is None else c.__new__(c)
        for s in steps:
            print('(no class)' if c is None else _esc(_step(o, s, made)))
    _end()

def _step(o, s, made):
    if s[0] == 'op':
        return _op(o, s[1])
    if s[0] == 'getstate':
        return _line(lambda: o.__getstate__())
    if s[0] == 'copy':
        return _line(lambda: (copy.deepcopy if s[1] else copy.copy)(o).__getstate__())
    if s[0] == 'call':
        return _line(lambda: _call(o, s[1], s[2], s[3]))
    member = getattr(made.get(s[1]), s[2], None)
    if type(member).__name__ != 'member_descriptor':
        return 'not a member'
    if s[3] == 'get':
        return _line(lambda: member.__get__(o, type(o)))
    if s[3] == 'set':
        return _line(lambda: member.__set__(o, s[4]), False)
    return _line(lambda: member.__delete__(o), False)
"#;

fn python_base(base: Base) -> String {
    match base {
        Base::Made(i) => i.to_string(),
        Base::Compiled(name) => py_str(name),
        Base::Object => py_str("object"),
    }
}

/// A step as the tuple `_step` takes.
fn python_step(step: &Step, names: &mut differential::Names) -> String {
    match step {
        Step::Op(op) => format!("('op', {})", differential::python_op(op, names)),
        Step::Member(class, name, access) => {
            let name = names.of(name);
            match access {
                Access::Get => format!("('member', {class}, {name}, 'get')"),
                Access::Set(v) => format!("('member', {class}, {name}, 'set', {v})"),
                Access::Del => format!("('member', {class}, {name}, 'del')"),
            }
        }
        Step::Getstate => "('getstate',)".to_owned(),
        Step::Copy(deep) => format!("('copy', {})", if *deep { "True" } else { "False" }),
        Step::Call(name, args, kwargs) => {
            let args: Vec<String> = args.iter().map(Value::to_string).collect();
            let kwargs: Vec<String> = kwargs.iter().map(|(k, v)| format!("({}, {v})", names.of(k))).collect();
            format!("('call', {}, [{}], [{}])", names.of(name), args.join(", "), kwargs.join(", "))
        }
    }
}

/// The `_hierarchy(...)` call of a hierarchy.
fn python_call(h: &Hierarchy, names: &mut differential::Names) -> String {
    let classes: Vec<String> = h
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let bases: Vec<String> = c.bases.iter().map(|b| python_base(*b)).collect();
            let ns: Vec<String> = c.namespace.iter().map(|(k, v)| format!("{}: {v}", names.of(k))).collect();
            let lookups: Vec<String> = c.lookups.iter().map(|n| names.of(n)).collect();
            format!(
                "({i}, {}, [{}], {{{}}}, [{}])",
                names.of(&c.name),
                bases.join(", "),
                ns.join(", "),
                lookups.join(", ")
            )
        })
        .collect();
    let runs: Vec<String> = h
        .runs
        .iter()
        .map(|r| {
            let steps: Vec<String> = r.steps.iter().map(|s| python_step(s, names)).collect();
            format!("({}, [{}])", r.class, steps.join(", "))
        })
        .collect();
    format!("_hierarchy([{}], [{}])", classes.join(", "), runs.join(", "))
}

/// Runs every hierarchy in one `python3` process; returns its lines per
/// hierarchy.
fn run_python(hierarchies: &[&Hierarchy]) -> Vec<Vec<String>> {
    let definitions = format!("{PYTHON_CLASSES}\n{TYPE_RUNNER}");
    differential::run_script(&definitions, |names| {
        let mut calls = String::new();
        for h in hierarchies {
            writeln!(calls, "{}", python_call(h, names)).unwrap();
        }
        (calls, hierarchies.len())
    })
}

// ---- reports ------------------------------------------------------------------------

/// The hierarchy as a Python program that reproduces it, each statement
/// annotated with pyslots' line, the first that differs with CPython's too.
fn program(h: &Hierarchy, rust: &[String], python: &[String], first_difference: usize) -> String {
    let mut out = String::from("# dir() is compared without the dunders no namespace gave\nimport copy, weakref\n");
    if h.classes.iter().any(|c| c.bases.iter().any(|b| matches!(b, Base::Compiled(_)))) {
        out.push_str("# the compile-time classes, tests/shapes/mod.rs\n");
        out.push_str(PYTHON_CLASSES.trim_start_matches('\n'));
    }
    out.push_str(
        "\ndef show(f):\n    try:\n        r = f()\n    except Exception as e:\n        \
         return print(f'{type(e).__name__}: {e}')\n    print('ok', repr(r))\n    return r\n\n",
    );
    let mut line = 0;
    let note = |out: &mut String, line: &mut usize, statement: String| {
        let r = rust.get(*line).map_or("(nothing)", String::as_str);
        write!(out, "{statement:<60}  # pyslots: {r}").unwrap();
        if *line == first_difference {
            write!(out, "    <-- CPython: {}", python.get(*line).map_or("(nothing)", String::as_str)).unwrap();
        }
        out.push('\n');
        *line += 1;
    };
    for (i, c) in h.classes.iter().enumerate() {
        let bases: Vec<String> = c
            .bases
            .iter()
            .map(|b| match b {
                Base::Made(j) => format!("C{j}"),
                Base::Compiled(name) => (*name).to_owned(),
                Base::Object => "object".to_owned(),
            })
            .collect();
        let bases = if bases.len() == 1 { format!("({},)", bases[0]) } else { format!("({})", bases.join(", ")) };
        let ns: Vec<String> = c.namespace.iter().map(|(k, v)| format!("{}: {v}", py_str(k))).collect();
        let statement = format!("C{i} = show(lambda: type({}, {bases}, {{{}}}))", py_str(&c.name), ns.join(", "));
        let ok = rust.get(line).is_some_and(|l| l.starts_with("ok"));
        note(&mut out, &mut line, statement);
        if ok {
            for n in &c.lookups {
                note(&mut out, &mut line, format!("show(lambda: getattr(C{i}, {}))", py_str(n)));
            }
        }
    }
    for run in &h.runs {
        let c = run.class;
        out.push_str(&format!("o = C{c}.__new__(C{c})\n"));
        for step in &run.steps {
            let statement = match step {
                Step::Op(Op::Get(n)) => format!("show(lambda: getattr(o, {}))", py_str(n)),
                Step::Op(Op::Set(n, v)) => format!("show(lambda: setattr(o, {}, {v}))", py_str(n)),
                Step::Op(Op::Del(n)) => format!("show(lambda: delattr(o, {}))", py_str(n)),
                Step::Op(Op::Has(n)) => format!("show(lambda: hasattr(o, {}))", py_str(n)),
                Step::Op(Op::Dir) => "show(lambda: sorted(dir(o)))".to_owned(),
                Step::Op(Op::Vars) => "show(lambda: vars(o))".to_owned(),
                Step::Op(Op::Weakref) => format!("show(lambda: weakref.ref(C{c}.__new__(C{c})))"),
                Step::Getstate => "show(lambda: o.__getstate__())".to_owned(),
                Step::Copy(false) => "show(lambda: copy.copy(o).__getstate__())".to_owned(),
                Step::Copy(true) => "show(lambda: copy.deepcopy(o).__getstate__())".to_owned(),
                Step::Call(n, args, kwargs) => {
                    let args: Vec<String> = args.iter().map(Value::to_string).collect();
                    let kwargs: Vec<String> = kwargs.iter().map(|(k, v)| format!("{}: {v}", py_str(k))).collect();
                    format!(
                        "show(lambda: getattr(o, {})(*[{}], **{{{}}}))",
                        py_str(n),
                        args.join(", "),
                        kwargs.join(", ")
                    )
                }
                Step::Member(m, n, access) => {
                    let member = format!("getattr(C{m}, {})", py_str(n));
                    match access {
                        Access::Get => format!("show(lambda: {member}.__get__(o, C{c}))"),
                        Access::Set(v) => format!("show(lambda: {member}.__set__(o, {v}))"),
                        Access::Del => format!("show(lambda: {member}.__delete__(o))"),
                    }
                }
            };
            note(&mut out, &mut line, statement);
        }
    }
    out
}

/// The first line where pyslots and CPython differ, if any.
fn first_difference(rust: &[String], python: &[String]) -> Option<usize> {
    let common = rust.iter().zip(python).position(|(r, p)| r != p);
    common.or((rust.len() != python.len()).then(|| rust.len().min(python.len())))
}

// ---- the fuzzer ---------------------------------------------------------------------

struct Outcome {
    hierarchies: usize,
    classes: usize,
    refused: usize,
    operations: usize,
    mismatches: Vec<String>,
    partial_writes: Vec<String>,
}

fn fuzz(count: usize, seed: u64, families: &[&'static [&'static str]]) -> Outcome {
    let compiled = Compiled::new();
    let mut rng = Rng::new(seed);
    let made: Vec<Made> = (0..count).map(|_| random_hierarchy(&mut rng, &compiled, families)).collect();
    compare(&made, &made.iter().map(|m| &m.hierarchy).collect::<Vec<_>>())
}

/// Runs the hierarchies made in pyslots, and `sent` (the same ones, but
/// for a test that the comparison notices a difference) in CPython, and
/// compares their lines.
fn compare(made: &[Made], sent: &[&Hierarchy]) -> Outcome {
    let python = run_python(sent);
    assert_eq!(python.len(), made.len());
    let mut outcome = Outcome {
        hierarchies: made.len(),
        classes: 0,
        refused: 0,
        operations: 0,
        mismatches: Vec::new(),
        partial_writes: Vec::new(),
    };
    for (m, py) in made.iter().zip(&python) {
        let h = &m.hierarchy;
        outcome.classes += h.classes.len();
        outcome.refused += m.types.iter().filter(|t| t.is_none()).count();
        outcome.operations += h.classes.iter().map(|c| c.lookups.len()).sum::<usize>();
        outcome.operations += h.runs.iter().map(|r| r.steps.len()).sum::<usize>();
        let mut rust = m.lines.clone();
        rust.extend(run_rust(m, &mut outcome.partial_writes));
        if let Some(i) = first_difference(&rust, py) {
            outcome.mismatches.push(format!(
                "line {i}: pyslots {:?}, CPython {:?}\n{}",
                rust.get(i),
                py.get(i),
                program(h, &rust, py, i)
            ));
        }
    }
    outcome
}

#[test]
fn random_hierarchies_match_cpython() {
    let count = env_or("PYSLOTS_TYPE_FUZZ_HIERARCHIES", 10_000usize);
    let seed = env_or("PYSLOTS_TYPE_FUZZ_SEED", 0x7e50_fc1a_u64);
    let outcome = fuzz(count, seed, FAMILIES);
    println!(
        "{} hierarchies: {} classes, {} operations, {} mismatches ({} classes refused; {} typed-path checks; {} runs \
         on classes with #[methods], {} calls; seed {seed})",
        outcome.hierarchies,
        outcome.classes,
        outcome.operations,
        outcome.mismatches.len(),
        outcome.refused,
        TYPED_CHECKS.load(std::sync::atomic::Ordering::Relaxed),
        METHOD_RUNS.get(),
        CALLS.get(),
    );
    // The differing lines of up to 40 hierarchies, then the programs of
    // the first three.
    let heads: Vec<&str> = outcome.mismatches.iter().take(40).map(|m| m.lines().next().unwrap_or("")).collect();
    let shown: Vec<&str> = outcome.mismatches.iter().take(3).map(String::as_str).collect();
    assert!(
        outcome.mismatches.is_empty(),
        "pyslots differs from CPython:\n{}\n\n{}",
        heads.join("\n"),
        shown.join("\n\n")
    );
    assert!(
        outcome.partial_writes.is_empty(),
        "failed calls changed objects:\n{}",
        outcome.partial_writes[..outcome.partial_writes.len().min(10)].join("\n")
    );
    assert!(outcome.hierarchies >= 10_000 || std::env::var_os("PYSLOTS_TYPE_FUZZ_HIERARCHIES").is_some());
    // The generator must make classes and refuse some: both halves count.
    assert!(outcome.refused > 0 && outcome.refused < outcome.classes);
}

/// Issue 23: random hierarchies over the `#[methods]` shapes only, so that
/// at least 10,000 runs (sequences of steps on one instance) mix slots, a
/// dict, class attributes, properties (read-write with a deleter,
/// read-only, write-only), methods with optional parameters, a static
/// method and `__getattr__` with random gets, sets, deletes and calls. More,
/// or another seed: `PYSLOTS_METHODS_FUZZ_HIERARCHIES`,
/// `PYSLOTS_METHODS_FUZZ_SEED`.
#[test]
fn random_hierarchies_with_methods_match_cpython() {
    let count = env_or("PYSLOTS_METHODS_FUZZ_HIERARCHIES", 8_500usize);
    let seed = env_or("PYSLOTS_METHODS_FUZZ_SEED", 0x23_3e7d_u64);
    let outcome = fuzz(count, seed, METHOD_FAMILIES);
    let (runs, calls) = (METHOD_RUNS.get(), CALLS.get());
    println!(
        "{} hierarchies over #[methods] shapes: {} classes, {} operations, {} mismatches; {runs} runs on classes with \
         #[methods], {calls} calls; seed {seed}",
        outcome.hierarchies,
        outcome.classes,
        outcome.operations,
        outcome.mismatches.len(),
    );
    let heads: Vec<&str> = outcome.mismatches.iter().take(40).map(|m| m.lines().next().unwrap_or("")).collect();
    let shown: Vec<&str> = outcome.mismatches.iter().take(3).map(String::as_str).collect();
    assert!(
        outcome.mismatches.is_empty(),
        "pyslots differs from CPython:\n{}\n\n{}",
        heads.join("\n"),
        shown.join("\n\n")
    );
    assert!(
        outcome.partial_writes.is_empty(),
        "failed calls changed objects:\n{}",
        outcome.partial_writes[..outcome.partial_writes.len().min(10)].join("\n")
    );
    if std::env::var_os("PYSLOTS_METHODS_FUZZ_HIERARCHIES").is_none() {
        assert!(runs >= 10_000, "only {runs} runs on classes with #[methods]");
        assert!(calls >= 10_000, "only {calls} calls");
    }
}

/// A class description for the hand-written hierarchies.
fn spec(name: &str, bases: &[Base], namespace: &[(&str, Value)], lookups: &[&str]) -> ClassSpec {
    ClassSpec {
        name: name.to_owned(),
        bases: bases.to_vec(),
        namespace: namespace.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
        lookups: lookups.iter().map(|n| (*n).to_owned()).collect(),
    }
}

/// Makes hand-written hierarchies in pyslots: each class's lookups as
/// written, its runs on the classes that were made.
fn made_by_hand(hierarchies: Vec<(Vec<ClassSpec>, Vec<Run>)>) -> Vec<Made> {
    let compiled = Compiled::new();
    hierarchies
        .into_iter()
        .map(|(classes, runs)| {
            let mut made = Made::default();
            for c in classes {
                made.add_class(c, &compiled, |spec, _| spec.lookups.clone());
            }
            let runs = runs.into_iter().filter(|r| made.types[r.class].is_some());
            made.hierarchy.runs.extend(runs);
            made
        })
        .collect()
}

fn run(class: usize, steps: Vec<Step>) -> Run {
    Run { class, owned: false, steps }
}

fn set(name: &str, value: impl Into<Value>) -> Step {
    Step::Op(Op::Set(name.to_owned(), value.into()))
}

fn del(name: &str) -> Step {
    Step::Op(Op::Del(name.to_owned()))
}

/// What the fuzzer once found, and `type_new`'s rules one by one, each
/// hierarchy written out.
#[test]
fn hand_picked_hierarchies_match_cpython() {
    use Base::{Compiled as Shape, Made as M};
    let slots = |names: &[&str]| Value::list(names.iter().copied());
    let hierarchies = vec![
        // `__slots__` is checked before the name (type_new_init, then
        // type_new_set_attrs).
        (
            vec![
                spec("a\0b", &[], &[("__slots__", Value::Int(1))], &[]),
                spec("a\0b", &[], &[("__slots__", slots(&["x", "x y"]))], &[]),
                spec("a\0b", &[], &[("__qualname__", Value::Int(1))], &[]),
            ],
            vec![],
        ),
        // No value is a cell; the slot of that name is no class variable
        // conflict; the cell is checked before the MRO.
        (
            vec![
                spec("A", &[], &[("__classcell__", Value::None)], &[]),
                spec("A", &[], &[("__slots__", slots(&["__classcell__"])), ("__classcell__", Value::Int(1))], &[]),
                spec("A", &[], &[], &[]),
                spec("B", &[M(2), M(2)], &[("__classcell__", Value::Int(1))], &[]),
                spec("B", &[M(2), M(2)], &[("__qualname__", Value::Int(1))], &[]),
            ],
            vec![],
        ),
        // The `__weakref__` descriptor found first along the MRO is named,
        // not the best base's.
        (
            vec![
                spec("W", &[], &[("__slots__", slots(&["__weakref__"]))], &[]),
                spec("C", &[M(0), Shape("Both")], &[], &[]),
                spec("R", &[], &[], &[]),
                spec("P", &[M(2), Shape("SlotWeak")], &[("__slots__", Value::tuple(Vec::<Value>::new()))], &[]),
            ],
            vec![
                run(1, vec![set("__weakref__", 1), del("__weakref__"), Step::Op(Op::Get("__weakref__".into()))]),
                run(3, vec![set("__weakref__", 1), del("__weakref__"), set("u", 2), Step::Getstate]),
            ],
        ),
        // Mangling: a class variable conflicts under the mangled name; a
        // class named with underscores only mangles nothing; a private
        // slot's doc.
        (
            vec![
                spec("_P", &[], &[("__slots__", slots(&["__x"])), ("_P__x", Value::Int(1))], &[]),
                spec("_P", &[], &[("__slots__", slots(&["__x"])), ("__x", Value::Int(1))], &["_P__x"]),
                spec("___", &[], &[("__slots__", slots(&["__x"])), ("__x", Value::Int(1))], &[]),
                spec("D", &[], &[("__slots__", Value::dict([("__p", "private"), ("q", "doc")]))], &["_D__p", "q"]),
            ],
            vec![run(1, vec![set("_P__x", 2.5), Step::Getstate, Step::Member(1, "_P__x".into(), Access::Get)])],
        ),
        // The MRO, duplicate bases, lay-out conflicts; members applied to
        // instances of other classes.
        (
            vec![
                spec("A", &[], &[], &[]),
                spec("B", &[M(0)], &[], &[]),
                spec("C", &[M(0), M(1)], &[], &[]),
                spec("C", &[M(1), M(0), Base::Object], &[], &[]),
                spec("S1", &[], &[("__slots__", slots(&["a"]))], &["a"]),
                spec("S2", &[], &[("__slots__", slots(&["b"]))], &[]),
                spec("X", &[M(4), M(5)], &[], &[]),
                spec("X", &[M(4), M(1)], &[("a", Value::Int(7))], &["a"]),
                // The first base that occurs again is named, not the first
                // repeat.
                spec("D", &[M(0), M(5), M(5), M(0)], &[], &[]),
            ],
            vec![
                run(5, vec![Step::Member(4, "a".into(), Access::Get), Step::Member(5, "b".into(), Access::Del)]),
                run(7, vec![Step::Op(Op::Get("a".into())), set("a", 1), Step::Member(4, "a".into(), Access::Get)]),
            ],
        ),
    ];
    let made = made_by_hand(hierarchies);
    let outcome = compare(&made, &made.iter().map(|m| &m.hierarchy).collect::<Vec<_>>());
    assert!(outcome.mismatches.is_empty(), "pyslots differs from CPython:\n\n{}", outcome.mismatches.join("\n\n"));
    assert!(outcome.partial_writes.is_empty(), "{:?}", outcome.partial_writes);
    assert!(outcome.refused >= 10 && outcome.operations >= 15);
}

/// A hierarchy that CPython is sent otherwise than pyslots made it must be
/// reported, with the program that shows it.
#[test]
fn the_fuzzer_notices_a_difference() {
    let made = made_by_hand(vec![(
        vec![spec("P", &[], &[("__slots__", Value::list(["x"]))], &["x"])],
        vec![run(0, vec![set("y", 1)])],
    )]);
    let mut other = made[0].hierarchy.clone();
    other.classes[0].namespace.clear();
    let outcome = compare(&made, &[&other]);
    assert_eq!(outcome.mismatches.len(), 1);
    assert!(outcome.mismatches[0].contains("C0 = show(lambda: type('P', (), {'__slots__': ['x']}))"));
}
