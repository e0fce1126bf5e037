//! `Value`: a dynamically typed attribute value, with Python's `repr`.

use std::fmt;
use std::sync::Arc;

use crate::dict::Dict;
use crate::handle::{Py, PyObject};
use crate::object::PyClass;
use crate::pystr::{self, PyStr};

/// A dynamically typed value, as held by an untyped slot or a dict entry and
/// as returned by [`getattr`](crate::getattr).
///
/// `Display` is Python's `repr`: `'Alice'`, `30`, `3.0`, `None`, `True`.
/// Equality is structural: `Int(1) != Float(1.0)` (Python's `==` would say
/// equal), objects are equal when they are the same object (Python's
/// default `==` is identity).
///
/// ```
/// use pyslots::Value;
/// assert_eq!(Value::from(30).to_string(), "30");
/// assert_eq!(Value::from(3.0).to_string(), "3.0");
/// assert_eq!(Value::from("Alice").to_string(), "'Alice'");
/// assert_eq!(Value::None.to_string(), "None");
/// assert_eq!(Value::from(true).to_string(), "True");
/// assert_eq!(Value::from(1e16).to_string(), "1e+16");
/// assert_eq!(Value::from(30).type_name(), "int");
/// ```
// `repr(u64)` widens the tag to a word, so every payload (`Bool`'s too)
// starts at byte 8. With the default layout `Bool` sits at byte 1, and
// LLVM copies a `Value` or `Result<Value, Error>` as bytes 0, 1..8 and
// 8..24 through stack temporaries; the overlapping 4-byte pieces defeat
// store forwarding. Dict-class getattr, which clones a stored `Value`,
// went from 7.8 to 3.6 ns (benches report, `dict getattr x`). The size stays
// 24 bytes and the tag still leaves a niche: `Option<Value>` and
// `Result<Value, Error>` are 24 bytes too (asserted in the tests below).
#[derive(Clone, Default)]
#[repr(u64)]
pub enum Value {
    /// Python's `None`.
    #[default]
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` that fits in 64 bits.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`; cloning it is a reference-count increment.
    Str(PyStr),
    /// An immutable list snapshot, as `getattr(obj, "__slots__")` returns.
    List(Arc<[Value]>),
    /// A dict snapshot, as `getattr(obj, "__dict__")` returns. The live
    /// dict is [`Object::dict`](crate::Object::dict).
    Dict(Arc<Dict>),
    /// Another object, shared by reference as in Python.
    Object(PyObject),
}

impl Value {
    /// The Python type name: `NoneType`, `bool`, `int`, `float`, `str`,
    /// `list`, `dict`, or the class name of an object.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Object(o) => o.type_name(),
        }
    }

    /// Whether this is `None`.
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The integer, if this is an `Int` (or a `Bool`: Python's `bool` is an
    /// `int`).
    #[inline]
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::Bool(b) => Some(b as i64),
            _ => None,
        }
    }

    /// The number as a float, if this is a `Float`, `Int` or `Bool`.
    #[inline]
    pub fn as_float(&self) -> Option<f64> {
        match *self {
            Value::Float(x) => Some(x),
            Value::Int(i) => Some(i as f64),
            Value::Bool(b) => Some(b as i64 as f64),
            _ => None,
        }
    }

    /// The text, if this is a `Str`.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The object handle, if this is an `Object`.
    pub fn as_object(&self) -> Option<&PyObject> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Heap bytes this value owns: a string's allocation, a list's or
    /// dict's contents. An `Object` is shared, not owned: it counts nothing.
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Str(s) => s.heap_size(),
            Value::List(items) => {
                2 * std::mem::size_of::<usize>()
                    + std::mem::size_of_val::<[Value]>(items)
                    + items.iter().map(Value::heap_size).sum::<usize>()
            }
            Value::Dict(d) => 2 * std::mem::size_of::<usize>() + std::mem::size_of::<Dict>() + d.heap_size(),
            _ => 0,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Dict(a), Value::Dict(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => PyObject::is(a, b),
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            // Honour `{:<14}` and friends: format, then pad as a str.
            return f.pad(&self.repr());
        }
        self.write_repr(f)
    }
}

impl Value {
    /// Python's `repr()` of the value, as a `String`.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        let _ = self.write_repr(&mut out);
        out
    }

    fn write_repr(&self, f: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write_float_repr(f, *x),
            Value::Str(s) => pystr::write_repr(f, s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.write_repr(f)?;
                }
                f.write_str("]")
            }
            Value::Dict(d) => write!(f, "{d}"),
            Value::Object(o) => write!(f, "{o}"),
        }
    }
}

