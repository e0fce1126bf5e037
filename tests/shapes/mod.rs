//! The class shapes the differential tests share, one of each feature
//! (typed and untyped slots, `__dict__`, `__weakref__`, empty slots,
//! regular classes, chains, multiple bases), in Rust and in Python
//! (`PYTHON_CLASSES`, whose `SHAPES` builds each by name), and random
//! values of every kind for their attributes.

#![allow(dead_code)]

use pyslots::prelude::*;
use pyslots::BigInt;
use pyslots_testkit::rng::Rng;

use pyslots_testkit::differential::weak_of;

// ---- the shapes -----------------------------------------------------------

#[pyclass_like]
struct Reg {
    a: i64,
    b: String,
}

#[pyclass_like]
#[slots(x, s, u, v)]
struct Slot {
    x: f64,
    s: String,
}

#[pyclass_like]
#[slots(n, u, __dict__)]
struct SlotDict {
    n: i64,
}

#[pyclass_like]
#[slots(u, __weakref__)]
struct SlotWeak;

#[pyclass_like]
#[slots()]
struct Empty;

#[pyclass_like(extends = Slot)]
#[slots(w)]
struct Child;

#[pyclass_like(extends = Reg)]
struct RegChild {
    c: i64,
}

#[pyclass_like(extends = Reg)]
#[slots(y)]
struct SlotOnReg {
    y: f64,
}

#[pyclass_like]
#[slots(__dict__)]
struct WithDict;

#[pyclass_like]
#[slots(__weakref__)]
struct WithWeak;

#[pyclass_like(extends(WithDict, WithWeak))]
#[slots(v)]
struct Both;

#[pyclass_like(extends = Child)]
#[slots(__weakref__)]
struct GrandChild;

/// Class attributes, one of which hides a base's slot (`u`); not among
/// [`shapes`], only [`types`].
#[pyclass_like(extends = Slot, class_attrs(u = 5, k = "shape", none = None))]
#[slots(z)]
struct SlotAttrs;

/// A diamond: `DBottom(DLeft, DRight)` over `DTop` stores `DTop` once,
/// inside `DLeft`, its stored base; `DRight` adds only weak references.
#[pyclass_like]
#[slots(a, t)]
pub struct DTop {
    pub a: i64,
}

#[pyclass_like(extends = DTop)]
#[slots()]
pub struct DLeft;

#[pyclass_like(extends = DTop)]
#[slots(__weakref__)]
pub struct DRight;

#[pyclass_like(extends(DLeft, DRight))]
#[slots(d)]
pub struct DBottom {
    pub d: i64,
}

/// Properties (read-write with a deleter, read-only, write-only), a method
/// with an optional parameter and a static method (`#[methods]`), over
/// untyped slots no random class names. Its accessors never fail on an
/// unset slot: what they do by name inside sees `Behave`, not the
/// subclass a fuzzed instance belongs to (a Rust method gets the struct of
/// the class that defines it), so an error message would name `Behave`
/// where CPython names the subclass.
#[pyclass_like]
#[slots(_bv, _bw)]
pub struct Behave;

#[methods]
impl Behave {
    #[getter]
    fn v(&self) -> Value {
        self.getattr("_bv").unwrap_or(Value::None)
    }
    #[setter]
    fn set_v(&mut self, value: Value) -> Result<(), Error> {
        self.setattr("_bv", value)
    }
    #[deleter]
    fn del_v(&mut self) {
        let _ = self.delattr("_bv");
    }
    #[getter]
    fn ro(&self) -> i64 {
        1
    }
    #[setter(wo)]
    fn write_only(&mut self, value: Value) -> Result<(), Error> {
        self.setattr("_bw", value)
    }
    fn m(&self, a: Value, b: Option<Value>) -> Value {
        Value::tuple([a, b.unwrap_or(Value::None)])
    }
    #[staticmethod]
    fn st(x: Value) -> Value {
        x
    }
}

/// A regular class with a method, a read-only property and `__getattr__`.
#[pyclass_like]
pub struct Hooked {}

