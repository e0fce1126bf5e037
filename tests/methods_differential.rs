//! `#[methods]` against CPython 3.11: the same classes written in Python
//! (properties, methods, static methods, defaults, `__getattr__`, a dict
//! that shadows a method, a subclass that overrides), the same steps in
//! both, every line compared.

use pyslots::prelude::*;
use pyslots_testkit::differential::{check_steps, done, line, Steps};

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
            return Err(Error::value_error("below absolute zero"));
        }
        self.set__celsius(value);
        Ok(())
    }
    #[deleter]
    fn del_celsius(&mut self) -> Result<(), Error> {
        self.delattr("_celsius")
    }
    #[getter]
    fn fahrenheit(&self) -> Result<f64, Error> {
        Ok(self.celsius()? * 9.0 / 5.0 + 32.0)
    }
    fn warm(&mut self, by: f64, times: Option<i64>) -> Result<f64, Error> {
        let c = self.celsius()? + by * times.unwrap_or(1) as f64;
        self.set_celsius(c)?;
        Ok(c)
    }
    #[staticmethod]
    fn absolute_zero() -> f64 {
        -273.15
    }
}

#[pyclass_like(extends(Temperature))]
#[slots(label)]
struct Sensor {
    label: String,
}

#[methods]
impl Sensor {
    #[getter]
    fn fahrenheit(&self) -> String {
        "hidden".into()
    }
    fn warm(&self, by: f64) -> f64 {
        by
    }
    #[setter]
    fn set_code(&mut self, value: i64) {
        self.set_label(value.to_string());
    }
}

#[pyclass_like]
struct Bag {}

#[methods]
impl Bag {
    fn size(&self) -> i64 {
        7
    }
    fn __getattr__(&self, name: &str) -> Result<Value, Error> {
        if name.starts_with('x') {
            Ok(Value::from(name.len() as i64))
        } else {
            Err(Error::attribute_error(format!("Bag has no {name}")))
        }
    }
}

const CLASSES: &str = r#"
class Temperature:
    __slots__ = ('_celsius',)
    @property
    def celsius(self):
        return self._celsius
    @celsius.setter
    def celsius(self, value):
        if type(value) not in (int, float):
            raise TypeError(f"'{type(self).__name__}' object attribute 'celsius' must be float, not {type(value).__name__}")
        if value < -273.15:
            raise ValueError("below absolute zero")
        self._celsius = float(value)
    @celsius.deleter
    def celsius(self):
        del self._celsius
    @property
    def fahrenheit(self):
        return self.celsius * 9.0 / 5.0 + 32.0
    def warm(self, by, times=None):
        if type(by) not in (int, float):
            raise TypeError(f"Temperature.warm() argument 'by' must be float, not {type(by).__name__}")
        c = self.celsius + by * (1 if times is None else times)
        self.celsius = c
        return c
    @staticmethod
    def absolute_zero():
        return -273.15

class Sensor(Temperature):
    __slots__ = ('label',)
    @property
    def fahrenheit(self):
        return 'hidden'
    def warm(self, by):
        return float(by)
    def _set_code(self, value):
        if type(value) is not int:
            raise TypeError(f"'Sensor' object attribute 'code' must be int, not {type(value).__name__}")
        self.label = str(value)
    code = property(None, _set_code)

class Bag:
    def size(self):
        return 7
    def __getattr__(self, name):
        if name.startswith('x'):
            return len(name)
        raise AttributeError(f"Bag has no {name}")

def call(obj, name, *args, **kwargs):
    return getattr(obj, name)(*args, **kwargs)
"#;

fn call(obj: &mut dyn Object, name: &str, args: &[Value], kwargs: &[(&str, Value)]) -> String {
    line(pyslots::call_method(obj, name, args, kwargs))
}

fn temperature() -> Result<Vec<String>, Error> {
    let mut t = Temperature::default();
    let t = &mut t;
    Ok(vec![
        "ok".to_owned(),
        done(t.setattr("celsius", 20.into())),
        line(t.getattr("celsius")),
        line(t.getattr("fahrenheit")),
        done(t.setattr("fahrenheit", 1.into())),
        done(t.setattr("celsius", "hot".into())),
        done(t.setattr("celsius", (-300).into())),
        line(t.getattr("_celsius")),
        call(t, "warm", &[2.into()], &[]),
        call(t, "warm", &[1.into(), 3.into()], &[]),
        call(t, "warm", &[], &[("by", 1.into()), ("times", 2.into())]),
        call(t, "warm", &[], &[]),
        call(t, "warm", &[1.into(), 2.into(), 3.into()], &[]),
        call(t, "warm", &[1.into()], &[("by", 2.into())]),
        call(t, "warm", &[1.into()], &[("bye", 2.into())]),
        call(t, "warm", &["x".into()], &[]),
        call(t, "warm", &[], &[("self", 1.into()), ("by", 2.into())]),
        call(t, "absolute_zero", &[], &[]),
        call(t, "absolute_zero", &[1.into()], &[]),
        call(t, "celsius", &[], &[]),
        call(t, "missing", &[], &[]),
        done(t.setattr("warm", 1.into())),
        done(t.delattr("warm")),
        done(t.setattr("absolute_zero", 1.into())),
        line(Ok(Value::Bool(t.hasattr("fahrenheit")))),
        done(t.delattr("fahrenheit")),
        done(t.delattr("celsius")),
        line(t.getattr("celsius")),
        line(Ok(Value::Bool(t.hasattr("celsius")))),
        done(t.delattr("celsius")),
        line(t.getattr("fahrenheit")),
        done(t.setattr("nope", 1.into())),
        line(t.getattr("nope")),
    ])
}

