//! Borrowing an object through a handle: [`PyRef`] and [`PyRefMut`], the
//! guards of [`Py::read`](crate::Py::read) and [`Py::write`](crate::Py::write).
//!
//! Every object sits behind a read-write lock (parking_lot's: one word, no
//! poisoning). Before it locks, a thread consults a record of the objects
//! it already borrows, so that a conflict with itself is an error instead
//! of a hang, as PyO3 (and `RefCell`) report it:
//!
//! - writing while this thread reads the object: `Already borrowed`;
//! - reading or writing while this thread writes it: `Already mutably
//!   borrowed`;
//! - reading while this thread reads it: allowed, and taken with
//!   `read_recursive`, which does not queue behind a writer waiting on
//!   another thread (std's lock would, and deadlock).
//!
//! Across threads, access waits as a read-write lock's does.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::{Deref, DerefMut};

use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::Error;

/// The message of writing an object this thread reads.
pub(crate) const ALREADY_BORROWED: &str = "Already borrowed";
/// The message of borrowing an object this thread writes.
pub(crate) const ALREADY_MUTABLY_BORROWED: &str = "Already mutably borrowed";

/// How this thread holds an object: a count of reads, or this.
const WRITING: u32 = u32::MAX;

/// Borrows a thread records without allocating; more go to [`MORE`].
const INLINE: usize = 8;

thread_local! {
    /// The locks this thread holds a guard of: the lock's address and how
    /// (a count of reads, or [`WRITING`]), the first [`INLINE`] of them in
    /// `Cell`s (const-initialised, no destructor: an access is an offset
    /// from the thread pointer, nothing to check), `LEN` of them in use.
    static HELD: [Cell<(usize, u32)>; INLINE] = const { [const { Cell::new((0, 0)) }; INLINE] };
    static LEN: Cell<usize> = const { Cell::new(0) };
    /// The rest, rarely used: a thread seldom holds more than a few.
    static MORE: RefCell<Vec<(usize, u32)>> = const { RefCell::new(Vec::new()) };
}

fn address<T: ?Sized>(lock: &RwLock<T>) -> usize {
    (lock as *const RwLock<T>).cast::<()>() as usize
}

/// Records the borrow of the lock at `addr` this thread now takes, given
/// what it already holds: `Ok(true)` if it already reads it.
#[inline]
fn enter(addr: usize, write: bool) -> Result<bool, Error> {
    // The common case, a thread that borrows nothing else, in a few
    // instructions.
    if LEN.with(Cell::get) == 0 {
        HELD.with(|held| held[0].set((addr, if write { WRITING } else { 1 })));
        LEN.with(|l| l.set(1));
        return Ok(false);
    }
    enter_held(addr, write)
}

/// [`enter`] on a thread that holds other borrows.
#[inline(never)]
fn enter_held(addr: usize, write: bool) -> Result<bool, Error> {
    let state = if write { WRITING } else { 1 };
    let len = LEN.with(Cell::get);
    if len <= INLINE {
        let found = HELD.with(|held| {
            let held = &held[..len];
            let i = held.iter().position(|e| e.get().0 == addr)?;
            Some(update(&held[i], write))
        });
        return match found {
            Some(again) => again,
            None if len < INLINE => {
                HELD.with(|held| held[len].set((addr, state)));
                LEN.with(|l| l.set(len + 1));
                Ok(false)
            }
            None => enter_more(addr, write),
        };
    }
    enter_more(addr, write)
}

/// A borrow of a lock this thread already holds as `entry` says.
#[inline]
fn update(entry: &Cell<(usize, u32)>, write: bool) -> Result<bool, Error> {
    match entry.get() {
        (_, WRITING) => Err(conflict(ALREADY_MUTABLY_BORROWED)),
        _ if write => Err(conflict(ALREADY_BORROWED)),
        (addr, readers) => {
            entry.set((addr, readers + 1));
            Ok(true)
        }
    }
}

/// [`enter`] once the inline record is full.
#[cold]
fn enter_more(addr: usize, write: bool) -> Result<bool, Error> {
    let inline = HELD.with(|held| held.iter().position(|e| e.get().0 == addr).map(|i| update(&held[i], write)));
    if let Some(again) = inline {
        return again;
    }
    MORE.with(|more| {
        let mut more = more.borrow_mut();
        match more.iter().position(|e| e.0 == addr) {
            Some(i) => {
                let entry = Cell::new(more[i]);
                let again = update(&entry, write);
                more[i] = entry.get();
                again
            }
            None => {
                more.push((addr, if write { WRITING } else { 1 }));
                LEN.with(|l| l.set(l.get() + 1));
                Ok(false)
            }
        }
    })
}

