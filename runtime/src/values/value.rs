//! `Value`: a dynamically typed attribute value, Python's built-in types,
//! with Python's `repr`, structural equality, and Python's `==` and `hash()`.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use num_traits::FromPrimitive;

use crate::error::Error;
use crate::handles::handle::{Py, PyObject};
use crate::objects::object::PyClass;
use crate::objects::object::{Body, MethodDef};
use crate::values::bytes::PyBytes;
use crate::values::dict::{Dict, PyDict};
use crate::values::int::BigInt;
use crate::values::list::PyList;
use crate::values::pystr::PyStr;
use crate::values::tuple::PyTuple;

/// A dynamically typed value, as held by an untyped slot or a dict entry and
/// as returned by [`getattr`](crate::getattr): Python's built-in types.
///
/// | Python | `Value` | shared? |
/// |---|---|---|
/// | `None`, `True` | `None`, `Bool(true)` | |
/// | `int` | `Int(i64)`; beyond 64 bits `BigInt` | |
/// | `float` | `Float(f64)` | |
/// | `str` | `Str(PyStr)`: 15 bytes inline, longer shared | immutable |
/// | `bytes` | `Bytes(PyBytes)`: likewise | immutable |
/// | `tuple` | `Tuple(PyTuple)` | immutable |
/// | `list` | `List(PyList)` | shared and mutable |
/// | `dict` (str keys) | `Dict(PyDict)` | shared and mutable |
/// | an instance | `Object(PyObject)` | shared |
///
/// `Display` is Python's `repr`, recursive containers included (`[...]`).
/// Cloning a list, dict or object clones the reference, as Python's
/// assignment does: both values then see the same list.
///
/// Equality (`==`) is structural: the same variant with equal contents
/// (`Int(1) != Float(1.0)`, `NaN != NaN`); lists, tuples and dicts compare
/// their items, objects compare by identity (Python's default `__eq__`),
/// and cyclic containers compare without recursing forever.
/// [`py_eq`](Value::py_eq) is Python's `==` (`1 == 1.0 == True`) and
/// [`py_hash`](Value::py_hash) Python's `hash()`.
///
/// ```
/// use pyslots::Value;
/// assert_eq!(Value::from(30).to_string(), "30");
/// assert_eq!(Value::from(3.0).to_string(), "3.0");
/// assert_eq!(Value::from("Alice").to_string(), "'Alice'");
/// assert_eq!(Value::None.to_string(), "None");
/// assert_eq!(Value::from(true).to_string(), "True");
/// assert_eq!(Value::from(1e16).to_string(), "1e+16");
/// assert_eq!(Value::bytes(b"a\x00").to_string(), r"b'a\x00'");
/// assert_eq!(Value::tuple([1]).to_string(), "(1,)");
/// assert_eq!(Value::list([Value::from(1), Value::from("a")]).to_string(), "[1, 'a']");
/// assert_eq!(Value::from(2u128.pow(70)).to_string(), "1180591620717411303424");
/// assert_eq!(Value::from(30).type_name(), "int");
/// assert!(Value::from(1).py_eq(&Value::from(1.0)) && Value::from(1.0).py_eq(&Value::from(true)));
/// assert_ne!(Value::from(1), Value::from(1.0));
/// ```
// `repr(u64)` widens the tag to a word, so every payload (`Bool`'s too)
// starts at byte 8. With the default layout `Bool` sits at byte 1, and
// LLVM copies a `Value` or `Result<Value, Error>` as bytes 0, 1..8 and
// 8..24 through stack temporaries; the overlapping 4-byte pieces defeat
// store forwarding. Dict-class getattr, which clones a stored `Value`,
// went from 7.8 to 3.6 ns (benches report, `dict getattr x`). The size stays
// 24 bytes and the tag still leaves a niche: `Option<Value>` and
// `Result<Value, Error>` are 24 bytes too (asserted in the tests below).
//
// The variants that own nothing sit at both ends (`None`, `Bool` and `Int`
// first, `Float` last), so the drop glue every caller of `getattr` runs
// tests one range (`tag - 3 <= 6`) and returns at once for a number or
// `None`, without the jump table the heap variants share: 5 instructions
// for a float, where with `Float` among the others it took 10 (6 before
// the heap variants came; `benches/icount.sh`).
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
    /// A `str`.
    Str(PyStr),
    /// An `int` that does not fit in 64 bits (never one that does: equal
    /// numbers always have the same variant).
    BigInt(BigInt),
    /// A `bytes`.
    Bytes(PyBytes),
    /// A `tuple`.
    Tuple(PyTuple),
    /// A `list`, shared and mutable.
    List(PyList),
    /// A `dict` with string keys, shared and mutable.
    Dict(PyDict),
    /// Another object, shared by reference as in Python.
    Object(PyObject),
    /// Something callable a class defines or is: a method read from an
    /// owned object or a class (`function`), or bound to an object through
    /// a handle (`method`); a run-time class's `property`, `staticmethod`
    /// or `classmethod`; or a class itself (`type`, from
    /// [`Value::from(Type)`](crate::Type)). See [`Value::call`].
    Function(PyFunction),
    /// A `float`.
    Float(f64),
}

impl Value {
    /// A list of `items`: Python's `[a, b]`.
    ///
    /// ```
    /// use pyslots::Value;
    /// let v = Value::list([1, 2]);
    /// assert_eq!(v.to_string(), "[1, 2]");
    /// assert_eq!(v.as_list().map(|l| l.len()), Some(2));
    /// ```
    pub fn list<V: Into<Value>>(items: impl IntoIterator<Item = V>) -> Value {
        Value::List(items.into_iter().collect())
    }

    /// A tuple of `items`: Python's `(a, b)`.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::tuple(["x"]).to_string(), "('x',)");
    /// assert_eq!(Value::tuple(Vec::<Value>::new()).to_string(), "()");
    /// ```
    pub fn tuple<V: Into<Value>>(items: impl IntoIterator<Item = V>) -> Value {
        Value::Tuple(items.into_iter().collect())
    }

