//! Behaviour behind names (`#[methods]`): the classic `__slots__` pattern
//! "private slot, public validated property", a `Fraction`-like value
//! class over private slots (as `fractions.Fraction` keeps
//! `__slots__ = ('_numerator', '_denominator')`), methods with CPython's
//! argument rules, `__getattr__`, and what a handle adds (bound methods).
//!
//! ```text
//! cargo run --example properties
//! ```
//!
//! Lookup order is CPython's: data descriptors (slots, properties) first,
//! then the instance dict, then methods and class attributes.

mod common;

use pyslots::prelude::*;

use common::*;

/// ```python
/// class Temperature:
///     __slots__ = ('_celsius',)
/// ```
#[pyclass_like]
#[slots(_celsius)]
struct Temperature {
    _celsius: f64,
}

#[methods]
impl Temperature {
    /// `@property def celsius(self): return self._celsius`
    #[getter]
    fn celsius(&self) -> Result<f64, Error> {
        self._celsius().copied()
    }
    /// `@celsius.setter`: validates, and leaves the object unchanged when
    /// it refuses.
    #[setter]
    fn set_celsius(&mut self, value: f64) -> Result<(), Error> {
        if value < -273.15 {
            return Err(Error::value_error(format!("{value} is below absolute zero")));
        }
        self.set__celsius(value);
        Ok(())
    }
    /// A read-only property.
    #[getter]
    fn fahrenheit(&self) -> Result<f64, Error> {
        Ok(self.celsius()? * 9.0 / 5.0 + 32.0)
    }
    /// `def warm(self, by, times=None)`.
    fn warm(&mut self, by: f64, times: Option<i64>) -> Result<f64, Error> {
        let c = self.celsius()? + by * times.unwrap_or(1) as f64;
        self.set_celsius(c)?;
        Ok(c)
    }
    /// `@staticmethod def absolute_zero()`.
    #[staticmethod]
    fn absolute_zero() -> f64 {
        -273.15
    }
    fn __repr__(&self) -> String {
        format!("Temperature({})", self._celsius().map_or(f64::NAN, |c| *c))
    }
}

/// ```python
/// class Fraction:
///     __slots__ = ('_numerator', '_denominator')
/// ```
/// An immutable value: read-only properties over private slots, equality
/// and hashing by value, `copy` returning the object itself.
#[pyclass_like]
#[slots(_numerator, _denominator)]
struct Fraction {
    _numerator: i64,
    _denominator: i64,
}

impl Fraction {
    /// `Fraction(n, d)`, reduced, the sign on the numerator.
    fn make(n: i64, d: i64) -> Result<Fraction, Error> {
        if d == 0 {
            return Err(Error::value_error(format!("Fraction({n}, 0): the denominator is 0")));
        }
        let g = gcd(n, d) * d.signum();
        Ok(Fraction::new(n / g, d / g))
    }
    fn parts(&self) -> (i64, i64) {
        (self._numerator().map_or(0, |n| *n), self._denominator().map_or(1, |d| *d))
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs().max(1)
    } else {
        gcd(b, a % b)
    }
}

