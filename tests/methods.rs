//! `#[methods]`: properties, methods, static and class methods, the
//! attribute hooks and `__repr__`, each message compared with CPython 3.11.

use pyslots::prelude::*;
use pyslots::{generic_getattr, generic_setattr, PyClass, Type as PyType};

#[pyclass_like]
#[slots(_celsius)]
struct Temperature {
    _celsius: f64,
}

#[methods]
impl Temperature {
    #[getter]
    fn celsius(&self) -> Result<f64, Error> {
        self._celsius().copied()
    }
    #[setter]
    fn set_celsius(&mut self, value: f64) -> Result<(), Error> {
        if value < -273.15 {
            return Err(Error::value_error(format!("{value} is below absolute zero")));
        }
        self.set__celsius(value);
        Ok(())
    }
    #[getter]
    fn fahrenheit(&self) -> Result<f64, Error> {
        Ok(self.celsius()? * 9.0 / 5.0 + 32.0)
    }
    fn warm(&mut self, by: f64) -> Result<f64, Error> {
        let c = self.celsius()? + by;
        self.set_celsius(c)?;
        Ok(c)
    }
    fn describe(&self, unit: Option<String>) -> Result<String, Error> {
        Ok(match unit.as_deref() {
            Some("F") => format!("{}F", self.fahrenheit()?),
            _ => format!("{}C", self.celsius()?),
        })
    }
    #[staticmethod]
    fn absolute_zero() -> f64 {
        -273.15
    }
    #[classmethod]
    fn class_name(cls: &PyType) -> String {
        cls.name().to_string()
    }
    fn __repr__(&self) -> String {
        format!("Temperature({})", self._celsius().map_or(f64::NAN, |c| *c))
    }
}

fn text<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(e) => format!("{}: {e}", e.exception()),
    }
}

#[test]
fn properties_read_write_and_refuse_as_cpython() {
    let mut t = Temperature::new(20.0);
    assert_eq!(t.getattr("celsius").unwrap(), Value::Float(20.0));
    assert_eq!(t.getattr("fahrenheit").unwrap(), Value::Float(68.0));
    t.setattr("celsius", Value::Float(25.0)).unwrap();
    assert_eq!(t.getattr("_celsius").unwrap(), Value::Float(25.0));
    assert_eq!(
        text(t.setattr("fahrenheit", Value::Float(1.0))),
        "AttributeError: property 'fahrenheit' of 'Temperature' object has no setter"
    );
    assert_eq!(text(t.delattr("celsius")), "AttributeError: property 'celsius' of 'Temperature' object has no deleter");
    // The setter's own error, unchanged; the object unchanged.
    assert_eq!(text(t.setattr("celsius", Value::Float(-300.0))), "ValueError: -300 is below absolute zero");
    assert_eq!(t.getattr("celsius").unwrap(), Value::Float(25.0));
    assert_eq!(
        text(t.setattr("celsius", Value::from("hot"))),
        "TypeError: 'Temperature' object attribute 'celsius' must be float, not str"
    );
    assert!(t.hasattr("fahrenheit"));
    t.delattr("_celsius").unwrap();
    assert_eq!(text(t.getattr("celsius")), "AttributeError: 'Temperature' object has no attribute '_celsius'");
}