#[methods]
impl Hooked {
    fn n(&self) -> i64 {
        3
    }
    #[getter]
    fn p(&self) -> i64 {
        2
    }
    fn __getattr__(&self, name: &str) -> Result<Value, Error> {
        if name.starts_with('g') {
            Ok(Value::from(name.chars().count() as i64))
        } else {
            Err(Error::attribute_error(format!("no {name}")))
        }
    }
}

pub const PYTHON_CLASSES: &str = r#"
class Reg:
    def __init__(self, a, b):
        self.a = a
        self.b = b
class Slot:
    __slots__ = ['x', 's', 'u', 'v']
    def __init__(self, x, s):
        self.x = x
        self.s = s
class SlotDict:
    __slots__ = ['n', 'u', '__dict__']
    def __init__(self, n):
        self.n = n
class SlotWeak:
    __slots__ = ['u', '__weakref__']
class Empty:
    __slots__ = []
class Child(Slot):
    __slots__ = ['w']
class RegChild(Reg):
    def __init__(self, a, b, c):
        super().__init__(a, b)
        self.c = c
class SlotOnReg(Reg):
    __slots__ = ['y']
    def __init__(self, a, b, y):
        super().__init__(a, b)
        self.y = y
class WithDict:
    __slots__ = ['__dict__']
class WithWeak:
    __slots__ = ['__weakref__']
class Both(WithDict, WithWeak):
    __slots__ = ['v']
class GrandChild(Child):
    __slots__ = ['__weakref__']
class SlotAttrs(Slot):
    __slots__ = ['z']
    u = 5
    k = 'shape'
    none = None

class DTop:
    __slots__ = ['a', 't']
    def __init__(self, a):
        self.a = a
class DLeft(DTop):
    __slots__ = []
class DRight(DTop):
    __slots__ = ['__weakref__']
class DBottom(DLeft, DRight):
    __slots__ = ['d']
    def __init__(self, a, d):
        super().__init__(a)
        self.d = d

class Behave:
    __slots__ = ['_bv', '_bw']
    @property
    def v(self):
        return getattr(self, '_bv', None)
    @v.setter
    def v(self, value):
        self._bv = value
    @v.deleter
    def v(self):
        try:
            del self._bv
        except AttributeError:
            pass
    @property
    def ro(self):
        return 1
    def _write_only(self, value):
        self._bw = value
    wo = property(None, _write_only)
    del _write_only
    def m(self, a, b=None):
        return (a, b)
    @staticmethod
    def st(x):
        return x

class Hooked:
    def n(self):
        return 3
    @property
    def p(self):
        return 2
    def __getattr__(self, name):
        if name.startswith('g'):
            return len(name)
        raise AttributeError(f"no {name}")

SHAPES = {
    'Reg': lambda: Reg(1, 'b'),
    'Reg()': lambda: Reg.__new__(Reg),
    'Slot': lambda: Slot(1.5, 's'),
    'Slot()': lambda: Slot.__new__(Slot),
    'SlotDict': lambda: SlotDict(7),
    'SlotWeak': lambda: SlotWeak(),
    'Empty': lambda: Empty(),
    'Child': lambda: Child(2.5, 't'),
    'RegChild': lambda: RegChild(1, 'b', 3),
    'SlotOnReg': lambda: SlotOnReg(1, 'b', 0.5),
    'Both': lambda: Both(),
    'GrandChild': lambda: GrandChild.__new__(GrandChild),
    'DTop': lambda: DTop(3),
    'DBottom': lambda: DBottom(4, 5),
}
"#;

