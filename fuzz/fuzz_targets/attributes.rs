//! Fuzzes pyslots' run-time API: the input is a sequence of operations
//! (getattr, setattr, delattr, hasattr, dir, vars, writes through the
//! live `__dict__`, weak references, sizes) on a pool of instances of fixed
//! classes covering every shape (typed slots of every kind, untyped,
//! `__dict__`, `__weakref__`, regular, subclasses, multiple bases, two
//! bases with a dict each, mangled and empty slots), with
//! names and values drawn from the input.
//!
//! Checked on every operation: no panic; an error has a known exception
//! type and a message; a failed `setattr`/`delattr` leaves the object's
//! `Debug` and `dir()` exactly as they were; `hasattr` agrees with
//! `getattr`; a successful `setattr` makes the name readable and a
//! successful `delattr` makes it unreadable (except `__dict__`, which
//! `del` empties, and `__slots__`, where the class's shows again, as in
//! CPython); `dir()` is sorted and without
//! duplicates; `vars()` succeeds exactly when the object has a dict;
//! `try_downgrade` succeeds exactly when the layout has `__weakref__`;
//! `getsizeof <= total_sizeof`.
//!
//! Values stored in the objects are plain values or leaf objects that are
//! never operated on, so no reference cycle (which `Arc` cannot collect,
//! and LeakSanitizer would report) is ever built.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pyslots::prelude::*;
use pyslots::{getsizeof, total_sizeof, PyClass, PyStr};

// ---------------------------------------------------------------------------
// The classes.

/// A leaf object, only ever stored as a value.
#[pyclass_like]
#[slots(v)]
pub struct Leaf {
    v: i64,
}

#[pyclass_like]
#[slots(x, name, flag, opt, small, leaf, extra, __weakref__)]
pub struct Typed {
    x: f64,
    name: String,
    flag: bool,
    opt: Option<i64>,
    small: u8,
    leaf: Option<Py<Leaf>>,
}

#[pyclass_like]
#[slots(a, b, c)]
pub struct Untyped;

#[pyclass_like]
#[slots(x, u, __dict__)]
pub struct WithDict {
    x: i64,
}

#[pyclass_like]
#[slots(x, s, __weakref__)]
pub struct WithWeak {
    x: Value,
    s: PyStr,
}

#[pyclass_like]
pub struct Regular {
    name: String,
    age: i64,
}

#[pyclass_like(extends = Typed)]
#[slots(y)]
pub struct Sub {
    y: i32,
}

#[pyclass_like(extends = WithDict)]
pub struct RegularSub {
    z: f32,
}

#[pyclass_like(extends(Untyped, Regular))]
#[slots(m)]
pub struct Multi {
    m: Option<String>,
}

#[pyclass_like]
#[slots(__secret, __dunder__, _Mangled__own)]
pub struct Mangled;

#[pyclass_like]
#[slots()]
pub struct Empty;

/// The remaining slot types: `f32`, an object of any class.
#[pyclass_like]
#[slots(f, obj, __dict__)]
pub struct Misc {
    f: f32,
    obj: PyObject,
}

/// Two bases that both have a dict: `new` merges them into one.
#[pyclass_like(extends(Regular, RegularSub))]
pub struct TwoDicts;

// ---------------------------------------------------------------------------
// Handles: the typed `Py<T>` for weak references, erased for the rest.

trait Handle {
    fn object(&self) -> PyObject;
    /// `Py::try_downgrade`, and whether the weak reference upgrades.
    fn try_weak(&self) -> Result<bool, Error>;
}

impl<T: PyClass> Handle for Py<T> {
    fn object(&self) -> PyObject {
        self.clone().into_object()
    }
    fn try_weak(&self) -> Result<bool, Error> {
        Py::try_downgrade(self).map(|w| w.upgrade().is_some())
    }
}

fn leaf(v: i64) -> Py<Leaf> {
    Py::new(Leaf::new(v))
}

fn fresh(kind: u8, default: bool) -> Box<dyn Handle> {
    macro_rules! make {
        ($t:ty, $new:expr) => {
            if default {
                Box::new(Py::new(<$t>::default()))
            } else {
                Box::new(Py::new($new))
            }
        };
    }
    match kind % 12 {
        0 => make!(Typed, Typed::new(1.5, "Alice".into(), true, None, 7, Some(leaf(1)))),
        1 => make!(Untyped, Untyped::new()),
        2 => make!(WithDict, WithDict::new(3)),
        3 => make!(WithWeak, WithWeak::new(Value::None, PyStr::new("s"))),
        4 => make!(Regular, Regular::new("Bob".into(), 30)),
        5 => make!(Sub, Sub::with_base(Typed::new(0.0, String::new(), false, Some(1), 0, None), -1)),
        6 => make!(RegularSub, RegularSub::with_base(WithDict::new(5), 0.25)),
        7 => make!(Multi, Multi::new(Some("m".into()))),
        8 => make!(Mangled, Mangled::new()),
        9 => make!(Misc, Misc::new(0.5, leaf(2).into_object())),
        10 => make!(TwoDicts, TwoDicts::with_base(RegularSub::with_base(WithDict::new(6), 1.0))),
        _ => make!(Empty, Empty::new()),
    }
}

