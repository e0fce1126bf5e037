//! Shared handles: `Py<T>` (one class), `PyObject` (any class) and
//! `WeakRef<T>`, Python's object references for Rust.

use std::any::Any;
use std::fmt;
use std::sync::{Arc, Weak};

use crate::error::Error;
use crate::handles::borrow::{self, PyRef, PyRefMut};
use crate::handles::gc;
use crate::handles::gil::{self, Held, Unheld};
use crate::handles::pycell::{Exclusive, PyCell};
use crate::handles::trashcan;
use crate::objects::layout_ref::LayoutRef;
use crate::objects::object::{take_references, Frozen, Object, PyClass, WeakReferenceable};
use crate::storage::name_key::NameKey;
use crate::types::rt_class::Type;
use crate::values::value::Value;

/// The shared allocation behind a handle. The class's layout is the
/// vtable's ([`ErasedCell::layout`]), so a handle's class can be named (in
/// messages, in `Display`) without locking, even while the object is being
/// written.
// The collector's header first: a dead cell's registry entry is found
// by its address (`gc::unlist`).
#[repr(C)]
struct Cell<T: CellValue> {
    /// The cycle collector's word.
    gc: gc::Header,
    /// The class, beside the object so that it is read without a borrow.
    class: T::Class,
    value: PyCell<T>,
    /// Dropped after `value`: closes the depth count `Cell::drop` opened.
    _depth: trashcan::Exit,
}

/// Dropping the last handle to an object drops the handles it holds, and
/// so on: a linked list of a million nodes would recurse a million frames
/// deep and overflow the stack. Like CPython's "trashcan", past a fixed
/// depth what the object holds that can nest (its objects, lists, dicts
/// and tuples) is taken out and queued, and the outermost drop empties the
/// queue in a loop. The object itself drops in place, its `Drop` run once,
/// with those slots unset.
impl<T: CellValue> Drop for Cell<T> {
    fn drop(&mut self) {
        if trashcan::enter() {
            self.value.get_mut().defer_references();
        }
    }
}

/// [`CellValue::defer_references`] of any object: each slot and dict
/// value that can hold references taken out (a clone, then the slot
/// deleted) and queued.
pub(crate) fn defer_references(obj: &mut dyn Object) {
    let held = take_references(obj);
    if !held.is_empty() {
        trashcan::defer(held);
    }
}

/// What a cell can hold: a `#[pyclass_like]` struct (its class is its
/// type) or an instance of a class made at run time (its class is a
/// value, kept in the cell; `Instance` implements this beside itself, so
/// that the handles name no run-time class storage).
pub(crate) trait CellValue: Object + Sized {
    /// Whether the cell is frozen: a `#[pyclass_like(frozen)]` object.
    const FROZEN: bool;
    /// The class as the cell keeps it.
    type Class: Send + Sync + 'static;
    fn class_of(&self) -> Self::Class;
    fn layout_of(class: &Self::Class) -> LayoutRef<'_>;
    /// A new instance of `class`, every slot unset.
    fn instantiate(class: &Self::Class) -> PyObject;
    fn type_of(class: &Self::Class) -> Type;
    /// Whether the class or a base has properties, methods or hooks: an
    /// attribute operation may run user code, which may borrow the object
    /// again or wait for another thread.
    fn has_methods(class: &Self::Class) -> bool;
    /// Whether [`getattr_fast`](CellValue::getattr_fast) and
    /// [`setattr_fast`](CellValue::setattr_fast) may leave to the caller
    /// what `ObjectStorage::getattr_plain`/`setattr_plain` would do (a
    /// run-time class's: a long name, a boxed value, a slot past the
    /// eighth), which then tries those before the marked path.
    const PARTIAL_FAST: bool;
    /// `setattr` on the object behind a handle, the value taken from where
    /// the handle's caller left it, which is left a number or `None`,
    /// nothing to drop (taken, or a number copied out): a `Value`
    /// passed on by value to a function not inlined is copied with wide
    /// loads over the narrow stores that just wrote it, which the CPU
    /// cannot forward (a stall of about 10 ns).
    fn setattr_shared(&mut self, name: &str, value: &mut Value) -> Result<(), Error>;
    /// The read with no mark that a handle's `getattr` tries first in a
    /// scope, in a function with no frame: what `getattr_plain` finds, or
    /// part of it (`PARTIAL_FAST`), and nothing (`Plain::Miss`) for a
    /// class with methods. It must not call anything: a call made the
    /// whole function keep a frame (a run-time class's: six registers
    /// pushed and popped, 16 of its 74 instructions).
    fn getattr_fast(&self, name: &str, key: NameKey) -> Plain<'_>;
    /// The write with no mark a handle's `setattr` tries first, as
    /// [`getattr_fast`](CellValue::getattr_fast) (`setattr_plain`, or
    /// part of it): whether it wrote.
    fn setattr_fast(&mut self, name: &str, key: NameKey, value: &mut Value) -> bool;
    /// The collector's word of the class, if the collector tracks it (a
    /// class made at run time): the cell's own count of its class is a
    /// reference the collector must see.
    fn class_node(class: &Self::Class) -> Option<&gc::Header>;
    /// Whether the object's traversal is only the runtime's own code (a
    /// run-time class's instance with no embedded `#[pyclass_like]`
    /// base): the collector then reads it with no mark in its flag
    /// (`PyCell::get_unmarked`), as a handle's read in a scope does. A
    /// `#[pyclass_like]` class's traversal may reach a user's
    /// `SlotValue::traverse`, which could borrow the object: it is marked
    /// read for it.
    fn traverses_plainly(class: &Self::Class) -> bool;
    /// Moves what the object holds that can nest (objects, lists, dicts,
    /// tuples) into the trashcan's queue: its cell drops past the depth
    /// (`Cell::drop`). The object drops in place after, those slots unset.
    fn defer_references(&mut self) {
        defer_references(self);
    }
    /// Visits what the object holds and the cell's own reference to its
    /// class (`class`).
    #[inline(always)]
    fn traverse_in_cell(&self, class: &Self::Class, visit: &mut gc::Visit<'_>) {
        self.traverse(visit);
        if let Some(h) = Self::class_node(class) {
            visit.node(h);
        }
    }
}

impl<T: PyClass> CellValue for T {
    const FROZEN: bool = T::LAYOUT.frozen;
    type Class = ();
    fn class_of(&self) {}
    fn layout_of((): &()) -> LayoutRef<'_> {
        LayoutRef::of_static(&T::LAYOUT)
    }
    fn instantiate((): &()) -> PyObject {
        Py::new(T::default()).into_object()
    }
    fn type_of((): &()) -> Type {
        Type::of::<T>()
    }
    const PARTIAL_FAST: bool = false;
    #[inline(always)]
    fn has_methods((): &()) -> bool {
        const { T::LAYOUT.has_methods() }
    }
    #[inline(always)]
    fn setattr_shared(&mut self, name: &str, value: &mut Value) -> Result<(), Error> {
        self.setattr(name, std::mem::take(value))
    }

    #[inline(always)]
    fn getattr_fast(&self, name: &str, _: NameKey) -> Plain<'_> {
        if const { T::LAYOUT.has_methods() } {
            return Plain::Miss;
        }
        match self.getattr_plain(name) {
            Some(found) => Plain::Found(found),
            None => Plain::Miss,
        }
    }
    #[inline(always)]
    fn setattr_fast(&mut self, name: &str, _: NameKey, value: &mut Value) -> bool {
        if const { T::LAYOUT.has_methods() } {
            return false;
        }
        self.setattr_plain(name, value)
    }
    fn class_node((): &()) -> Option<&gc::Header> {
        None
    }
    fn traverses_plainly((): &()) -> bool {
        false
    }
}

