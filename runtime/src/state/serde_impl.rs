//! Feature `serde`: [`Value`], [`Dict`] and [`PyDict`] implement
//! `Serialize` and `Deserialize`; every class does too, through the two
//! generic functions here ([`serialize_object`], [`deserialize_object`]),
//! which the one line `#[pyclass_like]` emits per class calls.
//!
//! Serde's data model and Python's values:
//!
//! | Python | serialized as | deserialized from |
//! |---|---|---|
//! | `None` | none (`null`) | none, unit |
//! | `bool` | bool | bool |
//! | `int` within 64 bits | i64 | any integer: `Int`, or `BigInt` beyond `i64` |
//! | `int` within 128 bits | i128, or u128 above `i128::MAX` (formats without them refuse) | i128, u128 |
//! | `int` beyond 128 bits | an error: no format carries it | |
//! | `float` | f64 | f64 |
//! | `str` | str | str |
//! | `bytes` | bytes (JSON writes an array of numbers) | bytes |
//! | `tuple`, `list` | seq | seq, as a `list` |
//! | `dict` | map | map with string keys |
//! | an object | its map: set slots, then the dict | (a `Value` cannot tell: a `dict`) |
//!
//! A container that contains itself cannot be written out: serializing it
//! is the error `Circular reference detected` (Python's `json.dumps`).
//! A list or object reached twice is written twice.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::error::Error;
use crate::handles::handle::PyObject;
use crate::objects::object::{Object, PyClass};
use crate::state::getstate::slotnames;
use crate::state::recursion::Level;
use crate::types::rt_class::Type;
use crate::values::bytes::PyBytes;
use crate::values::dict::{Dict, PyDict};
use crate::values::list::PyList;
use crate::values::pystr::PyStr;
use crate::values::value::Value;

thread_local! {
    /// The containers being serialized on this thread.
    static ACTIVE: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
}

/// Container `id` being serialized, one level deeper, until dropped.
struct Active {
    id: usize,
    level: Level,
}

impl Active {
    fn enter<E: ser::Error>(id: usize) -> Result<Active, E> {
        let level = Level::enter("maximum recursion depth exceeded while serializing an object").map_err(E::custom)?;
        if !ACTIVE.with(|a| a.borrow_mut().insert(id)) {
            return Err(E::custom("Circular reference detected"));
        }
        Ok(Active { id, level })
    }

    /// Runs `f`, which serializes the container's contents, on enough
    /// stack.
    fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        self.level.run(f)
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        let _ = ACTIVE.try_with(|a| a.borrow_mut().remove(&self.id));
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::None => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::BigInt(n) => match (n.to_i128(), n.to_u128()) {
                (Some(i), _) => s.serialize_i128(i),
                (None, Some(u)) => s.serialize_u128(u),
                _ => Err(ser::Error::custom(format!("int too large to serialize (beyond 128 bits): {n}"))),
            },
            Value::Float(x) => s.serialize_f64(*x),
            Value::Str(text) => s.serialize_str(text),
            Value::Bytes(b) => s.serialize_bytes(b),
            Value::Tuple(t) => Active::enter::<S::Error>(t.id())?.run(|| serialize_seq(t, s)),
            Value::List(l) => Active::enter::<S::Error>(l.id())?.run(|| serialize_seq(&l.to_vec(), s)),
            Value::Dict(d) => d.serialize(s),
            Value::Object(o) => {
                let active = Active::enter::<S::Error>(o.id())?;
                // Read under the lock, write without it.
                let entries = object_entries(&*o.try_read().map_err(ser::Error::custom)?);
                active.run(|| serialize_entries(entries, s))
            }
            // State is stored data only (CPython pickles a function by its
            // name, and `json` refuses one).
            Value::Function(f) => {
                Err(ser::Error::custom(format!("Object of type {} is not serializable: {self}", f.type_name())))
            }
        }
    }
}

fn serialize_seq<S: Serializer>(items: &[Value], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(item)?;
    }
    seq.end()
}

fn serialize_entries<K: AsRef<str>, S: Serializer>(entries: Vec<(K, Value)>, s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(entries.len()))?;
    for (k, v) in &entries {
        map.serialize_entry(k.as_ref(), v)?;
    }
    map.end()
}

/// What an object serializes as: its set slots in [`slotnames`] order (as
/// `getattr` reads them), then its dict's entries.
fn object_entries(obj: &dyn Object) -> Vec<(PyStr, Value)> {
    let mut entries: Vec<(PyStr, Value)> = slotnames(obj.layout())
        .into_iter()
        .filter_map(|name| Some((PyStr::new(name), obj.getattr(name).ok()?)))
        .collect();
    if let Some(d) = obj.dict_view() {
        entries.extend(d.entries());
    }
    entries
}

impl Serialize for Dict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for PyDict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Active::enter::<S::Error>(self.id())?.run(|| serialize_entries(self.items(), s))
    }
}

/// `Serialize` of a class: a map of its set slots (in [`slotnames`] order),
/// then its dict's entries; unset slots are left out.
pub fn serialize_object<S: Serializer>(obj: &dyn Object, s: S) -> Result<S::Ok, S::Error> {
    serialize_entries(object_entries(obj), s)
}