/// Every compile-time class above as a [`Type`], by its Python name, for
/// tests that make classes at run time on top of them.
pub fn types() -> Vec<(&'static str, Type)> {
    vec![
        ("Reg", Type::of::<Reg>()),
        ("Slot", Type::of::<Slot>()),
        ("SlotDict", Type::of::<SlotDict>()),
        ("SlotWeak", Type::of::<SlotWeak>()),
        ("Empty", Type::of::<Empty>()),
        ("Child", Type::of::<Child>()),
        ("RegChild", Type::of::<RegChild>()),
        ("SlotOnReg", Type::of::<SlotOnReg>()),
        ("WithDict", Type::of::<WithDict>()),
        ("WithWeak", Type::of::<WithWeak>()),
        ("Both", Type::of::<Both>()),
        ("GrandChild", Type::of::<GrandChild>()),
        ("SlotAttrs", Type::of::<SlotAttrs>()),
        ("DTop", Type::of::<DTop>()),
        ("DLeft", Type::of::<DLeft>()),
        ("DRight", Type::of::<DRight>()),
        ("DBottom", Type::of::<DBottom>()),
        ("Behave", Type::of::<Behave>()),
        ("Hooked", Type::of::<Hooked>()),
    ]
}

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    F64,
    Str,
    Int,
}

pub struct Shape {
    pub name: &'static str,
    pub make: fn() -> PyObject,
    pub weak: fn() -> Result<(), Error>,
    /// Slot and field names of the shape, with their Rust type if typed.
    pub names: &'static [(&'static str, Option<Kind>)],
}

pub use Kind::*;

pub fn shapes() -> Vec<Shape> {
    const REG: &[(&str, Option<Kind>)] = &[("a", None), ("b", None)];
    const SLOT: &[(&str, Option<Kind>)] = &[("x", Some(F64)), ("s", Some(Str)), ("u", None), ("v", None)];
    vec![
        Shape {
            name: "Reg",
            make: || Py::new(Reg::new(1, "b".into())).into_object(),
            weak: weak_of::<Reg>,
            names: REG,
        },
        Shape { name: "Reg()", make: || Py::new(Reg::default()).into_object(), weak: weak_of::<Reg>, names: REG },
        Shape {
            name: "Slot",
            make: || Py::new(Slot::new(1.5, "s".into())).into_object(),
            weak: weak_of::<Slot>,
            names: SLOT,
        },
        Shape { name: "Slot()", make: || Py::new(Slot::default()).into_object(), weak: weak_of::<Slot>, names: SLOT },
        Shape {
            name: "SlotDict",
            make: || Py::new(SlotDict::new(7)).into_object(),
            weak: weak_of::<SlotDict>,
            names: &[("n", Some(Int)), ("u", None)],
        },
        Shape {
            name: "SlotWeak",
            make: || Py::new(SlotWeak::new()).into_object(),
            weak: weak_of::<SlotWeak>,
            names: &[("u", None)],
        },
        Shape { name: "Empty", make: || Py::new(Empty::new()).into_object(), weak: weak_of::<Empty>, names: &[] },
        Shape {
            name: "Child",
            make: || Py::new(Child::with_base(Slot::new(2.5, "t".into()))).into_object(),
            weak: weak_of::<Child>,
            names: &[("x", Some(F64)), ("s", Some(Str)), ("u", None), ("v", None), ("w", None)],
        },
        Shape {
            name: "RegChild",
            make: || Py::new(RegChild::with_base(Reg::new(1, "b".into()), 3)).into_object(),
            weak: weak_of::<RegChild>,
            names: &[("a", None), ("b", None), ("c", None)],
        },
        Shape {
            name: "SlotOnReg",
            make: || Py::new(SlotOnReg::with_base(Reg::new(1, "b".into()), 0.5)).into_object(),
            weak: weak_of::<SlotOnReg>,
            names: &[("a", None), ("b", None), ("y", Some(F64))],
        },
        Shape {
            name: "Both",
            make: || Py::new(Both::default()).into_object(),
            weak: weak_of::<Both>,
            names: &[("v", None)],
        },
        Shape {
            name: "GrandChild",
            make: || Py::new(GrandChild::default()).into_object(),
            weak: weak_of::<GrandChild>,
            names: &[("x", Some(F64)), ("s", Some(Str)), ("u", None), ("v", None), ("w", None)],
        },
        Shape {
            name: "DTop",
            make: || Py::new(DTop::new(3)).into_object(),
            weak: weak_of::<DTop>,
            names: &[("a", Some(Int)), ("t", None)],
        },
        Shape {
            name: "DBottom",
            make: || Py::new(DBottom::with_base(DLeft::with_base(DTop::new(4)), 5)).into_object(),
            weak: weak_of::<DBottom>,
            names: &[("a", Some(Int)), ("t", None), ("d", Some(Int))],
        },
    ]
}