impl PyObject {
    /// A new handle to `obj`, which the cycle collector tracks from now on.
    pub(crate) fn new_cell<T: CellValue>(obj: T) -> PyObject {
        PyObject(Cell::new(obj))
    }
}

impl<T: CellValue> Cell<T> {
    fn new(obj: T) -> Arc<Cell<T>> {
        let cell = Arc::new(Cell {
            gc: gc::Header::new(),
            class: obj.class_of(),
            value: if T::FROZEN { PyCell::frozen(obj) } else { PyCell::new(obj) },
            _depth: trashcan::Exit,
        });
        gc::track(&cell);
        cell
    }
}

/// What a read with no mark found ([`CellValue::getattr_fast`]): a
/// number, or a value to clone, is made into the result by the handle's
/// own function, straight where its caller wants it. Returned as an
/// `Option<Result<Value, Error>>` (as `getattr_plain` does), the result
/// was built in a temporary that LLVM cut at a bool's one byte, and every
/// number was then stored as two pieces merged with `and`/`or` (5
/// instructions more on every run-time read). Public only as what
/// `SlotStore` (a sealed trait of `instance.rs`) returns.
#[derive(Debug)]
pub enum Plain<'a> {
    /// Nothing read: the rest of the algorithm decides.
    Miss,
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A boxed value: an object or a string is cloned in line, anything
    /// else by the rest of the algorithm (`Value::clone` is a call).
    Boxed(&'a Value),
    /// An object's handle, kept in place.
    Object(&'a PyObject),
    /// A compile-time class's `getattr_plain`, whole.
    Found(Result<Value, Error>),
}

/// The type-erased face of a `Cell<T>`; what the collector sees of it is
/// its [`gc::Node`] face, at the end of this file.
trait ErasedCell: gc::Node + Send + Sync + 'static {
    fn cell(&self) -> &PyCell<dyn Object>;
    fn layout(&self) -> LayoutRef<'_>;
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
    /// A new instance of the same class, every slot unset: Python's
    /// `object.__new__(type(obj))`, which `copy` needs from an erased handle.
    fn instantiate(&self) -> PyObject;
    fn class(&self) -> Type;
    /// The cell's own bytes (reference counts aside).
    fn cell_size(&self) -> usize;
    /// [`PyObject::getattr`] outside a scope, statically dispatched on
    /// the class: the global lock taken for the call, the object borrowed
    /// for it, if the class has no methods; otherwise `handle`'s path that
    /// runs user code without the lock. One virtual call whose result is
    /// the caller's: a result passed back through a second function would
    /// be copied, and a copy of a `Value` just written (a wide load over
    /// narrower stores) stalls store forwarding for longer than the whole
    /// operation takes.
    fn getattr(&self, handle: &PyObject, name: &str, unheld: Unheld) -> Result<Value, Error>;
    /// [`PyObject::getattr`] in a scope: the read with no mark
    /// (`CellValue::getattr_fast`), the rest one call out of line. An
    /// entry of its own, chosen by the caller (`gil::state`), not a branch
    /// in one function: the lock's path there (its calls, the values kept
    /// across them) gave the whole function a frame, and the in-scope
    /// path is now a run-time class's few compares with none (issue 24's
    /// workload 686M -> 510M instructions).
    ///
    /// `head` is the word of the name's key (`NameKey::head`), made by the
    /// caller, where a name known at compile time makes it a constant: a
    /// run-time class's lookup then starts at the compares (8 instructions
    /// fewer an access, the length's dispatch and the loads).
    fn getattr_in_scope(&self, handle: &PyObject, name: &str, head: u64, held: Held<'_>) -> Result<Value, Error>;
    /// [`PyObject::setattr`], as [`getattr`](ErasedCell::getattr). It
    /// takes what `value` holds unless that is a number or `None`, which
    /// the caller then forgets: the value stays where the caller built it
    /// (see `CellValue::setattr_shared`), and the paths past the unmarked
    /// write are tail calls with the caller's pointer (a `Value` taken by
    /// value was copied to the frame first: `PyObject::setattr` of a
    /// compile-time class in a scope 3.7 -> 2.9 ns).
    fn setattr(&self, handle: &PyObject, name: &str, value: &mut Value, unheld: Unheld) -> Result<(), Error>;
    /// [`PyObject::setattr`] in a scope, as
    /// [`getattr_in_scope`](ErasedCell::getattr_in_scope).
    ///
    /// The caller has told the collector what `value` references
    /// (`PyObject::storing`), holding the lock as it does now: the write
    /// with no mark is the one store it does not see.
    fn setattr_in_scope(&self, handle: &PyObject, name: &str, value: &mut Value, held: Held<'_>) -> Result<(), Error>;
}

impl<T: CellValue> ErasedCell for Cell<T> {
    fn cell(&self) -> &PyCell<dyn Object> {
        &self.value
    }
    fn layout(&self) -> LayoutRef<'_> {
        T::layout_of(&self.class)
    }
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
    fn instantiate(&self) -> PyObject {
        T::instantiate(&self.class)
    }
    fn class(&self) -> Type {
        T::type_of(&self.class)
    }
    fn cell_size(&self) -> usize {
        std::mem::size_of::<Self>()
    }
    #[inline]
    fn getattr(&self, handle: &PyObject, name: &str, unheld: Unheld) -> Result<Value, Error> {
        if T::has_methods(&self.class) {
            return handle.getattr_with_methods(name);
        }
        let hold = unheld.enter();
        let held = hold.held();
        let key = NameKey::of(name);
        found_or(self.read_unmarked(name, key, held, false), || {
            if T::PARTIAL_FAST {
                if let Plain::Found(found) = self.read_unmarked(name, key, held, true) {
                    return found;
                }
            }
            self.getattr_marked(name, held)
        })
    }
    #[inline]
    fn getattr_in_scope(&self, handle: &PyObject, name: &str, head: u64, held: Held<'_>) -> Result<Value, Error> {
        let key = NameKey::with_head(name, head);
        found_or(self.read_unmarked(name, key, held, false), || self.getattr_rest(handle, name, held))
    }
    #[inline]
    fn setattr(&self, handle: &PyObject, name: &str, value: &mut Value, unheld: Unheld) -> Result<(), Error> {
        if T::has_methods(&self.class) {
            return handle.setattr_with_methods(name, value);
        }
        let hold = unheld.enter();
        if value.may_be_a_reference() {
            // Judged under the lock, out of line: the call in line gave
            // this function a frame, 12 instructions on every write.
            return self.setattr_judging(handle, name, value, hold);
        }
        self.setattr_held(name, value, hold.held())
    }
    #[inline]
    fn setattr_in_scope(&self, handle: &PyObject, name: &str, value: &mut Value, held: Held<'_>) -> Result<(), Error> {
        if self.write_unmarked(name, NameKey::of(name), value, held, false) {
            return Ok(());
        }
        self.setattr_rest(handle, name, value, held)
    }
}

/// What a read with no mark found, as the result, each kind written
/// straight into it; else `rest()`.
#[inline(always)]
fn found_or(plain: Plain<'_>, rest: impl FnOnce() -> Result<Value, Error>) -> Result<Value, Error> {
    match plain {
        Plain::Miss => rest(),
        Plain::None => Ok(Value::None),
        Plain::Bool(b) => Ok(Value::Bool(b)),
        Plain::Int(i) => Ok(Value::Int(i)),
        Plain::Float(x) => Ok(Value::Float(x)),
        Plain::Boxed(Value::Object(o)) | Plain::Object(o) => Ok(Value::Object(o.clone())),
        Plain::Boxed(Value::Str(s)) => Ok(Value::Str(s.clone())),
        Plain::Boxed(_) => rest(),
        Plain::Found(found) => found,
    }
}

impl<T: CellValue> Cell<T> {
    /// The read with no mark: `getattr_fast`, or all of `getattr_plain` if
    /// `full` (where `getattr_fast` left it).
    #[inline(always)]
    #[allow(unsafe_code)] // the one read with no mark: see `PyCell::get_unmarked`
    fn read_unmarked<'a>(&'a self, name: &str, key: NameKey, held: Held<'a>, full: bool) -> Plain<'a> {
        // SAFETY: `getattr_plain` looks `name` up in the class's table and
        // clones or copies what the slot holds with the runtime's own code:
        // it borrows nothing, waits for nothing, tracks no node, drops
        // nothing and runs no user code (`ObjectStorage::getattr_plain`),
        // and the caller holds the lock until after the look.
        match unsafe { self.value.get_unmarked(held) } {
            Some(obj) if full => match obj.getattr_plain(name) {
                Some(found) => Plain::Found(found),
                None => Plain::Miss,
            },
            Some(obj) => obj.getattr_fast(name, key),
            None => Plain::Miss,
        }
    }

    /// [`ErasedCell::getattr_in_scope`] past `getattr_fast`, out of line:
    /// the class's methods, `getattr_plain` where `getattr_fast` is
    /// partial, then the object marked read for the whole algorithm.
    #[inline(never)]
    fn getattr_rest(&self, handle: &PyObject, name: &str, held: Held<'_>) -> Result<Value, Error> {
        if T::has_methods(&self.class) {
            return handle.getattr_with_methods(name);
        }
        if T::PARTIAL_FAST {
            if let Plain::Found(found) = self.read_unmarked(name, NameKey::NONE, held, true) {
                return found;
            }
        }
        let lent = borrow::lend_read(&self.value, held)?;
        lent.get().getattr(name)
    }

    /// The object marked read for the whole algorithm, out of line: the
    /// algorithm inlined would give every access its frame.
    #[inline(never)]
    fn getattr_marked(&self, name: &str, held: Held<'_>) -> Result<Value, Error> {
        let lent = borrow::lend_read(&self.value, held)?;
        lent.get().getattr(name)
    }

    /// The write with no mark: `setattr_fast`, or all of `setattr_plain`
    /// if `full` (where `setattr_fast` left it).
    #[inline(always)]
    #[allow(unsafe_code)] // the one write with no mark: see `PyCell::get_unmarked_mut`
    fn write_unmarked(&self, name: &str, key: NameKey, value: &mut Value, held: Held<'_>, full: bool) -> bool {
        // SAFETY: `setattr_plain` looks `name` up in the class's table and
        // writes over a number or nothing with the runtime's own code (a
        // number, or the value moved into a box): it borrows nothing,
        // waits for nothing, tracks or drops nothing and runs no user code
        // (`ObjectStorage::setattr_plain`), and the caller holds the lock
        // until after the write.
        match unsafe { self.value.get_unmarked_mut(held) } {
            Some(obj) if full => obj.setattr_plain(name, value),
            Some(obj) => obj.setattr_fast(name, key, value),
            None => false,
        }
    }

    /// [`ErasedCell::setattr_in_scope`] past `setattr_fast`, out of line,
    /// as [`getattr_rest`](Cell::getattr_rest).
    #[inline(never)]
    fn setattr_rest(&self, handle: &PyObject, name: &str, value: &mut Value, held: Held<'_>) -> Result<(), Error> {
        if T::has_methods(&self.class) {
            return handle.setattr_with_methods(name, value);
        }
        if T::PARTIAL_FAST && self.write_unmarked(name, NameKey::NONE, value, held, true) {
            return Ok(());
        }
        self.setattr_marked_inline(name, value, held)
    }

    /// [`ErasedCell::setattr`] past the lock's taking.
    #[inline(always)]
    fn setattr_held(&self, name: &str, value: &mut Value, held: Held<'_>) -> Result<(), Error> {
        let key = NameKey::of(name);
        if self.write_unmarked(name, key, value, held, false)
            || T::PARTIAL_FAST && self.write_unmarked(name, key, value, held, true)
        {
            return Ok(());
        }
        self.setattr_marked(name, value, held)
    }

    /// [`ErasedCell::setattr`] of a value that may hold a reference: the
    /// collector told of it (`PyObject::storing`) under the lock `hold`
    /// took, and the store made before it is let go.
    #[inline(never)]
    fn setattr_judging(&self, handle: &PyObject, name: &str, value: &mut Value, hold: gil::Hold) -> Result<(), Error> {
        handle.storing_reference(value);
        self.setattr_held(name, value, hold.held())
    }

    /// The object marked written for the whole algorithm, out of line (see
    /// [`getattr_marked`](Cell::getattr_marked)).
    #[inline(never)]
    fn setattr_marked(&self, name: &str, value: &mut Value, held: Held<'_>) -> Result<(), Error> {
        self.setattr_marked_inline(name, value, held)
    }

    /// The object marked written, then the whole algorithm.
    #[inline(always)]
    fn setattr_marked_inline(&self, name: &str, value: &mut Value, held: Held<'_>) -> Result<(), Error> {
        let mut lent = match borrow::lend_write(&self.value, held, || Error::frozen_assign(name)) {
            Ok(lent) => lent,
            Err(e) => {
                std::mem::take(value);
                return Err(e);
            }
        };
        lent.get_mut().setattr_shared(name, value)
    }
}

/// An `Arc`'s strong and weak counts, in front of the cell.
const COUNTS: usize = 2 * std::mem::size_of::<usize>();

/// What an object behind a handle costs: its allocation (the counts, the
/// cell, the instance), the heap bytes the instance owns, and its entry in
/// the collector's registry.
fn object_total(cell_size: usize, heap: usize) -> usize {
    COUNTS + cell_size + heap + gc::BYTES_PER_TRACKED
}

/// A shared, thread-safe handle to an instance of class `T`: Python's
/// object reference.
///
/// Cloning is a reference-count increment; every clone sees the same
/// object. Access is a borrow: many readers or one writer across threads,
/// marked in a flag beside the object under the global interpreter lock
/// ([`gil`](crate::gil)); inside [`gil::with_gil`](crate::gil::with_gil) a
/// borrow costs no atomic operation. On one thread, borrowing an object in a way that
/// conflicts with a borrow the thread already holds is an error, never a
/// hang (see [`try_read`](Py::try_read)); reading it again while reading
/// it is fine, even while another thread waits to write. A panic while a
/// guard is held does not poison the object: no pyslots operation leaves
/// an object half-written, so the next access proceeds.
///
/// The object is freed when its last handle drops, or, if it is part of a
/// reference cycle, by [the cycle collector](crate::handles::gc).
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(count)]
/// struct Counter { count: i64 }
///
/// let a = Py::new(Counter::new(0));
/// let b = a.clone();
/// b.write().setattr("count", 1.into())?;
/// assert_eq!(a.read().getattr("count")?, Value::Int(1));
/// assert!(Py::is(&a, &b));
/// # Ok::<(), pyslots::Error>(())
/// ```
pub struct Py<T: PyClass>(Arc<Cell<T>>);

