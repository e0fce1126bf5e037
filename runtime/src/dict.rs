//! `Dict`, an insertion-ordered map from names to values, and `PyDict`,
//! Python's shared, mutable `dict` built on it.

use std::fmt;
use std::mem::size_of;
use std::sync::{Arc, Weak};

use indexmap::IndexMap;
use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::Error;
use crate::gc;
use crate::pystr::PyStr;
use crate::trashcan;
use crate::value::{self, Value};

/// The hasher of a dict's map.
///
/// foldhash is the hasher hashbrown itself defaults to: among the fastest
/// for short string keys such as attribute names, and seeded per process,
/// so names that come from untrusted input (configuration keys, template
/// variables) cannot be chosen to collide the way they could under a fixed
/// hash such as FxHash. std's SipHash is also seeded, but several times
/// slower on short keys.
type Hasher = foldhash::fast::RandomState;

/// An insertion-ordered map from string keys to values: the contents of a
/// Python `dict` whose keys are strings (attribute names, JSON objects).
///
/// A new key goes last, an existing key keeps its place, a removed key's
/// followers keep their order, as in Python. `Display` is Python's dict
/// repr; equality ignores order, as Python's does. [`PyDict`] is the
/// shared, mutable handle a [`Value`] holds.
///
/// ```
/// use pyslots::{Dict, Value};
/// let mut d = Dict::new();
/// d.insert("name", "Alice");
/// d.insert("age", 30);
/// assert_eq!(d.len(), 2);
/// assert_eq!(d.get("age"), Some(&Value::Int(30)));
/// assert_eq!(d.to_string(), "{'name': 'Alice', 'age': 30}");
/// let keys: Vec<&str> = d.keys().collect();
/// assert_eq!(keys, ["name", "age"]);
/// ```
#[derive(Clone, Default)]
pub struct Dict {
    map: IndexMap<PyStr, Value, Hasher>,
}

impl Dict {
    /// An empty dict. Allocates nothing until the first insertion.
    pub fn new() -> Dict {
        Dict::default()
    }

    /// An empty dict with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Dict {
        Dict { map: IndexMap::with_capacity_and_hasher(capacity, Hasher::default()) }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the dict has no entries.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The value for `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    /// The value for `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.map.get_mut(key)
    }

    /// Whether `key` has an entry.
    pub fn contains_key(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Sets `key` to `value`, returning the old value. A new key goes last;
    /// an existing key keeps its place, as in Python.
    pub fn insert(&mut self, key: impl Into<PyStr>, value: impl Into<Value>) -> Option<Value> {
        self.map.insert(key.into(), value.into())
    }

    /// Sets `key` to `value`, making a `PyStr` for the key only if the dict
    /// must store a new one: writing an existing key allocates nothing.
    #[inline]
    pub fn set_str(&mut self, key: &str, value: Value) -> Option<Value> {
        match self.map.get_mut(key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => self.map.insert(PyStr::new(key), value),
        }
    }

    /// Removes `key`, returning its value. The other entries keep their
    /// order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.map.shift_remove(key)
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// The entries, in insertion order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { inner: self.map.iter() }
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.map.keys().map(PyStr::as_str)
    }

    /// The values, in insertion order.
    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.map.values()
    }

    /// The entries, in insertion order, keys as stored (a clone of one is
    /// a copy or a reference count, never a new string).
    pub(crate) fn entries(&self) -> indexmap::map::Iter<'_, PyStr, Value> {
        self.map.iter()
    }

    /// Adds an entry and returns its position; the key must be new (as a
    /// copy of another dict's keys is).
    pub(crate) fn push(&mut self, key: PyStr, value: Value) -> usize {
        let (index, old) = self.map.insert_full(key, value);
        debug_assert!(old.is_none(), "a new key");
        index
    }

    /// The value at `index`, to write.
    pub(crate) fn value_at_mut(&mut self, index: usize) -> Option<&mut Value> {
        self.map.get_index_mut(index).map(|(_, v)| v)
    }

    /// The entries, in insertion order, moved out.
    pub(crate) fn into_entries(self) -> indexmap::map::IntoIter<PyStr, Value> {
        self.map.into_iter()
    }

    /// Heap bytes this dict owns: its map (an `IndexMap`: a vector of
    /// (hash, key, value) entries and a table of indices with one control
    /// byte each) and what its keys and values own.
    pub fn heap_size(&self) -> usize {
        if self.map.capacity() == 0 {
            return 0;
        }
        let buckets = (self.map.capacity() * 8 / 7).next_power_of_two().max(4);
        self.map.capacity() * (size_of::<usize>() + size_of::<PyStr>() + size_of::<Value>())
            + buckets * (size_of::<usize>() + 1)
            + 16
            + self.map.iter().map(|(k, v)| k.heap_size() + v.heap_size()).sum::<usize>()
    }
}

