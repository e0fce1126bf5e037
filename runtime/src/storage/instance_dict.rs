//! An instance's `__dict__` storage, as CPython 3.11 keeps it: the values
//! for the class's shared key table inline in the instance's own
//! allocation, until `__dict__` is asked for or the instance gains a name
//! the table does not have; from then on a live [`PyDict`], shared with
//! whoever asked, so that what is set through either shows in the other.
//!
//! Generated code holds one of three storages ([`DictSlot`]):
//! [`InlineValues`] for a regular class with its key table,
//! [`LazyDict`] for a dict that starts empty (`#[slots(x, __dict__)]`, a
//! subclass whose bases have no dict), [`NoDict`] where there is none of
//! its own. An instance of a class made at run time holds
//! `LearnedValues`, over the key table its class learns from what its
//! instances set (`LearnedKeys`), as CPython's heap types do. The
//! attribute algorithm sees them all through [`DictView`] and
//! [`DictViewMut`], which are the same for all.

use std::sync::OnceLock;

use crate::error::DictKeys;
use crate::objects::object::{Block, DictView, DictViewMut, Store};
use crate::storage::shared_keys::{with_names, LearnedKeys, SharedKeys, LEARNED_KEYS_MAX, NO_KEYS};
use crate::values::dict::{Dict, PyDict};
use crate::values::pystr::PyStr;
use crate::values::value::{Value, ValueRef};