impl<T: PyClass> Py<T> {
    /// Moves `obj` into a new shared handle.
    /// The cycle collector tracks it from now on.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// let q = p.clone();                       // the same object, as `q = p`
    /// q.setattr("x", 5.0)?;
    /// assert_eq!(p.getattr("x")?, Value::Float(5.0));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn new(obj: T) -> Py<T> {
        Py(Cell::new(obj))
    }

    /// Borrows the object for reading, waiting while another thread writes
    /// it.
    ///
    /// # Panics
    ///
    /// With `Already mutably borrowed` if this thread writes it (see
    /// [`try_read`](Py::try_read)).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// assert_eq!(*p.read().x()?, 1.0);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    #[track_caller]
    pub fn read(&self) -> PyRef<'_, T> {
        self.try_read().unwrap_or_else(|e| borrow::panic_conflict(e))
    }

    /// Borrows the object for writing, waiting while other threads use it.
    ///
    /// # Panics
    ///
    /// With `Already borrowed` if this thread reads it, `Already mutably
    /// borrowed` if it writes it (see [`try_write`](Py::try_write)).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// p.write().set_y(4.0);
    /// assert_eq!(p.getattr("y")?, Value::Float(4.0));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    #[track_caller]
    pub fn write(&self) -> PyRefMut<'_, T> {
        self.try_write().unwrap_or_else(|e| borrow::panic_conflict(e))
    }

    /// Borrows the object for reading; a `RuntimeError`, `Already mutably
    /// borrowed`, if this thread writes it (PyO3's `try_borrow`). Reading
    /// it again while this thread reads it is fine.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(count)]
    /// struct Counter { count: i64 }
    ///
    /// let a = Py::new(Counter::new(0));
    /// let w = a.write();
    /// let e = a.try_read().unwrap_err();
    /// assert_eq!((e.exception(), e.to_string().as_str()), ("RuntimeError", "Already mutably borrowed"));
    /// drop(w);
    /// let (r1, r2) = (a.read(), a.read());               // re-entrant reads
    /// assert_eq!(a.try_write().unwrap_err().to_string(), "Already borrowed");
    /// # drop((r1, r2));
    /// ```
    #[inline]
    pub fn try_read(&self) -> Result<PyRef<'_, T>, Error> {
        borrow::try_read(&self.0.value)
    }

    /// Borrows the object for writing; a `RuntimeError` if this thread
    /// borrows it already: `Already borrowed` while it reads it, `Already
    /// mutably borrowed` while it writes it (PyO3's `try_borrow_mut`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// let reading = p.read();
    /// assert_eq!(p.try_write().unwrap_err().to_string(), "Already borrowed");
    /// drop(reading);
    /// assert!(p.try_write().is_ok());
    /// ```
    #[inline]
    pub fn try_write(&self) -> Result<PyRefMut<'_, T>, Error> {
        borrow::try_write(&self.0.value, frozen_write)
    }

    /// [`try_write`](Py::try_write), with `frozen` the error for a frozen
    /// object.
    #[inline(always)]
    fn write_for(&self, frozen: impl FnOnce() -> Error) -> Result<PyRefMut<'_, T>, Error> {
        borrow::try_write(&self.0.value, frozen)
    }

    /// The object of a frozen class, with no borrow at all (PyO3's
    /// `Py::get`): a frozen object is never written once shared, so any
    /// number of threads read it at once, each with a plain load.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like(frozen)]
    /// #[slots(name, size)]
    /// struct Font { name: String, size: f64 }
    ///
    /// let f = Py::new(Font::new("Mono".into(), 12.0));
    /// let g = f.clone();
    /// let t = std::thread::spawn(move || *g.get().size().unwrap());
    /// assert_eq!(f.get().getattr("name")?, Value::from("Mono"));
    /// assert_eq!(t.join().unwrap(), 12.0);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    ///
    /// A class that is not frozen has no `get`:
    ///
    /// ```compile_fail
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct P { x: f64 }
    ///
    /// let p = Py::new(P::new(1.0));
    /// let x = p.get();          // error: the trait `Frozen` is not implemented for `P`
    /// ```
    #[inline]
    pub fn get(&self) -> &T
    where
        T: Frozen,
    {
        match self.0.value.get() {
            Some(obj) => obj,
            None => panic!("`Frozen` is implemented for a class that is not #[pyclass_like(frozen)]"),
        }
    }

    /// Every byte the object costs: its shared allocation (the reference
    /// counts, the collector's header word, the borrow flag, the instance), every
    /// heap byte the instance owns ([`total_sizeof`](crate::total_sizeof)
    /// less the instance itself), and its entry in the cycle collector's
    /// registry, [`gc::BYTES_PER_TRACKED`] (16): tracking costs that, and
    /// the header word, which takes the place of what std's lock needed
    /// beyond parking_lot's.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// // 16 counts + 8 header + 8 borrow flag + 24 instance + 16 registry entry
    /// assert_eq!(p.total_sizeof()?, 72);
    /// assert_eq!(pyslots::gc::BYTES_PER_TRACKED, 16);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The `RuntimeError` of [`try_read`](Py::try_read) if this thread
    /// writes the object.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert!(p.total_sizeof()? >= std::mem::size_of::<Point>());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn total_sizeof(&self) -> Result<usize, Error> {
        Ok(object_total(self.0.cell_size(), self.try_read()?.heap_size()))
    }

    /// `getattr(obj, name)`, borrowing the object for the call: as
    /// [`Object::getattr`], or the `RuntimeError` `Already mutably
    /// borrowed` if this thread writes it.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, __dict__)]
    /// struct P { x: i64 }
    ///
    /// let p = Py::new(P::new(1));
    /// p.setattr("tag", "a")?;
    /// assert_eq!(p.getattr("x")?, Value::Int(1));
    /// assert!(p.hasattr("tag")?);
    /// p.delattr("tag")?;
    /// assert_eq!(p.dir()?, ["__dict__", "__slots__", "x"].map(String::from));
    /// let guard = p.write();
    /// assert_eq!(p.getattr("x").unwrap_err().to_string(), "Already mutably borrowed");
    /// # drop(guard);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn getattr(&self, name: &str) -> Result<Value, Error> {
        if T::has_methods(&()) {
            // User code may run: borrowed, not holding the lock for it.
            return self.try_read()?.getattr(name);
        }
        gil::hold(|held| borrow::read_held(&self.0.value, held, |obj| obj.getattr(name)))
    }

    /// `setattr(obj, name, value)`, borrowing the object for the call: as
    /// [`Object::setattr`], or the `RuntimeError` `Already borrowed` (or
    /// `Already mutably borrowed`) if this thread reads (or writes) it.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// p.setattr("x", 3.0)?;
    /// assert_eq!(p.setattr("z", 1.0).unwrap_err().to_string(), "'Point' object has no attribute 'z'");
    /// let reading = p.read();
    /// assert_eq!(p.setattr("x", 0.0).unwrap_err().to_string(), "Already borrowed");
    /// drop(reading);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn setattr(&self, name: &str, value: impl Into<Value>) -> Result<(), Error> {
        let value = value.into();
        let frozen = || Error::frozen_assign(name);
        if T::has_methods(&()) {
            return self.write_for(frozen)?.setattr(name, value);
        }
        gil::hold(|held| borrow::write_held(&self.0.value, held, frozen, |obj| obj.setattr(name, value)))
    }

    /// `delattr(obj, name)`, borrowing the object for the call, as
    /// [`setattr`](Py::setattr).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// p.delattr("x")?;
    /// assert!(!p.hasattr("x")?);
    /// assert_eq!(p.delattr("x").unwrap_err().to_string(), "x");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn delattr(&self, name: &str) -> Result<(), Error> {
        let frozen = || Error::frozen_delete(name);
        if T::has_methods(&()) {
            return self.write_for(frozen)?.delattr(name);
        }
        gil::hold(|held| borrow::write_held(&self.0.value, held, frozen, |obj| obj.delattr(name)))
    }

    /// `hasattr(obj, name)`, borrowing the object for the call, as
    /// [`getattr`](Py::getattr).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// assert!(p.hasattr("x")?);
    /// assert!(!p.hasattr("z")?);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn hasattr(&self, name: &str) -> Result<bool, Error> {
        if T::has_methods(&()) {
            return Ok(self.try_read()?.hasattr(name));
        }
        gil::hold(|held| borrow::read_held(&self.0.value, held, |obj| Ok(obj.hasattr(name))))
    }

    /// `dir(obj)`, borrowing the object for the call, as
    /// [`getattr`](Py::getattr).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// assert_eq!(p.dir()?, ["__slots__", "x", "y"]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn dir(&self) -> Result<Vec<String>, Error> {
        Ok(self.try_read()?.dir())
    }

    /// Whether two handles are the same object (Python's `is`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// let same = p.clone();
    /// let equal = Py::new(Point::new(1.0, 2.0));
    /// assert!(Py::is(&p, &same));
    /// assert!(!Py::is(&p, &equal));
    /// ```
    pub fn is(a: &Py<T>, b: &Py<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// Erases the class: a handle usable with any other object.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let any: PyObject = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert_eq!(any.type_name(), "Point");
    /// assert_eq!(any.getattr("y")?, Value::Float(2.0));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn into_object(self) -> PyObject {
        PyObject(self.0)
    }

    /// A weak reference (Python's `weakref.ref(obj)`). Compiles only for
    /// classes whose instances support weak references; see
    /// [`try_downgrade`](Py::try_downgrade) for the run-time check.
    ///
    /// ```compile_fail
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(value)]                 // no __weakref__
    /// struct SlottedClass { value: i64 }
    ///
    /// let obj = Py::new(SlottedClass::new(42));
    /// let weak = Py::downgrade(&obj); // error: cannot create weak reference ...
    /// ```
    pub fn downgrade(this: &Py<T>) -> WeakRef<T>
    where
        T: WeakReferenceable,
    {
        WeakRef(Arc::downgrade(&this.0))
    }

    /// A weak reference, or the `TypeError` CPython raises for a class
    /// whose instances do not support weak references:
    /// `cannot create weak reference to 'P' object`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, __weakref__)]
    /// struct Node { x: i64 }
    ///
    /// let n = Py::new(Node::new(1));
    /// assert!(Py::try_downgrade(&n)?.upgrade().is_some());
    /// let p = Py::new(Point::new(1.0, 2.0));      // no __weakref__
    /// assert_eq!(Py::try_downgrade(&p).unwrap_err().to_string(), "cannot create weak reference to 'Point' object");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn try_downgrade(this: &Py<T>) -> Result<WeakRef<T>, Error> {
        if T::LAYOUT.has_weakref {
            Ok(WeakRef(Arc::downgrade(&this.0)))
        } else {
            Err(Error::type_error(format!("cannot create weak reference to '{}' object", T::LAYOUT.name)))
        }
    }

    /// How many strong handles share the object (Python's
    /// `sys.getrefcount`, less its own temporary reference).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0));
    /// let q = p.clone();
    /// assert_eq!(Py::strong_count(&p), 2);
    /// drop(q);
    /// assert_eq!(Py::strong_count(&p), 1);
    /// ```
    pub fn strong_count(this: &Py<T>) -> usize {
        Arc::strong_count(&this.0)
    }
}

