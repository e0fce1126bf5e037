//! `Dict`: an instance's `__dict__`, insertion ordered, with keys shared per
//! class the way CPython shares them.

use std::fmt;
use std::mem::size_of;

use indexmap::IndexMap;

use crate::pystr::{self, PyStr};
use crate::value::Value;

/// The key table a class shares among its instances' dicts: the attribute
/// names its constructor sets, in order. Generated code keeps one per
/// regular class in a `static`.
#[derive(Debug)]
pub struct SharedKeys {
    /// The names, in the order the constructor sets them.
    pub names: &'static [&'static str],
}

/// The key table of a dict that starts empty.
pub static NO_KEYS: SharedKeys = SharedKeys { names: &[] };

/// The hasher of a diverged dict's map.
///
/// foldhash is the hasher hashbrown itself defaults to: among the fastest
/// for short string keys such as attribute names, and seeded per process,
/// so names that come from untrusted input (configuration keys, template
/// variables) cannot be chosen to collide the way they could under a fixed
/// hash such as FxHash. std's SipHash is also seeded, but several times
/// slower on short keys.
type Hasher = foldhash::fast::RandomState;

/// An insertion-ordered map from attribute names to values: Python's `dict`
/// as `__dict__` uses it.
///
/// Like CPython's split-table dicts, a class's instances share one key table
/// ([`SharedKeys`]) and each instance stores only its values: a regular
/// `Person` with `name` and `age` holds a 24-byte `Dict` and one array of two
/// values, not a hash map of its own. A dict turns into a private
/// insertion-ordered hash map the first time it must: when it gains a name
/// the table does not have, or when names would otherwise come out of
/// insertion order.
///
/// `Display` is Python's dict repr; equality ignores order, as Python's does.
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
#[derive(Clone)]
pub struct Dict {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    /// Values in key-table order. Invariant: the keys whose values are
    /// present, taken in table order, are in insertion order.
    Shared { keys: &'static SharedKeys, values: Box<[Option<Value>]> },
    /// A private ordered map, once the dict has diverged from its table.
    Owned(Box<IndexMap<PyStr, Value, Hasher>>),
}

impl Default for Dict {
    fn default() -> Self {
        Dict::new()
    }
}

impl Dict {
    /// An empty dict. Allocates nothing until the first insertion.
    pub fn new() -> Dict {
        Dict::with_keys(&NO_KEYS)
    }

    /// An empty dict over a class's shared key table.
    pub fn with_keys(keys: &'static SharedKeys) -> Dict {
        let values = (0..keys.names.len()).map(|_| None).collect();
        Dict { repr: Repr::Shared { keys, values } }
    }

    /// A dict holding `values` for the first `values.len()` names of `keys`,
    /// in table order: what a regular class's constructor builds.
    pub fn from_shared(keys: &'static SharedKeys, values: Vec<Value>) -> Dict {
        let mut slots: Vec<Option<Value>> = Vec::with_capacity(keys.names.len());
        slots.extend(values.into_iter().take(keys.names.len()).map(Some));
        slots.resize_with(keys.names.len(), || None);
        Dict { repr: Repr::Shared { keys, values: slots.into_boxed_slice() } }
    }

    /// A dict over a class's key table holding exactly these values, one
    /// for each name in table order: what a regular class's constructor
    /// builds, in one allocation. Missing values are left unset; extra
    /// ones are dropped.
    #[inline]
    pub fn from_shared_array<const N: usize>(keys: &'static SharedKeys, values: [Value; N]) -> Dict {
        let values: Box<[Option<Value>]> = if N == keys.names.len() {
            Box::new(values.map(Some))
        } else {
            let mut v: Vec<Option<Value>> = values.into_iter().map(Some).collect();
            v.resize_with(keys.names.len(), || None);
            v.into_boxed_slice()
        };
        Dict { repr: Repr::Shared { keys, values } }
    }

    /// The value for `key`, which sits at position `index` of the key
    /// table `keys` (generated code finds it with a `match` at compile
    /// time). The position is used only while this dict is still over that
    /// very table; otherwise this is [`get`](Dict::get).
    #[inline]
    pub fn get_known(&self, keys: &'static SharedKeys, index: usize, key: &str) -> Option<&Value> {
        match &self.repr {
            Repr::Shared { keys: own, values } if std::ptr::eq(*own, keys) => values.get(index)?.as_ref(),
            _ => self.get(key),
        }
    }

