//! `PyCell<T>`: an object and its borrow flag, the one place in pyslots
//! that lends an object shared between threads; the only module with
//! `unsafe` code but two calls (`handle.rs`'s read and write with no mark,
//! point 6).
//!
//! It is a read-write lock whose state word is changed only under the
//! global interpreter lock (`gil.rs`): a [`Held`] proves the caller holds
//! it, so reading and changing the word are a relaxed load and a relaxed
//! store (plain `mov`s), where `parking_lot::RwLock` needs an atomic
//! read-modify-write to take and another to release (5 to 8 ns each on the
//! CPUs the benchmarks run on; see ARCHITECTURE.md, "Handles").
//!
//! Soundness, the whole argument:
//!
//! 1. The flag is [`FREE`], a count of readers (`1..FROZEN`), [`WRITING`],
//!    or, for a frozen class's object (read by anyone, never written once
//!    shared), [`FROZEN`] plus its count of readers: a frozen cell's flag
//!    has the `FROZEN` bit from its creation and never loses it, and is
//!    never `FREE` or `WRITING`. A [`Shared`] guard exists only while the
//!    flag counts it among the readers, an [`Exclusive`] guard only while
//!    the flag is `WRITING` for it: each guard's constructor set the flag
//!    so, and only its drop undoes that. [`PyCell::get`] lends a frozen
//!    object with no guard: no `Exclusive` of it can exist.
//! 2. Every write of a flag, and every read that decides a borrow,
//!    happens while the thread holds the global lock (the methods take a
//!    [`Held`], which only `gil.rs` makes, for the thread holding it). So
//!    two threads never decide a borrow of the same cell at once, and a
//!    decision sees every earlier change: the lock's release and acquire
//!    order them.
//! 3. Hence while an `Exclusive` exists no other guard of the cell does,
//!    and while a `Shared` exists no `Exclusive` does: the references the
//!    guards hand out follow Rust's aliasing rules, as an `RwLock`'s do.
//! 4. What one thread wrote through a guard happens before what another
//!    reads through its own: the first thread dropped its guard under the
//!    lock (release) before the second took its guard under the lock
//!    (acquire).
//! 5. The cell is `Sync` when `T` is `Send + Sync` and `Send` when `T` is
//!    `Send`, std's `RwLock` bounds: a shared reference to the cell lends
//!    `&T` to several threads (needs `Sync`) and `&mut T` to one of them
//!    (needs `Send`).
//! 6. [`PyCell::get_unmarked`] lends `&T` with no mark, to a caller that
//!    holds the lock for as long as the reference lives and runs nothing
//!    meanwhile that could make a guard or let the lock go (an `unsafe`
//!    promise: `handle.rs` keeps it for a set slot that the runtime's own
//!    code reads, a name lookup and a clone, `ObjectStorage::getattr_plain`). It checks the flag is not `WRITING`, so no
//!    `Exclusive` exists; by point 2 no other thread makes one before the
//!    lock is let go, and by the promise this thread makes none: no `&mut
//!    T` exists while the `&T` does. [`PyCell::get_unmarked_mut`] lends
//!    `&mut T` the same way if the flag is `FREE` (no guard at all), for
//!    a number written over a number.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::handles::gc;
use crate::handles::gil::{self, Held};

/// Nobody borrows the object.
const FREE: usize = 0;
/// One thread writes it.
const WRITING: usize = usize::MAX;
/// The bit of a frozen object's flag (its readers counted below it):
/// readable by anyone, never writable through the cell. A count of
/// readers never reaches it (each reader is a guard in memory), so a
/// read's check is one compare (with `WRITING`) and the end of the last
/// read is a flag of 0, whether the object is frozen or not.
const FROZEN: usize = 1 << (usize::BITS - 2);

/// An object and its borrow flag (see the module's documentation).
pub(crate) struct PyCell<T: ?Sized> {
    flag: AtomicUsize,
    value: UnsafeCell<T>,
}