/// `==` is identity, as Python's default `__eq__`: two handles are equal
/// when they are the same object.
impl<T: PyClass> PartialEq for Py<T> {
    fn eq(&self, other: &Py<T>) -> bool {
        Py::is(self, other)
    }
}

impl<T: PyClass> Eq for Py<T> {}

/// Hashes the object's identity, as Python's default `__hash__`.
impl<T: PyClass> std::hash::Hash for Py<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::ptr::hash(Arc::as_ptr(&self.0), state);
    }
}

impl<T: PyClass> Clone for Py<T> {
    fn clone(&self) -> Self {
        Py(Arc::clone(&self.0))
    }
}

/// Python's default `repr`: `<Point object at 0x55d0c8a4b2a0>`.
impl<T: PyClass> fmt::Display for Py<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} object at {:p}>", T::LAYOUT.name, Arc::as_ptr(&self.0))
    }
}

impl<T: PyClass> fmt::Debug for Py<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match borrow::peek(&self.0.value) {
            Some(guard) => fmt::Debug::fmt(&*guard, f),
            None => fmt::Display::fmt(self, f),
        }
    }
}

/// A weak reference to an instance of `T` (Python's `weakref.ref`).
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(value, __weakref__)]
/// struct Node { value: i64 }
///
/// let node = Py::new(Node::new(42));
/// let weak = Py::try_downgrade(&node)?;
/// assert!(weak.upgrade().is_some());
/// drop(node);
/// assert!(weak.upgrade().is_none());
/// # Ok::<(), pyslots::Error>(())
/// ```
pub struct WeakRef<T: PyClass>(Weak<Cell<T>>);

