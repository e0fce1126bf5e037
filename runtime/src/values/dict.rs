//! `Dict`, an insertion-ordered map from names to values, and `PyDict`,
//! Python's shared, mutable `dict` built on it.

use std::fmt;
use std::mem::size_of;
use std::sync::Arc;

use indexmap::IndexMap;
use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::{Error, LiveKeys};
use crate::handles::gc;
use crate::handles::gil;
use crate::handles::trashcan;
use crate::values::pystr::PyStr;
use crate::values::value::{self, Value};

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
    map: Map,
}

/// Up to this many entries a dict is a vector searched in order: making
/// one allocates only the vector, not also the hash table of an
/// `IndexMap` (a deep copy makes a dict per object), and comparing a few
/// short keys costs about what hashing one does.
const SMALL: usize = 8;

/// A dict's entries: a vector while they are few, an `IndexMap` (a hash
/// table of positions in a vector of entries) once there were more.
#[derive(Clone)]
enum Map {
    /// A single entry, in the room the `IndexMap` takes anyway: a dict of
    /// one entry (an object's only attribute beyond its slots) allocates
    /// nothing.
    One((PyStr, Value)),
    Small(Vec<(PyStr, Value)>),
    Large(IndexMap<PyStr, Value, Hasher>),
}

impl Default for Map {
    fn default() -> Map {
        Map::Small(Vec::new())
    }
}

type Entry = (PyStr, Value);

impl Dict {
    /// The entries while they are few, else the `IndexMap`.
    #[inline]
    fn parts(&self) -> Result<&[Entry], &IndexMap<PyStr, Value, Hasher>> {
        match &self.map {
            Map::One(e) => Ok(std::slice::from_ref(e)),
            Map::Small(v) => Ok(v),
            Map::Large(m) => Err(m),
        }
    }

    /// [`parts`](Dict::parts), to write.
    #[inline]
    fn parts_mut(&mut self) -> Result<&mut [Entry], &mut IndexMap<PyStr, Value, Hasher>> {
        match &mut self.map {
            Map::One(e) => Ok(std::slice::from_mut(e)),
            Map::Small(v) => Ok(v),
            Map::Large(m) => Err(m),
        }
    }
}

/// The position of `key` among a small dict's entries.
#[inline]
fn position(entries: &[Entry], key: &str) -> Option<usize> {
    entries.iter().position(|(k, _)| k.as_str() == key)
}

impl Dict {
    /// An empty dict. Allocates nothing until the first insertion.
    ///
    /// ```
    /// let d = pyslots::Dict::new();
    /// assert!(d.is_empty() && d.heap_size() == 0);
    /// ```
    pub fn new() -> Dict {
        Dict::default()
    }

    /// An empty dict with room for `capacity` entries.
    ///
    /// ```
    /// let mut d = pyslots::Dict::with_capacity(4);
    /// d.insert("a", 1);
    /// assert_eq!(d.len(), 1);
    /// ```
    pub fn with_capacity(capacity: usize) -> Dict {
        let map = match capacity {
            0 | 1 => Map::default(),
            2..=SMALL => Map::Small(Vec::with_capacity(capacity)),
            _ => Map::Large(IndexMap::with_capacity_and_hasher(capacity, Hasher::default())),
        };
        Dict { map }
    }

