//! Copies: `copy.copy` and `copy.deepcopy`, as CPython 3.11's `Lib/copy.py`
//! does them, over an object's state (`getstate`).

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::Error;
use crate::handles::handle::{Py, PyObject};
use crate::objects::class::{SlotGetRef, SlotSet};
use crate::objects::object::{Copied, PyClass};
use crate::state::recursion;
use crate::values::dict::{Dict, PyDict};
use crate::values::list::PyList;
use crate::values::pystr::PyStr;
use crate::values::tuple::PyTuple;
use crate::values::value::{Value, ValueRef};

use crate::state::getstate::{slot_values, slotnames};

/// `copy.copy(value)`: numbers, strings, bytes, tuples and `None` are
/// themselves (immutable, shared as CPython shares them); a list or dict is
/// a new one holding the same items; an object is a new instance of its
/// class (`object.__new__`) given the original's state: its dict entries
/// and set slots, the values themselves shared.
///
/// ```
/// use pyslots::prelude::*;
///
/// let inner = Value::list([1, 2]);
/// let outer = Value::list([inner.clone()]);
/// let copied = pyslots::copy(&outer)?;
/// assert!(!Value::is(&copied, &outer));
/// assert!(Value::is(&copied.as_list().unwrap().get(0).unwrap(), &inner));
/// # Ok::<(), pyslots::Error>(())
/// ```
///
/// # Errors
///
/// Where `copy.copy` raises, which only a class attribute that hides a
/// base's slot can make it do: the state holds the class attribute's
/// value, read back by `getattr`, and it cannot be set on the copy
/// (`'P' object attribute 'x' is read-only`); and the `RuntimeError`
/// `Already mutably borrowed` if this thread writes the object.
pub fn copy(value: &Value) -> Result<Value, Error> {
    Ok(match value {
        Value::List(l) => Value::List(PyList::from(l.to_vec())),
        Value::Dict(d) => Value::Dict(PyDict::from(d.to_dict())),
        Value::Object(o) => {
            if let Some(copied) = special_copy(o, false)? {
                return Ok(copied);
            }
            let names = slotnames(o.layout());
            let (entries, slots) = {
                let x = o.try_read()?;
                (x.dict_view().map(|d| d.entries()).unwrap_or_default(), slot_values(&*x, names))
            };
            let y = o.instantiate();
            restore(&y, entries, slots)?;
            Value::Object(y)
        }
        other => other.clone(),
    })
}

/// The copy a class's `__copy__` (`__deepcopy__` if `deep`) makes, if it
/// defines one for the object's very class: `Some` of the object itself
/// or of a new one; `None` where the generic copy runs.
fn special_copy(o: &PyObject, deep: bool) -> Result<Option<Value>, Error> {
    if !o.layout().has_methods() {
        return Ok(None);
    }
    let hook = o.layout().find_hook(|t| if deep { t.deepcopy } else { t.copy });
    let Some(hook) = hook else { return Ok(None) };
    let copied = hook(&*o.try_read()?);
    Ok(match copied {
        Copied::Itself => Some(Value::Object(o.clone())),
        Copied::New(y) => Some(Value::Object(y)),
        Copied::Generic => None,
    })
}

/// Gives the fresh instance `y` dict entries (`y.__dict__.update`) and
/// slots by name (`setattr`).
fn restore(y: &PyObject, entries: Vec<(PyStr, Value)>, slots: Vec<(&str, Value)>) -> Result<(), Error> {
    // A frozen object's copy refuses the write: FrozenInstanceError.
    let mut y = y.try_write()?;
    if let Some(mut d) = y.dict_view_mut() {
        d.update(entries.into_iter().collect());
    }
    slots.into_iter().try_for_each(|(k, v)| y.setattr(k, v))
}