impl<T: PyClass> WeakRef<T> {
    /// The object, if it is still alive (calling a Python weakref): `None`
    /// once its last handle dropped, or once the cycle collector found it
    /// garbage (even before its memory is freed).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, __weakref__)]
    /// struct Node { x: i64 }
    ///
    /// let n = Py::new(Node::new(1));
    /// let w = Py::downgrade(&n);
    /// assert_eq!(w.upgrade().map(|n| *n.read().x().unwrap()), Some(1));
    /// drop(n);
    /// assert!(w.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Py<T>> {
        let cell = {
            let _no_collection = gc::upgrading();
            self.0.upgrade()?
        };
        (!cell.gc.is_dead()).then_some(Py(cell))
    }
}

impl<T: PyClass> Clone for WeakRef<T> {
    fn clone(&self) -> Self {
        WeakRef(Weak::clone(&self.0))
    }
}

impl<T: PyClass> fmt::Debug for WeakRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.upgrade() {
            Some(p) => write!(f, "<weakref; to '{}' at {:p}>", T::LAYOUT.name, Arc::as_ptr(&p.0)),
            None => f.write_str("<weakref; dead>"),
        }
    }
}

/// A shared handle to an object of any class: what [`Value::Object`]
/// holds, and how objects of different classes are kept together.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// struct City { name: String }
///
/// #[pyclass_like]
/// #[slots(name)]
/// struct Country { name: String }
///
/// let things: Vec<PyObject> = vec![
///     Py::new(City::new("Oslo".into())).into_object(),
///     Py::new(Country::new("Norway".into())).into_object(),
/// ];
/// let names: Vec<String> = things.iter()
///     .map(|o| o.read().getattr("name").unwrap().to_string())
///     .collect();
/// assert_eq!(names, ["'Oslo'", "'Norway'"]);
/// ```
#[derive(Clone)]
pub struct PyObject(Arc<dyn ErasedCell>);