    /// A `bytes` holding a copy of `bytes`: Python's `b'...'`.
    ///
    /// ```
    /// use pyslots::Value;
    /// let v = Value::bytes(b"a'\x00");
    /// assert_eq!(v.to_string(), r#"b"a'\x00""#);
    /// assert_eq!(v.as_bytes(), Some(&b"a'\x00"[..]));
    /// ```
    pub fn bytes(bytes: &[u8]) -> Value {
        Value::Bytes(PyBytes::new(bytes))
    }

    /// A dict of `entries`: Python's `{'k': v}`.
    ///
    /// ```
    /// use pyslots::Value;
    /// let v = Value::dict([("name", Value::from("Ada")), ("born", Value::from(1815))]);
    /// assert_eq!(v.to_string(), "{'name': 'Ada', 'born': 1815}");
    /// assert_eq!(v.as_dict().and_then(|d| d.get("born")), Some(Value::Int(1815)));
    /// ```
    pub fn dict<K: Into<PyStr>, V: Into<Value>>(entries: impl IntoIterator<Item = (K, V)>) -> Value {
        Value::Dict(entries.into_iter().collect())
    }

    /// The integer `n`: `Int` if it fits in 64 bits, `BigInt` otherwise.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::int(7), Value::Int(7));
    /// let big = Value::int(1 << 70);
    /// assert!(matches!(big, Value::BigInt(_)));
    /// assert_eq!(big.to_string(), "1180591620717411303424");
    /// assert_eq!(big.as_i128(), Some(1 << 70));
    /// ```
    pub fn int(n: i128) -> Value {
        match i64::try_from(n) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::BigInt(BigInt::from(n)),
        }
    }

    /// The Python type name: `NoneType`, `bool`, `int`, `float`, `str`,
    /// `bytes`, `tuple`, `list`, `dict`, or the class name of an object.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::None.type_name(), "NoneType");
    /// assert_eq!(Value::int(1 << 80).type_name(), "int");
    /// assert_eq!(Value::dict([("k", 1)]).type_name(), "dict");
    /// ```
    pub fn type_name(&self) -> &str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Object(o) => o.type_name(),
            Value::Function(f) => f.type_name(),
        }
    }

    /// Calls the value: a function or bound method with `args` and
    /// `kwargs` (CPython's binding and messages); anything else is
    /// `TypeError: 'int' object is not callable`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let err = Value::Int(1).call(&[], &[]).unwrap_err();
    /// assert_eq!(err.to_string(), "'int' object is not callable");
    /// ```
    pub fn call(&self, args: &[Value], kwargs: &[(&str, Value)]) -> Result<Value, Error> {
        match self {
            Value::Function(f) => f.call(args, kwargs),
            other => Err(Error::type_error(format!("'{}' object is not callable", other.type_name()))),
        }
    }

    /// Whether this is `None`.
    ///
    /// ```
    /// assert!(pyslots::Value::None.is_none() && !pyslots::Value::Int(0).is_none());
    /// ```
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The integer, if this is an `Int` (or a `Bool`: Python's `bool` is an
    /// `int`). A `BigInt` does not fit and gives `None`.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::Int(-3).as_int(), Some(-3));
    /// assert_eq!(Value::Bool(true).as_int(), Some(1));
    /// assert_eq!(Value::Float(1.0).as_int(), None);
    /// assert_eq!(Value::int(1 << 64).as_int(), None);
    /// ```
    #[inline]
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::Bool(b) => Some(b as i64),
            _ => None,
        }
    }

    /// The integer as an `i128`, if this is an integer (`Bool`, `Int` or
    /// `BigInt`) that fits.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::int(-(1 << 100)).as_i128(), Some(-(1 << 100)));
    /// assert_eq!(Value::Bool(false).as_i128(), Some(0));
    /// ```
    pub fn as_i128(&self) -> Option<i128> {
        match self {
            Value::BigInt(n) => n.to_i128(),
            other => other.as_int().map(i128::from),
        }
    }

    /// The number as a float, if this is a `Float`, `Int`, `Bool` or a
    /// `BigInt` within a float's range.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::Int(2).as_float(), Some(2.0));
    /// assert_eq!(Value::Float(0.5).as_float(), Some(0.5));
    /// assert_eq!(Value::from("2").as_float(), None);
    /// ```
    #[inline]
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(x) => Some(*x),
            Value::Int(i) => Some(*i as f64),
            Value::Bool(b) => Some(*b as i64 as f64),
            Value::BigInt(n) => n.to_f64(),
            _ => None,
        }
    }

    /// The text, if this is a `Str`.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::from("hi").as_str(), Some("hi"));
    /// assert_eq!(Value::bytes(b"hi").as_str(), None);
    /// ```
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The contents, if this is a `Bytes`.
    ///
    /// ```
    /// assert_eq!(pyslots::Value::bytes(&[1, 2]).as_bytes(), Some(&[1u8, 2][..]));
    /// ```
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The items, if this is a `Tuple`.
    ///
    /// ```
    /// use pyslots::Value;
    /// let t = Value::tuple([1, 2]);
    /// assert_eq!(t.as_tuple().map(|t| t.as_slice().len()), Some(2));
    /// assert!(Value::list([1]).as_tuple().is_none());
    /// ```
    pub fn as_tuple(&self) -> Option<&PyTuple> {
        match self {
            Value::Tuple(t) => Some(t),
            _ => None,
        }
    }

    /// The list handle, if this is a `List`: [`len`](PyList::len),
    /// [`get`](PyList::get), [`push`](PyList::push), [`set`](PyList::set).
    ///
    /// ```
    /// use pyslots::Value;
    /// let v = Value::list([1]);
    /// let alias = v.clone(); // the same list, as in Python
    /// v.as_list().unwrap().push(2);
    /// assert_eq!(alias.to_string(), "[1, 2]");
    /// ```
    pub fn as_list(&self) -> Option<&PyList> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The dict handle, if this is a `Dict`: [`get`](PyDict::get),
    /// [`insert`](PyDict::insert), [`len`](PyDict::len).
    ///
    /// ```
    /// use pyslots::Value;
    /// let v = Value::dict([("a", 1)]);
    /// v.as_dict().unwrap().insert("b", 2);
    /// assert_eq!(v.to_string(), "{'a': 1, 'b': 2}");
    /// ```
    pub fn as_dict(&self) -> Option<&PyDict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// The object handle, if this is an `Object`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct P { x: i64 }
    ///
    /// let v = Value::from(Py::new(P::new(1)));
    /// assert_eq!(v.as_object().map(|o| o.type_name()), Some("P"));
    /// assert_eq!(v.as_object().unwrap().getattr("x")?, Value::Int(1));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn as_object(&self) -> Option<&PyObject> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Python's `is`: the same object for lists, dicts, tuples and objects;
    /// for the immutable scalars (numbers, strings, bytes), which Python
    /// may or may not share, equality.
    ///
    /// ```
    /// use pyslots::Value;
    /// let a = Value::list([1]);
    /// assert!(Value::is(&a, &a.clone()));
    /// assert!(!Value::is(&a, &Value::list([1]))); // equal, not the same list
    /// assert_eq!(a, Value::list([1]));
    /// ```
    pub fn is(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::List(p), Value::List(q)) => PyList::is(p, q),
            (Value::Dict(p), Value::Dict(q)) => PyDict::is(p, q),
            (Value::Tuple(p), Value::Tuple(q)) => PyTuple::is(p, q),
            (Value::Object(p), Value::Object(q)) => PyObject::is(p, q),
            (Value::Function(p), Value::Function(q)) => PyFunction::is(p, q),
            (Value::List(_) | Value::Dict(_) | Value::Tuple(_) | Value::Object(_) | Value::Function(_), _) => false,
            _ => a == b,
        }
    }

    /// Reports the handle this value is, if it is one (an object, a list,
    /// a dict, a tuple), to the cycle collector: what a
    /// [`SlotValue::traverse`](crate::SlotValue::traverse) of a type that
    /// holds values calls for each. A function value reports what it holds
    /// (a bound object, a class made at run time, ...) while nothing else
    /// shares it.
    #[inline]
    pub fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        match self {
            Value::Object(o) => o.traverse(visit),
            Value::List(l) => l.traverse(visit),
            Value::Dict(d) => d.traverse(visit),
            Value::Tuple(t) => t.traverse(visit),
            Value::Function(f) => f.traverse(visit),
            _ => {}
        }
    }

    /// Whether the value is of a kind that may hold a reference to a
    /// tracked node (an object, a list, a dict, a tuple, a function): one
    /// compare, where [`may_hold_references`](Value::may_hold_references)
    /// looks inside.
    #[inline(always)]
    pub(crate) fn may_be_a_reference(&self) -> bool {
        matches!(self, Value::Object(_) | Value::List(_) | Value::Dict(_) | Value::Tuple(_) | Value::Function(_))
    }

    /// Whether the value can take part in a reference cycle: an object, a
    /// list, a dict, or a tuple holding one.
    pub(crate) fn may_hold_references(&self) -> bool {
        match self {
            Value::Object(_) | Value::List(_) | Value::Dict(_) => true,
            Value::Tuple(t) => t.is_tracked(),
            Value::Function(f) => f.may_hold_references(),
            _ => false,
        }
    }

    /// Heap bytes this value owns: a long string's or bytes' buffer, a big
    /// integer, a list's, tuple's or dict's contents (nested to any depth,
    /// without recursion; a container reached twice, or through a cycle,
    /// counted once). An `Object` is a separately sized object and counts
    /// nothing.
    ///
    /// ```
    /// use pyslots::Value;
    /// assert_eq!(Value::Float(1.0).heap_size(), 0);
    /// assert_eq!(Value::from("short").heap_size(), 0); // kept inline
    /// assert!(Value::from("a string longer than fifteen bytes").heap_size() > 0);
    /// let l = Value::list([0; 100]);
    /// assert!(l.heap_size() >= 100 * std::mem::size_of::<Value>());
    /// ```
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Str(s) => s.heap_size(),
            Value::Bytes(b) => b.heap_size(),
            Value::BigInt(n) => n.heap_size(),
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) => nested_heap_size(std::slice::from_ref(self)),
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Object(_) | Value::Function(_) => 0,
        }
    }

    /// Python's `==`: numbers compare by value across `bool`, `int` and
    /// `float` (`1 == 1.0 == True`), containers compare their items with
    /// `==`, objects by identity. Unlike CPython, two distinct cyclic
    /// containers compare without raising `RecursionError` (as equal where
    /// their structure is), and a NaN is never equal to itself (a float has
    /// no identity here).
    ///
    /// ```
    /// use pyslots::Value;
    /// assert!(Value::Int(1).py_eq(&Value::Float(1.0)));
    /// assert!(Value::Bool(true).py_eq(&Value::Int(1)));
    /// assert!(Value::list([1, 2]).py_eq(&Value::list([1.0, 2.0])));
    /// assert!(!Value::Float(f64::NAN).py_eq(&Value::Float(f64::NAN)));
    /// ```
    pub fn py_eq(&self, other: &Value) -> bool {
        equal(self, other, Equality::Python)
    }
}

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
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(name, x, n, tags)]
    /// struct P { name: String, x: f64, n: i64 }
    ///
    /// let mut p = P::new("a name longer than fifteen bytes".into(), 2.5, 7);
    /// p.setattr("tags", Value::list(["a"]))?;
    /// let name: Value = p.getattr_ref("name")?.to_value();
    /// assert_eq!(name, Value::from("a name longer than fifteen bytes"));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
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
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(name, x, n, tags)]
    /// struct P { name: String, x: f64, n: i64 }
    ///
    /// let mut p = P::new("a name longer than fifteen bytes".into(), 2.5, 7);
    /// p.setattr("tags", Value::list(["a"]))?;
    /// assert_eq!(p.getattr_ref("name")?.as_str(), Some("a name longer than fifteen bytes"));
    /// assert_eq!(p.getattr_ref("x")?.as_str(), None);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
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
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// use pyslots::PyBytes;
    ///
    /// #[pyclass_like]
    /// #[slots(data)]
    /// struct Blob { data: PyBytes }
    ///
    /// let b = Blob::new(PyBytes::new(b"\x01\x02"));
    /// assert_eq!(b.getattr_ref("data")?.as_bytes(), Some(&[1u8, 2][..]));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
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
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(name, x, n, tags)]
    /// struct P { name: String, x: f64, n: i64 }
    ///
    /// let mut p = P::new("a name longer than fifteen bytes".into(), 2.5, 7);
    /// p.setattr("tags", Value::list(["a"]))?;
    /// assert_eq!(p.getattr_ref("x")?.as_float(), Some(2.5));
    /// assert_eq!(p.getattr_ref("n")?.as_float(), Some(7.0));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
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
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(name, x, n, tags)]
    /// struct P { name: String, x: f64, n: i64 }
    ///
    /// let mut p = P::new("a name longer than fifteen bytes".into(), 2.5, 7);
    /// p.setattr("tags", Value::list(["a"]))?;
    /// assert_eq!(p.getattr_ref("n")?.as_int(), Some(7));
    /// assert_eq!(p.getattr_ref("x")?.as_int(), None);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
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
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(name, x, n, tags)]
    /// struct P { name: String, x: f64, n: i64 }
    ///
    /// let mut p = P::new("a name longer than fifteen bytes".into(), 2.5, 7);
    /// p.setattr("tags", Value::list(["a"]))?;
    /// assert_eq!(p.getattr_ref("tags")?.type_name(), "list");
    /// assert_eq!(p.getattr_ref("name")?.type_name(), "str");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
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