/// `copy.deepcopy(value)`: a copy in which every list, dict and object
/// reached is copied exactly once (a memo keyed by identity), so what the
/// original shares the copy shares and cycles stay cycles. Numbers,
/// strings and bytes are themselves; a tuple is itself unless an item's
/// copy differs (a tuple holding a list is copied, one of numbers is not),
/// as in CPython.
///
/// ```
/// use pyslots::prelude::*;
///
/// let shared = Value::list([1]);
/// let pair = Value::list([shared.clone(), shared.clone()]);
/// let copied = pyslots::deepcopy(&pair)?;
/// let (a, b) = (copied.as_list().unwrap().get(0).unwrap(), copied.as_list().unwrap().get(1).unwrap());
/// assert!(Value::is(&a, &b) && !Value::is(&a, &shared));
///
/// let t = Value::tuple([1, 2]);
/// assert!(Value::is(&pyslots::deepcopy(&t)?, &t));
/// # Ok::<(), pyslots::Error>(())
/// ```
///
/// # Errors
///
/// Where `copy.deepcopy` raises: as [`copy`] (a class attribute that hides
/// a base's slot, or an object this thread writes), and `RecursionError`
/// past the depth below.
///
/// Deep data: the copy recurses as CPython's does for the first few dozen
/// levels, then copies what it meets deeper in a loop (a chain of a
/// million objects, a list nested a million deep), so it completes on any
/// stack where CPython raises `RecursionError` past 1000 levels. Only
/// tuples nested in tuples recurse all the way, on a stack that grows onto
/// the heap where the thread's runs low, down to
/// [`recursion_limit`](crate::recursion_limit) levels; past that, CPython's
/// `RecursionError` (`maximum recursion depth exceeded while calling a
/// Python object`).
///
/// A thread keeps the storage of its last deep copy's memo, emptied, for
/// the next one, if it takes at most 256 KiB (a ring of 1,000 objects
/// needs about 240).
pub fn deepcopy(value: &Value) -> Result<Value, Error> {
    // Allocated anew for each copy, the memo's blocks were freed at the end
    // of each, leaving the top of the heap free past glibc's trim
    // threshold: the heap shrank and the next copy faulted its pages back
    // in; and the stack grew through a dozen reallocations each time.
    let mut memo = SPARE.try_with(Cell::take).ok().flatten().unwrap_or_default();
    memo.limit = recursion::recursion_limit();
    let result = memo.deep(value.clone()).and_then(|copy| memo.fill_deferred().map(|()| copy));
    memo.map.clear();
    memo.todo.clear();
    memo.deferred.clear();
    memo.depth = 0;
    if memo.bytes() <= SPARE_BYTES {
        let _ = SPARE.try_with(|s| s.set(Some(memo)));
    }
    result
}

/// How deep a deep copy goes on the stack: a list, a dict or an object met
/// deeper is given an empty copy at once (in the memo, so that whatever
/// meets it again shares it) and its contents are copied after the copy in
/// progress returns, from the top of the stack again. So a chain of a
/// million objects is copied in a loop, not a million frames deep. Only
/// tuples (made after their items, being immutable) nest deeper, down to
/// the [`recursion_limit`](crate::recursion_limit).
const DEFER_AT: u32 = 32;

/// The most memo storage a thread keeps between deep copies.
const SPARE_BYTES: usize = 256 << 10;

thread_local! {
    /// Taken while a copy runs: a deep copy started during another (from
    /// a `Drop` that a collection runs) makes a memo of its own.
    static SPARE: Cell<Option<Memo>> = const { Cell::new(None) };
}

/// `copy.deepcopy`'s memo: original's identity -> (original, copy). The
/// original is kept so that its address cannot be reused while the memo
/// lives (CPython's `_keep_alive`).
struct Memo {
    map: Table,
    /// What the containers and objects being copied hold, one stack for
    /// every level of the recursion: a level pushes what it reads above
    /// the levels below and pops it before it returns, so no level
    /// allocates a vector of its own.
    todo: Vec<Todo>,
    /// How many containers and objects the copy is inside.
    depth: u32,
    /// Lists, dicts and objects met deeper than [`DEFER_AT`], with the
    /// empty copies made for them, to be copied once the stack unwinds.
    deferred: Vec<(Value, Value)>,
    /// [`recursion::recursion_limit`], read when the copy starts.
    limit: u32,
}