/// `Deserialize` of a class: `T::default()` (every slot unset), then each
/// key of the map set with `setattr`, in order. An unknown key or a
/// wrong-typed value is CPython's message, a missing attribute with its
/// suggestion (`'Point' object has no attribute 'z'. Did you mean: 'x'?`);
/// the half-built instance is dropped.
pub fn deserialize_object<'de, T: PyClass, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: PyClass> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a map of '{}' attributes", T::LAYOUT.name)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            let mut obj = T::default();
            set_from_map(map, &mut obj)?;
            Ok(obj)
        }
    }

    d.deserialize_map(ObjectVisitor(PhantomData))
}

/// Sets each key of `map` on `obj` with `setattr`, in order; the first
/// failure is the error, with CPython's suggestion.
fn set_from_map<'de, A: MapAccess<'de>>(mut map: A, obj: &mut dyn Object) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<String>()? {
        let value: Value = map.next_value()?;
        if let Err(e) = obj.setattr(&key, value) {
            return Err(de::Error::custom(format_args!("{:#}", with_suggestion(obj, &key, e))));
        }
    }
    Ok(())
}

/// `Deserialize` of an instance of any class, a class made at run time
/// among them: [`Type::instantiate`], then each key set with `setattr`, as
/// [`deserialize_object`] does for a `#[pyclass_like]` type.
///
/// ```
/// use pyslots::prelude::*;
/// use serde::de::value::{Error, MapDeserializer};
/// use serde::de::DeserializeSeed;
///
/// let mut ns = Dict::new();
/// ns.insert("__slots__", Value::tuple(["x", "y"]));
/// let point = Type::new("Point", &[], ns)?;
/// let map = |entries: Vec<(&'static str, f64)>| MapDeserializer::<_, Error>::new(entries.into_iter());
/// let p = (&point).deserialize(map(vec![("x", 1.5), ("y", 2.0)])).unwrap();
/// assert_eq!(p.getattr("y")?, Value::Float(2.0));
/// let err = (&point).deserialize(map(vec![("z", 1.0)])).unwrap_err();
/// assert!(err.to_string().starts_with("'Point' object has no attribute 'z'"));
/// # Ok::<(), pyslots::Error>(())
/// ```
impl<'de> de::DeserializeSeed<'de> for &Type {
    type Value = PyObject;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PyObject, D::Error> {
        struct TypeVisitor<'t>(&'t Type);

        impl<'de> Visitor<'de> for TypeVisitor<'_> {
            type Value = PyObject;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a map of '{}' attributes", self.0.name())
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PyObject, A::Error> {
                let obj = self.0.instantiate().map_err(de::Error::custom)?;
                // A frozen class's object refuses the write: an error, not a panic.
                set_from_map(map, &mut *obj.try_write().map_err(de::Error::custom)?)?;
                Ok(obj)
            }
        }

        d.deserialize_map(TypeVisitor(self))
    }
}

/// A `setattr` error for a name the object has nowhere, as `getattr` makes
/// it: the same message, with the suggestion CPython would print.
fn with_suggestion(obj: &dyn Object, name: &str, e: Error) -> Error {
    if e.is_no_attribute() {
        if let Err(g) = obj.getattr(name) {
            if g.is_no_attribute() {
                return g;
            }
        }
    }
    e
}

/// Builds any `Value` from a self-describing format.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Python value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        Ok(Value::from(u))
    }
    fn visit_i128<E: de::Error>(self, i: i128) -> Result<Value, E> {
        Ok(Value::from(i))
    }
    fn visit_u128<E: de::Error>(self, u: u128) -> Result<Value, E> {
        Ok(Value::from(u))
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        Ok(Value::Float(x))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::from(s))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::from(s))
    }
    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(PyBytes::new(b)))
    }
    fn visit_byte_buf<E: de::Error>(self, b: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(PyBytes::from(b)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::List(PyList::from(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        Ok(Value::Dict(PyDict::from(visit_dict(map)?)))
    }
}

/// The entries of a map with string keys.
fn visit_dict<'de, A: MapAccess<'de>>(mut map: A) -> Result<Dict, A::Error> {
    let mut dict = Dict::with_capacity(map.size_hint().unwrap_or(0).min(4096));
    while let Some((k, v)) = map.next_entry::<String, Value>()? {
        dict.insert(k, v);
    }
    Ok(dict)
}

/// A value nested a million deep deserializes on a stack that grows as
/// it needs (see [`crate::state::recursion`]); past that, CPython's
/// `RecursionError` message. The format may stop sooner: serde_json's
/// own limit is 128 levels, ciborium's 256.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        let level = Level::enter("maximum recursion depth exceeded while deserializing an object")
            .map_err(de::Error::custom)?;
        level.run(|| d.deserialize_any(ValueVisitor))
    }
}

struct DictVisitor;

impl<'de> Visitor<'de> for DictVisitor {
    type Value = Dict;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map with string keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Dict, A::Error> {
        visit_dict(map)
    }
}

impl<'de> Deserialize<'de> for Dict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dict, D::Error> {
        d.deserialize_map(DictVisitor)
    }
}

impl<'de> Deserialize<'de> for PyDict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PyDict, D::Error> {
        Dict::deserialize(d).map(PyDict::from)
    }
}