impl PyObject {
    /// Borrows the object for reading, as [`Py::read`].
    ///
    /// # Panics
    ///
    /// With `Already mutably borrowed` if this thread writes it.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert_eq!(p.read().getattr("x")?, Value::Float(1.0));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    #[track_caller]
    pub fn read(&self) -> PyRef<'_, dyn Object> {
        self.try_read().unwrap_or_else(|e| borrow::panic_conflict(e))
    }

    /// Borrows the object for writing, as [`Py::write`].
    ///
    /// # Panics
    ///
    /// With `Already borrowed` or `Already mutably borrowed` if this
    /// thread borrows it already.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// p.write().setattr("x", Value::Float(9.0))?;
    /// assert_eq!(p.getattr("x")?, Value::Float(9.0));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    #[track_caller]
    pub fn write(&self) -> PyRefMut<'_, dyn Object> {
        self.try_write().unwrap_or_else(|e| borrow::panic_conflict(e))
    }

    /// Borrows the object for reading, or the `RuntimeError` of
    /// [`Py::try_read`].
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// let writing = p.write();
    /// assert_eq!(p.try_read().unwrap_err().to_string(), "Already mutably borrowed");
    /// drop(writing);
    /// assert!(p.try_read().is_ok());
    /// ```
    #[inline]
    pub fn try_read(&self) -> Result<PyRef<'_, dyn Object>, Error> {
        borrow::try_read(self.0.cell())
    }

    /// Borrows the object for writing, or the `RuntimeError` of
    /// [`Py::try_write`].
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// let reading = p.read();
    /// assert_eq!(p.try_write().unwrap_err().to_string(), "Already borrowed");
    /// drop(reading);
    /// assert!(p.try_write().is_ok());
    /// ```
    #[inline]
    pub fn try_write(&self) -> Result<PyRefMut<'_, dyn Object>, Error> {
        borrow::try_write(self.0.cell(), frozen_write)
    }

    /// [`try_write`](PyObject::try_write), with `frozen` the error for a
    /// frozen object.
    #[inline(always)]
    fn write_for(&self, frozen: impl FnOnce() -> Error) -> Result<PyRefMut<'_, dyn Object>, Error> {
        borrow::try_write(self.0.cell(), frozen)
    }

    /// The object's class name, read without locking.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// let writing = p.write();
    /// assert_eq!(p.type_name(), "Point");      // no borrow: not refused while written
    /// drop(writing);
    /// ```
    pub fn type_name(&self) -> &str {
        self.0.layout().name()
    }

    /// The object's class layout, read without locking.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert_eq!(p.layout().slots(), ["x", "y"]);
    /// ```
    pub fn layout(&self) -> LayoutRef<'_> {
        self.0.layout()
    }

    /// Every byte the object costs, as [`Py::total_sizeof`] counts them.
    ///
    /// # Errors
    ///
    /// The `RuntimeError` of [`try_read`](PyObject::try_read) if this
    /// thread writes the object.
    pub fn total_sizeof(&self) -> Result<usize, Error> {
        Ok(object_total(self.0.cell_size(), self.try_read()?.heap_size()))
    }

    /// Whether two handles are the same object (Python's `is`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert!(PyObject::is(&p, &p.clone()));
    /// assert!(!PyObject::is(&p, &Py::new(Point::new(1.0, 2.0)).into_object()));
    /// ```
    pub fn is(a: &PyObject, b: &PyObject) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&a.0), Arc::as_ptr(&b.0))
    }

    /// A new instance of the object's class with every slot unset and an
    /// empty dict: Python's `object.__new__(type(obj))`, what
    /// [`Type::instantiate`] makes of `obj.class()`, without making the
    /// `Type` (the copies' path).
    pub(crate) fn instantiate(&self) -> PyObject {
        self.0.instantiate()
    }

    /// A weak reference (Python's `weakref.ref(obj)`), or CPython's
    /// `TypeError: cannot create weak reference to 'P' object` for a class
    /// whose instances do not support them.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x", "__weakref__"]));
    /// let node = Type::new("Node", &[], ns)?.instantiate()?;
    /// let weak = node.try_downgrade()?;
    /// assert!(weak.upgrade().is_some());
    /// drop(node);
    /// assert!(weak.upgrade().is_none());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn try_downgrade(&self) -> Result<WeakObject, Error> {
        if self.layout().has_weakref() {
            Ok(WeakObject(Arc::downgrade(&self.0)))
        } else {
            Err(Error::type_error(format!("cannot create weak reference to '{}' object", self.type_name())))
        }
    }

    /// The object's class, `type(obj)`, read without locking.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert_eq!(p.class(), Type::of::<Point>());
    /// assert_eq!(p.class().to_string(), "<class 'Point'>");
    /// ```
    pub fn class(&self) -> Type {
        self.0.class()
    }

    /// The object's address, its identity (Python's `id()`).
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as *const () as usize
    }

    /// The typed handle, if the object is a `T`; otherwise the handle back.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, __weakref__)]
    /// struct Node { x: i64 }
    ///
    /// let any = Py::new(Point::new(1.0, 2.0)).into_object();
    /// let any = any.downcast::<Node>().unwrap_err();     // not a Node: the handle back
    /// let p: Py<Point> = any.downcast::<Point>().unwrap();
    /// assert_eq!(*p.read().x()?, 1.0);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn downcast<T: PyClass>(self) -> Result<Py<T>, PyObject> {
        if !self.0.layout().same_class(LayoutRef::of_static(&T::LAYOUT)) {
            return Err(self);
        }
        let keep = self.clone();
        match self.0.into_any().downcast::<Cell<T>>() {
            Ok(cell) => Ok(Py(cell)),
            Err(_) => Err(keep),
        }
    }

    /// `getattr` on the object, borrowing it for the call: the
    /// `RuntimeError` `Already mutably borrowed` if this thread writes it.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// let p = Type::new("P", &[], ns)?.instantiate()?;
    /// p.setattr("x", 1)?;
    /// assert_eq!(p.getattr("x")?, Value::Int(1));
    /// assert_eq!(p.dir()?, ["__slots__", "x"].map(String::from));
    /// p.delattr("x")?;
    /// assert!(!p.hasattr("x")?);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn getattr(&self, name: &str) -> Result<Value, Error> {
        match gil::state() {
            Ok(held) => self.0.getattr_in_scope(self, name, NameKey::of(name).head(), held),
            Err(unheld) => self.0.getattr(self, name, unheld),
        }
    }

    /// `getattr` of an object whose class has methods: what it runs
    /// (properties, hooks) may be user code, which runs with the object
    /// borrowed but without the global lock (outside a scope), so that it
    /// may wait for another thread as any Rust code may.
    #[inline(never)]
    fn getattr_with_methods(&self, name: &str) -> Result<Value, Error> {
        let result = self.try_read()?.getattr(name);
        match result {
            Ok(value) => Ok(bind_found(value, self, name)),
            Err(e) => self.getattr_property(name, e),
        }
    }

    /// After a failed `getattr`: a run-time class's property, whose getter
    /// gets this handle (the owned object could not give it one).
    #[cold]
    fn getattr_property(&self, name: &str, error: Error) -> Result<Value, Error> {
        match self.runtime_property(name) {
            Some((get, _, _)) => match get {
                Some(get) => get.call(&[Value::Object(self.clone())], &[]),
                None => Err(Error::property_missing(self.layout().qualname(), name, "getter")),
            },
            None => Err(error),
        }
    }

    /// The functions of the run-time class's property `name`, if that is
    /// what the name finds.
    fn runtime_property(&self, name: &str) -> Option<(Option<Value>, Option<Value>, Option<Value>)> {
        let layout = self.layout();
        if !layout.has_methods() {
            return None;
        }
        match layout.find_descriptor(name) {
            Some(crate::objects::object::Descriptor::Value(f)) => match f.kind() {
                crate::values::value::FnKind::Property(g, s, d) => Some((g.cloned(), s.cloned(), d.cloned())),
                _ => None,
            },
            _ => None,
        }
    }

    /// `setattr` on the object, borrowing it for the call: the
    /// `RuntimeError` `Already borrowed` (or `Already mutably borrowed`) if
    /// this thread reads (or writes) it.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// p.setattr("x", 3.0)?;
    /// assert_eq!(p.getattr("x")?, Value::Float(3.0));
    /// assert_eq!(p.setattr("z", 0).unwrap_err().to_string(), "'Point' object has no attribute 'z'");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn setattr(&self, name: &str, value: impl Into<Value>) -> Result<(), Error> {
        let mut value = value.into();
        let result = match gil::state() {
            Ok(held) => {
                self.storing(&value);
                self.0.setattr_in_scope(self, name, &mut value, held)
            }
            Err(unheld) => self.0.setattr(self, name, &mut value, unheld),
        };
        // Left a number or `None` (the cell takes anything else): nothing
        // to drop, and the drop glue's call and its load of the tag are
        // skipped.
        debug_assert!(matches!(value, Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_)));
        std::mem::forget(value);
        result
    }

    /// Tells the collector what `value` references before it is stored in
    /// this object, under the lock the store is made under (`gc`'s
    /// "Cycles of a generation's own"): a handle is judged (`gc::stored`),
    /// anything else that may hold one is not (`gc::may_cycle`). The look
    /// at the kind is in line, the rest out of line: a number stored costs
    /// one compare.
    #[inline(always)]
    fn storing(&self, value: &Value) {
        if value.may_be_a_reference() {
            self.storing_reference(value);
        }
    }

    /// [`storing`](PyObject::storing) of a value that may be a reference.
    #[inline(never)]
    pub(crate) fn storing_reference(&self, value: &Value) {
        match value {
            Value::Object(o) => gc::stored(self.0.header(), o.0.header()),
            _ => gc::may_cycle(),
        }
    }

    /// `setattr` of an object whose class has methods, as
    /// [`getattr_with_methods`](PyObject::getattr_with_methods). It takes
    /// `value` from where the caller left it (a tail call, see
    /// `ErasedCell::setattr`).
    #[inline(never)]
    fn setattr_with_methods(&self, name: &str, value: &mut Value) -> Result<(), Error> {
        let value = std::mem::take(value);
        if let Some((_, set, _)) = self.runtime_property(name) {
            return match set {
                Some(set) => set.call(&[Value::Object(self.clone()), value], &[]).map(drop),
                None => Err(Error::property_missing(self.layout().qualname(), name, "setter")),
            };
        }
        self.write_for(|| Error::frozen_assign(name))?.setattr(name, value)
    }

    /// `delattr` on the object, borrowing it for the call, as
    /// [`setattr`](PyObject::setattr).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// p.delattr("y")?;
    /// assert_eq!(p.getattr("y").unwrap_err().to_string(), "'Point' object has no attribute 'y'");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn delattr(&self, name: &str) -> Result<(), Error> {
        if let Some((_, _, del)) = self.runtime_property(name) {
            return match del {
                Some(del) => del.call(&[Value::Object(self.clone())], &[]).map(drop),
                None => Err(Error::property_missing(self.layout().qualname(), name, "deleter")),
            };
        }
        self.write_for(|| Error::frozen_delete(name))?.delattr(name)
    }

    /// `hasattr` on the object, borrowing it for the call, as
    /// [`getattr`](PyObject::getattr).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert!(p.hasattr("y")?);
    /// assert!(!p.hasattr("z")?);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn hasattr(&self, name: &str) -> Result<bool, Error> {
        let found = self.try_read()?.hasattr(name);
        Ok(found || self.runtime_property(name).is_some() && self.getattr(name).is_ok())
    }

    /// `dir` on the object, borrowing it for the call, as
    /// [`getattr`](PyObject::getattr).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let p = Py::new(Point::new(1.0, 2.0)).into_object();
    /// assert_eq!(p.dir()?, ["__slots__", "x", "y"]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn dir(&self) -> Result<Vec<String>, Error> {
        Ok(self.try_read()?.dir())
    }
}