#[methods]
impl Fraction {
    #[getter]
    fn numerator(&self) -> i64 {
        self.parts().0
    }
    #[getter]
    fn denominator(&self) -> i64 {
        self.parts().1
    }
    /// `def __float__(self)`, as a plain method.
    fn as_float(&self) -> f64 {
        let (n, d) = self.parts();
        n as f64 / d as f64
    }
    fn __repr__(&self) -> String {
        let (n, d) = self.parts();
        format!("Fraction({n}, {d})")
    }
    fn __eq__(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
    fn __hash__(&self) -> i64 {
        let (n, d) = self.parts();
        n.wrapping_mul(31).wrapping_add(d)
    }
    /// `def __copy__(self): return self`: immutable, its copy is itself.
    fn __copy__(&self) -> Option<Self> {
        None
    }
    fn __deepcopy__(&self) -> Option<Self> {
        None
    }
}

/// ```python
/// class Record:
///     def __getattr__(self, name):   # only after the normal lookup fails
///         if name.startswith('x_'): return len(name)
///         raise AttributeError(name)
/// ```
#[pyclass_like]
struct Record {}

#[methods]
impl Record {
    fn __getattr__(&self, name: &str) -> Result<Value, Error> {
        if name.starts_with("x_") {
            Ok(Value::from(name.len() as i64))
        } else {
            Err(Error::attribute_error(name.to_owned()))
        }
    }
}

fn main() -> Result<(), Error> {
    heading("Private slot, public validated property");
    py("t = Temperature(); t.celsius = 20", "let mut t = Temperature::default(); t.setattr(\"celsius\", 20.into())?;");
    let mut t = Temperature::default();
    t.setattr("celsius", 20.into())?;
    py("t.celsius, t.fahrenheit", "t.getattr(\"celsius\")?, t.getattr(\"fahrenheit\")?");
    let pair = format!("({}, {})", t.getattr("celsius")?, t.getattr("fahrenheit")?);
    out(&pair);
    assert_eq!(pair, "(20.0, 68.0)");
    py("t.celsius = -300", "t.setattr(\"celsius\", (-300).into())");
    let err = t.setattr("celsius", (-300).into()).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "ValueError: -300 is below absolute zero");
    py("t.celsius       # unchanged", "t.getattr(\"celsius\")?");
    out(t.getattr("celsius")?);
    assert_eq!(t.getattr("celsius")?, Value::Float(20.0));
    py("t.fahrenheit = 1", "t.setattr(\"fahrenheit\", 1.into())");
    let err = t.setattr("fahrenheit", 1.into()).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: property 'fahrenheit' of 'Temperature' object has no setter");
    py("del t.celsius", "t.delattr(\"celsius\")");
    let err = t.delattr("celsius").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: property 'celsius' of 'Temperature' object has no deleter");
    py("t.warm = 1      # no __dict__", "t.setattr(\"warm\", 1.into())");
    let err = t.setattr("warm", 1.into()).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Temperature' object attribute 'warm' is read-only");
    py("dir(t)", "t.dir()");
    out(py_list(&t.dir()));
    assert_eq!(t.dir(), ["__slots__", "_celsius", "absolute_zero", "celsius", "fahrenheit", "warm"]);
    py("t.__getstate__()  # stored state only", "pyslots::getstate(&t)");
    out(pyslots::getstate(&t));
    assert_eq!(pyslots::getstate(&t).to_string(), "(None, {'_celsius': 20.0})");

    heading("Methods: CPython's argument rules and messages");
    py("t.warm(1.5)", "pyslots::call_method(&mut t, \"warm\", &[1.5.into()], &[])?");
    out(pyslots::call_method(&mut t, "warm", &[1.5.into()], &[])?);
    py("t.warm(1, times=2)", "pyslots::call_method(&mut t, \"warm\", &[1.into()], &[(\"times\", 2.into())])?");
    let warmed = pyslots::call_method(&mut t, "warm", &[1.into()], &[("times", 2.into())])?;
    out(&warmed);
    assert_eq!(warmed, Value::Float(23.5));
    for (python, args, kwargs, message) in [
        ("t.warm()", vec![], vec![], "TypeError: Temperature.warm() missing 1 required positional argument: 'by'"),
        (
            "t.warm(1, 2, 3)",
            vec![1.into(), 2.into(), 3.into()],
            vec![],
            "TypeError: Temperature.warm() takes from 2 to 3 positional arguments but 4 were given",
        ),
        (
            "t.warm(1, by=2)",
            vec![1.into()],
            vec![("by", 2.into())],
            "TypeError: Temperature.warm() got multiple values for argument 'by'",
        ),
        (
            "t.warm(x=1)",
            vec![],
            vec![("x", 1.into())],
            "TypeError: Temperature.warm() got an unexpected keyword argument 'x'",
        ),
    ] {
        py(python, "pyslots::call_method(&mut t, \"warm\", ...)");
        let err = pyslots::call_method(&mut t, "warm", &args, &kwargs).unwrap_err();
        out(raised(&err));
        assert_eq!(raised(&err), message);
    }
    py("Temperature.absolute_zero()", "pyslots::call_method(&mut t, \"absolute_zero\", &[], &[])?");
    out(pyslots::call_method(&mut t, "absolute_zero", &[], &[])?);