    /// The number of entries.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut d = Dict::new();
    /// d.insert("a", 1);
    /// d.insert("b", 2);
    /// assert_eq!(d.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self.parts() {
            Ok(entries) => entries.len(),
            Err(m) => m.len(),
        }
    }

    /// Whether the dict has no entries.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut d = Dict::new();
    /// assert!(d.is_empty());
    /// d.insert("a", 1);
    /// assert!(!d.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value for `key`.
    ///
    /// ```
    /// use pyslots::{Dict, Value};
    /// let mut d = Dict::new();
    /// d.insert("n", 1);
    /// assert_eq!(d.get("n"), Some(&Value::Int(1)));
    /// assert_eq!(d.get("m"), None);
    /// ```
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self.parts() {
            Ok(entries) => entries.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v),
            Err(m) => m.get(key),
        }
    }

    /// The value for `key`, mutably.
    ///
    /// ```
    /// use pyslots::{Dict, Value};
    /// let mut d = Dict::new();
    /// d.insert("n", 1);
    /// *d.get_mut("n").unwrap() = Value::Int(2);
    /// assert_eq!(d.to_string(), "{'n': 2}");
    /// ```
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self.parts_mut() {
            Ok(entries) => entries.iter_mut().find(|(k, _)| k.as_str() == key).map(|(_, v)| v),
            Err(m) => m.get_mut(key),
        }
    }

    /// Whether `key` has an entry.
    ///
    /// ```
    /// let mut d = pyslots::Dict::new();
    /// d.insert("k", ());
    /// assert!(d.contains_key("k") && !d.contains_key("K"));
    /// ```
    ///
    /// ```
    /// use pyslots::PyDict;
    ///
    /// let d = PyDict::new();
    /// d.set_str("a", 1.into());
    /// assert!(d.contains_key("a"));
    /// assert!(!d.contains_key("b"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, returning the old value. A new key goes last;
    /// an existing key keeps its place, as in Python.
    ///
    /// ```
    /// use pyslots::{Dict, Value};
    /// let mut d = Dict::new();
    /// assert_eq!(d.insert("b", 1), None);
    /// d.insert("a", 2);
    /// assert_eq!(d.insert("b", 3), Some(Value::Int(1))); // keeps its place
    /// assert_eq!(d.to_string(), "{'b': 3, 'a': 2}");
    /// ```
    pub fn insert(&mut self, key: impl Into<PyStr>, value: impl Into<Value>) -> Option<Value> {
        let (key, value) = (key.into(), value.into());
        match self.parts_mut() {
            Ok(entries) => {
                if let Some(i) = position(entries, &key) {
                    return Some(std::mem::replace(&mut entries[i].1, value));
                }
            }
            Err(m) => return m.insert(key, value),
        }
        self.push(key, value);
        None
    }

    /// Sets `key` to `value`, making a `PyStr` for the key only if the dict
    /// must store a new one: writing an existing key allocates nothing.
    ///
    /// ```
    /// use pyslots::{Dict, Value};
    /// let mut d = Dict::new();
    /// d.set_str("x", Value::Float(1.5));
    /// assert_eq!(d.to_string(), "{'x': 1.5}");
    /// ```
    #[inline]
    pub fn set_str(&mut self, key: &str, value: Value) -> Option<Value> {
        match self.get_mut(key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.push(PyStr::new(key), value);
                None
            }
        }
    }

    /// Removes `key`, returning its value. The other entries keep their
    /// order.
    ///
    /// ```
    /// use pyslots::{Dict, Value};
    /// let mut d = Dict::new();
    /// d.insert("a", 1);
    /// d.insert("b", 2);
    /// d.insert("c", 3);
    /// assert_eq!(d.remove("a"), Some(Value::Int(1)));
    /// assert_eq!(d.keys().collect::<Vec<_>>(), ["b", "c"]);
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.map {
            Map::One((k, _)) if k.as_str() == key => match std::mem::take(&mut self.map) {
                Map::One((_, v)) => Some(v),
                _ => unreachable!("matched one entry above"),
            },
            Map::One(_) => None,
            Map::Small(v) => position(v, key).map(|i| v.remove(i).1),
            Map::Large(m) => m.shift_remove(key),
        }
    }

    /// Removes every entry.
    ///
    /// ```
    /// let mut d = pyslots::Dict::new();
    /// d.insert("a", 1);
    /// d.clear();
    /// assert!(d.is_empty());
    /// ```
    pub fn clear(&mut self) {
        match &mut self.map {
            Map::One(_) => self.map = Map::default(),
            Map::Small(v) => v.clear(),
            Map::Large(m) => m.clear(),
        }
    }

    /// The entries, in insertion order.
    ///
    /// ```
    /// let mut d = pyslots::Dict::new();
    /// d.insert("a", 1);
    /// d.insert("b", 2);
    /// let pairs: Vec<String> = d.iter().map(|(k, v)| format!("{k}={v}")).collect();
    /// assert_eq!(pairs, ["a=1", "b=2"]);
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter { inner: self.entries() }
    }

    /// The keys, in insertion order.
    ///
    /// ```
    /// let d: pyslots::Dict = [("z", 1), ("a", 2)].into_iter().collect();
    /// assert_eq!(d.keys().collect::<Vec<_>>(), ["z", "a"]);
    /// ```
    ///
    /// ```
    /// use pyslots::PyDict;
    ///
    /// let d = PyDict::new();
    /// d.set_str("z", 1.into());
    /// d.set_str("a", 2.into());
    /// let keys: Vec<String> = d.keys().iter().map(|k| k.to_string()).collect();
    /// assert_eq!(keys, ["z", "a"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries().map(|(k, _)| k.as_str())
    }

    /// The values, in insertion order.
    ///
    /// ```
    /// let d: pyslots::Dict = [("z", 1), ("a", 2)].into_iter().collect();
    /// assert_eq!(d.values().map(|v| v.as_int().unwrap()).sum::<i64>(), 3);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.entries().map(|(_, v)| v)
    }

    /// The entries, in insertion order, keys as stored (a clone of one is
    /// a copy or a reference count, never a new string).
    pub(crate) fn entries(&self) -> Entries<'_> {
        match self.parts() {
            Ok(entries) => Entries::Small(entries.iter()),
            Err(m) => Entries::Large(m.iter()),
        }
    }

    /// Adds an entry whose key is not in the dict (as a copy of another
    /// dict's keys is not) and returns its position.
    pub(crate) fn push(&mut self, key: PyStr, value: Value) -> usize {
        debug_assert!(self.get(&key).is_none(), "a new key");
        match &mut self.map {
            Map::Small(v) if v.capacity() == 0 => {
                self.map = Map::One((key, value));
                return 0;
            }
            Map::Small(v) if v.len() < SMALL => {
                v.push((key, value));
                return v.len() - 1;
            }
            Map::One(_) => {
                let Map::One(first) = std::mem::take(&mut self.map) else { unreachable!("matched one entry above") };
                let mut v = Vec::with_capacity(4);
                v.extend([first, (key, value)]);
                self.map = Map::Small(v);
                return 1;
            }
            Map::Small(v) => {
                let mut m = IndexMap::with_capacity_and_hasher(2 * SMALL, Hasher::default());
                m.extend(v.drain(..));
                self.map = Map::Large(m);
            }
            Map::Large(_) => {}
        }
        let Map::Large(m) = &mut self.map else { unreachable!("large from here on") };
        m.insert_full(key, value).0
    }

    /// The value at `index`, to write.
    pub(crate) fn value_at_mut(&mut self, index: usize) -> Option<&mut Value> {
        match self.parts_mut() {
            Ok(entries) => entries.get_mut(index).map(|(_, v)| v),
            Err(m) => m.get_index_mut(index).map(|(_, v)| v),
        }
    }

    /// The entries, in insertion order, moved out.
    pub(crate) fn into_entries(self) -> IntoEntries {
        match self.map {
            Map::One(e) => IntoEntries::One(Some(e).into_iter()),
            Map::Small(v) => IntoEntries::Small(v.into_iter()),
            Map::Large(m) => IntoEntries::Large(m.into_iter()),
        }
    }

    /// Heap bytes this dict owns: its entries (none for one entry; a
    /// vector of (key, value) pairs while few; an `IndexMap`'s vector of
    /// (hash, key, value) entries and table of indices with one control
    /// byte each once more) and what its keys and values own.
    pub fn heap_size(&self) -> usize {
        self.own_heap_size() + value::nested_heap_size(self.values())
    }

    /// The bytes of the dict's own storage and its keys' contents, its
    /// values' contents aside.
    pub(crate) fn own_heap_size(&self) -> usize {
        let keys = self.entries().map(|(k, _)| k.heap_size()).sum::<usize>();
        let map = match &self.map {
            Map::One(_) => 0,
            Map::Small(v) => v.capacity() * size_of::<Entry>(),
            Map::Large(m) if m.capacity() == 0 => 0,
            Map::Large(m) => {
                let buckets = (m.capacity() * 8 / 7).next_power_of_two().max(4);
                m.capacity() * (size_of::<usize>() + size_of::<PyStr>() + size_of::<Value>())
                    + buckets * (size_of::<usize>() + 1)
                    + 16
            }
        };
        map + keys
    }
}