#[test]
fn methods_are_called_with_cpythons_binding_rules() {
    let mut t = Temperature::new(20.0);
    assert_eq!(pyslots::call_method(&mut t, "warm", &[Value::Float(1.5)], &[]).unwrap(), Value::Float(21.5));
    assert_eq!(pyslots::call_method(&mut t, "warm", &[], &[("by", Value::Int(1))]).unwrap(), Value::Float(22.5));
    let err = |args: &[Value], kwargs: &[(&str, Value)]| {
        text(pyslots::call_method(&mut Temperature::new(0.0), "warm", args, kwargs))
    };
    assert_eq!(err(&[], &[]), "TypeError: Temperature.warm() missing 1 required positional argument: 'by'");
    assert_eq!(
        err(&[Value::Int(1), Value::Int(2)], &[]),
        "TypeError: Temperature.warm() takes 2 positional arguments but 3 were given"
    );
    assert_eq!(
        err(&[Value::Int(1)], &[("x", Value::Int(1))]),
        "TypeError: Temperature.warm() got an unexpected keyword argument 'x'"
    );
    assert_eq!(
        err(&[Value::Int(1)], &[("by", Value::Int(1))]),
        "TypeError: Temperature.warm() got multiple values for argument 'by'"
    );
    assert_eq!(err(&[Value::from("x")], &[]), "TypeError: Temperature.warm() argument 'by' must be float, not str");
    // A keyword given twice, `t.warm(**{'by': 1}, by=2)`: CPython 3.11 says
    // `__main__.Temperature.warm() got multiple values for keyword argument
    // 'by'`, before any other check; pyslots names no module.
    let twice = "TypeError: Temperature.warm() got multiple values for keyword argument 'by'";
    assert_eq!(err(&[], &[("by", Value::Int(1)), ("by", Value::Int(2))]), twice);
    assert_eq!(err(&[Value::Int(1)], &[("by", Value::Int(1)), ("by", Value::Int(2))]), twice);
    assert_eq!(
        err(&[], &[("zz", Value::Int(1)), ("zz", Value::Int(2))]),
        "TypeError: Temperature.warm() got multiple values for keyword argument 'zz'"
    );
    assert_eq!(
        err(&[], &[("self", Value::Int(1))]),
        "TypeError: Temperature.warm() got multiple values for argument 'self'"
    );
    assert_eq!(pyslots::call_method(&mut t, "describe", &[], &[]).unwrap(), Value::from("22.5C"));
    assert_eq!(pyslots::call_method(&mut t, "describe", &["F".into()], &[]).unwrap(), Value::from("72.5F"));
    assert_eq!(
        text(pyslots::call_method(&mut t, "describe", &[Value::None, Value::None], &[])),
        "TypeError: Temperature.describe() takes from 1 to 2 positional arguments but 3 were given"
    );
    assert_eq!(pyslots::call_method(&mut t, "absolute_zero", &[], &[]).unwrap(), Value::Float(-273.15));
    assert_eq!(
        text(pyslots::call_method(&mut t, "absolute_zero", &[Value::Int(1)], &[])),
        "TypeError: Temperature.absolute_zero() takes 0 positional arguments but 1 was given"
    );
    assert_eq!(pyslots::call_method(&mut t, "class_name", &[], &[]).unwrap(), Value::from("Temperature"));
    assert_eq!(text(pyslots::call_method(&mut t, "celsius", &[], &[])), "TypeError: 'float' object is not callable");
    assert_eq!(
        text(pyslots::call_method(&mut t, "nope", &[], &[])),
        "AttributeError: 'Temperature' object has no attribute 'nope'"
    );
}

#[test]
fn a_method_name_is_read_only_on_an_instance_without_dict() {
    let mut t = Temperature::new(20.0);
    assert_eq!(
        text(t.setattr("warm", Value::Int(1))),
        "AttributeError: 'Temperature' object attribute 'warm' is read-only"
    );
    assert_eq!(text(t.delattr("warm")), "AttributeError: 'Temperature' object attribute 'warm' is read-only");
    // On an owned object, a method reads as the class's function.
    let f = t.getattr("warm").unwrap();
    assert_eq!(f.type_name(), "function");
    assert_eq!(f.to_string(), "<function Temperature.warm>");
}

#[test]
fn through_a_handle_a_method_is_bound() {
    let t = Py::new(Temperature::new(20.0)).into_object();
    let m = t.getattr("warm").unwrap();
    assert_eq!(m.type_name(), "method");
    assert_eq!(m.to_string(), "<bound method Temperature.warm of Temperature(20)>");
    assert_eq!(m.call(&[Value::Int(2)], &[]).unwrap(), Value::Float(22.0));
    assert_eq!(t.call_method("warm", &[Value::Int(1)], &[]).unwrap(), Value::Float(23.0));
    assert_eq!(Value::Object(t.clone()).to_string(), "Temperature(23)");
    assert_eq!(Temperature::new(1.5).to_string(), "Temperature(1.5)");
    // Re-entrant: a method that needs to write while this thread reads.
    let guard = t.try_read().unwrap();
    assert_eq!(text(t.call_method("warm", &[Value::Int(1)], &[])), "RuntimeError: Already borrowed");
    assert_eq!(t.call_method("describe", &[], &[]).unwrap(), Value::from("23C"));
    drop(guard);
    // The function read from the class, called with the object first.
    let f = Temperature::new(0.0).getattr("warm").unwrap();
    assert_eq!(f.call(&[Value::Object(t.clone()), Value::Int(1)], &[]).unwrap(), Value::Float(24.0));
    assert_eq!(
        text(f.call(&[], &[])),
        "TypeError: Temperature.warm() missing 2 required positional arguments: 'self' and 'by'"
    );
}

