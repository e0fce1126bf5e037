//! `Value`: a dynamically typed attribute value, Python's built-in types,
//! with Python's `repr`, structural equality, and Python's `==` and `hash()`.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use num_traits::FromPrimitive;

use crate::error::Error;
use crate::handles::handle::{Py, PyObject};
use crate::objects::object::PyClass;
use crate::objects::object::{Body, MethodDef};
use crate::values::bytes::{self, PyBytes};
use crate::values::dict::{Dict, PyDict};
use crate::values::int::BigInt;
use crate::values::list::PyList;
use crate::values::pystr::{self, PyStr};
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
    /// A `float`.
    Float(f64),
    /// A function a class defines: a method read from an owned object or
    /// a class (`function`), or bound to an object through a handle
    /// (`method`); see [`Value::call`].
    Function(PyFunction),
}

impl Value {
    /// A list of `items`: Python's `[a, b]`.
    pub fn list<V: Into<Value>>(items: impl IntoIterator<Item = V>) -> Value {
        Value::List(items.into_iter().collect())
    }

    /// A tuple of `items`: Python's `(a, b)`.
    pub fn tuple<V: Into<Value>>(items: impl IntoIterator<Item = V>) -> Value {
        Value::Tuple(items.into_iter().collect())
    }

    /// A `bytes` holding a copy of `bytes`: Python's `b'...'`.
    pub fn bytes(bytes: &[u8]) -> Value {
        Value::Bytes(PyBytes::new(bytes))
    }

    /// A dict of `entries`: Python's `{'k': v}`.
    pub fn dict<K: Into<PyStr>, V: Into<Value>>(entries: impl IntoIterator<Item = (K, V)>) -> Value {
        Value::Dict(entries.into_iter().collect())
    }