/// A [`Dict`]'s entries, borrowed, in insertion order.
#[derive(Clone)]
pub(crate) enum Entries<'a> {
    Small(std::slice::Iter<'a, Entry>),
    Large(indexmap::map::Iter<'a, PyStr, Value>),
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a PyStr, &'a Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Entries::Small(i) => i.next().map(|(k, v)| (k, v)),
            Entries::Large(i) => i.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Entries::Small(i) => i.size_hint(),
            Entries::Large(i) => i.size_hint(),
        }
    }
}

/// A [`Dict`]'s entries, moved out, in insertion order.
pub(crate) enum IntoEntries {
    One(std::option::IntoIter<Entry>),
    Small(std::vec::IntoIter<Entry>),
    Large(indexmap::map::IntoIter<PyStr, Value>),
}

impl Iterator for IntoEntries {
    type Item = (PyStr, Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            IntoEntries::One(i) => i.next(),
            IntoEntries::Small(i) => i.next(),
            IntoEntries::Large(i) => i.next(),
        }
    }
}

/// The entries of a [`Dict`], in insertion order.
///
/// ```
/// use pyslots::prelude::*;
///
/// let mut d = Dict::new();
/// d.insert("b", 2);
/// d.insert("a", 1);
/// let keys: Vec<String> = d.iter().map(|(k, _)| k.to_string()).collect();
/// assert_eq!(keys, ["b", "a"]);
/// ```
pub struct Iter<'a> {
    inner: Entries<'a>,
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