#[cold]
fn conflict(message: &'static str) -> Error {
    Error::runtime_error(message)
}

/// The entry after one borrow of it ends; `None` when none is left.
#[inline]
fn released((addr, state): (usize, u32)) -> Option<(usize, u32)> {
    match state {
        WRITING | 1 => None,
        readers => Some((addr, readers - 1)),
    }
}

/// Removes one borrow of the lock at `addr` from this thread's record.
#[inline]
fn leave(addr: usize) {
    // The common case: the thread's only borrow, taken once, ends.
    if LEN.with(Cell::get) == 1 && HELD.with(|held| matches!(held[0].get(), (a, WRITING | 1) if a == addr)) {
        LEN.with(|l| l.set(0));
        return;
    }
    leave_held(addr);
}

/// [`leave`] on a thread that holds other borrows.
#[inline(never)]
fn leave_held(addr: usize) {
    let len = LEN.with(Cell::get);
    let done = len <= INLINE
        && HELD.with(|held| {
            let Some(i) = held[..len].iter().rposition(|e| e.get().0 == addr) else { return false };
            match released(held[i].get()) {
                Some(entry) => held[i].set(entry),
                None => {
                    held[i].set(held[len - 1].get());
                    LEN.with(|l| l.set(len - 1));
                }
            }
            true
        });
    if !done {
        leave_more(addr, len);
    }
}

/// [`leave`] once the inline record is full.
#[cold]
fn leave_more(addr: usize, len: usize) {
    let _ = MORE.try_with(|more| {
        let mut more = more.borrow_mut();
        if let Some(i) = more.iter().rposition(|e| e.0 == addr) {
            match released(more[i]) {
                Some(entry) => more[i] = entry,
                None => {
                    more.swap_remove(i);
                    LEN.with(|l| l.set(len - 1));
                }
            }
            return;
        }
        drop(more);
        // Inline, with the overflow in use: no entry moves into the gap, so
        // it becomes a free entry (address 0) that `enter` skips over.
        HELD.with(|held| {
            if let Some(i) = held.iter().rposition(|e| e.get().0 == addr) {
                held[i].set(released(held[i].get()).unwrap_or((0, 0)));
            }
        });
    });
}

/// Reads `lock`, or the error of a conflict with this thread's own borrow.
#[inline]
pub(crate) fn try_read<T: ?Sized>(lock: &RwLock<T>) -> Result<PyRef<'_, T>, Error> {
    let addr = address(lock);
    let again = enter(addr, false)?;
    let guard = if again { lock.read_recursive() } else { lock.read() };
    Ok(PyRef { guard, addr })
}

/// Writes `lock`, or the error of a conflict with this thread's own borrow.
#[inline]
pub(crate) fn try_write<T: ?Sized>(lock: &RwLock<T>) -> Result<PyRefMut<'_, T>, Error> {
    let addr = address(lock);
    enter(addr, true)?;
    Ok(PyRefMut { guard: lock.write(), addr })
}

/// Panics with the error's message, as `RefCell::borrow` does.
#[cold]
#[track_caller]
pub(crate) fn panic_conflict(e: Error) -> ! {
    panic!("{e}")
}

/// A read borrow of an object (`T` is the class, or `dyn Object`): what
/// [`Py::read`](crate::Py::read) and [`PyObject::read`](crate::PyObject::read)
/// return. Dereferences to the object; dropping it ends the borrow. Stays
/// on the thread that made it.
pub struct PyRef<'a, T: ?Sized> {
    guard: RwLockReadGuard<'a, T>,
    addr: usize,
}

impl<T: ?Sized> Deref for PyRef<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: ?Sized> Drop for PyRef<'_, T> {
    #[inline]
    fn drop(&mut self) {
        leave(self.addr);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for PyRef<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// A write borrow of an object: what [`Py::write`](crate::Py::write) and
/// [`PyObject::write`](crate::PyObject::write) return. Dereferences to the
/// object, mutably; dropping it ends the borrow. Stays on the thread that
/// made it.
pub struct PyRefMut<'a, T: ?Sized> {
    guard: RwLockWriteGuard<'a, T>,
    addr: usize,
}

impl<T: ?Sized> Deref for PyRefMut<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: ?Sized> DerefMut for PyRefMut<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T: ?Sized> Drop for PyRefMut<'_, T> {
    #[inline]
    fn drop(&mut self) {
        leave(self.addr);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for PyRefMut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
