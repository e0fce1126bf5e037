//! `PyTuple`: Python's immutable `tuple`.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::handles::gc;
use crate::handles::trashcan;
use crate::values::value::{self, Value};

/// An immutable, shared sequence, like Python's `tuple`. Being immutable,
/// it lends its items by reference; cloning the handle is a reference-count
/// increment.
///
/// `Display` is Python's `repr`: `()`, `(1,)`, `(1, 'a')`.
///
/// ```
/// use pyslots::{PyTuple, Value};
/// let t = PyTuple::new(vec![Value::from(1), Value::from("a")]);
/// assert_eq!(t.to_string(), "(1, 'a')");
/// assert_eq!(t[1], Value::from("a"));
/// assert_eq!(PyTuple::new(vec![Value::from(1)]).to_string(), "(1,)");
/// assert_eq!(PyTuple::default().to_string(), "()");
/// ```
#[derive(Clone, Default)]
pub struct PyTuple(Arc<TupleCell>);

#[derive(Default)]
// The collector's header first: a dead cell's registry entry is found
// by its address (`gc::unlist`).
#[repr(C)]
struct TupleCell {
    gc: gc::Header,
    items: Box<[Value]>,
    /// Whether an item can hold references, so the collector tracks the
    /// tuple: a tuple holding this one reads it here, instead of walking
    /// every tuple nested inside (quadratic, and recursive, on a deep one).
    tracked: bool,
}

/// A tuple nested a million deep drops in a loop, not a million frames.
impl Drop for TupleCell {
    fn drop(&mut self) {
        let items = std::mem::take(&mut self.items);
        if !items.is_empty() {
            trashcan::drop_nested(items);
        }
    }
}

impl PyTuple {
    /// A tuple of `items`. The cycle collector tracks it if an item can
    /// hold references (an object, a list, a dict, a tracked tuple).
    ///
    /// ```
    /// use pyslots::{PyTuple, Value};
    /// let t = PyTuple::new(vec![Value::Int(1), Value::from("a")]);
    /// assert_eq!(t.to_string(), "(1, 'a')");
    /// ```
    pub fn new(items: Vec<Value>) -> PyTuple {
        let tracked = items.iter().any(Value::may_hold_references);
        let cell = Arc::new(TupleCell { gc: gc::Header::new(), items: items.into_boxed_slice(), tracked });
        if tracked {
            gc::track(&cell);
        }
        PyTuple(cell)
    }

    /// Whether the collector tracks the tuple: an item can hold references
    /// (an object, a list, a dict, a tracked tuple).
    #[inline]
    pub(crate) fn is_tracked(&self) -> bool {
        self.0.tracked
    }

    /// Reports this handle to the cycle collector (see [`Value::traverse`]).
    #[inline]
    pub fn traverse(&self, visit: &mut gc::Visit<'_>) {
        visit.node(&self.0.gc);
    }

    /// The items.
    ///
    /// ```
    /// let t = pyslots::PyTuple::new(vec![1.into(), 2.into()]);
    /// assert_eq!(t.as_slice().len(), 2);
    /// ```
    pub fn as_slice(&self) -> &[Value] {
        &self.0.items
    }

    /// Whether two handles are the same tuple (Python's `is`).
    ///
    /// ```
    /// use pyslots::PyTuple;
    /// let t = PyTuple::new(vec![]);
    /// assert!(PyTuple::is(&t, &t.clone()));
    /// ```
    pub fn is(a: &PyTuple, b: &PyTuple) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The tuple's identity, for cycle detection.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// Heap bytes of the tuple: the shared cell, the items and what they own.
    pub fn heap_size(&self) -> usize {
        value::nested_heap_size([&Value::Tuple(self.clone())])
    }

    /// The bytes of the tuple's own allocations, its items' contents
    /// aside: the shared cell and the items.
    pub(crate) fn own_heap_size(&self) -> usize {
        2 * std::mem::size_of::<usize>()
            + std::mem::size_of::<TupleCell>()
            + std::mem::size_of_val::<[Value]>(&self.0.items)
    }
}

impl gc::Node for TupleCell {
    fn header(&self) -> &gc::Header {
        &self.gc
    }
    fn try_traverse(&self, visit: &mut gc::Visit<'_>) -> bool {
        self.items.iter().for_each(|v| v.traverse(visit));
        true
    }
    fn try_lock(&self) -> Option<Box<dyn gc::Locked + '_>> {
        Some(Box::new(gc::Unlocked(self)))
    }
    fn clear(&self) {}
    fn immutable(&self) -> bool {
        true
    }
}

impl Deref for PyTuple {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0.items
    }
}

impl<V: Into<Value>> FromIterator<V> for PyTuple {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> PyTuple {
        PyTuple::new(iter.into_iter().map(Into::into).collect())
    }
}

impl PartialEq for PyTuple {
    fn eq(&self, other: &PyTuple) -> bool {
        Value::Tuple(self.clone()) == Value::Tuple(other.clone())
    }
}

impl fmt::Debug for PyTuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
