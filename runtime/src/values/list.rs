//! `PyList`: Python's `list`, shared and mutable.

use std::fmt;
use std::sync::Arc;

use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::Error;
use crate::handles::gc;
use crate::handles::gil;
use crate::handles::trashcan;
use crate::values::value::{self, Value};

/// A shared, mutable list, like Python's `list`: cloning the handle gives
/// another reference to the same list, so two attributes holding it see
/// each other's changes.
///
/// Access goes through a read-write lock, held only inside each method
/// (never while user code runs, and a replaced item is dropped after it is
/// released; a read inside a read, as `repr` of a list that holds itself
/// takes, does not wait for a writer). The cycle collector tracks every
/// list: `a.children = [a]` is freed by [`gc::collect`]. `Display` is
/// Python's `repr`, `[...]` where the list contains itself; `==` compares
/// contents (see [`Value`]'s equality).
///
/// ```
/// use pyslots::{PyList, Value};
/// let a = PyList::from(vec![Value::from(1), Value::from("a")]);
/// let b = a.clone();                         // the same list
/// b.push(Value::from(2.5));
/// assert_eq!(a.to_string(), "[1, 'a', 2.5]");
/// assert_eq!(a.get(1), Some(Value::from("a")));
/// a.push(Value::List(a.clone()));            // a list that holds itself
/// assert_eq!(b.to_string(), "[1, 'a', 2.5, [...]]");
/// ```
#[derive(Clone)]
pub struct PyList(Arc<ListCell>);

// The collector's header first: a dead cell's registry entry is found
// by its address (`gc::unlist`).
#[repr(C)]
struct ListCell {
    gc: gc::Header,
    items: RwLock<Vec<Value>>,
}

/// A list nested a million deep drops in a loop, not a million frames.
impl Drop for ListCell {
    fn drop(&mut self) {
        let items = std::mem::take(self.items.get_mut());
        if !items.is_empty() {
            trashcan::drop_nested(items);
        }
    }
}

impl PyList {
    /// A new, empty list.
    ///
    /// ```
    /// let l = pyslots::PyList::new();
    /// l.push(1);
    /// assert_eq!(l.to_string(), "[1]");
    /// ```
    pub fn new() -> PyList {
        PyList::default()
    }

    /// The items, locked for reading; a thread holding the global
    /// interpreter lock lets it go if it must wait (`gil::without_waiting`).
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Vec<Value>> {
        let items = &self.0.items;
        gil::without_waiting(|| items.try_read_recursive(), || items.read_recursive())
    }

    /// The items, locked for writing, as [`read`](PyList::read).
    fn write(&self) -> RwLockWriteGuard<'_, Vec<Value>> {
        let items = &self.0.items;
        let guard = gil::without_waiting(|| items.try_write(), || items.write());
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

    /// The number of items.
    ///
    /// ```
    /// let l: pyslots::PyList = [1, 2, 3].into_iter().map(pyslots::Value::from).collect();
    /// assert_eq!(l.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the list has no items.
    ///
    /// ```
    /// let l = pyslots::PyList::new();
    /// assert!(l.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// The item at `index` (a clone: the list may change afterwards).
    ///
    /// ```
    /// let l: pyslots::PyList = [10, 20].into_iter().map(pyslots::Value::from).collect();
    /// assert_eq!(l.get(1), Some(pyslots::Value::Int(20)));
    /// assert_eq!(l.get(2), None);
    /// ```
    pub fn get(&self, index: usize) -> Option<Value> {
        self.read().get(index).cloned()
    }