/// Heap bytes of `values` and of every container nested in them, each
/// container once: a work list, not recursion, so a list nested a million
/// deep (or one that holds itself) is measured on any stack.
pub(crate) fn nested_heap_size<'a>(values: impl IntoIterator<Item = &'a Value>) -> usize {
    fn take(v: &Value, work: &mut Vec<Value>) -> usize {
        match v {
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) => {
                work.push(v.clone());
                0
            }
            scalar => scalar.heap_size(),
        }
    }
    let mut work: Vec<Value> = Vec::new();
    let mut total: usize = values.into_iter().map(|v| take(v, &mut work)).sum();
    let mut seen: HashSet<usize> = HashSet::new();
    while let Some(container) = work.pop() {
        match &container {
            Value::List(l) if seen.insert(l.id()) => {
                let items = l.read();
                total += PyList::own_heap_size(items.capacity());
                total += items.iter().map(|v| take(v, &mut work)).sum::<usize>();
            }
            Value::Tuple(t) if seen.insert(t.id()) => {
                total += t.own_heap_size();
                total += t.iter().map(|v| take(v, &mut work)).sum::<usize>();
            }
            Value::Dict(d) if seen.insert(d.id()) => {
                let map = d.read();
                total += PyDict::own_heap_size(&map);
                total += map.values().map(|v| take(v, &mut work)).sum::<usize>();
            }
            _ => {}
        }
    }
    total
}