// SAFETY: the cell lends `&T` to any number of threads and `&mut T` to one
// thread at a time, never both (points 1-3 of the module's argument), so it
// needs exactly `RwLock`'s bounds: `Send + Sync` for `Sync`.
unsafe impl<T: ?Sized + Send + Sync> Sync for PyCell<T> {}
// `Send` is automatic: `UnsafeCell<T>` is `Send` when `T` is.

impl<T> PyCell<T> {
    /// A cell holding `value`, borrowed by nobody.
    pub(crate) fn new(value: T) -> PyCell<T> {
        PyCell { flag: AtomicUsize::new(FREE), value: UnsafeCell::new(value) }
    }

    /// A frozen cell: every [`try_shared`](PyCell::try_shared) succeeds
    /// and [`get`](PyCell::get) reads it, every
    /// [`try_exclusive`](PyCell::try_exclusive) fails.
    pub(crate) fn frozen(value: T) -> PyCell<T> {
        PyCell { flag: AtomicUsize::new(FROZEN), value: UnsafeCell::new(value) }
    }
}

/// How a borrow of a cell went.
pub(crate) enum Busy {
    /// Another borrow is in the way: a writer (for a read), any borrow
    /// (for a write).
    Borrowed,
    /// The cell is frozen (for a write).
    Frozen,
}

impl<T: ?Sized> PyCell<T> {
    /// The object, through a unique reference: no guard can exist.
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Whether the cell is frozen (made by [`PyCell::frozen`]).
    #[inline]
    pub(crate) fn is_frozen(&self) -> bool {
        // The bit is set when the cell is made and never changed (readers
        // change the count below it): no lock needed.
        // `FROZEN` plus fewer readers than `FROZEN`: the top two bits 01
        // (`WRITING` has both set).
        self.flag.load(Relaxed) >> (usize::BITS - 2) == 1
    }

    /// A frozen object's contents, with no borrow at all.
    #[inline]
    pub(crate) fn get(&self) -> Option<&T> {
        if !self.is_frozen() {
            return None;
        }
        // SAFETY: the flag has the `FROZEN` bit from the cell's creation on
        // and no method clears it (readers change the count below it), so
        // it is never `FREE`: no `Exclusive` guard of this cell ever exists
        // (only a `FREE` flag lets one be made) and no `&mut T` is lent but
        // through `get_mut`, which needs the cell unshared.
        Some(unsafe { &*self.value.get() })
    }

    /// The object, read with no mark in the flag, if no thread writes it:
    /// for a look so short and closed that the flag's store and the
    /// record's (a chain of dependent loads and stores through memory on
    /// every read) cost more than it does.
    ///
    /// # Safety
    ///
    /// While the reference lives, this thread must run nothing that could
    /// borrow an object behind a handle, let the global lock go (wait for
    /// a borrow, `allow_threads`, wait for a container's lock), track a
    /// node or collect, or drop anything that owns an object or runs user
    /// code. Then nothing writes the object meanwhile: no `Exclusive`
    /// exists now (the flag is not `WRITING`), no other thread can make
    /// one before this thread lets the lock go (point 2 of the module's
    /// argument: making one needs the lock, which `held` proves this
    /// thread holds until `'a` ends), and this thread makes none.
    #[inline(always)]
    pub(crate) unsafe fn get_unmarked<'a>(&'a self, _: Held<'a>) -> Option<&'a T> {
        if self.flag.load(Relaxed) == WRITING {
            return None;
        }
        // SAFETY: no `Exclusive` guard exists and none is made while the
        // reference lives (the caller's promise, above); readers on other
        // threads hold `&T` too, which `T: Sync` (the cell's `Sync` bound)
        // allows.
        Some(unsafe { &*self.value.get() })
    }