    /// `list[index] = value`; CPython's `IndexError` past the end.
    ///
    /// ```
    /// let l: pyslots::PyList = [1].into_iter().map(pyslots::Value::from).collect();
    /// l.set(0, "one")?;
    /// assert_eq!(l.to_string(), "['one']");
    /// assert_eq!(l.set(1, 2).unwrap_err().to_string(), "list assignment index out of range");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn set(&self, index: usize, value: impl Into<Value>) -> Result<(), Error> {
        let value = value.into();
        let old = {
            let mut items = self.write();
            match items.get_mut(index) {
                Some(slot) => std::mem::replace(slot, value),
                None => return Err(Error::index_error("list assignment index out of range")),
            }
        };
        drop(old);
        Ok(())
    }

    /// `list.append(value)`.
    ///
    /// ```
    /// let l = pyslots::PyList::new();
    /// l.push(1);
    /// l.push("a");
    /// assert_eq!((l.len(), l.to_string()), (2, "[1, 'a']".to_owned()));
    /// ```
    pub fn push(&self, value: impl Into<Value>) {
        let value = value.into();
        self.write().push(value);
    }

    /// `list.pop()`: the last item, removed; `None` if the list is empty.
    ///
    /// ```
    /// let l = pyslots::PyList::new();
    /// l.push(1);
    /// assert_eq!(l.pop(), Some(pyslots::Value::Int(1)));
    /// assert_eq!(l.pop(), None);
    /// ```
    pub fn pop(&self) -> Option<Value> {
        self.write().pop()
    }

    /// `list.clear()`.
    ///
    /// ```
    /// let l: pyslots::PyList = [1, 2].into_iter().map(pyslots::Value::from).collect();
    /// let alias = l.clone();          // the same list, as in Python
    /// alias.clear();
    /// assert!(l.is_empty());
    /// ```
    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.write());
        drop(old);
    }

    /// Replaces the items with `items`, under one lock.
    pub(crate) fn replace(&self, items: Vec<Value>) {
        let old = std::mem::replace(&mut *self.write(), items);
        drop(old);
    }

    /// A copy of the items (cloning each: the list itself is not copied).
    ///
    /// ```
    /// let l = pyslots::PyList::new();
    /// l.push(1);
    /// let items = l.to_vec();
    /// l.clear();
    /// assert_eq!((items.len(), l.len()), (1, 0));
    /// ```
    pub fn to_vec(&self) -> Vec<Value> {
        self.read().clone()
    }

    /// Whether two handles are the same list (Python's `is`).
    ///
    /// ```
    /// use pyslots::PyList;
    /// let l = PyList::new();
    /// assert!(PyList::is(&l, &l.clone()) && !PyList::is(&l, &PyList::new()));
    /// ```
    pub fn is(a: &PyList, b: &PyList) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The list's identity, for cycle detection.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// Heap bytes of the list: the shared cell, the item buffer and what
    /// the items own.
    pub fn heap_size(&self) -> usize {
        value::nested_heap_size([&Value::List(self.clone())])
    }

    /// The bytes of a list's own allocations, its items' contents aside:
    /// the shared cell and `capacity` items.
    pub(crate) fn own_heap_size(capacity: usize) -> usize {
        2 * std::mem::size_of::<usize>() + std::mem::size_of::<ListCell>() + capacity * std::mem::size_of::<Value>()
    }
}

impl From<Vec<Value>> for PyList {
    fn from(items: Vec<Value>) -> PyList {
        let cell = Arc::new(ListCell { gc: gc::Header::new(), items: RwLock::new(items) });
        gc::track(&cell);
        PyList(cell)
    }
}

impl Default for PyList {
    fn default() -> PyList {
        PyList::from(Vec::new())
    }
}

impl gc::Node for ListCell {
    fn header(&self) -> &gc::Header {
        &self.gc
    }
    fn try_traverse(&self, visit: &mut gc::Visit<'_>) -> bool {
        let Some(items) = self.items.try_read_recursive() else { return false };
        items.iter().for_each(|v| v.traverse(visit));
        true
    }
    fn try_lock(&self) -> Option<Box<dyn gc::Locked + '_>> {
        let guard = self.items.try_write()?;
        let traverse = |items: &Vec<Value>, visit: &mut gc::Visit<'_>| items.iter().for_each(|v| v.traverse(visit));
        Some(Box::new(gc::WriteLocked { guard, traverse }))
    }
    fn clear(&self) {
        gc::clear(&self.items);
    }
}

impl<V: Into<Value>> FromIterator<V> for PyList {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> PyList {
        PyList::from(iter.into_iter().map(Into::into).collect::<Vec<Value>>())
    }
}

impl PartialEq for PyList {
    fn eq(&self, other: &PyList) -> bool {
        Value::List(self.clone()) == Value::List(other.clone())
    }
}

impl fmt::Debug for PyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The tests' face of a list's own lock (`runtime/tests/containers.rs`):
/// what no public operation does, hold it across other work.
#[doc(hidden)]
pub mod testing {
    use super::PyList;

    /// Runs `f` holding `list`'s lock for writing, as a list's own
    /// operations hold it (without the global interpreter lock).
    pub fn with_items_locked<R>(list: &PyList, f: impl FnOnce() -> R) -> R {
        let _items = list.0.items.write();
        f()
    }
}