/// Which `==`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Equality {
    /// The same variants with equal contents.
    Structural,
    /// Python's `==`.
    Python,
}

/// Compares two values without recursion: containers push their item
/// pairs on a work list, and a pair of containers already being compared
/// is taken as equal (which is what it is, if everything else is), so
/// cyclic containers terminate and deep ones cannot overflow the stack.
fn equal(a: &Value, b: &Value, kind: Equality) -> bool {
    let mut work: Vec<(Value, Value)> = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    if !equal_step(a, b, kind, &mut work, &mut seen) {
        return false;
    }
    while let Some((x, y)) = work.pop() {
        if !equal_step(&x, &y, kind, &mut work, &mut seen) {
            return false;
        }
    }
    true
}

fn equal_step(
    a: &Value,
    b: &Value,
    kind: Equality,
    work: &mut Vec<(Value, Value)>,
    seen: &mut HashSet<(usize, usize)>,
) -> bool {
    match (a, b) {
        (Value::List(p), Value::List(q)) => {
            if PyList::is(p, q) || !seen.insert((p.id(), q.id())) {
                return true;
            }
            let (p, q) = (p.to_vec(), q.to_vec());
            p.len() == q.len() && {
                work.extend(p.into_iter().zip(q));
                true
            }
        }
        (Value::Tuple(p), Value::Tuple(q)) => {
            if PyTuple::is(p, q) || !seen.insert((p.id(), q.id())) {
                return true;
            }
            p.len() == q.len() && {
                work.extend(p.iter().cloned().zip(q.iter().cloned()));
                true
            }
        }
        (Value::Dict(p), Value::Dict(q)) => {
            if PyDict::is(p, q) || !seen.insert((p.id(), q.id())) {
                return true;
            }
            let (p, q) = (p.to_dict(), q.to_dict());
            p.len() == q.len()
                && p.iter().all(|(k, v)| match q.get(k) {
                    Some(w) => {
                        work.push((v.clone(), w.clone()));
                        true
                    }
                    None => false,
                })
        }
        (Value::Object(p), Value::Object(q)) => objects_equal(p, q),
        (Value::Function(p), Value::Function(q)) => p.py_eq(q),
        (Value::None, Value::None) => true,
        (Value::Str(p), Value::Str(q)) => p == q,
        (Value::Bytes(p), Value::Bytes(q)) => p == q,
        _ if kind == Equality::Python => numbers_equal(a, b),
        (Value::Bool(p), Value::Bool(q)) => p == q,
        (Value::Int(p), Value::Int(q)) => p == q,
        (Value::BigInt(p), Value::BigInt(q)) => p == q,
        (Value::Float(p), Value::Float(q)) => p == q,
        _ => false,
    }
}