/// The entries of a [`Dict`], in insertion order.
pub struct Iter<'a> {
    inner: indexmap::map::Iter<'a, PyStr, Value>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k.as_str(), v))
    }
}

impl fmt::Debug for Iter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dict::Iter")
    }
}

impl<'a> IntoIterator for &'a Dict {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<K: Into<PyStr>, V: Into<Value>> FromIterator<(K, V)> for Dict {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Dict {
        let mut d = Dict::new();
        d.extend(iter);
        d
    }
}

impl<K: Into<PyStr>, V: Into<Value>> Extend<(K, V)> for Dict {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

/// Equality as Python's: the same keys with equal values, in any order.
impl PartialEq for Dict {
    fn eq(&self, other: &Dict) -> bool {
        Value::Dict(PyDict::from(self.clone())) == Value::Dict(PyDict::from(other.clone()))
    }
}

/// Python's dict repr: `{'name': 'Alice', 'age': 30}`.
impl fmt::Display for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        value::write_entries_repr(f, self.iter())
    }
}

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A shared, mutable dict with string keys, like Python's `dict`: cloning
/// the handle gives another reference to the same dict. An instance's live
/// `__dict__` is one.
///
/// Access goes through a read-write lock, held only inside each method
/// (never while user code runs; a replaced value is dropped after it is
/// released; a read inside a read does not wait for a writer). The cycle
/// collector tracks every dict. `Display` is Python's `repr`, `{...}` where the dict contains
/// itself.
///
/// ```
/// use pyslots::{PyDict, Value};
/// let d = PyDict::new();
/// d.insert("k", 2);
/// let alias = d.clone();
/// alias.insert("j", "x");
/// assert_eq!(d.to_string(), "{'k': 2, 'j': 'x'}");
/// assert_eq!(d.get("k"), Some(Value::Int(2)));
/// assert_eq!(d.len(), 2);
/// ```
#[derive(Clone)]
pub struct PyDict(Arc<DictCell>);

struct DictCell {
    gc: gc::Header,
    map: RwLock<Dict>,
}

/// A dict nested a million deep drops in a loop, not a million frames.
impl Drop for DictCell {
    fn drop(&mut self) {
        let map = std::mem::take(self.map.get_mut());
        if !map.is_empty() {
            trashcan::drop_nested(map);
        }
    }
}

impl PyDict {
    /// A new, empty dict.
    pub fn new() -> PyDict {
        PyDict::default()
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Dict> {
        self.0.map.read_recursive()
    }

    fn write(&self) -> RwLockWriteGuard<'_, Dict> {
        self.0.map.write()
    }

    /// Reports this handle to the cycle collector (see [`Value::traverse`]).
    #[inline]
    pub fn traverse(&self, visit: &mut gc::Visit<'_>) {
        visit.node(&self.0.gc);
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the dict has no entries.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// The value for `key` (a clone: the dict may change afterwards).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// `d[key]`: the value, or CPython's `KeyError`.
    pub fn get_item(&self, key: &str) -> Result<Value, Error> {
        self.get(key).ok_or_else(|| Error::key_error(key))
    }

    /// Whether `key` has an entry.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// `d[key] = value`, returning the old value. A new key goes last.
    pub fn insert(&self, key: impl Into<PyStr>, value: impl Into<Value>) -> Option<Value> {
        let (key, value) = (key.into(), value.into());
        let old = self.write().insert(key, value);
        old
    }

    /// `d[key] = value` for a borrowed key: the key is copied only if new.
    pub fn set_str(&self, key: &str, value: Value) -> Option<Value> {
        let old = self.write().set_str(key, value);
        old
    }

    /// `d.pop(key, None)`: removes `key`, returning its value.
    pub fn remove(&self, key: &str) -> Option<Value> {
        let old = self.write().remove(key);
        old
    }

    /// `d.clear()`.
    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.write());
        drop(old);
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> Vec<PyStr> {
        self.read().map.keys().cloned().collect()
    }

