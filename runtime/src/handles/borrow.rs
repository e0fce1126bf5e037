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
//!
//! The record costs the uncontended path next to nothing: a thread that
//! borrows one object at a time (the common case) keeps that borrow in one
//! thread-local word, the lock's address (with a bit if it writes), so
//! that entering is a load, a test and a store, and leaving a load, a
//! compare and a store. A second borrow while the first is held moves the
//! thread's borrows to the full record, out of line, until it borrows
//! nothing again.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;

use parking_lot::{RawRwLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::Error;

/// The message of writing an object this thread reads.
pub(crate) const ALREADY_BORROWED: &str = "Already borrowed";
/// The message of borrowing an object this thread writes.
pub(crate) const ALREADY_MUTABLY_BORROWED: &str = "Already mutably borrowed";

/// In [`WORD`], beside a lock's address: this thread writes it (without
/// it, reads it once).
const WRITE: usize = 1;
/// [`WORD`] while this thread's borrows are in the record ([`HELD`],
/// [`MORE`]): the bit without an address, which no single borrow's word is.
const IN_RECORD: usize = WRITE;

// A lock's address leaves the low bit free for `WRITE`.
const _: () = assert!(std::mem::align_of::<RawRwLock>() >= 2);

/// How the record holds an object: a count of reads, or this.
const WRITING: u32 = u32::MAX;

/// Borrows the record holds without allocating; more go to [`MORE`].
const INLINE: usize = 8;

thread_local! {
    /// What this thread borrows: 0 for nothing; a lock's address (with
    /// [`WRITE`] if it writes it) for one borrow of one lock; [`IN_RECORD`]
    /// for anything more. Const-initialised, without a destructor, like
    /// the record's inline part: an access is an offset from the thread
    /// pointer, with nothing to check first.
    static WORD: Cell<usize> = const { Cell::new(0) };
    /// The record, while [`WORD`] says so: the locks this thread holds a
    /// guard of, the lock's address and how (a count of reads, or
    /// [`WRITING`]), the first [`INLINE`] of them in `Cell`s, `LEN` of them
    /// in use in all.
    static HELD: [Cell<(usize, u32)>; INLINE] = const { [const { Cell::new((0, 0)) }; INLINE] };
    static LEN: Cell<usize> = const { Cell::new(0) };
    /// The rest, rarely used: a thread seldom holds more than a few. The
    /// inline entries are all in use while it is not empty.
    static MORE: RefCell<Vec<(usize, u32)>> = const { RefCell::new(Vec::new()) };
}

fn address<T: ?Sized>(lock: &RwLock<T>) -> usize {
    (lock as *const RwLock<T>).cast::<()>() as usize
}

/// Records the borrow of the lock at `addr` this thread now takes, on a
/// thread that already borrows something (the word is not 0): `Ok(true)`
/// if it already reads it. Cold, so that the one-borrow path is the
/// straight line in the caller's code.
#[cold]
#[inline(never)]
fn enter_held(addr: usize, write: bool) -> Result<bool, Error> {
    let word = WORD.with(Cell::get);
    if word != IN_RECORD {
        // The word's one borrow becomes the record's first entry: from
        // here until this thread borrows nothing, the record holds them all.
        let state = if word & WRITE != 0 { WRITING } else { 1 };
        HELD.with(|held| held[0].set((word & !IN_RECORD, state)));
        LEN.with(|l| l.set(1));
        WORD.with(|w| w.set(IN_RECORD));
    }
    let len = LEN.with(Cell::get);
    if len >= INLINE {
        return enter_more(addr, write);
    }
    let found = HELD.with(|held| {
        let held = &held[..len];
        let i = held.iter().position(|e| e.get().0 == addr)?;
        Some(update(&held[i], write))
    });
    if let Some(again) = found {
        return again;
    }
    HELD.with(|held| held[len].set((addr, if write { WRITING } else { 1 })));
    LEN.with(|l| l.set(len + 1));
    Ok(false)
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

/// [`enter_held`] once the inline record is full.
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
    // A word other than `IN_RECORD` is this thread's only borrow, and the
    // guard ending now is one of this thread's (guards are not `Send`): so
    // it is that borrow, and the compare can skip the address.
    if WORD.with(Cell::get) != IN_RECORD {
        WORD.with(|w| w.set(0));
        return;
    }
    leave_held(addr);
}

/// [`leave`] on a thread whose borrows are in the record. Cold, as
/// [`enter_held`] is.
#[cold]
#[inline(never)]
fn leave_held(addr: usize) {
    let len = LEN.with(Cell::get);
    if len > INLINE {
        leave_more(addr, len);
        return;
    }
    HELD.with(|held| {
        let Some(i) = held[..len].iter().rposition(|e| e.get().0 == addr) else { return };
        match released(held[i].get()) {
            Some(entry) => held[i].set(entry),
            None => {
                held[i].set(held[len - 1].get());
                LEN.with(|l| l.set(len - 1));
                if len == 1 {
                    WORD.with(|w| w.set(0));
                }
            }
        }
    });
}

/// [`leave_held`] while the overflow is in use (`len` > [`INLINE`]).
#[cold]
fn leave_more(addr: usize, len: usize) {
    // Fails only once this thread's `MORE` is gone, as the thread ends.
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
        HELD.with(|held| {
            let Some(i) = held.iter().rposition(|e| e.get().0 == addr) else { return };
            match released(held[i].get()) {
                Some(entry) => held[i].set(entry),
                // The last overflow entry fills the gap, so that the inline
                // entries stay the first `LEN` and the record empties (and
                // the word is used again) once every borrow ends.
                None => {
                    if let Some(last) = more.pop() {
                        held[i].set(last);
                        LEN.with(|l| l.set(len - 1));
                    }
                }
            }
        });
    });
}

