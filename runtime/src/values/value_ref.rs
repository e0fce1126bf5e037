//! `ValueRef`: an attribute's value, borrowed from the object.

use std::fmt;

use crate::handles::handle::PyObject;
use crate::values::bytes::PyBytes;
use crate::values::pystr::PyStr;
use crate::values::value::Value;

/// An attribute's value as [`Object::getattr_ref`](crate::Object::getattr_ref)
/// lends it: borrowed from the object wherever the object stores one, so
/// reading it touches no reference count (a long string, a list, an object
/// handle are not cloned). It lives as long as the borrow of the object.
///
/// `Display` is Python's `repr`, as [`Value`]'s; [`to_value`](ValueRef::to_value)
/// makes an owned `Value` (cloning, which for a shared value is a
/// reference-count increment).
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(name, x, tags)]
/// struct P { name: String, x: f64 }
///
/// let mut p = P::new("a name longer than fifteen bytes".into(), 2.5);
/// p.setattr("tags", Value::list(["a", "b"]))?;
/// assert_eq!(p.getattr_ref("name")?.as_str(), Some("a name longer than fifteen bytes"));
/// assert_eq!(p.getattr_ref("x")?.as_float(), Some(2.5));
/// assert_eq!(p.getattr_ref("tags")?.to_string(), "['a', 'b']");
/// # Ok::<(), pyslots::Error>(())
/// ```
// A word-sized tag, as `Value`'s: with the default layout `Bool` sits at
// byte 1 and LLVM copies the enum in overlapping pieces that defeat store
// forwarding (getattr_ref of a float 8.6 ns; `Value`'s own comment has the
// story).
#[derive(Clone)]
#[repr(u64)]
pub enum ValueRef<'a> {
    /// A value the object stores as a [`Value`] (an untyped slot, a dict
    /// entry), borrowed.
    Value(&'a Value),
    /// A string slot's text, borrowed.
    Str(&'a PyStr),
    /// A bytes slot's contents, borrowed.
    Bytes(&'a PyBytes),
    /// An object slot's handle, borrowed.
    Object(&'a PyObject),
    /// A `float` slot's number, copied (a copy costs nothing).
    Float(f64),
    /// An `int` slot's number, copied.
    Int(i64),
    /// A `bool` slot's value, copied.
    Bool(bool),
    /// A value made for this read: a typed slot whose Rust type is not a
    /// Python value (a `Vec<T>` becomes a new list, a `u128` an `int`), or
    /// an entry of a dict that `__dict__` made live (cloned out of its
    /// lock).
    Owned(Value),
}

impl ValueRef<'_> {
    /// An owned [`Value`]: a clone of a borrowed one.
    #[inline]
    pub fn to_value(&self) -> Value {
        match self {
            ValueRef::Value(v) => (*v).clone(),
            ValueRef::Str(s) => Value::Str((*s).clone()),
            ValueRef::Bytes(b) => Value::Bytes((*b).clone()),
            ValueRef::Object(o) => Value::Object((*o).clone()),
            ValueRef::Float(x) => Value::Float(*x),
            ValueRef::Int(i) => Value::Int(*i),
            ValueRef::Bool(b) => Value::Bool(*b),
            ValueRef::Owned(v) => v.clone(),
        }
    }

    /// The text, if the value is a `str`.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ValueRef::Value(v) => v.as_str(),
            ValueRef::Str(s) => Some(s.as_str()),
            ValueRef::Owned(v) => v.as_str(),
            _ => None,
        }
    }

    /// The contents, if the value is a `bytes`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            ValueRef::Value(v) => v.as_bytes(),
            ValueRef::Bytes(b) => Some(b.as_bytes()),
            ValueRef::Owned(v) => v.as_bytes(),
            _ => None,
        }
    }

    /// The number as a float, if the value is a number (as
    /// [`Value::as_float`]).
    #[inline]
    pub fn as_float(&self) -> Option<f64> {
        match self {
            ValueRef::Value(v) => v.as_float(),
            ValueRef::Owned(v) => v.as_float(),
            ValueRef::Float(x) => Some(*x),
            ValueRef::Int(i) => Some(*i as f64),
            ValueRef::Bool(b) => Some(f64::from(u8::from(*b))),
            ValueRef::Str(_) | ValueRef::Bytes(_) | ValueRef::Object(_) => None,
        }
    }

    /// The integer, if the value is an `int` that fits in 64 bits or a
    /// `bool` (as [`Value::as_int`]).
    #[inline]
    pub fn as_int(&self) -> Option<i64> {
        match self {
            ValueRef::Value(v) => v.as_int(),
            ValueRef::Owned(v) => v.as_int(),
            ValueRef::Int(i) => Some(*i),
            ValueRef::Bool(b) => Some(i64::from(*b)),
            ValueRef::Float(_) | ValueRef::Str(_) | ValueRef::Bytes(_) | ValueRef::Object(_) => None,
        }
    }

    /// The Python type name, as [`Value::type_name`].
    pub fn type_name(&self) -> &str {
        match self {
            ValueRef::Value(v) => v.type_name(),
            ValueRef::Owned(v) => v.type_name(),
            ValueRef::Str(_) => "str",
            ValueRef::Bytes(_) => "bytes",
            ValueRef::Object(o) => o.type_name(),
            ValueRef::Float(_) => "float",
            ValueRef::Int(_) => "int",
            ValueRef::Bool(_) => "bool",
        }
    }
}

impl PartialEq<Value> for ValueRef<'_> {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (ValueRef::Value(v), o) => *v == o,
            (ValueRef::Owned(v), o) => v == o,
            (ValueRef::Str(s), Value::Str(o)) => *s == o,
            (ValueRef::Bytes(b), Value::Bytes(o)) => *b == o,
            (ValueRef::Object(p), Value::Object(o)) => PyObject::is(p, o),
            (ValueRef::Float(x), Value::Float(o)) => x == o,
            (ValueRef::Int(i), Value::Int(o)) => i == o,
            (ValueRef::Bool(b), Value::Bool(o)) => b == o,
            _ => false,
        }
    }
}

impl fmt::Display for ValueRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueRef::Value(v) => fmt::Display::fmt(v, f),
            ValueRef::Owned(v) => fmt::Display::fmt(v, f),
            ValueRef::Bytes(b) => fmt::Display::fmt(*b, f),
            other => fmt::Display::fmt(&other.to_value(), f),
        }
    }
}

impl fmt::Debug for ValueRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