/// `Debug` is the same Python `repr` as `Display`, so that `{:?}` of a
/// `Vec<Value>` reads like a Python list.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Writes Python's `repr()` of a float: the shortest digits that round-trip
/// (Rust's formatter finds the same ones), in fixed notation when the
/// decimal exponent is in `-4..16` and in `1e+16` style otherwise.
pub(crate) fn write_float_repr(f: &mut impl fmt::Write, x: f64) -> fmt::Result {
    if x.is_nan() {
        return f.write_str("nan");
    }
    if x.is_infinite() {
        return f.write_str(if x > 0.0 { "inf" } else { "-inf" });
    }
    // `{:e}` finds how many digits the shortest round-trip repr needs;
    // where two such reprs tie (the value is exactly halfway, as
    // 1319486788176819.25), it rounds half up while CPython rounds half to
    // even. Formatting again with exactly that many digits rounds half to
    // even, and the correctly rounded n-digit decimal round-trips whenever
    // any n-digit decimal does.
    let shortest = format!("{x:e}");
    let digits = shortest.split('e').next().unwrap_or("").bytes().filter(u8::is_ascii_digit).count();
    let sci = format!("{x:.*e}", digits.saturating_sub(1));
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always writes an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` writes a decimal exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    f.write_str(sign)?;
    if (-4..16).contains(&exp) {
        if exp < 0 {
            f.write_str("0.")?;
            for _ in 0..(-exp - 1) {
                f.write_char('0')?;
            }
            f.write_str(&digits)
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                f.write_str(&digits)?;
                for _ in digits.len()..int_len {
                    f.write_char('0')?;
                }
                f.write_str(".0")
            } else {
                f.write_str(&digits[..int_len])?;
                f.write_char('.')?;
                f.write_str(&digits[int_len..])
            }
        }
    } else {
        f.write_str(&digits[..1])?;
        if digits.len() > 1 {
            f.write_char('.')?;
            f.write_str(&digits[1..])?;
        }
        let exp_sign = if exp < 0 { '-' } else { '+' };
        write!(f, "e{exp_sign}{:02}", exp.unsigned_abs())
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(i64::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Value {
        Value::Float(f64::from(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Str(PyStr::new(v))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(PyStr::from(v))
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Str(PyStr::new(v))
    }
}

impl From<PyStr> for Value {
    fn from(v: PyStr) -> Value {
        Value::Str(v)
    }
}

impl From<()> for Value {
    fn from((): ()) -> Value {
        Value::None
    }
}

impl From<Dict> for Value {
    fn from(v: Dict) -> Value {
        Value::Dict(Arc::new(v))
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::List(v.into())
    }
}

impl From<PyObject> for Value {
    fn from(v: PyObject) -> Value {
        Value::Object(v)
    }
}

impl<T: PyClass> From<Py<T>> for Value {
    fn from(v: Py<T>) -> Value {
        Value::Object(v.into_object())
    }
}

impl<T: PyClass> From<&Py<T>> for Value {
    fn from(v: &Py<T>) -> Value {
        Value::Object(v.clone().into_object())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::None, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(x: f64) -> String {
        Value::Float(x).to_string()
    }

    #[test]
    fn word_tag_keeps_the_size_and_the_niche() {
        use std::mem::size_of;
        assert_eq!(size_of::<Value>(), 24);
        assert_eq!(size_of::<Option<Value>>(), 24);
        assert_eq!(size_of::<Option<Option<Value>>>(), 24);
    }

    #[test]
    // The halfway cases below are exact binary values: their last digit is
    // the point of the test, not excess precision.
    #[allow(clippy::excessive_precision)]
    fn float_repr_matches_python() {
        let cases: &[(f64, &str)] = &[
            (3.0, "3.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345.6, "123456789012345.6"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.25e-7, "1.25e-07"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (1.0 / 3.0, "0.3333333333333333"),
            // Exactly halfway between two shortest reprs: half to even.
            (1319486788176819.25, "1319486788176819.2"),
            (2139457444440924.25, "2139457444440924.2"),
            (1741346481323156.25, "1741346481323156.2"),
        ];
        for &(x, want) in cases {
            assert_eq!(repr(x), want, "repr({x:?})");
        }
    }

    #[test]
    fn display_pads_like_a_str() {
        assert_eq!(format!("[{:<6}]", Value::from(true)), "[True  ]");
        assert_eq!(format!("[{:>5}]", Value::from("a")), "[  'a']");
    }

    #[test]
    fn equality_is_structural() {
        assert_eq!(Value::from(1), Value::Int(1));
        assert_ne!(Value::from(1), Value::from(1.0));
        assert_ne!(Value::from(true), Value::from(1));
        assert_ne!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_eq!(Value::from(Some("a")), Value::from("a"));
        assert_eq!(Value::from(None::<i64>), Value::None);
    }

    #[test]
    fn value_is_three_words() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 24);
    }
}