    /// The value present at position `index` of the key table `keys`, to
    /// overwrite in place, while this dict is still over that very table
    /// (see [`get_known`](Dict::get_known)); `None` if the dict has
    /// diverged or the key has no value, where [`set_str`](Dict::set_str)
    /// applies.
    #[inline]
    pub fn known_value_mut(&mut self, keys: &'static SharedKeys, index: usize) -> Option<&mut Value> {
        match &mut self.repr {
            Repr::Shared { keys: own, values } if std::ptr::eq(*own, keys) => values.get_mut(index)?.as_mut(),
            _ => None,
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Shared { values, .. } => values.iter().filter(|v| v.is_some()).count(),
            Repr::Owned(map) => map.len(),
        }
    }

    /// Whether the dict has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value for `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.repr {
            Repr::Shared { keys, values } => {
                let i = keys.names.iter().position(|k| *k == key)?;
                values.get(i)?.as_ref()
            }
            Repr::Owned(map) => map.get(key),
        }
    }

    /// The value for `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match &mut self.repr {
            Repr::Shared { keys, values } => {
                let i = keys.names.iter().position(|k| *k == key)?;
                values.get_mut(i)?.as_mut()
            }
            Repr::Owned(map) => map.get_mut(key),
        }
    }

    /// Whether `key` has an entry.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, returning the old value. A new key goes last;
    /// an existing key keeps its place, as in Python.
    pub fn insert(&mut self, key: impl Into<PyStr>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        self.set(&key, value.into(), || key.clone())
    }

    /// Sets `key` to `value`, making a `PyStr` for the key only if the dict
    /// must store one: writing an existing attribute allocates nothing.
    #[inline]
    pub fn set_str(&mut self, key: &str, value: Value) -> Option<Value> {
        self.set(key, value, || PyStr::new(key))
    }

    #[inline]
    fn set(&mut self, key: &str, value: Value, owned_key: impl FnOnce() -> PyStr) -> Option<Value> {
        match &mut self.repr {
            Repr::Shared { keys, values } => {
                if let Some(i) = keys.names.iter().position(|k| *k == key) {
                    if values[i].is_some() {
                        return values[i].replace(value);
                    }
                    if values[i + 1..].iter().all(Option::is_none) {
                        values[i] = Some(value);
                        return None;
                    }
                }
            }
            Repr::Owned(map) => {
                if let Some(slot) = map.get_mut(key) {
                    return Some(std::mem::replace(slot, value));
                }
            }
        }
        self.owned_map().insert(owned_key(), value)
    }

    /// Removes `key`, returning its value. The other entries keep their
    /// order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match &mut self.repr {
            Repr::Shared { keys, values } => {
                let i = keys.names.iter().position(|k| *k == key)?;
                values.get_mut(i)?.take()
            }
            Repr::Owned(map) => map.shift_remove(key),
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        match &mut self.repr {
            Repr::Shared { values, .. } => values.iter_mut().for_each(|v| *v = None),
            Repr::Owned(map) => map.clear(),
        }
    }

    /// The entries, in insertion order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: match &self.repr {
                Repr::Shared { keys, values } => IterRepr::Shared { names: keys.names.iter(), values: values.iter() },
                Repr::Owned(map) => IterRepr::Owned(map.iter()),
            },
        }
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// The values, in insertion order.
    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.iter().map(|(_, v)| v)
    }

    /// Whether this dict still stores only values over its class's shared
    /// key table (CPython's split table), rather than a private map.
    pub fn is_shared(&self) -> bool {
        matches!(self.repr, Repr::Shared { .. })
    }

    /// Heap bytes this dict owns: its value array or its map, and what
    /// the values own in turn. The shared key table is the class's, not
    /// the instance's, and counts nothing.
    pub fn heap_size(&self) -> usize {
        match &self.repr {
            Repr::Shared { values, .. } => {
                size_of::<Option<Value>>() * values.len() + values.iter().flatten().map(Value::heap_size).sum::<usize>()
            }
            Repr::Owned(map) => {
                // IndexMap: the map itself (boxed), a Vec of (hash, key,
                // value) buckets and a hashbrown table of indices with one
                // control byte per bucket plus one group of trailing bytes.
                let buckets = map.capacity().next_power_of_two().max(4) * 8 / 7 + 1;
                let table_buckets = buckets.next_power_of_two();
                size_of::<IndexMap<PyStr, Value, Hasher>>()
                    + map.capacity() * (size_of::<usize>() + size_of::<PyStr>() + size_of::<Value>())
                    + table_buckets * (size_of::<usize>() + 1)
                    + 16
                    + map.iter().map(|(k, v)| k.heap_size() + v.heap_size()).sum::<usize>()
            }
        }
    }

    /// Turns the dict into its private-map form (if it is not already) and
    /// returns the map.
    fn owned_map(&mut self) -> &mut IndexMap<PyStr, Value, Hasher> {
        if let Repr::Shared { keys, values } = &mut self.repr {
            let mut map = IndexMap::with_capacity_and_hasher(values.len() + 1, Hasher::default());
            for (name, value) in keys.names.iter().zip(values.iter_mut()) {
                if let Some(value) = value.take() {
                    map.insert(PyStr::new(name), value);
                }
            }
            self.repr = Repr::Owned(Box::new(map));
        }
        match &mut self.repr {
            Repr::Owned(map) => map,
            Repr::Shared { .. } => unreachable!("converted to the owned form just above"),
        }
    }
}