/// A weak reference to an object of any class (Python's `weakref.ref`);
/// see [`PyObject::try_downgrade`].
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, __weakref__)]
/// struct Node { x: i64 }
///
/// let n = Py::new(Node::new(1)).into_object();
/// let w: pyslots::WeakObject = n.try_downgrade()?;
/// assert!(w.upgrade().is_some());
/// drop(n);
/// assert!(w.upgrade().is_none());
/// # Ok::<(), pyslots::Error>(())
/// ```
#[derive(Clone)]
pub struct WeakObject(Weak<dyn ErasedCell>);

impl WeakObject {
    /// The object, if it is still alive: `None` once its last handle
    /// dropped, or once the cycle collector found it garbage.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, __weakref__)]
    /// struct Node { x: i64 }
    ///
    /// let n = Py::new(Node::new(1)).into_object();
    /// let w = n.try_downgrade()?;
    /// assert_eq!(w.upgrade().map(|n| n.type_name().to_string()).as_deref(), Some("Node"));
    /// drop(n);
    /// assert!(w.upgrade().is_none());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn upgrade(&self) -> Option<PyObject> {
        let cell = {
            let _no_collection = gc::upgrading();
            self.0.upgrade()?
        };
        (!cell.header().is_dead()).then_some(PyObject(cell))
    }
}

impl fmt::Debug for WeakObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.upgrade() {
            Some(p) => write!(f, "<weakref; to '{}' at {:p}>", p.type_name(), Arc::as_ptr(&p.0) as *const ()),
            None => f.write_str("<weakref; dead>"),
        }
    }
}

/// `==` is identity, as Python's default `__eq__`.
impl PartialEq for PyObject {
    fn eq(&self, other: &PyObject) -> bool {
        PyObject::is(self, other)
    }
}

impl Eq for PyObject {}

/// Hashes the object's identity, as Python's default `__hash__`.
impl std::hash::Hash for PyObject {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::ptr::hash(Arc::as_ptr(&self.0) as *const (), state);
    }
}

/// Python's default `repr`: `<Point object at 0x55d0c8a4b2a0>`; the
/// class's `__repr__` if it defines one (and the object is not borrowed
/// for writing by this thread).
impl fmt::Display for PyObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(repr) = self.layout().find_hook(|t| t.repr) {
            if let Ok(obj) = self.try_read() {
                return f.write_str(&repr(&*obj));
            }
        }
        write!(f, "<{} object at {:p}>", self.type_name(), Arc::as_ptr(&self.0) as *const ())
    }
}