#[test]
fn dir_lists_properties_and_methods_and_state_holds_slots_only() {
    let t = Temperature::new(1.0);
    assert_eq!(
        t.dir(),
        ["__slots__", "_celsius", "absolute_zero", "celsius", "class_name", "describe", "fahrenheit", "warm"]
    );
    let state = pyslots::getstate(&t);
    assert_eq!(state.to_string(), "(None, {'_celsius': 1.0})");
}

// --- hooks -----------------------------------------------------------------

#[pyclass_like]
struct Record {}

#[methods]
impl Record {
    fn __getattr__(&self, name: &str) -> Result<Value, Error> {
        if name.starts_with("x_") {
            Ok(Value::from(name.len() as i64))
        } else {
            Err(Error::attribute_error(format!("no {name}")))
        }
    }
    fn __setattr__(&mut self, name: &str, value: Value) -> Result<(), Error> {
        if name == "frozen" {
            return Err(Error::attribute_error("frozen"));
        }
        generic_setattr(self, &name.to_uppercase(), value)
    }
}

#[test]
fn hooks_replace_and_extend_the_generic_algorithm() {
    let mut r = Record::default();
    r.setattr("a", Value::Int(1)).unwrap();
    assert_eq!(r.getattr("A").unwrap(), Value::Int(1));
    assert_eq!(text(r.getattr("a")), "AttributeError: no a");
    assert_eq!(r.getattr("x_abc").unwrap(), Value::Int(5));
    assert!(r.hasattr("x_y"));
    assert!(!r.hasattr("y"));
    assert_eq!(text(r.setattr("frozen", Value::None)), "AttributeError: frozen");
    assert_eq!(generic_getattr(&r, "A").unwrap(), Value::Int(1));
    assert_eq!(text(generic_getattr(&r, "x_abc")), "AttributeError: 'Record' object has no attribute 'x_abc'");
}

// --- inheritance -----------------------------------------------------------

#[pyclass_like(extends(Temperature))]
#[slots(label)]
struct Labelled {
    label: String,
}

#[methods]
impl Labelled {
    #[getter]
    fn fahrenheit(&self) -> String {
        "overridden".into()
    }
}

#[test]
fn subclasses_inherit_and_override() {
    let mut l = Labelled::with_base(Temperature::new(10.0), "a".into());
    assert_eq!(l.getattr("celsius").unwrap(), Value::Float(10.0));
    assert_eq!(l.getattr("fahrenheit").unwrap(), Value::from("overridden"));
    assert_eq!(pyslots::call_method(&mut l, "warm", &[Value::Int(5)], &[]).unwrap(), Value::Float(15.0));
    l.setattr("celsius", Value::Int(3)).unwrap();
    assert_eq!(l.getattr("_celsius").unwrap(), Value::Float(3.0));
    assert_eq!(
        text(l.setattr("fahrenheit", Value::Int(3))),
        "AttributeError: property 'fahrenheit' of 'Labelled' object has no setter"
    );
    // A run-time subclass inherits them too.
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(Vec::<Value>::new()));
    let sub = Type::new("Sub", &[Type::of::<Temperature>()], ns).unwrap();
    let mut i = pyslots::Instance::new(&sub).unwrap();
    i.setattr("celsius", Value::Int(7)).unwrap();
    assert_eq!(i.getattr("fahrenheit").unwrap().as_float(), Some(44.6));
    assert_eq!(pyslots::call_method(&mut i, "warm", &[Value::Int(1)], &[]).unwrap(), Value::Float(8.0));
}

// --- special methods -------------------------------------------------------

/// An immutable value class: equal by value, hashable, its copies itself.
#[pyclass_like]
#[slots(_n, _d)]
struct Fraction {
    _n: i64,
    _d: i64,
}

#[methods]
impl Fraction {
    fn __eq__(&self, other: &Self) -> bool {
        (self._n().ok(), self._d().ok()) == (other._n().ok(), other._d().ok())
    }
    fn __hash__(&self) -> i64 {
        self._n().map_or(0, |n| *n) ^ self._d().map_or(0, |d| *d)
    }
    fn __copy__(&self) -> Option<Self> {
        None
    }
    fn __deepcopy__(&self) -> Option<Self> {
        None
    }
    fn __repr__(&self) -> String {
        format!("Fraction({}, {})", self._n().map_or(0, |n| *n), self._d().map_or(1, |d| *d))
    }
}