// ---------------------------------------------------------------------------
// The input.

const KNOWN: &[&str] = &[
    "",
    "\0",
    "x",
    "y",
    "z",
    "name",
    "age",
    "flag",
    "opt",
    "small",
    "leaf",
    "extra",
    "a",
    "b",
    "c",
    "u",
    "s",
    "m",
    "v",
    "__dict__",
    "__weakref__",
    "__slots__",
    "__class__",
    "__init__",
    "__secret",
    "_Mangled__secret",
    "__dunder__",
    "_Mangled__own",
    "__own",
    "é",
    "名前",
    "x\0",
    " x",
    "X",
    "self",
    "type",
    "r#type",
    "🐍",
    "a.b",
    "__pyslots_dict",
    "f",
    "obj",
];

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Raw(String),
    /// A long name: `len` copies of a character.
    Long(char, u16),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Known(i) => KNOWN[usize::from(*i) % KNOWN.len()].to_owned(),
            Name::Raw(s) => s.clone(),
            Name::Long(c, n) => std::iter::repeat_n(*c, usize::from(*n % 4096)).collect(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Val {
    None,
    Bool(bool),
    Int(i64),
    SmallInt(i8),
    Float(f64),
    Str(Name),
    /// A new leaf object.
    Leaf(i64),
    /// An object of a class no typed slot takes.
    Other,
    /// What the last successful `getattr` returned (a `__dict__` or
    /// `__slots__` snapshot, a leaf, ...).
    Last,
    List(Vec<Scalar>),
    Dict(Vec<(Name, Scalar)>),
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    None,
    Int(i64),
    Float(f64),
    Str(Name),
}

impl Scalar {
    fn value(&self) -> Value {
        match self {
            Scalar::None => Value::None,
            Scalar::Int(i) => Value::Int(*i),
            Scalar::Float(f) => Value::Float(*f),
            Scalar::Str(n) => Value::from(n.text()),
        }
    }
}

impl Val {
    fn value(&self, last: &Value) -> Value {
        match self {
            Val::None => Value::None,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::Int(*i),
            Val::SmallInt(i) => Value::Int(i64::from(*i)),
            Val::Float(f) => Value::Float(*f),
            Val::Str(n) => Value::from(n.text()),
            Val::Leaf(v) => Value::from(leaf(*v)),
            Val::Other => Value::from(Py::new(Empty::new())),
            Val::Last => last.clone(),
            Val::List(items) => Value::from(items.iter().map(Scalar::value).collect::<Vec<_>>()),
            Val::Dict(items) => {
                let mut d = Dict::new();
                for (k, v) in items {
                    d.insert(k.text(), v.value());
                }
                Value::from(d)
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Get {
        obj: u8,
        name: Name,
    },
    Set {
        obj: u8,
        name: Name,
        value: Val,
    },
    Del {
        obj: u8,
        name: Name,
    },
    Has {
        obj: u8,
        name: Name,
    },
    Dir {
        obj: u8,
    },
    Vars {
        obj: u8,
    },
    /// A write straight into the instance dict, as `obj.__dict__[k] = v`.
    DictInsert {
        obj: u8,
        name: Name,
        value: Val,
    },
    DictRemove {
        obj: u8,
        name: Name,
    },
    Weak {
        obj: u8,
    },
    Sizes {
        obj: u8,
    },
    /// Replaces an object by a fresh instance (`new`, or `Default`: every
    /// slot unset).
    Replace {
        obj: u8,
        kind: u8,
        default: bool,
    },
    /// Another handle to the same object, dropped at once.
    CloneHandle {
        obj: u8,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    kinds: Vec<(u8, bool)>,
    ops: Vec<Op>,
}

// ---------------------------------------------------------------------------
// The checks.

fn check_error(e: &Error) {
    let exception = e.exception();
    assert!(
        matches!(exception, "AttributeError" | "TypeError" | "OverflowError" | "ValueError"),
        "unexpected exception type {exception}: {e}"
    );
    let _ = e.to_string();
}

fn snapshot(obj: &dyn Object) -> (String, Vec<String>) {
    (format!("{obj:?}"), dir(obj))
}

fn run(input: &Input) {
    let mut pool: Vec<Box<dyn Handle>> = input.kinds.iter().take(8).map(|&(k, d)| fresh(k, d)).collect();
    if pool.is_empty() {
        pool = (0..12).map(|k| fresh(k, false)).collect();
    }
    let n = pool.len();
    let mut last = Value::None;
    for op in input.ops.iter().take(256) {
        match op {
            Op::Get { obj, name } => {
                let o = pool[usize::from(*obj) % n].object();
                let guard = o.read();
                let name = name.text();
                let got = getattr(&*guard, &name);
                assert_eq!(hasattr(&*guard, &name), got.is_ok(), "hasattr disagrees with getattr on {name:?}");
                match got {
                    Ok(v) => {
                        let _ = (v.to_string(), v.type_name(), v.heap_size());
                        last = v;
                    }
                    Err(e) => check_error(&e),
                }
            }
            Op::Set { obj, name, value } => {
                let o = pool[usize::from(*obj) % n].object();
                let mut guard = o.write();
                let name = name.text();
                let before = snapshot(&*guard);
                match setattr(&mut *guard, &name, value.value(&last)) {
                    Ok(()) => {
                        assert!(hasattr(&*guard, &name), "setattr of {name:?} succeeded, but it reads as absent");
                    }
                    Err(e) => {
                        check_error(&e);
                        assert_eq!(snapshot(&*guard), before, "a failed setattr of {name:?} changed the object: {e}");
                    }
                }
            }
            Op::Del { obj, name } => {
                let o = pool[usize::from(*obj) % n].object();
                let mut guard = o.write();
                let name = name.text();
                let before = snapshot(&*guard);
                match delattr(&mut *guard, &name) {
                    // `del obj.__dict__` empties the dict, which stays
                    // readable (CPython makes a new empty one on access).
                    Ok(()) if name == "__dict__" => {
                        assert_eq!(guard.dict().map(|d| d.len()), Some(0), "del obj.__dict__ left entries");
                    }
                    // An instance's `__slots__` entry (in its dict) may hide
                    // the class's, which reads again once it is deleted.
                    Ok(()) if name == "__slots__" => {}
                    Ok(()) => {
                        assert!(!hasattr(&*guard, &name), "delattr of {name:?} succeeded, but it still reads");
                    }
                    Err(e) => {
                        check_error(&e);
                        assert_eq!(snapshot(&*guard), before, "a failed delattr of {name:?} changed the object: {e}");
                    }
                }
            }
            Op::Has { obj, name } => {
                let o = pool[usize::from(*obj) % n].object();
                let guard = o.read();
                let _ = hasattr(&*guard, &name.text());
            }
            Op::Dir { obj } => {
                let o = pool[usize::from(*obj) % n].object();
                let guard = o.read();
                let names = dir(&*guard);
                assert!(names.windows(2).all(|w| w[0] < w[1]), "dir() not sorted and unique: {names:?}");
            }
            Op::Vars { obj } => {
                let o = pool[usize::from(*obj) % n].object();
                let guard = o.read();
                match vars(&*guard) {
                    Ok(d) => {
                        assert!(guard.dict().is_some());
                        let _ = (d.to_string(), format!("{d:?}"), d.len());
                    }
                    Err(e) => {
                        check_error(&e);
                        assert!(guard.dict().is_none());
                    }
                }
            }
            Op::DictInsert { obj, name, value } => {
                let o = pool[usize::from(*obj) % n].object();
                let guard = o.write();
                let value = value.value(&last);
                if let Some(d) = guard.dict() {
                    d.insert(name.text(), value);
                }
            }
            Op::DictRemove { obj, name } => {
                let o = pool[usize::from(*obj) % n].object();
                let guard = o.write();
                if let Some(d) = guard.dict() {
                    d.remove(&name.text());
                }
            }
            Op::Weak { obj } => {
                let h = &pool[usize::from(*obj) % n];
                let has_weakref = h.object().layout().has_weakref();
                match h.try_weak() {
                    Ok(upgrades) => {
                        assert!(has_weakref, "a weak reference to a class without __weakref__");
                        assert!(upgrades, "a weak reference to a live object does not upgrade");
                    }
                    Err(e) => {
                        check_error(&e);
                        assert!(!has_weakref, "no weak reference to a class with __weakref__: {e}");
                    }
                }
            }
            Op::Sizes { obj } => {
                let o = pool[usize::from(*obj) % n].object();
                let guard = o.read();
                assert!(getsizeof(&*guard) <= total_sizeof(&*guard));
            }
            Op::Replace { obj, kind, default } => {
                pool[usize::from(*obj) % n] = fresh(*kind, *default);
            }
            Op::CloneHandle { obj } => {
                let o = pool[usize::from(*obj) % n].object();
                let other = o.clone();
                assert!(PyObject::is(&o, &other));
            }
        }
    }
    for h in &pool {
        let o = h.object();
        let guard = o.read();
        let _ = (format!("{:?}", &*guard), dir(&*guard), guard.type_name());
    }
}

fuzz_target!(|input: Input| {
    run(&input);
});