/// Hashes an identity (an address) for the memo: one multiplication by an
/// odd constant, rotated so that the table's bucket index (the low bits)
/// comes from the well-mixed middle of the product, not from its low bits,
/// which are zero for aligned addresses. Addresses are not chosen by an
/// adversary, so no seed is needed.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    #[inline]
    fn write_usize(&mut self, id: usize) {
        self.0 = (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(26);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A value read from an original, under its lock: its copy when that
/// needs no recursion (a scalar, or a handle the memo had a copy of when
/// it was read: the original is then not cloned, only the copy), else the
/// original, to copy once the lock is released.
struct Todo {
    value: Value,
    pending: bool,
    // `At`, taken apart so that the whole is 32 bytes: the stack is as
    // deep as the recursion, and it grows by copying.
    kind: u8,
    index: u32,
}

impl Todo {
    fn new(at: At, value: Value, pending: bool) -> Todo {
        let (kind, index) = match at {
            At::Entry(i) => (0, i),
            At::Slot(i) => (1, i),
            At::Name(i) => (2, i),
        };
        Todo { value, pending, kind, index }
    }

    fn at(&self) -> At {
        match self.kind {
            0 => At::Entry(self.index),
            1 => At::Slot(self.index),
            _ => At::Name(self.index),
        }
    }
}

/// Where a [`Todo`]'s copy goes.
#[derive(Clone, Copy)]
enum At {
    /// The value at this position of the copied dict.
    Entry(u32),
    /// The slot of this index.
    Slot(u32),
    /// The attribute of this name (by its position in `slotnames`), by
    /// `setattr`.
    Name(u32),
}

impl Default for Memo {
    fn default() -> Memo {
        Memo {
            map: HashMap::with_capacity_and_hasher(64, Default::default()),
            todo: Vec::new(),
            depth: 0,
            deferred: Vec::new(),
            limit: 0,
        }
    }
}

/// `v.clone()`, inlined for the handles and numbers a copy meets most, so
/// that the value stays in registers on its way into the stack or a
/// vector: `Value::clone` (out of line) returns it through memory written
/// in 8-byte stores, which the caller then moved with 16-byte loads that
/// the CPU cannot forward from them (a stall of some 5 ns a value).
#[inline(always)]
fn dup(v: &Value) -> Value {
    dup_into(v, |v| v)
}

/// Calls `f` with a clone of `v`, in one call site per kind of value: where
/// `f` stores it (a push), each kind goes straight from registers into
/// place, while one value merged from all the kinds is assembled on the
/// stack first and copied from there with the loads [`dup`] avoids.
#[inline(always)]
fn dup_into<R>(v: &Value, f: impl FnOnce(Value) -> R) -> R {
    match v {
        Value::Object(o) => f(Value::Object(o.clone())),
        Value::List(l) => f(Value::List(l.clone())),
        Value::Dict(d) => f(Value::Dict(d.clone())),
        Value::Tuple(t) => f(Value::Tuple(t.clone())),
        Value::Float(x) => f(Value::Float(*x)),
        Value::Int(i) => f(Value::Int(*i)),
        Value::Bool(b) => f(Value::Bool(*b)),
        Value::None => f(Value::None),
        other => f(other.clone()),
    }
}

type Table = HashMap<usize, (Value, Value), BuildHasherDefault<IdHasher>>;

/// What the copy of `v` is if it needs no recursion: a scalar is its own,
/// a handle's is the memo's.
#[inline(always)]
fn known<'a>(map: &'a Table, v: &'a Value) -> Option<&'a Value> {
    let id = match v {
        Value::Tuple(t) => t.id(),
        Value::List(l) => l.id(),
        Value::Dict(d) => d.id(),
        Value::Object(o) => o.id(),
        scalar => return Some(scalar),
    };
    map.get(&id).map(|(_, copy)| copy)
}

impl Memo {
    #[inline(always)]
    fn get(&self, id: usize) -> Option<Value> {
        self.map.get(&id).map(|(_, copy)| dup(copy))
    }

    /// The bytes of the memo's own storage (what it holds aside): the
    /// table's buckets (an entry and a control byte each; a table holds
    /// 7/8 of its buckets) and the stack.
    fn bytes(&self) -> usize {
        let buckets = (self.map.capacity() * 8 / 7).next_power_of_two();
        buckets * (std::mem::size_of::<(usize, (Value, Value))>() + 1)
            + self.todo.capacity() * std::mem::size_of::<Todo>()
    }

    /// Records `original`'s copy; takes the original (a handle it keeps)
    /// and a handle to the copy.
    fn put(&mut self, id: usize, original: Value, copy: Value) {
        self.map.insert(id, (original, copy));
    }

    /// Room for the copies of a container's `pending` items and its own:
    /// each is a handle the memo had not seen when it was read, so most
    /// will have entries soon. Growing the memo through each doubling on
    /// the way instead costs a rehash each, and blocks large enough that
    /// malloc consolidates its fast bins first (graph1000: 5% of the
    /// instructions). Capped, as the items may be one handle many times.
    fn reserve(&mut self, pending: usize) {
        self.map.reserve(pending.min(4096) + 1);
    }

    /// The copy of `v` if it needs no recursion.
    #[inline(always)]
    fn known(&self, v: &Value) -> Option<Value> {
        known(&self.map, v).map(dup)
    }

    /// Pushes `v`'s [`Todo`].
    #[inline(always)]
    fn take(&mut self, at: At, v: &Value) {
        let (value, pending) = match known(&self.map, v) {
            Some(copy) => (copy, false),
            None => (v, true),
        };
        let todo = &mut self.todo;
        dup_into(value, |value| todo.push(Todo::new(at, value, pending)));
    }

    /// [`take`](Memo::take) of an owned value.
    fn take_owned(&mut self, at: At, v: Value) {
        let (value, pending) = match self.known(&v) {
            Some(copy) => (copy, false),
            None => (v, true),
        };
        self.todo.push(Todo::new(at, value, pending));
    }

    /// [`take`](Memo::take) of a slot's value as the object lends it.
    /// Taken by reference and matched field by field: moving the lent
    /// value whole copied it with wide loads over the narrower stores that
    /// had just made it (see [`dup`]).
    fn take_ref(&mut self, at: At, v: &ValueRef<'_>) {
        match v {
            ValueRef::Value(v) => self.take(at, v),
            ValueRef::Object(o) => match self.map.get(&o.id()) {
                Some((_, copy)) => {
                    let todo = &mut self.todo;
                    dup_into(copy, |copy| todo.push(Todo::new(at, copy, false)));
                }
                None => self.todo.push(Todo::new(at, Value::Object((*o).clone()), true)),
            },
            ValueRef::Str(s) => self.todo.push(Todo::new(at, Value::Str((*s).clone()), false)),
            ValueRef::Float(x) => self.todo.push(Todo::new(at, Value::Float(*x), false)),
            ValueRef::Int(i) => self.todo.push(Todo::new(at, Value::Int(*i), false)),
            ValueRef::Bool(b) => self.todo.push(Todo::new(at, Value::Bool(*b), false)),
            ValueRef::Owned(v) => self.take(at, v),
            other => self.todo.push(Todo::new(at, other.to_value(), false)),
        }
    }

    /// A dict's entries, copied where their copies are known; the others
    /// hold a placeholder and are pending on the stack.
    fn take_entries<'a>(&mut self, n: usize, entries: impl Iterator<Item = (PyStr, &'a Value)>) -> Dict {
        let mut copy = Dict::with_capacity(n);
        for (k, v) in entries {
            match self.known(v) {
                Some(c) => {
                    copy.push(k, c);
                }
                None => {
                    let i = copy.push(k, Value::None);
                    let at = At::Entry(u32::try_from(i).expect("a dict of fewer than 2^32 entries"));
                    self.todo.push(Todo::new(at, v.clone(), true));
                }
            }
        }
        copy
    }

    /// Deep-copies the pending values the stack holds from `base` up, in
    /// order; an entry's copy goes into `dict`, the others' stay on the
    /// stack.
    fn copy_pending(&mut self, base: usize, dict: &mut Dict) -> Result<(), Error> {
        for k in base..self.todo.len() {
            if !self.todo[k].pending {
                continue;
            }
            let original = std::mem::take(&mut self.todo[k].value);
            match self.todo[k].at() {
                At::Entry(i) => {
                    self.deep_into(original, dict.value_at_mut(i as usize).expect("an entry of the copy"))?
                }
                _ if matches!(original, Value::Object(_)) => {
                    let y = self.deep_handle(original)?;
                    self.todo[k].value = Value::Object(y);
                }
                _ => self.todo[k].value = self.deep(original)?,
            }
        }
        Ok(())
    }

    /// Runs `f`, which copies one level deeper, on enough stack; past
    /// [`recursion_limit`](recursion::recursion_limit) levels, CPython's
    /// `RecursionError` with `message`.
    #[inline(always)]
    fn nested<R>(&mut self, message: &'static str, f: impl FnOnce(&mut Memo) -> Result<R, Error>) -> Result<R, Error> {
        if self.depth >= self.limit {
            return Err(Error::recursion_error(message));
        }
        self.depth += 1;
        let result = recursion::grow(self.depth, || f(self));
        self.depth -= 1;
        result
    }

    /// Deep-copies `value`, taking it (the handle moves into the memo).
    fn deep(&mut self, value: Value) -> Result<Value, Error> {
        match &value {
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) => self
                .nested("maximum recursion depth exceeded while calling a Python object", |m| m.deep_container(value)),
            Value::Object(_) => self.deep_handle(value).map(Value::Object),
            _ => Ok(value),
        }
    }

    /// [`deep`](Memo::deep) of a tuple, a list or a dict.
    fn deep_container(&mut self, value: Value) -> Result<Value, Error> {
        match &value {
            Value::Tuple(t) => {
                let t = t.clone();
                self.deep_tuple(value, &t)
            }
            Value::List(l) => {
                if let Some(y) = self.get(l.id()) {
                    return Ok(y);
                }
                if self.depth > DEFER_AT {
                    return Ok(self.defer(value, Value::List(PyList::new())));
                }
                self.copy_list(value, None)
            }
            Value::Dict(d) => {
                if let Some(y) = self.get(d.id()) {
                    return Ok(y);
                }
                if self.depth > DEFER_AT {
                    return Ok(self.defer(value, Value::Dict(PyDict::new())));
                }
                self.copy_dict(value, None)
            }
            _ => unreachable!("deep_container copies a tuple, a list or a dict"),
        }
    }

    /// A list's copy: its items copied into `into` (a copy the memo
    /// already holds, made when the list was met too deep to copy then;
    /// see [`DEFER_AT`]) or into a new list, which goes into the memo.
    fn copy_list(&mut self, value: Value, into: Option<PyList>) -> Result<Value, Error> {
        let Value::List(l) = &value else { unreachable!("copy_list copies a list") };
        let id = l.id();
        // The copy's items are made in the vector the copy will
        // hold, the originals still to copy in their places, listed
        // by position: the stack, as deep as the recursion, does
        // not carry a long list's items through it.
        let mut pending: Vec<u32> = Vec::new();
        let mut items = {
            let originals = l.read();
            let mut items = Vec::with_capacity(originals.len());
            for (i, item) in originals.iter().enumerate() {
                let copy = match known(&self.map, item) {
                    Some(copy) => copy,
                    None => {
                        if pending.is_empty() {
                            pending.reserve_exact(originals.len() - i);
                        }
                        pending.push(u32::try_from(i).expect("a list of fewer than 2^32 items"));
                        item
                    }
                };
                dup_into(copy, |copy| items.push(copy));
            }
            items
        };
        // Without a pending item nothing can meet the copy before
        // it is whole: it is made with its items.
        if pending.is_empty() {
            let y = match into {
                Some(y) => {
                    y.replace(items);
                    y
                }
                None => {
                    let y = PyList::from(items);
                    self.put(id, value, Value::List(y.clone()));
                    y
                }
            };
            return Ok(Value::List(y));
        }
        self.reserve(pending.len());
        let y = match into {
            Some(y) => y,
            None => {
                let y = PyList::new();
                self.put(id, value, Value::List(y.clone()));
                y
            }
        };
        for i in pending {
            let original = std::mem::take(&mut items[i as usize]);
            self.deep_into(original, &mut items[i as usize])?;
        }
        y.replace(items);
        Ok(Value::List(y))
    }

    /// A dict's copy, as [`copy_list`](Memo::copy_list).
    fn copy_dict(&mut self, value: Value, into: Option<PyDict>) -> Result<Value, Error> {
        let Value::Dict(d) = &value else { unreachable!("copy_dict copies a dict") };
        let id = d.id();
        let base = self.todo.len();
        let mut copy = {
            let map = d.read();
            self.take_entries(map.len(), map.entries().map(|(k, v)| (k.clone(), v)))
        };
        if self.todo.len() == base {
            let y = match into {
                Some(y) => {
                    y.replace(copy);
                    y
                }
                None => {
                    let y = PyDict::from(copy);
                    self.put(id, value, Value::Dict(y.clone()));
                    y
                }
            };
            return Ok(Value::Dict(y));
        }
        self.reserve(self.todo.len() - base);
        let y = match into {
            Some(y) => y,
            None => {
                let y = PyDict::new();
                self.put(id, value, Value::Dict(y.clone()));
                y
            }
        };
        self.copy_pending(base, &mut copy)?;
        self.todo.truncate(base);
        y.replace(copy);
        Ok(Value::Dict(y))
    }

    /// Records `copy`, made empty, as the copy of `original`, met too deep
    /// to be copied now: [`fill_deferred`](Memo::fill_deferred) gives it its
    /// contents once the copy in progress returns.
    #[cold]
    fn defer(&mut self, original: Value, copy: Value) -> Value {
        let id = match &original {
            Value::List(l) => l.id(),
            Value::Dict(d) => d.id(),
            Value::Object(o) => o.id(),
            _ => unreachable!("only lists, dicts and objects are deferred"),
        };
        self.deferred.push((original.clone(), copy.clone()));
        self.put(id, original, copy.clone());
        copy
    }

    /// Copies the contents of the deferred originals into their copies, at
    /// the stack depth of the copy's start; each may defer more.
    fn fill_deferred(&mut self) -> Result<(), Error> {
        while let Some((original, copy)) = self.deferred.pop() {
            match copy {
                Value::List(y) => drop(self.copy_list(original, Some(y))?),
                Value::Dict(y) => drop(self.copy_dict(original, Some(y))?),
                Value::Object(y) => drop(self.deep_object(original, Some(y))?),
                _ => unreachable!("only lists, dicts and objects are deferred"),
            }
        }
        Ok(())
    }

    /// `_deepcopy_tuple`: the items first; the tuple itself if every item
    /// is its own copy; the copy made through a cycle, if any.
    fn deep_tuple(&mut self, value: Value, t: &PyTuple) -> Result<Value, Error> {
        if let Some(y) = self.get(t.id()) {
            return Ok(y);
        }
        let items = t
            .iter()
            .map(|v| match self.known(v) {
                Some(copy) => Ok(copy),
                None => self.deep(v.clone()),
            })
            .collect::<Result<Vec<Value>, Error>>()?;
        if let Some(y) = self.get(t.id()) {
            return Ok(y);
        }
        if items.iter().zip(t.iter()).all(|(a, b)| same(b, a)) {
            return Ok(value);
        }
        let y = Value::Tuple(PyTuple::new(items));
        self.put(t.id(), value, y.clone());
        Ok(y)
    }

    /// `_reconstruct` with a memo: a new instance, in the memo before its
    /// state is copied; the state as `__getstate__` gives it (the dict's
    /// entries, then the set slots), deep-copied, then restored.
    /// `into`: a copy the memo already holds, made when the object was met
    /// too deep to copy then (see [`DEFER_AT`]).
    fn deep_object(&mut self, value: Value, into: Option<PyObject>) -> Result<PyObject, Error> {
        let Value::Object(o) = &value else { unreachable!("deep_object copies an object") };
        let (id, layout) = (o.id(), o.layout());
        let (by_name, slot_count) = (layout.has_class_attrs(), layout.slot_count());
        // Slots read by name: their names are lent by the class, held apart
        // from `value` (moved into the memo below).
        let class = by_name.then(|| o.class());
        let names = class.as_ref().map_or_else(Vec::new, |c| slotnames(c.layout()));
        let base = self.todo.len();
        // Read under the lock, copy without it: the copy reaches other
        // objects, perhaps this one.
        let (mut dict, live) = {
            let x = o.try_read()?;
            let (dict, live) = match x.dict_view() {
                Some(view) => (
                    view.with_entries(|n, entries| self.take_entries(n, entries)),
                    view.live().filter(|d| d.is_shared()).cloned(),
                ),
                None => (Dict::new(), None),
            };
            if by_name {
                // A class attribute may hide a base's slot: read and write
                // by name, as CPython does, with its error.
                for (k, name) in names.iter().enumerate() {
                    if let Ok(v) = x.getattr(name) {
                        self.take_owned(At::Name(k as u32), v);
                    }
                }
            } else {
                for i in 0..slot_count {
                    if let SlotGetRef::Found(v) = &x.slot_get_ref_at(i) {
                        self.take_ref(At::Slot(i), v);
                    }
                }
            }
            (dict, live)
        };
        let y = match into {
            Some(y) => y,
            None => {
                let y = o.instantiate();
                self.put(id, value, Value::Object(y.clone()));
                y
            }
        };
        // Only a dict that a value elsewhere may hold (one with another
        // handle than the instance's) can be met again in the copy: it
        // alone needs CPython's memo entry. An empty one is no part of
        // the state.
        let temp = match live {
            Some(d) if !dict.is_empty() => {
                let temp = PyDict::new();
                self.put(d.id(), Value::Dict(d), Value::Dict(temp.clone()));
                Some(temp)
            }
            _ => None,
        };
        self.copy_pending(base, &mut dict)?;
        if let Some(temp) = temp {
            temp.replace(dict.clone());
        }
        // A frozen object's copy refuses the write: FrozenInstanceError.
        let mut w = y.try_write()?;
        if let Some(mut d) = w.dict_view_mut() {
            d.update(dict);
        }
        for t in self.todo.drain(base..) {
            match t.at() {
                // A slot takes a copy of what it held (a typed slot's value
                // converts back); the index space may hold a base reached
                // twice.
                At::Slot(i) => {
                    if let Ok(SlotSet::NotSlot(_)) | Err(_) = w.slot_set_at(i, t.value) {
                        debug_assert!(false, "slot {i} of '{}' takes back its own value", w.type_name());
                    }
                }
                At::Name(k) => w.setattr(names[k as usize], t.value)?,
                At::Entry(_) => {}
            }
        }
        drop(w);
        Ok(y)
    }

    /// [`deep`](Memo::deep) of an object: the copy's handle alone, which
    /// comes back in two registers where a `Value` comes back through
    /// memory; its caller stores it where it goes, and does not copy a
    /// just-written `Value` with loads the CPU cannot forward.
    fn deep_handle(&mut self, value: Value) -> Result<PyObject, Error> {
        let Value::Object(o) = &value else { unreachable!("deep_handle copies an object") };
        match self.map.get(&o.id()) {
            Some((_, Value::Object(y))) => Ok(y.clone()),
            Some((_, other)) => unreachable!("an object's copy is an object, not {}", other.type_name()),
            None if o.layout().has_methods() => match special_copy(o, true)? {
                Some(Value::Object(y)) => {
                    self.put(o.id(), value.clone(), Value::Object(y.clone()));
                    Ok(y)
                }
                _ => self.deep_handle_generic(value),
            },
            _ => self.deep_handle_generic(value),
        }
    }

    /// [`deep_handle`](Memo::deep_handle) of an object the memo has not
    /// met, without a `__deepcopy__` of its class.
    fn deep_handle_generic(&mut self, value: Value) -> Result<PyObject, Error> {
        let Value::Object(o) = &value else { unreachable!("deep_handle copies an object") };
        if self.depth > DEFER_AT {
            let y = o.instantiate();
            self.defer(value, Value::Object(y.clone()));
            Ok(y)
        } else {
            self.nested("maximum recursion depth exceeded", |m| m.deep_object(value, None))
        }
    }

    /// Deep-copies `original` into `slot`: an object's copy is stored as
    /// it comes back (see [`deep_handle`](Memo::deep_handle)).
    #[inline(always)]
    fn deep_into(&mut self, original: Value, slot: &mut Value) -> Result<(), Error> {
        if let Value::Object(_) = original {
            *slot = Value::Object(self.deep_handle(original)?);
        } else {
            *slot = self.deep(original)?;
        }
        Ok(())
    }
}