const TEMPERATURE: &[&str] = &[
    "t = object.__new__(Temperature)",
    "t.celsius = 20",
    "? t.celsius",
    "? t.fahrenheit",
    "t.fahrenheit = 1",
    "t.celsius = 'hot'",
    "t.celsius = -300",
    "? t._celsius",
    "? call(t, 'warm', 2)",
    "? call(t, 'warm', 1, 3)",
    "? call(t, 'warm', by=1, times=2)",
    "? call(t, 'warm')",
    "? call(t, 'warm', 1, 2, 3)",
    "? call(t, 'warm', 1, by=2)",
    "? call(t, 'warm', 1, bye=2)",
    "? call(t, 'warm', 'x')",
    "? t.warm(**{'self': 1, 'by': 2})",
    "? call(t, 'absolute_zero')",
    "? call(t, 'absolute_zero', 1)",
    "? call(t, 'celsius')",
    "? call(t, 'missing')",
    "t.warm = 1",
    "del t.warm",
    "t.absolute_zero = 1",
    "? hasattr(t, 'fahrenheit')",
    "del t.fahrenheit",
    "del t.celsius",
    "? t.celsius",
    "? hasattr(t, 'celsius')",
    "del t.celsius",
    "? t.fahrenheit",
    "t.nope = 1",
    "? t.nope",
];

fn sensor() -> Result<Vec<String>, Error> {
    let mut s = Sensor::default();
    let s = &mut s;
    Ok(vec![
        "ok".to_owned(),
        done(s.setattr("celsius", 5.into())),
        line(s.getattr("celsius")),
        line(s.getattr("fahrenheit")),
        done(s.setattr("fahrenheit", 1.into())),
        call(s, "warm", &[2.into()], &[]),
        call(s, "warm", &[2.into(), 1.into()], &[]),
        line(s.getattr("celsius")),
        call(s, "absolute_zero", &[], &[]),
        done(s.setattr("code", 42.into())),
        line(s.getattr("label")),
        line(s.getattr("code")),
        done(s.delattr("code")),
        done(s.setattr("code", "x".into())),
    ])
}

const SENSOR: &[&str] = &[
    "s = object.__new__(Sensor)",
    "s.celsius = 5",
    "? s.celsius",
    "? s.fahrenheit",
    "s.fahrenheit = 1",
    "? call(s, 'warm', 2)",
    "? call(s, 'warm', 2, 1)",
    "? s.celsius",
    "? call(s, 'absolute_zero')",
    "s.code = 42",
    "? s.label",
    "? s.code",
    "del s.code",
    "s.code = 'x'",
];

fn bag() -> Result<Vec<String>, Error> {
    let mut b = Bag::default();
    let b = &mut b;
    Ok(vec![
        "ok".to_owned(),
        call(b, "size", &[], &[]),
        done(b.setattr("size", 3.into())),
        line(b.getattr("size")),
        call(b, "size", &[], &[]),
        done(b.delattr("size")),
        call(b, "size", &[], &[]),
        done(b.delattr("size")),
        line(b.getattr("xyz")),
        line(b.getattr("abc")),
        line(Ok(Value::Bool(b.hasattr("x1")))),
        line(Ok(Value::Bool(b.hasattr("y1")))),
        done(b.setattr("xyz", "set".into())),
        line(b.getattr("xyz")),
        line(Ok(Value::list(b.dir().into_iter().map(Value::from)))),
    ])
}

const BAG: &[&str] = &[
    "b = Bag()",
    "? call(b, 'size')",
    "b.size = 3",
    "? b.size",
    "? call(b, 'size')",
    "del b.size",
    "? call(b, 'size')",
    "del b.size",
    "? b.xyz",
    "? b.abc",
    "? hasattr(b, 'x1')",
    "? hasattr(b, 'y1')",
    "b.xyz = 'set'",
    "? b.xyz",
    "? sorted(n for n in dir(b) if n in ('__dict__', '__weakref__') or not n.startswith('__'))",
];

#[test]
fn methods_match_cpython() {
    let compared = check_steps(
        CLASSES,
        &[
            Steps { name: "temperature", python: TEMPERATURE, rust: temperature },
            Steps { name: "sensor", python: SENSOR, rust: sensor },
            Steps { name: "bag", python: BAG, rust: bag },
        ],
    );
    assert_eq!(compared, TEMPERATURE.len() + SENSOR.len() + BAG.len());
}