// ---- values -----------------------------------------------------------------

pub fn random_float(rng: &mut Rng) -> f64 {
    match rng.below(6) {
        0 => 0.0,
        1 => -0.0,
        2 => (rng.below(2000) as f64 - 1000.0) / 8.0,
        3 => f64::from_bits(rng.next() & !(0x7ff << 52) | ((rng.below(2000) as u64 + 23) << 52)),
        4 => 1e16 * (rng.below(100) as f64),
        _ => 1.0 / (rng.below(1000) as f64 + 1.0),
    }
}

pub fn random_str(rng: &mut Rng) -> String {
    const PIECES: &[&str] =
        &["a", "Alice", "it's", "\"q\"", "\\", "\n", "\t", "é", "中", "😀", "\0", "\u{7f}", " ", ""];
    (0..rng.below(4)).map(|_| *rng.pick(PIECES)).collect()
}

pub fn random_int(rng: &mut Rng) -> i64 {
    match rng.below(4) {
        0 => rng.below(100) as i64 - 50,
        1 => i64::MAX - rng.below(3) as i64,
        2 => i64::MIN + rng.below(3) as i64,
        _ => rng.next() as i64,
    }
}

/// An int beyond 64 bits: 20 to 60 digits.
pub fn random_big_int(rng: &mut Rng) -> Value {
    let sign = if rng.chance(50) { "-" } else { "" };
    let digits: String = (0..19 + rng.below(41)).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
    Value::from(format!("{sign}9{digits}").parse::<BigInt>().expect("decimal digits"))
}

/// A tuple, list or dict (string keys) of up to three values, nested up to
/// `depth` more levels. Its repr is the Python literal the script builds it
/// with; nothing is cyclic (a cycle's repr, `[...]`, is no literal).
pub fn random_container(rng: &mut Rng, depth: usize) -> Value {
    let item = |rng: &mut Rng| match depth {
        0 => {
            let kind = *rng.pick(&[F64, Str, Int]);
            random_value(rng, Some(kind))
        }
        _ if rng.chance(30) => random_container(rng, depth - 1),
        _ => random_value(rng, None),
    };
    let len = rng.below(4);
    match rng.below(3) {
        0 => Value::tuple((0..len).map(|_| item(rng)).collect::<Vec<_>>()),
        1 => Value::list((0..len).map(|_| item(rng)).collect::<Vec<_>>()),
        _ => Value::dict((0..len).map(|_| (random_str(rng), item(rng))).collect::<Vec<_>>()),
    }
}

pub fn random_value(rng: &mut Rng, kind: Option<Kind>) -> Value {
    match kind {
        Some(F64) => Value::Float(random_float(rng)),
        Some(Str) => Value::from(random_str(rng)),
        Some(Int) => Value::Int(random_int(rng)),
        None => match rng.below(10) {
            0 => Value::None,
            1 => Value::Bool(rng.below(2) == 1),
            2 => Value::Int(random_int(rng)),
            3 => Value::Float(random_float(rng)),
            4 => Value::from(vec![Value::Int(1), Value::from(random_str(rng))]),
            5 => {
                let mut d = Dict::new();
                d.insert(random_str(rng), random_int(rng));
                Value::from(d)
            }
            6 => random_big_int(rng),
            7 => Value::bytes(&(0..rng.below(20)).map(|_| rng.below(256) as u8).collect::<Vec<u8>>()),
            8 => random_container(rng, 1),
            _ => Value::from(random_str(rng)),
        },
    }
}