impl fmt::Debug for PyObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PyObject {
    /// Calls method `name` of the object (`obj.name(*args, **kwargs)`),
    /// borrowing it for reading or writing as the method's receiver needs
    /// (`&self` or `&mut self`) for the call only: a re-entrant call that
    /// conflicts is the `RuntimeError` `Already borrowed` (or `Already
    /// mutably borrowed`), never a hang. Anything else callable that
    /// `getattr` finds is called with the object unborrowed.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(count)]
    /// struct Counter { count: i64 }
    ///
    /// #[methods]
    /// impl Counter {
    ///     fn add(&mut self, by: i64) -> Result<i64, Error> {
    ///         let now = self.count().copied().unwrap_or(0) + by;
    ///         self.set_count(now);
    ///         Ok(now)
    ///     }
    /// }
    ///
    /// let c = Py::new(Counter::new(1)).into_object();
    /// assert_eq!(c.call_method("add", &[Value::Int(2)], &[])?, Value::Int(3));
    /// assert_eq!(c.getattr("count")?, Value::Int(3));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn call_method(&self, name: &str, args: &[Value], kwargs: &[(&str, Value)]) -> Result<Value, Error> {
        let def = self.try_read()?.method_to_call(name);
        if let Some(def) = def {
            return self.call_def(def, args, kwargs);
        }
        self.getattr(name)?.call(args, kwargs)
    }

    /// Calls `def` with the object as its receiver, locked as it needs.
    pub(crate) fn call_def(
        &self,
        def: &crate::objects::object::MethodDef,
        args: &[Value],
        kwargs: &[(&str, Value)],
    ) -> Result<Value, Error> {
        use crate::objects::object::Body;
        match def.body {
            Body::Ref(f) => f(&*self.try_read()?, args, kwargs),
            Body::Mut(f) => f(&mut *self.try_write()?, args, kwargs),
            Body::Static(f) => f(args, kwargs),
        }
    }
}

/// What `getattr` through a handle gives: a method the class defines,
/// found by the lookup (not a function stored in the instance dict),
/// bound to the object.
fn bind_found(value: Value, obj: &PyObject, name: &str) -> Value {
    if let Value::Function(f) = &value {
        // A run-time class's function, found by the lookup (not an entry
        // of the instance dict): bound to the handle.
        if let crate::values::value::FnKind::Function = f.kind() {
            if let Some(crate::objects::object::Descriptor::Value(g)) = obj.layout().find_descriptor(name) {
                if crate::values::value::PyFunction::is(f, &g) {
                    return Value::Function(crate::values::value::PyFunction::bound_value(
                        f,
                        Value::Object(obj.clone()),
                    ));
                }
            }
        }
        if let Some(def) = f.unbound_method() {
            if !matches!(def.body, crate::objects::object::Body::Static(_)) {
                if let Some(crate::objects::object::Descriptor::Method(found, _)) = obj.layout().find_descriptor(name) {
                    // Tables are constants, copied where used: compare names.
                    if found.sig.qualname == def.sig.qualname {
                        return Value::Function(crate::values::value::PyFunction::bound(def, obj.clone()));
                    }
                }
            }
        }
    }
    value
}

// ---------------------------------------------------------------------------
// What the cycle collector sees of a cell.

impl<T: CellValue> gc::Node for Cell<T> {
    fn header(&self) -> &gc::Header {
        &self.gc
    }
    fn try_traverse(&self, visit: &mut gc::Visit<'_>) -> bool {
        if T::traverses_plainly(&self.class) {
            return self.traverse_unmarked(visit);
        }
        let Ok(obj) = self.value.try_shared(visit.held()) else { return false };
        obj.traverse_in_cell(&self.class, visit);
        obj.release(visit.held());
        true
    }
    fn try_lock(&self) -> Option<Box<dyn gc::Locked + '_>> {
        let class = self.class_node();
        if let Some(obj) = self.value.get() {
            return Some(Box::new(FrozenLocked(obj, class)));
        }
        let guard = gil::hold(|held| self.value.try_exclusive_to_clear(held).ok())?;
        Some(Box::new(ObjectLocked(guard, class)))
    }
    fn class_node(&self) -> Option<&gc::Header> {
        T::class_node(&self.class)
    }
    fn clear(&self) {
        // CPython's `tp_clear`: the references go, the object stays, for
        // its `Drop` to run once when the last of them is gone. They drop
        // after the lock is released.
        let held =
            gil::hold(|held| self.value.try_exclusive_to_clear(held).ok().map(|mut obj| take_references(&mut *obj)));
        drop(held);
    }
    fn is_object(&self) -> bool {
        true
    }
    fn immutable(&self) -> bool {
        // A frozen object cannot be cleared (it is read with no borrow):
        // as a tuple, it is freed by clearing what holds it.
        self.value.is_frozen()
    }
}

impl<T: CellValue> Cell<T> {
    /// [`try_traverse`](gc::Node::try_traverse) of an object whose
    /// traversal is the runtime's own code (`CellValue::traverses_plainly`),
    /// read with no mark: a young collection's every object, 12
    /// instructions fewer each (the flag's two stores, and the look for a
    /// waiting writer after).
    #[inline(always)]
    #[allow(unsafe_code)] // the collector's read with no mark: see `PyCell::get_unmarked`
    fn traverse_unmarked(&self, visit: &mut gc::Visit<'_>) -> bool {
        // SAFETY: the traversal is the runtime's own code (`Value::traverse`
        // and the instance's): it only reports headers to the collector,
        // which counts them; it borrows nothing, waits for nothing, tracks
        // or drops nothing and runs no user code, and the collector holds
        // the lock throughout (`visit.held()`).
        match unsafe { self.value.get_unmarked(visit.held()) } {
            Some(obj) => {
                obj.traverse_in_cell(&self.class, visit);
                true
            }
            None => false,
        }
    }
}

/// An object the collector marked written while it confirms it garbage,
/// and its cell's class node.
struct ObjectLocked<'a, T: CellValue>(Exclusive<'a, T>, Option<&'a gc::Header>);

impl<T: CellValue> gc::Locked for ObjectLocked<'_, T> {
    fn traverse(&self, visit: &mut gc::Visit<'_>) {
        self.0.traverse(visit);
        self.1.into_iter().for_each(|h| visit.node(h));
    }
}

/// A frozen object, read by the collector as it confirms it garbage, and
/// its cell's class node.
struct FrozenLocked<'a, T: CellValue>(&'a T, Option<&'a gc::Header>);

impl<T: CellValue> gc::Locked for FrozenLocked<'_, T> {
    fn traverse(&self, visit: &mut gc::Visit<'_>) {
        self.0.traverse(visit);
        self.1.into_iter().for_each(|h| visit.node(h));
    }
}

/// The error of a write borrow of a frozen object through a handle.
#[cold]
fn frozen_write() -> Error {
    Error::frozen_write()
}

impl<T: PyClass> Py<T> {
    /// Reports this handle to the collector (see [`Value::traverse`]).
    #[inline]
    pub fn traverse(&self, visit: &mut gc::Visit<'_>) {
        visit.node(&self.0.gc);
    }
}

impl PyObject {
    /// Reports this handle to the collector (see [`Value::traverse`]).
    #[inline]
    pub fn traverse(&self, visit: &mut gc::Visit<'_>) {
        visit.node(self.0.header());
    }
}
