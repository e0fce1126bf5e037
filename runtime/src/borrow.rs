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

use std::cell::RefCell;
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

thread_local! {
    /// The locks this thread holds a guard of: the lock's address and how
    /// (a count of reads, or [`WRITING`]). Short: a thread rarely holds
    /// more than a few guards at once.
    static HELD: RefCell<Vec<(usize, u32)>> = const { RefCell::new(Vec::new()) };
}

fn address<T: ?Sized>(lock: &RwLock<T>) -> usize {
    (lock as *const RwLock<T>).cast::<()>() as usize
}

/// What this thread already holds of the lock at `addr`, recorded as the
/// borrow it now takes: `Ok(true)` if it already reads it.
#[inline]
fn enter(addr: usize, write: bool) -> Result<bool, Error> {
    HELD.with(|held| {
        let mut held = held.borrow_mut();
        match held.iter_mut().rev().find(|(a, _)| *a == addr) {
            None => {
                held.push((addr, if write { WRITING } else { 1 }));
                Ok(false)
            }
            Some((_, WRITING)) => Err(conflict(ALREADY_MUTABLY_BORROWED)),
            Some(_) if write => Err(conflict(ALREADY_BORROWED)),
            Some((_, readers)) => {
                *readers += 1;
                Ok(true)
            }
        }
    })
}

#[cold]
fn conflict(message: &'static str) -> Error {
    Error::runtime_error(message)
}

/// Removes one borrow of the lock at `addr` from this thread's record.
#[inline]
fn leave(addr: usize) {
    // `try_with`: a guard may be dropped by another thread-local's
    // destructor, after this one's.
    let _ = HELD.try_with(|held| {
        let mut held = held.borrow_mut();
        if let Some(i) = held.iter().rposition(|(a, _)| *a == addr) {
            match held[i].1 {
                WRITING | 1 => {
                    held.swap_remove(i);
                }
                _ => held[i].1 -= 1,
            }
        }
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