impl DictCell {
    fn read(&self) -> RwLockReadGuard<'_, Dict> {
        let map = &self.map;
        gil::without_waiting(|| map.try_read_recursive(), || map.read_recursive())
    }
}

impl LiveKeys for DictCell {
    fn keys(&self) -> Vec<PyStr> {
        self.read().entries().map(|(k, _)| k.clone()).collect()
    }
}

// The collector's header first: a dead cell's registry entry is found
// by its address (`gc::unlist`).
#[repr(C)]
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
    ///
    /// ```
    /// use pyslots::{PyDict, Value};
    /// let d = PyDict::new();
    /// let alias = Value::Dict(d.clone()); // one dict, two handles
    /// d.insert("a", 1);
    /// assert_eq!(alias.to_string(), "{'a': 1}");
    /// ```
    pub fn new() -> PyDict {
        PyDict::default()
    }

    /// The entries, locked for reading; a thread holding the global
    /// interpreter lock lets it go if it must wait (`gil::without_waiting`).
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Dict> {
        self.0.read()
    }

    /// The entries, locked for writing, as [`read`](PyDict::read).
    fn write(&self) -> RwLockWriteGuard<'_, Dict> {
        let map = &self.0.map;
        let guard = gil::without_waiting(|| map.try_write(), || map.write());
        // What is stored is not judged (`gc`'s "Cycles of a generation's own"); marked under
        // the lock, so a collection that counts meanwhile either finds
        // the lock taken or leaves the mark set.
        gc::may_cycle();
        guard
    }

    /// Reports this handle to the cycle collector (see [`Value::traverse`]).
    #[inline]
    pub fn traverse(&self, visit: &mut gc::Visit<'_>) {
        visit.node(&self.0.gc);
    }

    /// The number of entries.
    ///
    /// ```
    /// use pyslots::PyDict;
    ///
    /// let d = PyDict::new();
    /// d.set_str("a", 1.into());
    /// assert_eq!(d.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the dict has no entries.
    ///
    /// ```
    /// use pyslots::PyDict;
    ///
    /// let d = PyDict::new();
    /// assert!(d.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// The value for `key` (a clone: the dict may change afterwards).
    ///
    /// ```
    /// use pyslots::{PyDict, Value};
    /// let d = PyDict::new();
    /// d.insert("k", "v");
    /// assert_eq!(d.get("k"), Some(Value::from("v")));
    /// ```
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// `d[key]`: the value, or CPython's `KeyError`.
    ///
    /// ```
    /// let d = pyslots::PyDict::new();
    /// let e = d.get_item("missing").unwrap_err();
    /// assert_eq!(format!("{e:?}"), "KeyError: 'missing'");
    /// ```
    pub fn get_item(&self, key: &str) -> Result<Value, Error> {
        self.get(key).ok_or_else(|| Error::key_error(key))
    }

    /// Whether `key` has an entry.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// `d[key] = value`, returning the old value. A new key goes last.
    ///
    /// ```
    /// let d = pyslots::PyDict::new();
    /// assert_eq!(d.insert("k", 1), None);
    /// assert_eq!(d.insert("k", 2), Some(pyslots::Value::Int(1)));
    /// assert_eq!(d.len(), 1);
    /// ```
    pub fn insert(&self, key: impl Into<PyStr>, value: impl Into<Value>) -> Option<Value> {
        let (key, value) = (key.into(), value.into());
        let old = self.write().insert(key, value);
        old
    }

    /// `d[key] = value` for a borrowed key: the key is copied only if new.
    ///
    /// ```
    /// use pyslots::{PyDict, Value};
    ///
    /// let d = PyDict::new();
    /// assert_eq!(d.set_str("a", Value::Int(1)), None);
    /// assert_eq!(d.set_str("a", Value::Int(2)), Some(Value::Int(1)));   // the value it replaced
    /// assert_eq!(d.to_string(), "{'a': 2}");
    /// ```
    pub fn set_str(&self, key: &str, value: Value) -> Option<Value> {
        let old = self.write().set_str(key, value);
        old
    }

    /// `d.pop(key, None)`: removes `key`, returning its value.
    ///
    /// ```
    /// let d = pyslots::PyDict::new();
    /// d.insert("k", 1);
    /// assert_eq!(d.remove("k"), Some(pyslots::Value::Int(1)));
    /// assert_eq!(d.remove("k"), None);
    /// ```
    pub fn remove(&self, key: &str) -> Option<Value> {
        let old = self.write().remove(key);
        old
    }

    /// `d.clear()`.
    ///
    /// ```
    /// use pyslots::PyDict;
    ///
    /// let d = PyDict::new();
    /// d.set_str("a", 1.into());
    /// let alias = d.clone();          // the same dict, as in Python
    /// alias.clear();
    /// assert!(d.is_empty());
    /// ```
    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.write());
        drop(old);
    }

    /// The dict as a failed `getattr`'s error reads its keys back (one
    /// reference count).
    pub(crate) fn live_keys(&self) -> Arc<dyn LiveKeys> {
        self.0.clone()
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> Vec<PyStr> {
        self.read().entries().map(|(k, _)| k.clone()).collect()
    }

    /// The entries, in insertion order (clones: the dict is not copied).
    ///
    /// ```
    /// let d = pyslots::PyDict::new();
    /// d.insert("a", 1);
    /// let items = d.items();
    /// assert_eq!((items[0].0.as_str(), &items[0].1), ("a", &pyslots::Value::Int(1)));
    /// ```
    pub fn items(&self) -> Vec<(PyStr, Value)> {
        self.read().entries().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// A copy of the contents, as a [`Dict`].
    ///
    /// ```
    /// let d = pyslots::PyDict::new();
    /// d.insert("a", 1);
    /// let mut copy = d.to_dict();
    /// copy.insert("b", 2); // the copy is its own
    /// assert_eq!((d.len(), copy.len()), (1, 2));
    /// ```
    pub fn to_dict(&self) -> Dict {
        self.read().clone()
    }

    /// Replaces the contents with `contents` (`d.clear(); d.update(...)`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyDict;
    ///
    /// let d = PyDict::new();
    /// d.set_str("old", 1.into());
    /// let mut fresh = Dict::new();
    /// fresh.insert("new", 2);
    /// d.replace(fresh);
    /// assert_eq!(d.to_string(), "{'new': 2}");
    /// ```
    pub fn replace(&self, contents: Dict) {
        let old = std::mem::replace(&mut *self.write(), contents);
        drop(old);
    }

    /// Whether two handles are the same dict (Python's `is`).
    ///
    /// ```
    /// use pyslots::PyDict;
    /// let d = PyDict::new();
    /// assert!(PyDict::is(&d, &d.clone()));
    /// assert!(!PyDict::is(&d, &PyDict::new()));
    /// ```
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
        value::nested_heap_size([&Value::Dict(self.clone())])
    }

    /// The bytes of the shared cell and of `map`'s own storage and keys.
    pub(crate) fn own_heap_size(map: &Dict) -> usize {
        2 * size_of::<usize>() + size_of::<DictCell>() + map.own_heap_size()
    }
}