    /// The entries, in insertion order (clones: the dict is not copied).
    pub fn items(&self) -> Vec<(PyStr, Value)> {
        self.read().map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// A copy of the contents, as a [`Dict`].
    pub fn to_dict(&self) -> Dict {
        self.read().clone()
    }

    /// Replaces the contents with `contents` (`d.clear(); d.update(...)`).
    pub fn replace(&self, contents: Dict) {
        let old = std::mem::replace(&mut *self.write(), contents);
        drop(old);
    }

    /// Whether two handles are the same dict (Python's `is`).
    pub fn is(a: &PyDict, b: &PyDict) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The dict's identity, for cycle detection.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// Whether another handle than this one exists: if not, no value
    /// anywhere can reach the dict.
    pub(crate) fn is_shared(&self) -> bool {
        Arc::strong_count(&self.0) > 1
    }

    /// Heap bytes of the dict: the shared cell, the map and what its keys
    /// and values own.
    pub fn heap_size(&self) -> usize {
        2 * size_of::<usize>() + size_of::<DictCell>() + self.read().heap_size()
    }
}

impl From<Dict> for PyDict {
    fn from(contents: Dict) -> PyDict {
        let cell = Arc::new(DictCell { gc: gc::Header::new(), map: RwLock::new(contents) });
        gc::track(Arc::downgrade(&cell) as Weak<dyn gc::Node>);
        PyDict(cell)
    }
}

impl Default for PyDict {
    fn default() -> PyDict {
        PyDict::from(Dict::new())
    }
}

impl gc::Node for DictCell {
    fn header(&self) -> &gc::Header {
        &self.gc
    }
    fn try_traverse(&self, visit: &mut gc::Visit<'_>) -> bool {
        let Some(map) = self.map.try_read_recursive() else { return false };
        map.values().for_each(|v| v.traverse(visit));
        true
    }
    fn try_lock(&self) -> Option<Box<dyn gc::Locked + '_>> {
        let guard = self.map.try_write()?;
        let traverse = |map: &Dict, visit: &mut gc::Visit<'_>| map.values().for_each(|v| v.traverse(visit));
        Some(Box::new(gc::WriteLocked { guard, traverse }))
    }
    fn clear(&self) {
        gc::clear(&self.map);
    }
}

impl<K: Into<PyStr>, V: Into<Value>> FromIterator<(K, V)> for PyDict {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> PyDict {
        PyDict::from(iter.into_iter().collect::<Dict>())
    }
}

impl PartialEq for PyDict {
    fn eq(&self, other: &PyDict) -> bool {
        Value::Dict(self.clone()) == Value::Dict(other.clone())
    }
}

impl fmt::Display for PyDict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        value::write_dict_repr(f, self)
    }
}

impl fmt::Debug for PyDict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_insertion_order_like_python() {
        let mut d = Dict::new();
        d.insert("name", "Alice");
        d.insert("age", 30);
        assert_eq!(d.remove("name"), Some(Value::from("Alice")));
        d.insert("name", "Bob");
        assert_eq!(d.to_string(), "{'age': 30, 'name': 'Bob'}");
        d.insert("age", 31);
        assert_eq!(d.to_string(), "{'age': 31, 'name': 'Bob'}");
    }

    #[test]
    fn equality_ignores_order() {
        let a: Dict = [("a", 1), ("b", 2)].into_iter().collect();
        let b: Dict = [("b", 2), ("a", 1)].into_iter().collect();
        assert_eq!(a, b);
        let c: Dict = [("b", 2), ("a", 3)].into_iter().collect();
        assert_ne!(a, c);
    }

    #[test]
    fn handles_share_one_dict() {
        let d = PyDict::new();
        let e = d.clone();
        e.insert("x", 1);
        assert_eq!(d.get("x"), Some(Value::Int(1)));
        assert!(PyDict::is(&d, &e));
        assert_eq!(d.get_item("y").unwrap_err().to_string(), "'y'");
    }
}