/// Python's `==` between two objects: the same object, or the left's
/// class's `__eq__`, then the right's (reflected), where they return other
/// than `NotImplemented`; identity otherwise (and where this thread writes
/// either object, which `__eq__` could not read).
fn objects_equal(p: &PyObject, q: &PyObject) -> bool {
    if PyObject::is(p, q) {
        return true;
    }
    for (a, b) in [(p, q), (q, p)] {
        if let Some(eq) = a.layout().find_hook(|t| t.eq) {
            if let (Ok(x), Ok(y)) = (a.try_read(), b.try_read()) {
                if let Some(equal) = eq(&*x, &*y) {
                    return equal;
                }
            }
        }
    }
    false
}

/// Python's `==` between two numbers (`bool`, `int`, `float`), exactly:
/// `2**53 + 1 != 2.0**53`. Anything else is unequal.
fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Float(x), n) | (n, Value::Float(x)) => match n {
            Value::Bool(_) | Value::Int(_) => {
                // Every i64 is within a float's range; the float must be an
                // integer equal to it. 2**63 is exact as a float.
                const TWO_63: f64 = 9_223_372_036_854_775_808.0;
                let i = n.as_int().unwrap_or_default();
                x.fract() == 0.0 && (-TWO_63..TWO_63).contains(x) && *x as i64 == i
            }
            Value::BigInt(big) => {
                num_bigint::BigInt::from_f64(*x).is_some_and(|f| x.fract() == 0.0 && &f == big.as_num())
            }
            _ => false,
        },
        (Value::BigInt(p), Value::BigInt(q)) => p == q,
        (Value::BigInt(_), _) | (_, Value::BigInt(_)) => false,
        _ => match (a.as_int(), b.as_int()) {
            (Some(p), Some(q)) => p == q,
            _ => false,
        },
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            // Scalars first, without the work list.
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            _ => equal(self, other, Equality::Structural),
        }
    }
}

macro_rules! from_small_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(i64::from(v))
            }
        }
    )*};
}
from_small_int!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! from_wide_int {
    ($($t:ty),*) => {$(
        /// An `Int` where it fits in 64 bits, a `BigInt` beyond.
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                match i64::try_from(v) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::BigInt(BigInt::from_num(v.into())),
                }
            }
        }
    )*};
}
from_wide_int!(u64, usize, i128, u128, isize);

impl From<BigInt> for Value {
    fn from(v: BigInt) -> Value {
        match v.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(v),
        }
    }
}

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

impl From<PyBytes> for Value {
    fn from(v: PyBytes) -> Value {
        Value::Bytes(v)
    }
}

impl From<()> for Value {
    fn from((): ()) -> Value {
        Value::None
    }
}

/// A new shared dict holding `v`'s entries.
impl From<Dict> for Value {
    fn from(v: Dict) -> Value {
        Value::Dict(PyDict::from(v))
    }
}

impl From<PyDict> for Value {
    fn from(v: PyDict) -> Value {
        Value::Dict(v)
    }
}

impl From<PyList> for Value {
    fn from(v: PyList) -> Value {
        Value::List(v)
    }
}

impl From<PyTuple> for Value {
    fn from(v: PyTuple) -> Value {
        Value::Tuple(v)
    }
}

/// A new list: Python's `[...]`. (`Vec<u8>` too is a list of ints; a
/// `bytes` is [`Value::bytes`].)
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::list(v)
    }
}

macro_rules! from_tuple {
    ($(($($t:ident),+))*) => {$(
        /// A tuple: Python's `(a, b)`.
        #[allow(non_snake_case)]
        impl<$($t: Into<Value>),+> From<($($t,)+)> for Value {
            fn from(($($t,)+): ($($t,)+)) -> Value {
                Value::Tuple(PyTuple::new(vec![$($t.into()),+]))
            }
        }
    )*};
}
from_tuple!((A)(A, B)(A, B, C)(A, B, C, D)(A, B, C, D, E)(A, B, C, D, E, F));

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

// ---------------------------------------------------------------------------
// Functions as values.

/// A function a class defines, as a [`Value`]: `Value::Function`.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(celsius)]
/// struct Temperature { celsius: f64 }
///
/// #[methods]
/// impl Temperature {
///     fn warm(&mut self, by: f64) -> Result<f64, Error> {
///         let now = self.celsius().copied().unwrap_or(0.0) + by;
///         self.set_celsius(now);
///         Ok(now)
///     }
/// }
///
/// let t = Py::new(Temperature::new(20.0));
/// let handle = t.clone().into_object();
/// // Through a handle, `t.warm` is a method bound to the object.
/// let Value::Function(warm) = handle.getattr("warm")? else { unreachable!() };
/// assert_eq!((warm.type_name(), warm.qualname()), ("method", "Temperature.warm"));
/// assert_eq!(warm.call(&[Value::Float(1.5)], &[])?, Value::Float(21.5));
/// assert_eq!(t.read().celsius().copied()?, 21.5);
/// # Ok::<(), pyslots::Error>(())
/// ```
#[derive(Clone)]
pub struct PyFunction(Arc<Func>);

/// A function written in Rust for a namespace ([`Value::function`]).
type NativeFn = dyn Fn(&[Value], &[(&str, Value)]) -> Result<Value, Error> + Send + Sync;