    /// The integer `n`: `Int` if it fits in 64 bits, `BigInt` otherwise.
    pub fn int(n: i128) -> Value {
        match i64::try_from(n) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::BigInt(BigInt::from(n)),
        }
    }

    /// The Python type name: `NoneType`, `bool`, `int`, `float`, `str`,
    /// `bytes`, `tuple`, `list`, `dict`, or the class name of an object.
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
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The integer, if this is an `Int` (or a `Bool`: Python's `bool` is an
    /// `int`). A `BigInt` does not fit and gives `None`.
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
    pub fn as_i128(&self) -> Option<i128> {
        match self {
            Value::BigInt(n) => n.to_i128(),
            other => other.as_int().map(i128::from),
        }
    }

    /// The number as a float, if this is a `Float`, `Int`, `Bool` or a
    /// `BigInt` within a float's range.
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
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The contents, if this is a `Bytes`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The items, if this is a `Tuple`.
    pub fn as_tuple(&self) -> Option<&PyTuple> {
        match self {
            Value::Tuple(t) => Some(t),
            _ => None,
        }
    }

    /// The list handle, if this is a `List`: [`len`](PyList::len),
    /// [`get`](PyList::get), [`push`](PyList::push), [`set`](PyList::set).
    pub fn as_list(&self) -> Option<&PyList> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The dict handle, if this is a `Dict`: [`get`](PyDict::get),
    /// [`insert`](PyDict::insert), [`len`](PyDict::len).
    pub fn as_dict(&self) -> Option<&PyDict> {
        match self {
            Value::Dict(d) => Some(d),
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

    /// Python's `is`: the same object for lists, dicts, tuples and objects;
    /// for the immutable scalars (numbers, strings, bytes), which Python
    /// may or may not share, equality.
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
    /// holds values calls for each.
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
    pub fn py_eq(&self, other: &Value) -> bool {
        equal(self, other, Equality::Python)
    }

    /// Python's `hash()`: CPython's exactly for `None`-free numbers
    /// (`hash(2**61) == 1`, `hash(1.5) == hash(3/2)`, `hash(-1) == -2`) and
    /// for tuples of them; a stable hash of the contents for strings and
    /// bytes (CPython randomizes those per process); identity for objects;
    /// CPython's `TypeError` for lists and dicts (`unhashable type:
    /// 'list'`). Values that are [`py_eq`](Value::py_eq) hash alike.
    pub fn py_hash(&self) -> Result<i64, Error> {
        hash::py_hash(self)
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

    fn write_repr(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) => Repr::default().write(f, self),
            scalar => write_scalar_repr(f, scalar),
        }
    }
}

/// The repr of a value that holds no other values.
fn write_scalar_repr(f: &mut dyn fmt::Write, value: &Value) -> fmt::Result {
    match value {
        Value::None => f.write_str("None"),
        Value::Bool(true) => f.write_str("True"),
        Value::Bool(false) => f.write_str("False"),
        Value::Int(i) => write!(f, "{i}"),
        Value::BigInt(n) => write!(f, "{n}"),
        Value::Float(x) => write_float_repr(f, *x),
        Value::Str(s) => pystr::write_repr(f, s),
        Value::Bytes(b) => bytes::write_repr(f, b),
        Value::Object(o) => write!(f, "{o}"),
        Value::Function(func) => func.write_repr(f),
        Value::Tuple(_) | Value::List(_) | Value::Dict(_) => unreachable!("a container is no scalar"),
    }
}

thread_local! {
    /// The containers whose repr is being written on this thread, as
    /// CPython's `Py_ReprEnter`: one met again inside itself is `[...]`.
    static REPR_ACTIVE: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
}

/// A container's repr being written: its items (a snapshot for a list or a
/// dict, so that no lock is held while they write themselves) and how far.
enum Frame {
    Items { items: Items, next: usize, close: &'static str, id: Option<usize> },
    Entries { entries: Vec<(PyStr, Value)>, next: usize, id: Option<usize> },
}

enum Items {
    List(Vec<Value>),
    Tuple(PyTuple),
}

impl Items {
    fn as_slice(&self) -> &[Value] {
        match self {
            Items::List(v) => v,
            Items::Tuple(t) => t,
        }
    }
}

/// Writes reprs of nested containers without recursion: one [`Frame`] per
/// container open, on a vector, so a list nested a million deep is written
/// whole on any stack (CPython raises `RecursionError` past its limit).
/// Containers it entered leave [`REPR_ACTIVE`] when it is dropped, even
/// after a write error.
#[derive(Default)]
struct Repr {
    stack: Vec<Frame>,
}

impl Drop for Repr {
    fn drop(&mut self) {
        let ids: Vec<usize> = self
            .stack
            .iter()
            .filter_map(|frame| match frame {
                Frame::Items { id, .. } | Frame::Entries { id, .. } => *id,
            })
            .collect();
        if !ids.is_empty() {
            let _ = REPR_ACTIVE.try_with(|a| {
                let mut a = a.borrow_mut();
                for id in ids {
                    a.remove(&id);
                }
            });
        }
    }
}

impl Repr {
    /// Writes `value`'s repr.
    fn write(mut self, f: &mut dyn fmt::Write, value: &Value) -> fmt::Result {
        self.open(f, value)?;
        self.run(f)
    }

    /// Writes `Dict`'s entries as a dict's repr (an unshared dict has no
    /// identity to guard).
    fn write_entries(mut self, f: &mut dyn fmt::Write, entries: Vec<(PyStr, Value)>) -> fmt::Result {
        f.write_str("{")?;
        self.stack.push(Frame::Entries { entries, next: 0, id: None });
        self.run(f)
    }

    /// Marks container `id` as being written; false if it already is.
    fn enter(id: usize) -> bool {
        REPR_ACTIVE.with(|a| a.borrow_mut().insert(id))
    }

    /// Writes a scalar, or opens a container: its opening bracket, and a
    /// frame for its items; a container already open further up is `[...]`.
    fn open(&mut self, f: &mut dyn fmt::Write, value: &Value) -> fmt::Result {
        match value {
            Value::List(l) => {
                if !Repr::enter(l.id()) {
                    return f.write_str("[...]");
                }
                self.stack.push(Frame::Items { items: Items::List(l.to_vec()), next: 0, close: "]", id: Some(l.id()) });
                f.write_str("[")
            }
            Value::Tuple(t) => {
                if !Repr::enter(t.id()) {
                    return f.write_str("(...)");
                }
                let close = if t.len() == 1 { ",)" } else { ")" };
                self.stack.push(Frame::Items { items: Items::Tuple(t.clone()), next: 0, close, id: Some(t.id()) });
                f.write_str("(")
            }
            Value::Dict(d) => {
                if !Repr::enter(d.id()) {
                    return f.write_str("{...}");
                }
                self.stack.push(Frame::Entries { entries: d.items(), next: 0, id: Some(d.id()) });
                f.write_str("{")
            }
            scalar => write_scalar_repr(f, scalar),
        }
    }

    /// Writes the open containers' items, innermost first, until all are
    /// closed.
    fn run(&mut self, f: &mut dyn fmt::Write) -> fmt::Result {
        while let Some(frame) = self.stack.last_mut() {
            let item = match frame {
                Frame::Items { items, next, .. } if *next < items.as_slice().len() => {
                    if *next > 0 {
                        f.write_str(", ")?;
                    }
                    *next += 1;
                    items.as_slice()[*next - 1].clone()
                }
                Frame::Entries { entries, next, .. } if *next < entries.len() => {
                    if *next > 0 {
                        f.write_str(", ")?;
                    }
                    let (k, v) = &entries[*next];
                    *next += 1;
                    pystr::write_repr(f, k)?;
                    f.write_str(": ")?;
                    v.clone()
                }
                Frame::Items { close, id, .. } => {
                    f.write_str(close)?;
                    let id = *id;
                    self.close(id);
                    continue;
                }
                Frame::Entries { id, .. } => {
                    f.write_str("}")?;
                    let id = *id;
                    self.close(id);
                    continue;
                }
            };
            self.open(f, &item)?;
        }
        Ok(())
    }

    /// Closes the innermost container.
    fn close(&mut self, id: Option<usize>) {
        self.stack.pop();
        if let Some(id) = id {
            REPR_ACTIVE.with(|a| a.borrow_mut().remove(&id));
        }
    }
}

pub(crate) fn write_list_repr(f: &mut dyn fmt::Write, list: &PyList) -> fmt::Result {
    Repr::default().write(f, &Value::List(list.clone()))
}

pub(crate) fn write_tuple_repr(f: &mut dyn fmt::Write, tuple: &PyTuple) -> fmt::Result {
    Repr::default().write(f, &Value::Tuple(tuple.clone()))
}

pub(crate) fn write_dict_repr(f: &mut dyn fmt::Write, dict: &PyDict) -> fmt::Result {
    Repr::default().write(f, &Value::Dict(dict.clone()))
}

/// `{'k': v, ...}`: the repr of a dict's entries.
pub(crate) fn write_entries_repr<'a>(
    f: &mut dyn fmt::Write,
    entries: impl Iterator<Item = (&'a str, &'a Value)>,
) -> fmt::Result {
    Repr::default().write_entries(f, entries.map(|(k, v)| (PyStr::new(k), v.clone())).collect())
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
pub(crate) fn write_float_repr(f: &mut (impl fmt::Write + ?Sized), x: f64) -> fmt::Result {
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

/// Python's `hash()`, CPython's algorithms for numbers and tuples.
mod hash {
    use std::hash::{Hash, Hasher};

    use num_traits::ToPrimitive;

    use super::Value;
    use crate::error::Error;
    use crate::values::tuple::PyTuple;

    /// `sys.hash_info.modulus`: the Mersenne prime 2**61 - 1.
    const MODULUS: u64 = (1 << 61) - 1;
    /// `sys.hash_info.width - 3`: the bits of the modulus.
    const BITS: u32 = 61;
    /// `sys.hash_info.inf`.
    const INF: i64 = 314_159;

    pub(super) fn py_hash(value: &Value) -> Result<i64, Error> {
        match value {
            Value::Tuple(t) => tuple_hash(t),
            other => flat_hash(other),
        }
    }

    /// CPython 3.11's `tuplehash` (xxHash's round over the items' hashes),
    /// over tuples nested to any depth without recursion: a stack of the
    /// tuples being hashed, each with its accumulator.
    fn tuple_hash(t: &PyTuple) -> Result<i64, Error> {
        const PRIME_1: u64 = 11_400_714_785_074_694_791;
        const PRIME_2: u64 = 14_029_467_366_897_019_727;
        const PRIME_5: u64 = 2_870_177_450_012_600_261;
        fn round(acc: u64, lane: i64) -> u64 {
            acc.wrapping_add((lane as u64).wrapping_mul(PRIME_2)).rotate_left(31).wrapping_mul(PRIME_1)
        }
        fn finish(acc: u64, len: usize) -> i64 {
            let acc = acc.wrapping_add((len as u64) ^ (PRIME_5 ^ 3_527_539));
            if acc == u64::MAX {
                1_546_275_796
            } else {
                acc as i64
            }
        }
        struct Frame {
            tuple: PyTuple,
            next: usize,
            acc: u64,
        }
        let mut stack = vec![Frame { tuple: t.clone(), next: 0, acc: PRIME_5 }];
        loop {
            let top = stack.last_mut().expect("the outermost tuple is open until it returns");
            if let Some(item) = top.tuple.get(top.next) {
                top.next += 1;
                match item {
                    Value::Tuple(inner) => {
                        let tuple = inner.clone();
                        stack.push(Frame { tuple, next: 0, acc: PRIME_5 });
                    }
                    other => top.acc = round(top.acc, flat_hash(other)?),
                }
                continue;
            }
            let hash = finish(top.acc, top.tuple.len());
            stack.pop();
            match stack.last_mut() {
                Some(parent) => parent.acc = round(parent.acc, hash),
                None => return Ok(hash),
            }
        }
    }

    /// `hash()` of anything but a tuple.
    fn flat_hash(value: &Value) -> Result<i64, Error> {
        Ok(match value {
            // CPython 3.11 hashes None by address; any constant serves.
            Value::None => 0x5f3e_a9d1,
            Value::Bool(b) => i64::from(*b),
            Value::Int(i) => signed(i.unsigned_abs() % MODULUS, *i < 0),
            Value::BigInt(n) => {
                let m = n.as_num().magnitude() % MODULUS;
                signed(m.to_u64().unwrap_or_default(), n.is_negative())
            }
            Value::Float(x) => float(*x),
            Value::Str(s) => stable(s.as_str()),
            Value::Bytes(b) => stable(b.as_bytes()),
            Value::Tuple(t) => return tuple_hash(t),
            Value::List(_) | Value::Dict(_) => {
                return Err(Error::type_error(format!("unhashable type: '{}'", value.type_name())));
            }
            Value::Object(o) if o.layout().has_methods() => {
                // The first class along the MRO that defines `__hash__`
                // or `__eq__` decides: one that defines `__eq__` alone sets
                // `__hash__ = None` (CPython's `type_new`).
                match o.layout().find_hook(|t| match (t.hash, t.eq) {
                    (Some(h), _) => Some(Some(h)),
                    (None, Some(_)) => Some(None),
                    (None, None) => None,
                }) {
                    Some(Some(hash)) => minus_one_is_minus_two(hash(&*o.try_read()?)),
                    Some(None) => return Err(Error::type_error(format!("unhashable type: '{}'", o.type_name()))),
                    None => identity_hash(o),
                }
            }
            Value::Object(o) => identity_hash(o),
            Value::Function(func) => {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                func.qualname().hash(&mut h);
                if let Some(o) = func.receiver() {
                    o.hash(&mut h);
                }
                minus_one_is_minus_two(h.finish() as i64)
            }
        })
    }

    /// CPython's default hash of an object: its identity.
    fn identity_hash(o: &super::PyObject) -> i64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        o.hash(&mut h);
        minus_one_is_minus_two(h.finish() as i64)
    }

    /// `-m` or `m` (already reduced modulo 2**61 - 1), with -1 made -2:
    /// CPython reserves -1 for errors.
    fn signed(m: u64, negative: bool) -> i64 {
        let h = m as i64;
        minus_one_is_minus_two(if negative { -h } else { h })
    }

    fn minus_one_is_minus_two(h: i64) -> i64 {
        if h == -1 {
            -2
        } else {
            h
        }
    }

    /// CPython's `_Py_HashDouble`: the float's exact rational value reduced
    /// modulo 2**61 - 1, so that `hash(2.0) == hash(2)`.
    fn float(v: f64) -> i64 {
        if v.is_nan() {
            // CPython 3.10+ hashes a NaN by address; 3.9's constant serves.
            return 0;
        }
        if v.is_infinite() {
            return if v > 0.0 { INF } else { -INF };
        }
        let (mut m, mut e) = frexp(v);
        let negative = m < 0.0;
        if negative {
            m = -m;
        }
        // Process 28 bits at a time: the mantissa times 2**e, reduced.
        let mut x: u64 = 0;
        while m != 0.0 {
            x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
            m *= 268_435_456.0;
            e -= 28;
            let y = m as u64;
            m -= y as f64;
            x += y;
            if x >= MODULUS {
                x -= MODULUS;
            }
        }
        let e = if e >= 0 { (e as u32) % BITS } else { BITS - 1 - ((-1 - e) as u32 % BITS) };
        x = ((x << e) & MODULUS) | (x >> (BITS - e));
        signed(x, negative)
    }

    /// C's `frexp`: `v == m * 2**e` with `0.5 <= |m| < 1` (for finite,
    /// nonzero `v`; `(v, 0)` otherwise).
    fn frexp(v: f64) -> (f64, i32) {
        if v == 0.0 || !v.is_finite() {
            return (v, 0);
        }
        let bits = v.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        if exponent == 0 {
            // Subnormal: scale into the normal range first.
            let (m, e) = frexp(v * 2f64.powi(64));
            return (m, e - 64);
        }
        let mantissa = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
        (mantissa, exponent - 1022)
    }

    /// A hash of a string's or bytes' contents that is the same in every
    /// run (CPython's is randomized per process, so none could match it).
    fn stable<T: Hash + ?Sized>(contents: &T) -> i64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        contents.hash(&mut h);
        minus_one_is_minus_two(h.finish() as i64)
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
    pub fn property(fget: Option<Value>, fset: Option<Value>, fdel: Option<Value>) -> Value {
        Value::Function(PyFunction(Arc::new(Func::Property(fget, fset, fdel))))
    }

    /// `staticmethod(f)` for a class made at run time: `f`, read through an
    /// instance or called as a method, without the instance.
    pub fn staticmethod(f: Value) -> Value {
        Value::Function(PyFunction(Arc::new(Func::Static(f))))
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
            _ => FnKind::Plain,
        }
    }

    /// The Python type name: `function` (a class's function, or a static
    /// method read from it), `method` (bound), `property`, `staticmethod`.
    pub fn type_name(&self) -> &'static str {
        match &*self.0 {
            Func::Method(_) | Func::Native(..) => "function",
            Func::Bound(..) | Func::BoundValue(..) => "method",
            Func::Property(..) => "property",
            Func::Static(_) => "staticmethod",
        }
    }

    /// The function's qualified name, `Temperature.warm` (a run-time
    /// function's name as given; empty for a property or static method).
    pub fn qualname(&self) -> &str {
        match &*self.0 {
            Func::Method(def) | Func::Bound(def, _) => def.sig.qualname,
            Func::Native(name, _) => name.as_str(),
            Func::BoundValue(Value::Function(f), _) => f.qualname(),
            _ => "",
        }
    }

    /// Whether `a` and `b` are the same function object.
    pub fn is(a: &PyFunction, b: &PyFunction) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// Python's `==` on functions: the same function, or bound methods of
    /// the same function to the same object.
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
            Func::Property(..) | Func::Static(_) => {
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
    /// static method's functions) to the cycle collector. What a Rust
    /// closure captures it cannot see.
    pub(crate) fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        match &*self.0 {
            Func::Bound(_, obj) => obj.traverse(visit),
            Func::BoundValue(a, b) => {
                a.traverse(visit);
                b.traverse(visit);
            }
            Func::Property(g, s, d) => [g, s, d].into_iter().flatten().for_each(|v| v.traverse(visit)),
            Func::Static(v) => v.traverse(visit),
            Func::Method(_) | Func::Native(..) => {}
        }
    }

    /// Whether it holds a value that may take part in a cycle.
    pub(crate) fn may_hold_references(&self) -> bool {
        match &*self.0 {
            Func::Bound(..) => true,
            Func::BoundValue(a, b) => a.may_hold_references() || b.may_hold_references(),
            Func::Property(g, s, d) => [g, s, d].into_iter().flatten().any(Value::may_hold_references),
            Func::Static(v) => v.may_hold_references(),
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