    heading("Through a handle: bound methods, locks taken per call");
    py("shared = t", "let shared = Py::new(t).into_object();");
    let shared = Py::new(t).into_object();
    py("m = shared.warm; m", "let m = shared.getattr(\"warm\")?;");
    let m = shared.getattr("warm")?;
    out(&m);
    assert_eq!(m.to_string(), "<bound method Temperature.warm of Temperature(23.5)>");
    py("m(0.5)", "m.call(&[0.5.into()], &[])?");
    out(m.call(&[0.5.into()], &[])?);
    py("shared.fahrenheit", "shared.getattr(\"fahrenheit\")?");
    out(shared.getattr("fahrenheit")?);
    note("# A method that writes, called while this thread reads the object, is the");
    note("# borrow error, never a deadlock:");
    let guard = shared.try_read()?;
    let err = shared.call_method("warm", &[1.into()], &[]).unwrap_err();
    py("", "shared.call_method(\"warm\", ..) // while shared.try_read() is held");
    out(raised(&err));
    assert_eq!(raised(&err), "RuntimeError: Already borrowed");
    drop(guard);
    py("(5)()", "Value::Int(5).call(&[], &[])");
    out(raised(&Value::Int(5).call(&[], &[]).unwrap_err()));

    heading("A Fraction-like value class over private slots");
    py("a, b = Fraction(2, 4), Fraction(1, 2)", "let (a, b) = (Fraction::make(2, 4)?, Fraction::make(1, 2)?);");
    let (a, b) = (Fraction::make(2, 4)?, Fraction::make(1, 2)?);
    py("a", "a  // Display is __repr__");
    out(&a);
    assert_eq!(a.to_string(), "Fraction(1, 2)");
    py("a.numerator, a.denominator", "a.getattr(\"numerator\")?, a.getattr(\"denominator\")?");
    out(format!("({}, {})", a.getattr("numerator")?, a.getattr("denominator")?));
    py("a.numerator = 3", "a.setattr(\"numerator\", 3.into())");
    let mut a2 = Fraction::make(1, 2)?;
    let err = a2.setattr("numerator", 3.into()).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: property 'numerator' of 'Fraction' object has no setter");
    let (a, b) = (Value::Object(Py::new(a).into_object()), Value::Object(Py::new(b).into_object()));
    py("a == b, a is b", "a.py_eq(&b), Value::is(&a, &b)");
    out(format!("({}, {})", a.py_eq(&b), Value::is(&a, &b)));
    assert!(a.py_eq(&b) && !Value::is(&a, &b));
    py("hash(a) == hash(b)", "a.py_hash()? == b.py_hash()?");
    out(a.py_hash()? == b.py_hash()?);
    py("copy.copy(a) is a", "Value::is(&pyslots::copy(&a)?, &a)");
    out(Value::is(&pyslots::copy(&a)?, &a));
    assert!(Value::is(&pyslots::copy(&a)?, &a));
    py("a.as_float()", "a.as_object().unwrap().call_method(\"as_float\", &[], &[])?");
    out(a.as_object().unwrap().call_method("as_float", &[], &[])?);

    heading("__getattr__: only after the normal lookup fails");
    let mut r = Record::default();
    py("r = Record(); r.x_y", "let mut r = Record::default(); r.getattr(\"x_y\")?");
    out(r.getattr("x_y")?);
    py("r.x_y = 'set'; r.x_y", "r.setattr(\"x_y\", \"set\".into())?; r.getattr(\"x_y\")?");
    r.setattr("x_y", "set".into())?;
    out(r.getattr("x_y")?);
    assert_eq!(r.getattr("x_y")?, Value::from("set"));
    py("r.other", "r.getattr(\"other\")");
    out(raised(&r.getattr("other").unwrap_err()));
    py("object.__getattribute__(r, 'x_y')", "pyslots::generic_getattr(&r, \"x_y\")?");
    out(pyslots::generic_getattr(&r, "x_y")?);
    Ok(())
}