/// The entries of a [`Dict`], in insertion order.
pub struct Iter<'a> {
    inner: IterRepr<'a>,
}

enum IterRepr<'a> {
    Shared { names: std::slice::Iter<'a, &'static str>, values: std::slice::Iter<'a, Option<Value>> },
    Owned(indexmap::map::Iter<'a, PyStr, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            IterRepr::Shared { names, values } => loop {
                let name = names.next()?;
                if let Some(value) = values.next()? {
                    return Some((name, value));
                }
            },
            IterRepr::Owned(it) => it.next().map(|(k, v)| (k.as_str(), v)),
        }
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
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

/// Python's dict repr: `{'name': 'Alice', 'age': 30}`.
impl fmt::Display for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (k, v)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            pystr::write_repr(f, k)?;
            f.write_str(": ")?;
            fmt::Display::fmt(v, f)?;
        }
        f.write_str("}")
    }
}

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PERSON: SharedKeys = SharedKeys { names: &["name", "age"] };

    #[test]
    fn shared_dict_is_small_and_stays_shared() {
        assert_eq!(size_of::<Dict>(), 24);
        let mut d = Dict::from_shared(&PERSON, vec!["Alice".into(), 30.into()]);
        assert!(d.is_shared());
        d.insert("age", 31);
        assert!(d.is_shared());
        assert_eq!(d.to_string(), "{'name': 'Alice', 'age': 31}");
        assert_eq!(d.heap_size(), 2 * 24 + 24);
    }

    #[test]
    fn known_value_mut_only_over_its_own_table_and_present_values() {
        static OTHER: SharedKeys = SharedKeys { names: &["name", "age"] };
        let mut d = Dict::from_shared(&PERSON, vec!["Alice".into(), 30.into()]);
        *d.known_value_mut(&PERSON, 1).unwrap() = Value::Int(31);
        assert_eq!(d.to_string(), "{'name': 'Alice', 'age': 31}");
        // Another table with the same names is another class's: no shortcut.
        assert!(d.known_value_mut(&OTHER, 1).is_none());
        assert!(d.known_value_mut(&PERSON, 2).is_none());
        // A deleted value has no slot to overwrite: re-inserting it must go
        // last, which only `set_str` knows how to do.
        d.remove("name");
        assert!(d.known_value_mut(&PERSON, 0).is_none());
        d.insert("name", "Bob");
        assert!(!d.is_shared());
        assert!(d.known_value_mut(&PERSON, 1).is_none());
        assert_eq!(d.get_known(&PERSON, 1, "age"), Some(&Value::Int(31)));
    }

    #[test]
    fn reinsertion_after_delete_goes_last_like_python() {
        let mut d = Dict::from_shared(&PERSON, vec!["Alice".into(), 30.into()]);
        assert_eq!(d.remove("name"), Some(Value::from("Alice")));
        assert!(d.is_shared());
        d.insert("name", "Bob");
        assert!(!d.is_shared());
        assert_eq!(d.to_string(), "{'age': 30, 'name': 'Bob'}");
    }

    #[test]
    fn new_name_diverges_and_keeps_order() {
        let mut d = Dict::from_shared(&PERSON, vec!["Alice".into(), 30.into()]);
        d.insert("height", 170);
        assert!(!d.is_shared());
        assert_eq!(d.to_string(), "{'name': 'Alice', 'age': 30, 'height': 170}");
        d.remove("age");
        assert_eq!(d.to_string(), "{'name': 'Alice', 'height': 170}");
    }

    #[test]
    fn partial_shared_fill_in_table_order_stays_shared() {
        let mut d = Dict::with_keys(&PERSON);
        d.insert("name", "A");
        d.insert("age", 1);
        assert!(d.is_shared());
        let mut e = Dict::with_keys(&PERSON);
        e.insert("age", 1);
        e.insert("name", "A");
        assert_eq!(e.keys().collect::<Vec<_>>(), ["age", "name"]);
        assert_eq!(d, e);
    }
}