    /// The object, to write with no mark in the flag, if nobody borrows
    /// it: [`get_unmarked`](PyCell::get_unmarked) for a write as short and
    /// closed (a number over a number).
    ///
    /// # Safety
    ///
    /// As for [`get_unmarked`](PyCell::get_unmarked), and the caller holds
    /// no other reference this cell lent while this one lives.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn get_unmarked_mut<'a>(&'a self, _: Held<'a>) -> Option<&'a mut T> {
        if self.flag.load(Relaxed) != FREE {
            return None;
        }
        // SAFETY: a `FREE` flag counts no guard, so none exists (point 1);
        // no other thread makes one, or reads with no mark, before this
        // thread lets the lock go (point 2: both need the lock, and an
        // unmarked reference ends before its holder lets it go), and this
        // thread makes none and holds no other reference meanwhile (the
        // caller's promise): the reference is unique while it lives.
        Some(unsafe { &mut *self.value.get() })
    }

    /// Marks the cell read, if no thread writes it.
    #[inline(always)]
    pub(crate) fn try_shared(&self, _: Held<'_>) -> Result<Shared<'_, T>, Busy> {
        let flag = self.flag.load(Relaxed);
        if flag == WRITING {
            return Err(Busy::Borrowed);
        }
        self.flag.store(flag + 1, Relaxed);
        Ok(Shared { cell: self })
    }

    /// Marks the cell written, if no thread borrows it.
    #[inline(always)]
    pub(crate) fn try_exclusive(&self, held: Held<'_>) -> Result<Exclusive<'_, T>, Busy> {
        let guard = self.try_exclusive_to_clear(held)?;
        // What the writer stores is not seen (`gc`'s "Cycles of a generation's own").
        gc::may_cycle();
        Ok(guard)
    }

    /// [`try_exclusive`](PyCell::try_exclusive) for the collector, which
    /// only takes references out (or looks): no store to judge.
    #[inline(always)]
    pub(crate) fn try_exclusive_to_clear(&self, _: Held<'_>) -> Result<Exclusive<'_, T>, Busy> {
        match self.flag.load(Relaxed) {
            FREE => {
                self.flag.store(WRITING, Relaxed);
                Ok(Exclusive { cell: self })
            }
            WRITING => Err(Busy::Borrowed),
            flag if flag & FROZEN != 0 => Err(Busy::Frozen),
            _ => Err(Busy::Borrowed),
        }
    }

    /// Marks the cell read if no thread writes it: the fast path of a
    /// borrow, one compare.
    #[inline(always)]
    pub(crate) fn try_shared_fast(&self, _: Held<'_>) -> Option<Shared<'_, T>> {
        let flag = self.flag.load(Relaxed);
        if flag == WRITING {
            return None;
        }
        self.flag.store(flag + 1, Relaxed);
        Some(Shared { cell: self })
    }

    /// Marks the cell written if it is free: the fast path of a write.
    #[inline(always)]
    pub(crate) fn try_exclusive_free(&self, _: Held<'_>) -> Option<Exclusive<'_, T>> {
        if self.flag.load(Relaxed) != FREE {
            return None;
        }
        self.flag.store(WRITING, Relaxed);
        gc::may_cycle();
        Some(Exclusive { cell: self })
    }

    /// [`try_shared`](PyCell::try_shared), waiting while another thread
    /// writes the cell.
    #[inline(always)]
    pub(crate) fn shared(&self, held: Held<'_>) -> Shared<'_, T> {
        match self.try_shared(held) {
            Ok(s) => s,
            Err(_) => self.shared_waiting(held),
        }
    }

    /// [`shared`](PyCell::shared) once it must wait, out of line.
    #[cold]
    #[inline(never)]
    fn shared_waiting(&self, held: Held<'_>) -> Shared<'_, T> {
        loop {
            gil::wait(held);
            if let Ok(s) = self.try_shared(held) {
                return s;
            }
        }
    }

    /// [`try_exclusive`](PyCell::try_exclusive), waiting while other
    /// threads borrow the cell; `None` for a frozen cell.
    #[inline(always)]
    pub(crate) fn exclusive(&self, held: Held<'_>) -> Option<Exclusive<'_, T>> {
        match self.try_exclusive(held) {
            Ok(e) => Some(e),
            Err(Busy::Frozen) => None,
            Err(Busy::Borrowed) => self.exclusive_waiting(held),
        }
    }

    /// [`exclusive`](PyCell::exclusive) once it must wait, out of line.
    #[cold]
    #[inline(never)]
    fn exclusive_waiting(&self, held: Held<'_>) -> Option<Exclusive<'_, T>> {
        loop {
            gil::wait(held);
            match self.try_exclusive(held) {
                Ok(e) => return Some(e),
                Err(Busy::Frozen) => return None,
                Err(Busy::Borrowed) => {}
            }
        }
    }

    /// The flag, for the borrow record's tests.
    pub(crate) fn flag(&self) -> usize {
        self.flag.load(Relaxed)
    }

    #[inline(always)]
    fn release_shared(&self, held: Held<'_>) {
        let flag = self.flag.load(Relaxed) - 1;
        self.flag.store(flag, Relaxed);
        // A frozen cell's flag never reaches 0, and no writer waits for it.
        if flag == FREE {
            gil::changed(held);
        }
    }

    /// [`release_shared`](PyCell::release_shared) outside a scope, taking
    /// the lock for it: out of line, so that a guard's drop inside a scope
    /// (the flag alone) is small enough to be inlined.
    #[inline(never)]
    fn release_shared_briefly(&self) {
        gil::briefly(|held| self.release_shared(held));
    }

    /// [`release_exclusive`](PyCell::release_exclusive) outside a scope,
    /// as [`release_shared_briefly`](PyCell::release_shared_briefly).
    #[inline(never)]
    fn release_exclusive_briefly(&self) {
        gil::briefly(|held| self.release_exclusive(held));
    }

    #[inline(always)]
    fn release_exclusive(&self, held: Held<'_>) {
        self.flag.store(FREE, Relaxed);
        gil::changed(held);
    }
}

/// A read borrow of a cell: the flag counts it.
pub(crate) struct Shared<'a, T: ?Sized> {
    cell: &'a PyCell<T>,
}

impl<'a, T: ?Sized> Shared<'a, T> {
    /// The cell borrowed.
    #[inline]
    pub(crate) fn cell(&self) -> &'a PyCell<T> {
        self.cell
    }

    /// Ends the borrow, this thread holding the lock (what the drop does
    /// after asking whether it does).
    #[inline(always)]
    pub(crate) fn release(self, held: Held<'_>) {
        let cell = self.cell;
        std::mem::forget(self);
        cell.release_shared(held);
    }
}

impl<T: ?Sized> Deref for Shared<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: while this guard lives the flag counts it as a reader, so
        // no `Exclusive` guard exists and none can be made (module
        // argument, points 1-3).
        unsafe { &*self.cell.value.get() }
    }
}

impl<T: ?Sized> Drop for Shared<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        match gil::held() {
            Some(held) => self.cell.release_shared(held),
            None => self.cell.release_shared_briefly(),
        }
    }
}

/// A write borrow of a cell: the flag is `WRITING` for it.
pub(crate) struct Exclusive<'a, T: ?Sized> {
    cell: &'a PyCell<T>,
}

impl<'a, T: ?Sized> Exclusive<'a, T> {
    /// The cell borrowed.
    #[inline]
    pub(crate) fn cell(&self) -> &'a PyCell<T> {
        self.cell
    }

    /// Ends the borrow, this thread holding the lock, as
    /// [`Shared::release`].
    #[inline(always)]
    pub(crate) fn release(self, held: Held<'_>) {
        let cell = self.cell;
        std::mem::forget(self);
        cell.release_exclusive(held);
    }
}

impl<T: ?Sized> Deref for Exclusive<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the flag is `WRITING` for this guard: no other guard
        // exists (module argument, points 1-3); `&self` lends it shared.
        unsafe { &*self.cell.value.get() }
    }
}

impl<T: ?Sized> DerefMut for Exclusive<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as `deref`; `&mut self` makes this the only reference the
        // guard lends at a time.
        unsafe { &mut *self.cell.value.get() }
    }
}

impl<T: ?Sized> Drop for Exclusive<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        match gil::held() {
            Some(held) => self.cell.release_exclusive(held),
            None => self.cell.release_exclusive_briefly(),
        }
    }
}

impl<T: ?Sized> fmt::Debug for PyCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PyCell").field("flag", &self.flag.load(Relaxed)).finish_non_exhaustive()
    }
}