/// The storage of a class's own dict: where its values live, and the live
/// dict once there is one.
pub trait DictSlot: Default + Send + Sync + 'static {
    /// The dict, if this storage is one; `keys` is the class's key table.
    fn view(&self, keys: &'static SharedKeys) -> Option<DictView<'_>>;
    /// The dict, mutably.
    fn view_mut(&mut self, keys: &'static SharedKeys) -> Option<DictViewMut<'_>>;
}

/// A regular class's dict: the values for its `N` shared keys and the live
/// dict's place, in one allocation behind one pointer. A regular `Point`
/// with `x` and `y` is 8 bytes inline and 16 + 2 × 24 on the heap: 72,
/// CPython's 3.11 inline values take 96 with their floats.
#[derive(Debug)]
pub struct InlineValues<const N: usize>(Box<Block<[Option<Value>; N]>>);

impl<const N: usize> InlineValues<N> {
    /// Every key set, in table order: what the constructor builds.
    #[inline]
    pub fn new(values: [Value; N]) -> Self {
        InlineValues(Box::new(Block { live: OnceLock::new(), values: values.map(Some) }))
    }

    /// Heap bytes of the allocation itself (what the values own aside).
    pub fn block_size(&self) -> usize {
        std::mem::size_of::<Block<[Option<Value>; N]>>()
    }

    /// Whether every inline value is unset (the dict live, or every key
    /// deleted): for `runtime/tests/instance_dict.rs`.
    #[doc(hidden)]
    pub fn inline_values_unset(&self) -> bool {
        self.0.values.iter().all(Option::is_none)
    }
}

/// Every key unset, as `object.__new__` makes an instance.
impl<const N: usize> Default for InlineValues<N> {
    fn default() -> Self {
        InlineValues(Box::new(Block { live: OnceLock::new(), values: std::array::from_fn(|_| None) }))
    }
}

impl<const N: usize> DictSlot for InlineValues<N> {
    #[inline]
    fn view(&self, keys: &'static SharedKeys) -> Option<DictView<'_>> {
        Some(DictView { keys, values: &self.0.values, live: &self.0.live, block: self.block_size() })
    }
    #[inline]
    fn view_mut(&mut self, keys: &'static SharedKeys) -> Option<DictViewMut<'_>> {
        let block = self.block_size();
        let Block { live, values } = &mut *self.0;
        Some(DictViewMut { keys, store: Store::Fixed { values, live, block } })
    }
}

/// A dict that starts empty: nothing is allocated until the first name is
/// set or `__dict__` is asked for.
#[derive(Debug, Default)]
pub struct LazyDict {
    live: OnceLock<PyDict>,
}

impl DictSlot for LazyDict {
    #[inline]
    fn view(&self, _: &'static SharedKeys) -> Option<DictView<'_>> {
        Some(DictView { keys: &NO_KEYS, values: &[], live: &self.live, block: 0 })
    }
    #[inline]
    fn view_mut(&mut self, _: &'static SharedKeys) -> Option<DictViewMut<'_>> {
        Some(DictViewMut { keys: &NO_KEYS, store: Store::Fixed { values: &mut [], live: &mut self.live, block: 0 } })
    }
}

/// No dict of its own: the instance dict is a base's, or there is none.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoDict;

impl DictSlot for NoDict {
    #[inline]
    fn view(&self, _: &'static SharedKeys) -> Option<DictView<'_>> {
        None
    }
    #[inline]
    fn view_mut(&mut self, _: &'static SharedKeys) -> Option<DictViewMut<'_>> {
        None
    }
}

/// The instance dict of a class made at run time: the live dict's place
/// and the values for its class's [`LearnedKeys`], in one allocation.
///
/// An instance is made with room for as many values as its class's
/// instances have grown to hold, and grows (by half, up to 30) to store a
/// learned key beyond its room, if it is dense enough: its values may
/// reach twice as many as it holds, and four more. A sparser one (an
/// instance used as a namespace, setting a few of many names) makes its
/// dict live instead, which holds only what is set. A `Point` whose
/// instances set `x` and `y` is 16 bytes inline and 16 + 2 × 24 on the
/// heap.
#[derive(Debug)]
#[doc(hidden)]
pub struct LearnedValues(Box<Block<[Option<Value>]>>);

/// One allocation of `N` values, unsized to a slice.
fn learned_block<const N: usize>() -> Box<Block<[Option<Value>]>> {
    Box::new(Block { live: OnceLock::new(), values: std::array::from_fn::<_, N, _>(|_| None) })
}

/// One allocation of `n` values (1 to 30), unsized to a slice.
fn learned_block_of(n: usize) -> Box<Block<[Option<Value>]>> {
    macro_rules! sized {
        ($n:expr; $($size:literal)*) => {
            match $n { $($size => learned_block::<$size>(),)* _ => learned_block::<LEARNED_KEYS_MAX>() }
        };
    }
    sized!(n; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29)
}

/// How far a learned block may reach: the index below which a value may
/// be stored inline, growing the block if needed.
fn reach(block: &Block<[Option<Value>]>) -> usize {
    let present = block.values.iter().filter(|v| v.is_some()).count();
    block.values.len().max((2 * present + 4).min(LEARNED_KEYS_MAX))
}

/// Moves a learned block's values into a larger one with room for at
/// least `min`, and half as many again as it had (so a learning instance
/// reallocates a few times, not once per key).
fn grow(block: &mut Box<Block<[Option<Value>]>>, min: usize) {
    let len = block.values.len();
    let size = min.max(len + len / 2).min(LEARNED_KEYS_MAX);
    let mut larger = learned_block_of(size);
    larger.live = std::mem::take(&mut block.live);
    for (new, old) in larger.values.iter_mut().zip(block.values.iter_mut()) {
        *new = old.take();
    }
    *block = larger;
}

impl LearnedValues {
    /// Every key unset, with room for as many values as the instances of
    /// the class that `keys` belongs to have grown to hold.
    pub fn new(keys: &LearnedKeys) -> LearnedValues {
        LearnedValues(learned_block_of(keys.new_capacity()))
    }

    /// How many values the block has room for: for
    /// `runtime/tests/instance_dict.rs`.
    #[doc(hidden)]
    pub fn capacity(&self) -> usize {
        self.0.values.len()
    }

    /// The value at `index` of the class's table, while the values are
    /// inline. A learned key keeps its index in every later version of the
    /// table, so no version needs comparing.
    #[inline(always)]
    pub fn inline_value(&self, index: usize) -> Option<&Value> {
        if self.0.live.get().is_some() {
            return None;
        }
        self.0.values.get(index)?.as_ref()
    }

    /// The value at `index`, to overwrite in place, while the values are
    /// inline and it is present (see [`inline_value`](Self::inline_value)).
    #[inline(always)]
    pub fn inline_value_mut(&mut self, index: usize) -> Option<&mut Value> {
        if self.0.live.get_mut().is_some() {
            return None;
        }
        self.0.values.get_mut(index)?.as_mut()
    }

    /// The dict, over the newest version of `keys`.
    #[inline]
    pub fn view<'a>(&'a self, keys: &'a LearnedKeys) -> DictView<'a> {
        let block = std::mem::size_of_val(&*self.0);
        DictView { keys: keys.current(), values: &self.0.values, live: &self.0.live, block }
    }

    /// The dict, to write: a name the table does not have is learned.
    #[inline]
    pub fn view_mut<'a>(&'a mut self, keys: &'a LearnedKeys) -> DictViewMut<'a> {
        DictViewMut { keys: keys.current(), store: Store::Learned(&mut self.0, keys) }
    }
}

/// Selects the storage of a subclass's own `__dict__`: a [`LazyDict`] when
/// the class needs one and no base has one, [`NoDict`] otherwise. The
/// condition is a constant over the bases' layouts, which only the
/// compiler can see.
#[derive(Debug)]
pub struct DictIf<const B: bool>;

/// See [`DictIf`].
pub trait DictSel {
    /// [`LazyDict`] or [`NoDict`].
    type Storage: DictSlot;
}

impl DictSel for DictIf<true> {
    type Storage = LazyDict;
}

impl DictSel for DictIf<false> {
    type Storage = NoDict;
}

impl<'a> DictView<'a> {
    /// The live dict, if `__dict__` was asked for or the instance diverged
    /// from its key table.
    #[inline]
    pub fn live(&self) -> Option<&'a PyDict> {
        self.live.get()
    }

    /// The value at `index` of the key table `keys` (generated code finds
    /// the index with a `match` at compile time), borrowed: a direct read
    /// while the values are still inline over that very table; `None`
    /// otherwise (unset, another table, or live), where
    /// [`get`](DictView::get) applies.
    ///
    /// A reference, so the caller clones the value straight into what it
    /// returns: an owned `Option<Value>` here was moved once more, a 16-byte
    /// load over the two 8-byte stores the clone had just made, which the
    /// CPU cannot forward (dict getattr of a string 3 -> 9 ns).
    #[inline]
    pub fn get_known(&self, keys: &SharedKeys, index: usize) -> Option<&'a Value> {
        if self.live.get().is_none() && std::ptr::eq(self.keys, keys) {
            return self.values.get(index)?.as_ref();
        }
        None
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<Value> {
        match self.live.get() {
            Some(d) => d.get(name),
            None => self.values.get(self.inline_index(name)?)?.clone(),
        }
    }

    /// The value of `name`, borrowed while the values are inline; cloned
    /// out of the live dict's lock otherwise.
    pub fn get_ref(&self, name: &str, known: Option<(&SharedKeys, usize)>) -> Option<ValueRef<'a>> {
        if let Some(d) = self.live.get() {
            return d.get(name).map(ValueRef::Owned);
        }
        let index = match known {
            Some((keys, index)) if std::ptr::eq(self.keys, keys) => index,
            _ => self.inline_index(name)?,
        };
        self.values.get(index)?.as_ref().map(ValueRef::Value)
    }

    /// Whether `name` has an entry.
    pub fn contains(&self, name: &str) -> bool {
        match self.live.get() {
            Some(d) => d.contains_key(name),
            None => self.inline_index(name).is_some_and(|i| self.values.get(i).is_some_and(Option::is_some)),
        }
    }

    fn inline_index(&self, name: &str) -> Option<usize> {
        self.keys.position(name)
    }

    /// The entries, in insertion order.
    pub fn entries(&self) -> Vec<(PyStr, Value)> {
        match self.live.get() {
            Some(d) => d.items(),
            None => self.inline_entries().collect(),
        }
    }

    /// Calls `f` with the number of entries and the entries, in insertion
    /// order, the values borrowed where they are stored: a live dict's
    /// stay locked for the call, so `f` must not reach other objects.
    pub(crate) fn with_entries<R>(&self, f: impl FnOnce(usize, &mut dyn Iterator<Item = (PyStr, &Value)>) -> R) -> R {
        match self.live.get() {
            Some(d) => {
                let map = d.read();
                f(map.len(), &mut map.entries().map(|(k, v)| (k.clone(), v)))
            }
            None => {
                let present = self.values.iter().filter(|v| v.is_some()).count();
                let values = self.values;
                with_names!(self.keys, |names| {
                    f(present, &mut names.zip(values).filter_map(|(k, v)| Some((PyStr::new(k), v.as_ref()?))))
                })
            }
        }
    }

    /// The keys, in insertion order, for `dir()` and for the suggestion of
    /// a failed `getattr`.
    pub fn keys(&self) -> Vec<PyStr> {
        match self.live.get() {
            Some(d) => d.keys(),
            None => {
                let values = self.values;
                with_names!(self.keys, |names| {
                    names.zip(values).filter(|(_, v)| v.is_some()).map(|(k, _)| PyStr::new(k)).collect()
                })
            }
        }
    }

    /// What the keys can be read back from later, cheaply: a compile-time
    /// class's key table and which of its values are present (no
    /// allocation), or the live dict itself (one reference count: CPython
    /// too reads the live dict when it prints a suggestion), or a copy
    /// (past 64 keys, or a run-time class's table, freed with the class).
    pub(crate) fn key_source(&self) -> DictKeys {
        match (self.live.get(), self.keys.as_static()) {
            (Some(d), _) => DictKeys::Live(d.live_keys()),
            (None, Some(names)) if self.values.len() <= 64 => {
                let present = self.values.iter().enumerate().filter(|(_, v)| v.is_some());
                DictKeys::Inline(names, present.fold(0u64, |m, (i, _)| m | 1 << i))
            }
            (None, _) => DictKeys::Listed(self.keys().into_boxed_slice()),
        }
    }

    fn inline_entries(&self) -> impl Iterator<Item = (PyStr, Value)> + 'a {
        let (keys, values) = (self.keys, self.values);
        keys.names().zip(values).filter_map(|(k, v)| Some((PyStr::new(k), v.clone()?)))
    }

    /// The live dict, made now if there is none yet (`obj.__dict__`): it
    /// starts with copies of the inline values, which from then on are
    /// ignored (and dropped at the next write to the instance).
    pub fn materialize(&self) -> PyDict {
        self.live.get_or_init(|| self.inline_entries().collect()).clone()
    }

    /// Reports what the dict holds to the cycle collector: the inline
    /// values (stale or not, they hold their references) and the live
    /// dict.
    pub fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        self.values.iter().flatten().for_each(|v| v.traverse(visit));
        if let Some(d) = self.live.get() {
            d.traverse(visit);
        }
    }

    /// Heap bytes: the storage's allocation, the inline values' contents
    /// and the live dict's.
    pub fn heap_size(&self) -> usize {
        self.block
            + self.values.iter().flatten().map(Value::heap_size).sum::<usize>()
            + self.live.get().map_or(0, PyDict::heap_size)
    }
}

impl<'a> DictViewMut<'a> {
    /// The values and the live dict's place.
    fn parts(&mut self) -> (&mut [Option<Value>], &mut OnceLock<PyDict>) {
        match &mut self.store {
            Store::Fixed { values, live, .. } => (values, live),
            Store::Learned(block, _) => {
                let Block { live, values } = &mut ***block;
                (values, live)
            }
        }
    }

    /// The same dict, read.
    #[inline]
    pub fn as_view(&self) -> DictView<'_> {
        match &self.store {
            Store::Fixed { values, live, block } => DictView { keys: self.keys, values, live, block: *block },
            Store::Learned(b, _) => {
                DictView { keys: self.keys, values: &b.values, live: &b.live, block: std::mem::size_of_val(&***b) }
            }
        }
    }

    /// The live dict, with the stale inline values (copies left by a
    /// `materialize` through a shared borrow) dropped; `None` while the
    /// values are inline.
    fn live_dict(&mut self) -> Option<&PyDict> {
        let (values, live) = self.parts();
        let d = live.get_mut()?;
        for stale in values.iter_mut() {
            *stale = None;
        }
        Some(d)
    }

    /// Whether the values are inline (there is no live dict).
    fn is_inline(&mut self) -> bool {
        self.parts().1.get_mut().is_none()
    }

    /// The value present at `index` of the key table `keys`, to overwrite
    /// in place, while the values are still inline over that very table;
    /// `None` where [`set`](DictViewMut::set) applies.
    #[inline]
    pub fn known_value_mut(&mut self, keys: *const SharedKeys, index: usize) -> Option<&mut Value> {
        let same_table = std::ptr::eq(self.keys, keys);
        let (values, live) = self.parts();
        if live.get_mut().is_none() && same_table {
            return values.get_mut(index)?.as_mut();
        }
        None
    }

    /// Sets `name`. While the values are inline, a key of the table that is
    /// set, or unset with nothing set after it, is written in place;
    /// anything else (a new name, or a name that must now go last to keep
    /// insertion order) makes the dict live first.
    pub fn set(&mut self, name: &str, value: Value) {
        if self.is_inline() {
            if let Some(i) = self.inline_index(name) {
                let (values, _) = self.parts();
                if values[i].is_some() || values[i + 1..].iter().all(Option::is_none) {
                    values[i] = Some(value);
                    return;
                }
            }
        }
        let old = self.materialize().set_str(name, value);
        drop(old);
    }

    /// Where `name`'s value is stored inline, if it can be: its index in
    /// the key table, learning it where the table learns, and growing a
    /// learned block to reach it (see [`LearnedValues`]).
    fn inline_index(&mut self, name: &str) -> Option<usize> {
        let known = self.keys.position(name);
        match &mut self.store {
            Store::Fixed { values, .. } => known.filter(|&i| i < values.len()),
            Store::Learned(block, table) => {
                if let Some(i) = known.filter(|&i| i < block.values.len()) {
                    // Instances of the class hold this many values.
                    table.note_size(i + 1);
                    return Some(i);
                }
                let reach = reach(block);
                let i = match known {
                    Some(i) => i,
                    None => {
                        let (keys, i) = table.learn(name, reach)?;
                        self.keys = keys;
                        i
                    }
                };
                if i >= reach {
                    return None;
                }
                if i >= block.values.len() {
                    grow(block, i + 1);
                }
                table.note_size(i + 1);
                Some(i)
            }
        }
    }

    /// Moves the inline values that hold references (see
    /// [`Value::may_hold_references`]) into `taken`, for the collector or
    /// a deferred drop; a live dict is left as it is (a node of its own).
    pub(crate) fn take_references(&mut self, taken: &mut Vec<Value>) {
        if self.is_inline() {
            for value in self.parts().0.iter_mut() {
                if value.as_ref().is_some_and(Value::may_hold_references) {
                    taken.extend(value.take());
                }
            }
        }
    }

    /// Removes `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        if let Some(d) = self.live_dict() {
            return d.remove(name);
        }
        let i = self.keys.position(name)?;
        self.parts().0.get_mut(i)?.take()
    }

    /// `del obj.__dict__`: the instance lets go of its dict (whoever else
    /// holds it keeps it, contents and all) and starts a new, empty one.
    pub fn reset(&mut self) {
        let (values, live) = self.parts();
        *live = OnceLock::new();
        for v in values.iter_mut() {
            *v = None;
        }
    }

    /// `obj.__dict__ = d`: `d` itself becomes the instance's dict.
    pub fn replace(&mut self, dict: PyDict) {
        self.reset();
        *self.parts().1 = OnceLock::from(dict);
    }

    /// The live dict, made now from the inline values (moved, not copied)
    /// if there is none yet.
    pub fn materialize(&mut self) -> &PyDict {
        let keys = self.keys;
        let (values, live) = self.parts();
        if live.get_mut().is_none() {
            let mut contents = Dict::with_capacity(values.len());
            with_names!(keys, |names| {
                for (name, value) in names.zip(values.iter_mut()) {
                    if let Some(value) = value.take() {
                        contents.insert(name, value);
                    }
                }
            });
            *live = OnceLock::from(PyDict::from(contents));
        }
        self.live_dict().expect("made live just above")
    }

    /// Adds `entries` in order (`dict.update`). An empty dict with no room
    /// for inline values becomes them in one allocation; otherwise each is
    /// [`set`](DictViewMut::set).
    pub fn update(&mut self, entries: Dict) {
        if entries.is_empty() {
            return;
        }
        let fixed = matches!(self.store, Store::Fixed { .. });
        let (values, live) = self.parts();
        if fixed && live.get_mut().is_none() && values.is_empty() {
            let made = live.set(PyDict::from(entries));
            debug_assert!(made.is_ok(), "no live dict yet");
            return;
        }
        for (k, v) in entries.into_entries() {
            self.set(&k, v);
        }
    }

    /// Removes and returns every entry, in insertion order.
    pub fn take_entries(&mut self) -> Vec<(PyStr, Value)> {
        if let Some(d) = self.live_dict() {
            let entries = d.items();
            d.clear();
            return entries;
        }
        let keys = self.keys;
        let values = self.parts().0;
        with_names!(keys, |names| {
            names.zip(values.iter_mut()).filter_map(|(k, v)| Some((PyStr::new(k), v.take()?))).collect()
        })
    }
}

/// Heap bytes of a class's own dict storage, if it has one.
#[inline]
pub fn dict_heap_size(view: Option<DictView<'_>>) -> usize {
    view.map_or(0, |d| d.heap_size())
}

/// Reports what a class's own dict storage holds to the cycle collector.
#[inline]
pub fn dict_traverse(view: Option<DictView<'_>>, visit: &mut crate::handles::gc::Visit<'_>) {
    if let Some(d) = view {
        d.traverse(visit);
    }
}
