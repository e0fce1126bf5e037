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

#[cfg(test)]
mod tests {
    use super::*;

    // Each test runs on a thread of its own, so it starts with this
    // thread's record empty.

    fn word() -> usize {
        WORD.with(Cell::get)
    }

    /// The record's entries, inline then overflow (when `WORD` says so).
    fn record() -> Vec<(usize, u32)> {
        let len = LEN.with(Cell::get);
        let mut entries: Vec<_> = HELD.with(|held| held[..len.min(INLINE)].iter().map(Cell::get).collect());
        entries.extend(MORE.with(|more| more.borrow().clone()));
        entries
    }

    fn message<R>(r: Result<R, Error>) -> String {
        match r {
            Ok(_) => "no conflict".to_string(),
            Err(e) => e.to_string(),
        }
    }

    /// Nothing borrowed: the word is empty, and so is the record.
    fn assert_borrows_nothing() {
        assert_eq!(word(), 0);
        assert_eq!(LEN.with(Cell::get), 0);
        assert!(MORE.with(|more| more.borrow().is_empty()));
    }

    #[test]
    fn one_borrow_is_the_word() {
        let a = RwLock::new(1u8);
        assert_borrows_nothing();
        let r = try_read(&a).unwrap();
        assert_eq!((word(), LEN.with(Cell::get)), (address(&a), 0));
        drop(r);
        assert_borrows_nothing();
        let w = try_write(&a).unwrap();
        assert_eq!((word(), LEN.with(Cell::get)), (address(&a) | WRITE, 0));
        drop(w);
        assert_borrows_nothing();
        assert!(!a.is_locked());
    }

    #[test]
    fn a_second_object_moves_the_word_to_the_record_released_in_either_order() {
        let (a, b) = (RwLock::new(1u8), RwLock::new(2u8));
        for a_first in [true, false] {
            let ra = try_read(&a).unwrap();
            let mut wb = try_write(&b).unwrap();
            *wb += 1;
            assert_eq!(word(), IN_RECORD);
            assert_eq!(record(), [(address(&a), 1), (address(&b), WRITING)]);
            assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
            assert_eq!(message(try_read(&b)), ALREADY_MUTABLY_BORROWED);
            if a_first {
                drop(ra);
                assert_eq!(record(), [(address(&b), WRITING)]);
                assert_eq!(message(try_read(&b)), ALREADY_MUTABLY_BORROWED);
                drop(try_write(&a).unwrap());
                drop(wb);
            } else {
                drop(wb);
                assert_eq!(record(), [(address(&a), 1)]);
                assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
                drop(try_write(&b).unwrap());
                drop(ra);
            }
            assert_borrows_nothing();
            assert!(!a.is_locked() && !b.is_locked());
        }
        // The word serves the next borrow again.
        let w = try_write(&b).unwrap();
        assert_eq!((*w, word()), (4, address(&b) | WRITE));
    }

    #[test]
    fn reentrant_reads_of_the_word_count_in_the_record() {
        let a = RwLock::new(1u8);
        let first = try_read(&a).unwrap();
        let reads: Vec<_> = (0..3).map(|_| try_read(&a).unwrap()).collect();
        assert_eq!(word(), IN_RECORD);
        assert_eq!(record(), [(address(&a), 4)]);
        assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
        assert_eq!(reads.iter().map(|r| **r).sum::<u8>() + *first, 4);
        // The first read ends before the others: they still count.
        drop(first);
        assert_eq!(record(), [(address(&a), 3)]);
        assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
        drop(reads);
        assert_borrows_nothing();
        assert!(!a.is_locked());
        drop(try_write(&a).unwrap());
    }

    #[test]
    fn conflicts_with_the_word() {
        let a = RwLock::new(1u8);
        let r = try_read(&a).unwrap();
        assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
        // The failed write left the read as it was, now in the record.
        assert_eq!(record(), [(address(&a), 1)]);
        drop(r);
        assert_borrows_nothing();
        assert!(!a.is_locked());
        let w = try_write(&a).unwrap();
        assert_eq!(message(try_read(&a)), ALREADY_MUTABLY_BORROWED);
        assert_eq!(message(try_write(&a)), ALREADY_MUTABLY_BORROWED);
        assert_eq!(record(), [(address(&a), WRITING)]);
        drop(w);
        assert_borrows_nothing();
        assert!(!a.is_locked());
    }