impl From<Dict> for PyDict {
    fn from(contents: Dict) -> PyDict {
        let cell = Arc::new(DictCell { gc: gc::Header::new(), map: RwLock::new(contents) });
        gc::track(&cell);
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
    /// Takes out the entries that hold references, as an object's clear
    /// does: a dict that is an object's `__dict__` keeps its plain
    /// attributes (numbers, strings) for the object's `Drop` to see.
    fn clear(&self) {
        let taken: Option<Vec<Value>> = self.map.try_write().map(|mut map| {
            let (keep, take): (Vec<_>, Vec<_>) = std::mem::take(&mut *map)
                .iter()
                .map(|(k, v)| (PyStr::new(k), v.clone()))
                .partition(|(_, v)| !v.may_hold_references());
            *map = keep.into_iter().collect();
            take.into_iter().map(|(_, v)| v).collect()
        });
        drop(taken);
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
    fn order_and_values_survive_growing_past_small() {
        let mut d = Dict::with_capacity(2);
        let mut want: Vec<(String, i64)> = Vec::new();
        for i in 0..3 * SMALL as i64 {
            let key = format!("k{}", (i * 7) % 40);
            let old = d.insert(key.as_str(), i);
            match want.iter_mut().find(|(k, _)| *k == key) {
                Some(e) => assert_eq!(old, Some(Value::Int(std::mem::replace(&mut e.1, i)))),
                None => {
                    assert_eq!(old, None);
                    want.push((key, i));
                }
            }
            if i % 5 == 4 {
                let gone = want.remove(1);
                assert_eq!(d.remove(&gone.0), Some(Value::Int(gone.1)));
                assert_eq!(d.remove(&gone.0), None);
            }
            let got: Vec<(String, Value)> = d.iter().map(|(k, v)| (k.to_owned(), v.clone())).collect();
            let expect: Vec<(String, Value)> = want.iter().map(|(k, v)| (k.clone(), Value::Int(*v))).collect();
            assert_eq!(got, expect);
            assert_eq!(d.len(), want.len());
            assert!(want.iter().all(|(k, v)| d.get(k) == Some(&Value::Int(*v)) && d.contains_key(k)));
            assert!(d.get("absent").is_none());
        }
        assert!(matches!(d.map, Map::Large(_)));
        assert_eq!(d.set_str("k0", Value::None), Some(Value::Int(want[0].1)));
        *d.value_at_mut(0).unwrap() = Value::Int(-1);
        assert_eq!(d.get("k0"), Some(&Value::Int(-1)));
        let moved: Vec<(PyStr, Value)> = d.clone().into_entries().collect();
        assert_eq!(moved.len(), d.len());
        d.clear();
        assert!(d.is_empty() && d.iter().next().is_none());
    }

    #[test]
    fn one_entry_is_kept_inline_and_a_few_in_one_vector() {
        let mut d = Dict::with_capacity(1);
        assert_eq!(d.push(PyStr::new("weight"), Value::Float(0.5)), 0);
        assert!(matches!(d.map, Map::One(_)));
        assert_eq!(d.heap_size(), 0);
        assert_eq!(d.insert("weight", 1.5), Some(Value::Float(0.5)));
        assert_eq!(d.remove("height"), None);
        assert_eq!(d.remove("weight"), Some(Value::Float(1.5)));
        assert!(d.is_empty() && matches!(d.map, Map::Small(_)));
        d.insert("weight", 0.5);
        assert_eq!(d.push(PyStr::new("height"), Value::Float(1.5)), 1);
        assert!(matches!(d.map, Map::Small(_)));
        assert_eq!(d.heap_size(), 4 * size_of::<Entry>());
        assert_eq!(d.to_string(), "{'weight': 0.5, 'height': 1.5}");
        let mut one: Dict = [("k", 1)].into_iter().collect();
        *one.value_at_mut(0).unwrap() = Value::Int(2);
        assert_eq!(one.clone().into_entries().collect::<Vec<_>>(), [(PyStr::new("k"), Value::Int(2))]);
        one.clear();
        assert!(one.is_empty() && one.get("k").is_none());
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