// On a thread that borrows nothing, `try_read` and `try_write` take the
// lock first and store the word after: a locked instruction (the lock's
// compare-exchange) waits for the stores before it to leave the store
// buffer, so a store in front of it lengthens it (0.3 ns measured on
// `write`). Nothing else runs on this thread in between, and a lock that
// panics (too many readers) leaves nothing recorded.

/// Reads `lock`, or the error of a conflict with this thread's own borrow.
#[inline]
pub(crate) fn try_read<T: ?Sized>(lock: &RwLock<T>) -> Result<PyRef<'_, T>, Error> {
    let addr = address(lock);
    if WORD.with(Cell::get) == 0 {
        let guard = lock.read();
        // Reads, the more common, store the bare address.
        WORD.with(|w| w.set(addr));
        return Ok(PyRef { guard, _thread: PhantomData });
    }
    let again = enter_held(addr, false)?;
    let guard = if again { lock.read_recursive() } else { lock.read() };
    Ok(PyRef { guard, _thread: PhantomData })
}

/// Writes `lock`, or the error of a conflict with this thread's own borrow.
#[inline]
pub(crate) fn try_write<T: ?Sized>(lock: &RwLock<T>) -> Result<PyRefMut<'_, T>, Error> {
    let addr = address(lock);
    if WORD.with(Cell::get) == 0 {
        let guard = lock.write();
        WORD.with(|w| w.set(addr | WRITE));
        return Ok(PyRefMut { guard, _thread: PhantomData });
    }
    enter_held(addr, true)?;
    Ok(PyRefMut { guard: lock.write(), _thread: PhantomData })
}

/// Panics with the error's message, as `RefCell::borrow` does.
#[cold]
#[track_caller]
pub(crate) fn panic_conflict(e: Error) -> ! {
    panic!("{e}")
}

/// Keeps a guard on the thread that made it, whatever parking_lot's
/// features (its `send_guard` makes the lock's guards `Send`): the borrow
/// is in that thread's record, and [`leave`] trusts it is. Not `Send`,
/// still `Sync`, as std's `MutexGuard`.
type ThisThread = PhantomData<MutexGuard<'static, ()>>;

/// A read borrow of an object (`T` is the class, or `dyn Object`): what
/// [`Py::read`](crate::Py::read) and [`PyObject::read`](crate::PyObject::read)
/// return. Dereferences to the object; dropping it ends the borrow. Stays
/// on the thread that made it.
pub struct PyRef<'a, T: ?Sized> {
    guard: RwLockReadGuard<'a, T>,
    _thread: ThisThread,
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
        leave(address(RwLockReadGuard::rwlock(&self.guard)));
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
    _thread: ThisThread,
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
        leave(address(RwLockWriteGuard::rwlock(&self.guard)));
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for PyRefMut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

// `PyRef` and `PyRefMut` are not `Send`: were either, `_` below would be
// ambiguous between the two impls and this would not compile.
trait AmbiguousIfSend<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}
const _: fn() = || {
    <PyRef<'static, u8> as AmbiguousIfSend<_>>::check();
    <PyRefMut<'static, u8> as AmbiguousIfSend<_>>::check();
};

/// This thread's borrow record, read and driven as `runtime/tests/borrow.rs`
/// tests it: over plain locks, without handles. Not a public API.
#[doc(hidden)]
pub mod testing {
    use std::cell::Cell;

    use parking_lot::RwLock;

    use super::{PyRef, PyRefMut, HELD, LEN, MORE, WORD};
    use crate::error::Error;

    /// The message of a conflict with a read.
    pub const ALREADY_BORROWED: &str = super::ALREADY_BORROWED;
    /// The message of a conflict with a write.
    pub const ALREADY_MUTABLY_BORROWED: &str = super::ALREADY_MUTABLY_BORROWED;
    /// The word's bit for a write.
    pub const WRITE: usize = super::WRITE;
    /// The word while the borrows are in the record.
    pub const IN_RECORD: usize = super::IN_RECORD;
    /// How the record holds an object this thread writes.
    pub const WRITING: u32 = super::WRITING;
    /// Borrows the record holds without allocating.
    pub const INLINE: usize = super::INLINE;

    /// Borrows `lock` for reading, as a handle does.
    pub fn try_read<T: ?Sized>(lock: &RwLock<T>) -> Result<PyRef<'_, T>, Error> {
        super::try_read(lock)
    }

    /// Borrows `lock` for writing, as a handle does.
    pub fn try_write<T: ?Sized>(lock: &RwLock<T>) -> Result<PyRefMut<'_, T>, Error> {
        super::try_write(lock)
    }

    /// The address the record knows `lock` by.
    pub fn address<T: ?Sized>(lock: &RwLock<T>) -> usize {
        super::address(lock)
    }

    /// This thread's word.
    pub fn word() -> usize {
        WORD.with(Cell::get)
    }

    /// How many entries the record holds, inline and in the overflow.
    pub fn len() -> usize {
        LEN.with(Cell::get)
    }

    /// How many entries the overflow holds.
    pub fn more_len() -> usize {
        MORE.with(|more| more.borrow().len())
    }

    /// The record's entries, inline then overflow.
    pub fn record() -> Vec<(usize, u32)> {
        let len = len();
        let mut entries: Vec<_> = HELD.with(|held| held[..len.min(INLINE)].iter().map(Cell::get).collect());
        entries.extend(MORE.with(|more| more.borrow().clone()));
        entries
    }
}