/// Python's `is` between an item and its deep copy: a scalar (a number, a
/// string, bytes, `None`) is its own copy, even a NaN.
fn same(item: &Value, copy: &Value) -> bool {
    match item {
        Value::Tuple(_) | Value::List(_) | Value::Dict(_) | Value::Object(_) => Value::is(item, copy),
        _ => true,
    }
}

/// Copies through a typed handle: `copy`'s and `deepcopy`'s own, so that
/// handles need not know how copies are made.
impl<T: PyClass> Py<T> {
    /// `copy.copy(obj)`: a new object of the same class whose slots and
    /// dict hold the same values (lists, dicts and objects shared with this
    /// one); see [`copy`](crate::copy).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(tags)]
    /// struct Post;
    ///
    /// let a = Py::new(Post::default());
    /// a.write().setattr("tags", Value::list(["rust"]))?;
    /// let b = a.copy()?;
    /// assert!(!Py::is(&a, &b));
    /// assert!(Value::is(&a.read().getattr("tags")?, &b.read().getattr("tags")?));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Where `copy.copy` raises: see [`copy`](crate::copy).
    pub fn copy(&self) -> Result<Py<T>, Error> {
        let copied = copy(&Value::Object(self.clone().into_object()))?;
        Ok(typed(copied))
    }

    /// `copy.deepcopy(obj)`: a new object whose values are deep copies,
    /// every object, list and dict reached copied once (shared references
    /// stay shared, cycles stay cycles); see [`deepcopy`](crate::deepcopy).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(next)]
    /// struct Node;
    ///
    /// let a = Py::new(Node::default());
    /// a.write().setattr("next", Value::Object(a.clone().into_object()))?; // a.next = a
    /// let b = a.deepcopy()?;
    /// let next = b.read().getattr("next")?;
    /// assert!(Value::is(&next, &Value::Object(b.clone().into_object())));     // b.next is b
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Where `copy.deepcopy` raises: see [`deepcopy`](crate::deepcopy).
    pub fn deepcopy(&self) -> Result<Py<T>, Error> {
        let copied = deepcopy(&Value::Object(self.clone().into_object()))?;
        Ok(typed(copied))
    }
}

/// The typed handle of a copy of one of `T`'s objects.
fn typed<T: PyClass>(copied: Value) -> Py<T> {
    match copied {
        Value::Object(o) => o.downcast().unwrap_or_else(|_| unreachable!("a copy has its original's class")),
        _ => unreachable!("a copy of an object is an object"),
    }
}