    #[test]
    fn more_objects_than_inline_entries() {
        let locks: Vec<RwLock<u8>> = (0..INLINE + 3).map(|_| RwLock::new(0)).collect();
        let mut reads: Vec<_> = locks[..INLINE + 2].iter().map(|l| Some(try_read(l).unwrap())).collect();
        let last = &locks[INLINE + 2];
        let w = try_write(last).unwrap();
        assert_eq!(LEN.with(Cell::get), INLINE + 3);
        assert_eq!(MORE.with(|more| more.borrow().len()), 3);
        // Conflicts and re-entrant reads, inline and in the overflow.
        assert_eq!(message(try_write(&locks[0])), ALREADY_BORROWED);
        assert_eq!(message(try_read(last)), ALREADY_MUTABLY_BORROWED);
        let again = [try_read(&locks[1]).unwrap(), try_read(&locks[INLINE + 1]).unwrap()];
        assert!(record().contains(&(address(&locks[1]), 2)));
        assert!(record().contains(&(address(&locks[INLINE + 1]), 2)));
        drop(again);
        // Inline entries end while the overflow is in use: the overflow
        // fills their places, nothing is lost, and the record empties.
        for i in 0..INLINE {
            reads[i] = None;
            assert_eq!(LEN.with(Cell::get), INLINE + 2 - i);
            assert!(!record().iter().any(|e| e.0 == address(&locks[i]) || e.0 == 0));
            assert_eq!(message(try_write(&locks[INLINE])), ALREADY_BORROWED);
        }
        assert_eq!(message(try_read(last)), ALREADY_MUTABLY_BORROWED);
        drop(w);
        drop(reads);
        assert_borrows_nothing();
        assert!(locks.iter().all(|l| !l.is_locked()));
        let r = try_read(&locks[0]).unwrap();
        assert_eq!(word(), address(&locks[0]));
        drop(r);
    }

    /// A guard of either kind, held by the random test below.
    enum Held<'a> {
        Read(#[allow(dead_code)] PyRef<'a, u8>),
        Write(#[allow(dead_code)] PyRefMut<'a, u8>),
    }

    #[test]
    fn random_borrows_agree_with_a_model() {
        // Random reads, writes and releases in any order over more objects
        // than the record holds inline, against a model of what this thread
        // holds: every outcome, every lock's state, and the word going back
        // to serving one borrow once nothing is held.
        let locks: Vec<RwLock<u8>> = (0..INLINE + 4).map(|i| RwLock::new(i as u8)).collect();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut readers, mut writing) = (vec![0u32; locks.len()], vec![false; locks.len()]);
        let mut held: Vec<(usize, Held<'_>)> = Vec::new();
        let (mut emptied, mut most) = (0, 0);
        for step in 0..50_000 {
            // Few objects most of the time, so that borrows nest and
            // conflict; all of them now and then, past the inline record.
            let i = next(if step % 1000 < 100 { locks.len() } else { 3 });
            match next(5) {
                0 | 1 => {
                    let got = try_read(&locks[i]).map(Held::Read);
                    let want = if writing[i] { Err(ALREADY_MUTABLY_BORROWED) } else { Ok(()) };
                    assert_eq!(got.as_ref().map(|_| ()).map_err(|e| e.to_string()), want.map_err(str::to_owned));
                    if let Ok(g) = got {
                        readers[i] += 1;
                        held.push((i, g));
                    }
                }
                2 => {
                    let got = try_write(&locks[i]).map(Held::Write);
                    let want = match (writing[i], readers[i]) {
                        (true, _) => Err(ALREADY_MUTABLY_BORROWED),
                        (false, 0) => Ok(()),
                        (false, _) => Err(ALREADY_BORROWED),
                    };
                    assert_eq!(got.as_ref().map(|_| ()).map_err(|e| e.to_string()), want.map_err(str::to_owned));
                    if let Ok(g) = got {
                        writing[i] = true;
                        held.push((i, g));
                    }
                }
                _ if !held.is_empty() => {
                    let (j, g) = held.swap_remove(next(held.len()));
                    match g {
                        Held::Read(_) => readers[j] -= 1,
                        Held::Write(_) => writing[j] = false,
                    }
                    drop(g);
                }
                _ => {}
            }
            for (k, lock) in locks.iter().enumerate() {
                assert_eq!(lock.is_locked(), readers[k] > 0 || writing[k], "step {step}");
                assert_eq!(lock.is_locked_exclusive(), writing[k], "step {step}");
            }
            let recorded = if word() == IN_RECORD { LEN.with(Cell::get) } else { usize::from(word() != 0) };
            let objects = (0..locks.len()).filter(|&k| readers[k] > 0 || writing[k]).count();
            assert_eq!(recorded, objects, "step {step}: one entry per object held");
            most = most.max(objects);
            if held.is_empty() {
                assert_borrows_nothing();
                emptied += 1;
            }
        }
        assert!(emptied > 1000, "the run empties the record often ({emptied})");
        assert!(most > INLINE, "the run holds more objects than the inline record ({most})");
        drop(held);
        assert_borrows_nothing();
    }
}