pub(crate) enum Func {
    /// A method of a compile-time class, unbound (`Temperature.warm`).
    Method(&'static MethodDef),
    /// A method bound to an object (`t.warm` through a handle).
    Bound(&'static MethodDef, PyObject),
    /// A function given to a class made at run time: it binds, the
    /// instance as its first argument.
    Native(PyStr, Box<NativeFn>),
    /// `property(fget, fset, fdel)`.
    Property(Option<Value>, Option<Value>, Option<Value>),
    /// `staticmethod(f)`.
    Static(Value),
    /// `classmethod(f)`.
    ClassMethod(Value),
    /// A class, as a value: what a class method gets first, and calling
    /// it makes an instance (`type.__call__`).
    Class(crate::types::rt_class::Type),
    /// A callable bound to its first argument (a function of a run-time
    /// class read through a handle).
    BoundValue(Value, Value),
}

/// What a function-like value given to a class made at run time is, as a
/// class attribute: what the attribute algorithm does with it.
pub(crate) enum FnKind<'a> {
    /// `property(...)`, a data descriptor.
    Property(Option<&'a Value>, Option<&'a Value>, Option<&'a Value>),
    /// A function: it binds.
    Function,
    /// `staticmethod(f)`: `f`, unbound.
    Static(&'a Value),
    /// `classmethod(f)`: `f`, bound to the instance's class.
    ClassMethod(&'a Value),
    /// Anything else: a plain value.
    Plain,
}

impl Value {
    /// A function for a class made at run time (`def name(self, ...)` in a
    /// class body): in a namespace given to [`Type::new`](crate::Type::new)
    /// it binds, getting the instance first. Called with [`Value::call`].
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let double = Value::function("double", |args, _kwargs| {
    ///     Ok(Value::Int(args[0].as_int().unwrap_or(0) * 2))
    /// });
    /// assert_eq!(double.call(&[Value::Int(21)], &[])?, Value::Int(42));
    /// assert_eq!(double.to_string(), "<function double>");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn function(
        name: &str,
        f: impl Fn(&[Value], &[(&str, Value)]) -> Result<Value, Error> + Send + Sync + 'static,
    ) -> Value {
        Value::Function(PyFunction(Arc::new(Func::Native(PyStr::new(name), Box::new(f)))))
    }

    /// `property(fget, fset, fdel)` for a class made at run time: each a
    /// callable [`Value`] (a [`Value::function`]) taking the instance (and
    /// the value, for `fset`), or `None`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["_x"]));
    /// let get = Value::function("_get", |args, _| args[0].as_object().expect("self").getattr("_x"));
    /// let set = Value::function("_set", |args, _| {
    ///     args[0].as_object().expect("self").setattr("_x", args[1].clone())?;
    ///     Ok(Value::None)
    /// });
    /// ns.insert("x", Value::property(Some(get), Some(set), None));
    /// let point = Type::new("Point", &[], ns)?;
    ///
    /// let p = point.call(&[], &[])?;
    /// p.setattr("x", Value::Int(3))?;
    /// assert_eq!(p.getattr("x")?, Value::Int(3));
    /// assert_eq!(p.getattr("_x")?, Value::Int(3));
    /// assert_eq!(p.delattr("x").unwrap_err().to_string(), "property 'x' of 'Point' object has no deleter");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn property(fget: Option<Value>, fset: Option<Value>, fdel: Option<Value>) -> Value {
        Value::Function(PyFunction(Arc::new(Func::Property(fget, fset, fdel))))
    }

    /// `staticmethod(f)` for a class made at run time: `f`, read through an
    /// instance or called as a method, without the instance.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("origin", Value::staticmethod(Value::function("origin", |_, _| Ok(Value::tuple([0, 0])))));
    /// let point = Type::new("Point", &[], ns)?;
    ///
    /// let p = point.call(&[], &[])?;
    /// assert_eq!(p.call_method("origin", &[], &[])?.to_string(), "(0, 0)");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn staticmethod(f: Value) -> Value {
        Value::Function(PyFunction(Arc::new(Func::Static(f))))
    }

    /// `classmethod(f)` for a class made at run time: `f`, read through an
    /// instance or called as a method, gets the instance's class first
    /// (a subclass's instance, the subclass), as a value that makes an
    /// instance when called.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// let make = Value::function("make", |args, _| {
    ///     let obj = args[0].call(&[], &[])?;            // cls()
    ///     obj.as_object().expect("an instance").setattr("x", args[1].clone())?;
    ///     Ok(obj)
    /// });
    /// ns.insert("make", Value::classmethod(make));
    /// let point = Type::new("Point", &[], ns)?;
    /// let sub = Type::new("Sub", &[point.clone()], Dict::new())?;
    ///
    /// let p = sub.call(&[], &[])?.call_method("make", &[Value::Int(3)], &[])?;
    /// assert_eq!(p.as_object().unwrap().class(), sub);   // the class of the instance it was read through
    /// assert_eq!(p.as_object().unwrap().getattr("x")?, Value::Int(3));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn classmethod(f: Value) -> Value {
        Value::Function(PyFunction(Arc::new(Func::ClassMethod(f))))
    }
}

/// A class as a value: what a class method gets as `cls`; calling it
/// makes an instance, as calling a class does in Python.
///
/// ```
/// use pyslots::prelude::*;
///
/// let point = Type::new("Point", &[], Dict::new())?;
/// let cls = Value::from(point.clone());
/// assert_eq!(cls.to_string(), "<class 'Point'>");
/// assert_eq!(cls.type_name(), "type");
/// let p = cls.call(&[], &[])?;
/// assert_eq!(p.as_object().unwrap().class(), point);
/// # Ok::<(), pyslots::Error>(())
/// ```
impl From<crate::types::rt_class::Type> for Value {
    fn from(class: crate::types::rt_class::Type) -> Value {
        Value::Function(PyFunction(Arc::new(Func::Class(class))))
    }
}

impl PyFunction {
    /// The class this value is, if it is one ([`Value::from`] a
    /// [`Type`](crate::Type)).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let point = Type::new("Point", &[], Dict::new())?;
    /// let Value::Function(f) = Value::from(point.clone()) else { unreachable!() };
    /// assert_eq!(f.as_class(), Some(&point));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn as_class(&self) -> Option<&crate::types::rt_class::Type> {
        match &*self.0 {
            Func::Class(t) => Some(t),
            _ => None,
        }
    }
}

impl PyFunction {
    pub(crate) fn method(def: &'static MethodDef) -> PyFunction {
        PyFunction(Arc::new(Func::Method(def)))
    }