/// `__eq__` without `__hash__`: unhashable, as in CPython.
#[pyclass_like]
#[slots(v)]
struct Unhashable;

#[methods]
impl Unhashable {
    fn __eq__(&self, _other: &Self) -> bool {
        true
    }
}

/// A mutable class whose copy is a new object made by `__copy__`.
#[pyclass_like]
#[slots(n)]
struct Counter {
    n: i64,
}

#[methods]
impl Counter {
    fn __copy__(&self) -> Option<Self> {
        Some(Counter::new(self.n().map_or(0, |n| *n) + 100))
    }
}

#[test]
fn eq_hash_and_copies_use_the_special_methods() {
    let obj = |n, d| Value::Object(Py::new(Fraction::new(n, d)).into_object());
    let (a, b, c) = (obj(1, 2), obj(1, 2), obj(3, 4));
    assert!(a.py_eq(&b) && a == b && !Value::is(&a, &b));
    assert!(!a.py_eq(&c));
    assert_eq!(a.py_hash().unwrap(), b.py_hash().unwrap());
    assert_eq!(Value::list([a.clone()]), Value::list([b.clone()]));
    // Another class's object: NotImplemented both ways, so identity.
    let other = Value::Object(Py::new(Counter::new(1)).into_object());
    assert!(!a.py_eq(&other));
    assert!(Value::is(&pyslots::copy(&a).unwrap(), &a));
    assert!(Value::is(&pyslots::deepcopy(&Value::list([a.clone()])).unwrap().as_list().unwrap().get(0).unwrap(), &a));
    assert_eq!(a.to_string(), "Fraction(1, 2)");

    let u = Value::Object(Py::new(Unhashable::default()).into_object());
    assert_eq!(u.py_hash().unwrap_err().to_string(), "unhashable type: 'Unhashable'");
    assert!(u.py_eq(&Value::Object(Py::new(Unhashable::default()).into_object())));

    let copied = pyslots::copy(&other).unwrap();
    assert_eq!(copied.as_object().unwrap().getattr("n").unwrap(), Value::Int(101));
    // deepcopy has no __deepcopy__: the generic copy.
    let deep = pyslots::deepcopy(&other).unwrap();
    assert_eq!(deep.as_object().unwrap().getattr("n").unwrap(), Value::Int(1));
}

#[test]
fn suggestions_consider_properties_and_methods() {
    // CPython 3.11: `AttributeError: 'Temperature' object has no attribute
    // 'fahrenheat'. Did you mean: 'fahrenheit'?` (and 'warn': 'warm').
    let t = Temperature::new(1.0);
    assert_eq!(t.getattr("fahrenheat").unwrap_err().suggestion(), Some("fahrenheit"));
    assert_eq!(t.getattr("warn").unwrap_err().suggestion(), Some("warm"));
}

// --- a subclass's property or method hides a base's slot -------------------

/// `class HideBase: __slots__ = ('x', 'y', 'z')`.
#[pyclass_like]
#[slots(x, y, z)]
struct HideBase;

/// `class HideSub(HideBase): __slots__ = ('w',)` with a property `x` and a
/// method `y`: CPython's type lookup finds them (in `HideSub`) before the
/// base's slots.
#[pyclass_like(extends = HideBase)]
#[slots(w)]
struct HideSub;

#[methods]
impl HideSub {
    #[getter]
    fn x(&self) -> String {
        "prop x".to_string()
    }
    fn y(&self, v: i64) -> i64 {
        v + 1
    }
}

/// `class HideLeaf(HideSub): __slots__ = ()`: it inherits the hiding.
#[pyclass_like(extends = HideSub)]
#[slots()]
struct HideLeaf;

fn hiding_lines(o: &mut dyn Object) -> Vec<String> {
    let mut out = vec![
        text(o.getattr("x")),
        text(o.setattr("x", Value::Int(1))),
        text(o.delattr("x")),
        text(pyslots::call_method(o, "y", &[Value::Int(1)], &[])),
        text(o.setattr("y", Value::Int(1))),
        text(o.delattr("y")),
    ];
    o.setattr("z", Value::Int(3)).unwrap();
    out.push(text(o.getattr("z")));
    out.push(format!("{}", o.hasattr("x")));
    out
}