    pub(crate) fn bound(def: &'static MethodDef, receiver: PyObject) -> PyFunction {
        PyFunction(Arc::new(Func::Bound(def, receiver)))
    }

    /// `f` bound to `receiver`: called, it gets `receiver` first.
    /// `classmethod(inner)` read through an instance of `class`: `inner`
    /// bound to the class (a value that is no function is left as it is,
    /// and fails when called, as CPython's bound method of it does).
    pub(crate) fn bound_to_class(inner: &Value, class: crate::types::rt_class::Type) -> Value {
        match inner {
            Value::Function(g) => Value::Function(PyFunction::bound_value(g, Value::from(class))),
            other => other.clone(),
        }
    }

    pub(crate) fn bound_value(f: &PyFunction, receiver: Value) -> PyFunction {
        PyFunction(Arc::new(Func::BoundValue(Value::Function(f.clone()), receiver)))
    }

    /// The class's function, if this is one (not bound).
    pub(crate) fn unbound_method(&self) -> Option<&'static MethodDef> {
        match &*self.0 {
            Func::Method(def) => Some(def),
            _ => None,
        }
    }

    /// What it is as a class attribute of a class made at run time.
    pub(crate) fn kind(&self) -> FnKind<'_> {
        match &*self.0 {
            Func::Property(g, s, d) => FnKind::Property(g.as_ref(), s.as_ref(), d.as_ref()),
            Func::Native(..) => FnKind::Function,
            Func::Static(f) => FnKind::Static(f),
            Func::ClassMethod(f) => FnKind::ClassMethod(f),
            _ => FnKind::Plain,
        }
    }

    /// The Python type name: `function` (a class's function, or a static
    /// method read from it), `method` (bound), `property`, `staticmethod`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(celsius)]
    /// struct Temperature { celsius: f64 }
    ///
    /// #[methods]
    /// impl Temperature {
    ///     fn warm(&mut self, by: f64) -> Result<f64, Error> {
    ///         let now = self.celsius().copied().unwrap_or(0.0) + by;
    ///         self.set_celsius(now);
    ///         Ok(now)
    ///     }
    /// }
    ///
    /// let t = Temperature::new(0.0);
    /// let Value::Function(f) = getattr(&t, "warm")? else { unreachable!() };
    /// assert_eq!(f.type_name(), "function");         // read from an owned object: unbound
    /// let Value::Function(m) = Py::new(t).into_object().getattr("warm")? else { unreachable!() };
    /// assert_eq!(m.type_name(), "method");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn type_name(&self) -> &'static str {
        match &*self.0 {
            Func::Method(_) | Func::Native(..) => "function",
            Func::Bound(..) | Func::BoundValue(..) => "method",
            Func::Property(..) => "property",
            Func::Static(_) => "staticmethod",
            Func::ClassMethod(_) => "classmethod",
            Func::Class(_) => "type",
        }
    }

    /// The function's qualified name, `Temperature.warm` (a run-time
    /// function's name as given; empty for a property or static method).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let Value::Function(f) = Value::function("double", |args, _| Ok(args[0].clone())) else { unreachable!() };
    /// assert_eq!(f.qualname(), "double");
    /// ```
    pub fn qualname(&self) -> &str {
        match &*self.0 {
            Func::Method(def) | Func::Bound(def, _) => def.sig.qualname,
            Func::Native(name, _) => name.as_str(),
            Func::BoundValue(Value::Function(f), _) => f.qualname(),
            Func::Class(t) => t.name(),
            _ => "",
        }
    }

    /// Whether `a` and `b` are the same function object.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyFunction;
    ///
    /// let Value::Function(f) = Value::function("f", |_, _| Ok(Value::None)) else { unreachable!() };
    /// let g = f.clone();
    /// let Value::Function(h) = Value::function("f", |_, _| Ok(Value::None)) else { unreachable!() };
    /// assert!(PyFunction::is(&f, &g));
    /// assert!(!PyFunction::is(&f, &h));
    /// ```
    pub fn is(a: &PyFunction, b: &PyFunction) -> bool {
        match (&*a.0, &*b.0) {
            // One class, however many values name it.
            (Func::Class(x), Func::Class(y)) => x == y,
            _ => Arc::ptr_eq(&a.0, &b.0),
        }
    }

    /// Python's `==` on functions: the same function, or bound methods of
    /// the same function to the same object.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(celsius)]
    /// struct Temperature { celsius: f64 }
    ///
    /// #[methods]
    /// impl Temperature {
    ///     fn warm(&mut self, by: f64) -> Result<f64, Error> {
    ///         let now = self.celsius().copied().unwrap_or(0.0) + by;
    ///         self.set_celsius(now);
    ///         Ok(now)
    ///     }
    /// }
    ///
    /// let t = Py::new(Temperature::new(0.0)).into_object();
    /// let (Value::Function(a), Value::Function(b)) = (t.getattr("warm")?, t.getattr("warm")?) else { unreachable!() };
    /// // Two reads make two bound methods: not the same object, but equal.
    /// assert!(!pyslots::PyFunction::is(&a, &b));
    /// assert!(a.py_eq(&b));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn py_eq(&self, other: &PyFunction) -> bool {
        match (&*self.0, &*other.0) {
            // Tables are constants, copied where used: compare names.
            (Func::Method(a), Func::Method(b)) => a.sig.qualname == b.sig.qualname,
            (Func::Bound(a, x), Func::Bound(b, y)) => a.sig.qualname == b.sig.qualname && PyObject::is(x, y),
            (Func::BoundValue(f, x), Func::BoundValue(g, y)) => Value::is(f, g) && Value::is(x, y),
            _ => PyFunction::is(self, other),
        }
    }

    /// Calls it: a bound method with its receiver (locked for reading or
    /// writing as the method needs); a function with the receiver as
    /// the first argument, which must be an object (a `Value::Object`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(celsius)]
    /// struct Temperature { celsius: f64 }
    ///
    /// #[methods]
    /// impl Temperature {
    ///     fn warm(&mut self, by: f64) -> Result<f64, Error> {
    ///         let now = self.celsius().copied().unwrap_or(0.0) + by;
    ///         self.set_celsius(now);
    ///         Ok(now)
    ///     }
    /// }
    ///
    /// let Value::Function(warm) = getattr(&Temperature::new(0.0), "warm")? else { unreachable!() };
    /// // Unbound, it takes the object first, as `Temperature.warm(t, 2.0)`.
    /// let t = Py::new(Temperature::new(10.0)).into_object();
    /// assert_eq!(warm.call(&[Value::Object(t), Value::Float(2.0)], &[])?, Value::Float(12.0));
    /// assert_eq!(
    ///     warm.call(&[], &[]).unwrap_err().to_string(),
    ///     "Temperature.warm() missing 2 required positional arguments: 'self' and 'by'"
    /// );
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn call(&self, args: &[Value], kwargs: &[(&str, Value)]) -> Result<Value, Error> {
        match &*self.0 {
            Func::Bound(def, obj) => obj.call_def(def, args, kwargs),
            Func::Method(def) => match def.body {
                Body::Static(f) => f(args, kwargs),
                _ => match args.first() {
                    Some(Value::Object(obj)) => obj.call_def(def, &args[1..], kwargs),
                    Some(other) => Err(Error::not_applicable(def.name, owner_name(def), other.type_name())),
                    None => {
                        let mut names = vec![def.sig.receiver.unwrap_or("self")];
                        names.extend(def.sig.params[..def.sig.required].iter().copied());
                        Err(Error::missing_arguments(def.sig.qualname, &names))
                    }
                },
            },
            Func::Native(_, f) => f(args, kwargs),
            Func::BoundValue(f, first) => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(first.clone());
                all.extend_from_slice(args);
                f.call(&all, kwargs)
            }
            Func::Class(t) => t.call(args, kwargs).map(Value::Object),
            Func::Property(..) | Func::Static(_) | Func::ClassMethod(_) => {
                Err(Error::type_error(format!("'{}' object is not callable", self.type_name())))
            }
        }
    }

    /// Writes the repr: `<bound method Temperature.warm of <repr>>`, or
    /// `<function Temperature.warm>` (CPython adds an address pyslots does
    /// not have).
    pub(crate) fn write_repr(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match &*self.0 {
            Func::Method(def) => write!(f, "<function {}>", def.sig.qualname),
            Func::Bound(def, obj) => write!(f, "<bound method {} of {}>", def.sig.qualname, Value::Object(obj.clone())),
            Func::Native(name, _) => write!(f, "<function {name}>"),
            Func::BoundValue(func, first) => write!(f, "<bound method {} of {first}>", self.qualname_of(func)),
            Func::Property(..) => f.write_str("<property object>"),
            Func::Static(inner) => write!(f, "<staticmethod({inner})>"),
            Func::ClassMethod(inner) => write!(f, "<classmethod({inner})>"),
            Func::Class(t) => write!(f, "{t}"),
        }
    }

    fn qualname_of<'a>(&self, v: &'a Value) -> &'a str {
        match v {
            Value::Function(g) => g.qualname(),
            _ => "?",
        }
    }

    /// The object a bound method holds, for the collector.
    pub(crate) fn receiver(&self) -> Option<&PyObject> {
        match &*self.0 {
            Func::Bound(_, obj) => Some(obj),
            Func::BoundValue(_, Value::Object(obj)) => Some(obj),
            _ => None,
        }
    }

    /// Reports the handles it holds (a bound receiver, a property's or a
    /// static method's functions, a class made at run time) to the cycle
    /// collector, as part of the node that holds it. What a Rust closure
    /// captures it cannot see.
    ///
    /// A function value is not a node of its own (one is made on every
    /// read of a method through a handle, which must stay free of the
    /// collector's costs), so what it holds is reported as held by each
    /// node that holds the function: right only while one node does. A
    /// function shared (a clone held elsewhere, in a variable, in a second
    /// container) reports nothing, and what it holds counts as referenced
    /// from outside, alive: a cycle through it waits until the clones are
    /// gone, never freed while one is still there.
    pub(crate) fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        if Arc::strong_count(&self.0) != 1 {
            // What it holds becomes a reference of this node when the
            // other clones go, with no store the collector sees.
            if self.may_hold_references() {
                visit.hidden();
            }
            return;
        }
        match &*self.0 {
            Func::Bound(_, obj) => obj.traverse(visit),
            Func::BoundValue(a, b) => {
                a.traverse(visit);
                b.traverse(visit);
            }
            Func::Property(g, s, d) => [g, s, d].into_iter().flatten().for_each(|v| v.traverse(visit)),
            Func::Static(v) | Func::ClassMethod(v) => v.traverse(visit),
            Func::Class(t) => t.traverse(visit),
            Func::Method(_) | Func::Native(..) => {}
        }
    }

    /// Whether it holds a value that may take part in a cycle (a class made
    /// at run time among them).
    pub(crate) fn may_hold_references(&self) -> bool {
        match &*self.0 {
            Func::Bound(..) => true,
            Func::BoundValue(a, b) => a.may_hold_references() || b.may_hold_references(),
            Func::Property(g, s, d) => [g, s, d].into_iter().flatten().any(Value::may_hold_references),
            Func::Static(v) | Func::ClassMethod(v) => v.may_hold_references(),
            Func::Class(t) => t.is_tracked(),
            Func::Method(_) | Func::Native(..) => false,
        }
    }
}

fn owner_name(def: &MethodDef) -> &'static str {
    def.sig.qualname.rsplit_once('.').map_or(def.sig.qualname, |(cls, _)| cls)
}

impl fmt::Debug for PyFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_repr(&mut s)?;
        f.write_str(&s)
    }
}