#[test]
fn a_subclass_property_or_method_hides_a_base_slot_as_in_cpython() {
    // python3: the same classes, each line as CPython 3.11 prints it
    // (`repr` of a result, the exception and its message; `hasattr` as a
    // Rust `bool`).
    let cpython = |cls: &str| {
        vec![
            "'prop x'".to_string(),
            format!("AttributeError: property 'x' of '{cls}' object has no setter"),
            format!("AttributeError: property 'x' of '{cls}' object has no deleter"),
            "2".to_string(),
            format!("AttributeError: '{cls}' object attribute 'y' is read-only"),
            format!("AttributeError: '{cls}' object attribute 'y' is read-only"),
            "3".to_string(),
            "true".to_string(),
        ]
    };
    assert_eq!(hiding_lines(&mut HideSub::default()), cpython("HideSub"));
    assert_eq!(hiding_lines(&mut HideLeaf::default()), cpython("HideLeaf"));
    // Through `dyn Object`, and for a class made at run time over it.
    let o: &mut dyn Object = &mut HideLeaf::default();
    assert_eq!(hiding_lines(o), cpython("HideLeaf"));
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(Vec::<Value>::new()));
    let rt = Type::new("HideRt", &[Type::of::<HideSub>()], ns).unwrap();
    let mut i = pyslots::Instance::new(&rt).unwrap();
    assert_eq!(hiding_lines(&mut i), cpython("HideRt"));
    // The slot itself is no attribute of the subclass.
    assert!(HideSub::LAYOUT.slot_index("x").is_none());
    assert!(HideBase::LAYOUT.slot_index("x").is_some());
}

// --- run-time subclasses -----------------------------------------------------

/// A run-time subclass's own slot is written through an inherited
/// `__setattr__` hook, as CPython calls `Record.__setattr__` for
/// `Sub.__slots__ = ('z',)`; reading it back by name finds it unset (the
/// hook stored `Z` in the dict) and falls to `__getattr__`.
#[test]
fn runtime_subclass_slots_are_written_through_an_inherited_setattr_hook() {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["z"]));
    let sub = PyType::new("Sub", &[PyType::of::<Record>()], ns).unwrap();
    let mut s = pyslots::Instance::new(&sub).unwrap();
    s.setattr("z", Value::Int(1)).unwrap();
    assert_eq!(s.getattr("Z").unwrap(), Value::Int(1));
    assert_eq!(text(s.getattr("z")), "AttributeError: no z");
    assert_eq!(text(s.setattr("frozen", Value::None)), "AttributeError: frozen");
}

#[pyclass_like]
#[slots()]
struct Described {}

#[methods]
impl Described {
    #[getter]
    fn y(&self) -> i64 {
        7
    }
}

/// A compile-time base's property hides a later base's slot of the same
/// name, as in CPython:
///
/// ```python
/// class Described:
///     __slots__ = ()
///     y = property(lambda self: 7)
/// R = type('R', (), {'__slots__': ('y',)})
/// C = type('C', (Described, R), {})
/// c.y = 1                      # AttributeError: property 'y' of 'C' object has no setter
/// ```
#[test]
fn a_base_property_hides_a_later_base_slot_in_a_runtime_class() {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["y"]));
    let r = PyType::new("R", &[], ns).unwrap();
    let c = PyType::new("C", &[PyType::of::<Described>(), r], Dict::new()).unwrap();
    let mut o = pyslots::Instance::new(&c).unwrap();
    assert_eq!(text(o.setattr("y", Value::Int(1))), "AttributeError: property 'y' of 'C' object has no setter");
    // The getter itself cannot run: the instance stores no `Described`
    // (R is its solid base), the limitation the README lists.
    assert_eq!(text(o.getattr("y")), "TypeError: descriptor 'y' for 'Described' objects doesn't apply to a 'C' object");
}

/// A property comes before the instance dict even when the dict has the
/// name (put there through `__dict__`), as CPython's data descriptors do:
///
/// ```python
/// D = type('D', (Described,), {})
/// d = D(); d.__dict__['y'] = 5; d.y    # 7
/// ```
#[test]
fn a_property_comes_before_the_dict_of_a_runtime_subclass() {
    let d = PyType::new("D", &[PyType::of::<Described>()], Dict::new()).unwrap();
    let o = pyslots::Instance::new(&d).unwrap();
    let dict = o.getattr("__dict__").unwrap();
    dict.as_dict().unwrap().insert("y", 5);
    assert_eq!(o.getattr("y").unwrap(), Value::Int(7));
    assert_eq!(o.getattr("__dict__").unwrap().to_string(), "{'y': 5}");
}
