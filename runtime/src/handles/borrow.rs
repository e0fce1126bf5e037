//! Borrowing an object through a handle: [`PyRef`] and [`PyRefMut`], the
//! guards of [`Py::read`](crate::Py::read) and [`Py::write`](crate::Py::write).
//!
//! Every object sits in a `PyCell`, a read-write lock whose flag changes
//! under the global interpreter lock (`gil.rs`, `pycell.rs`). Before it
//! borrows, a thread consults a record of the objects it already borrows,
//! so that a conflict with itself is an error instead of a hang, as PyO3
//! (and `RefCell`) report it:
//!
//! - writing while this thread reads the object: `Already borrowed`;
//! - reading or writing while this thread writes it: `Already mutably
//!   borrowed`;
//! - reading while this thread reads it: allowed; a reader never queues
//!   behind a writer waiting on another thread (std's lock would, and
//!   deadlock).
//!
//! Across threads, access waits as a read-write lock's does.
//!
//! The record costs the uncontended path next to nothing: a thread that
//! borrows one object at a time (the common case) keeps that borrow in one
//! thread-local word, the cell's address (with a bit if it writes), so
//! that entering is a load, a test and a store, and leaving a load, a
//! compare and a store. A second borrow while the first is held moves the
//! thread's borrows to the full record, out of line, until it borrows
//! nothing again.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;

use crate::error::Error;
use crate::handles::gil;
use crate::handles::pycell::{Exclusive, PyCell, Shared};

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

// A cell's address leaves the low bit free for `WRITE` (its flag is a word).
const _: () = assert!(std::mem::align_of::<PyCell<()>>() >= 2);

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

fn address<T: ?Sized>(cell: &PyCell<T>) -> usize {
    (cell as *const PyCell<T>).cast::<()>() as usize
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
#[inline(always)]
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

/// Marks `cell` read under the global lock, taking it for the call
/// unless this thread holds it; waits while another thread writes it.
#[inline(always)]
fn shared<T: ?Sized>(cell: &PyCell<T>) -> Shared<'_, T> {
    match gil::held() {
        Some(held) => cell.shared(held),
        None => gil::briefly(|held| cell.shared(held)),
    }
}

/// Marks `cell` written, as [`shared`]; the error of a frozen object.
#[inline(always)]
fn exclusive<T: ?Sized>(cell: &PyCell<T>) -> Option<Exclusive<'_, T>> {
    match gil::held() {
        Some(held) => cell.exclusive(held),
        None => gil::briefly(|held| cell.exclusive(held)),
    }
}

/// Reads `cell`, or the error of a conflict with this thread's own borrow.
/// A read of a cell this thread reads already never waits: the flag
/// counts readers, and no writer can be in the way.
#[inline(always)]
pub(crate) fn try_read<T: ?Sized>(cell: &PyCell<T>) -> Result<PyRef<'_, T>, Error> {
    let addr = address(cell);
    if WORD.with(Cell::get) == 0 {
        let shared = shared(cell);
        // Reads, the more common, store the bare address.
        WORD.with(|w| w.set(addr));
        return Ok(PyRef { shared, _thread: PhantomData });
    }
    enter_held(addr, false)?;
    Ok(PyRef { shared: shared(cell), _thread: PhantomData })
}

/// Writes `cell`, or the error of a conflict with this thread's own
/// borrow, or (`frozen`) of a frozen object.
#[inline(always)]
pub(crate) fn try_write<T: ?Sized>(cell: &PyCell<T>, frozen: impl FnOnce() -> Error) -> Result<PyRefMut<'_, T>, Error> {
    let addr = address(cell);
    if WORD.with(Cell::get) == 0 {
        let exclusive = exclusive(cell).ok_or_else(frozen)?;
        WORD.with(|w| w.set(addr | WRITE));
        return Ok(PyRefMut { exclusive, _thread: PhantomData });
    }
    if cell.is_frozen() {
        return Err(frozen());
    }
    enter_held(addr, true)?;
    match exclusive(cell) {
        Some(exclusive) => Ok(PyRefMut { exclusive, _thread: PhantomData }),
        None => unreachable!("a frozen cell was refused above"),
    }
}

/// Runs `f` on the object of `cell` read, as [`lend_read`] borrows it.
#[inline(always)]
pub(crate) fn read_held<T: ?Sized, R>(
    cell: &PyCell<T>,
    held: gil::Held<'_>,
    f: impl FnOnce(&T) -> Result<R, Error>,
) -> Result<R, Error> {
    let lent = lend_read(cell, held)?;
    f(lent.get())
}

/// Reads `cell`, as [`try_read`] borrows it, this thread holding the
/// global lock (`held`): the borrow and its end cost no look at whether
/// it does, and the guard stays on this stack. The common case (this
/// thread borrows nothing else, nobody writes the object) is a straight
/// line; anything else is [`shared_recorded`], out of line.
#[inline(always)]
pub(crate) fn lend_read<'a, 'h, T: ?Sized>(
    cell: &'a PyCell<T>,
    held: gil::Held<'h>,
) -> Result<Lent<'h, Shared<'a, T>>, Error> {
    let addr = address(cell);
    let fast = if WORD.with(Cell::get) == 0 { cell.try_shared_fast(held) } else { None };
    let shared = match fast {
        Some(shared) => {
            WORD.with(|w| w.set(addr));
            shared
        }
        None => shared_recorded(cell, held)?,
    };
    Ok(Lent { guard: Some(shared), held, addr })
}

/// The borrow of [`read_held`] when this thread borrows something
/// already, or the object is written: the record consulted,
/// waiting for a writer on another thread.
#[cold]
#[inline(never)]
fn shared_recorded<'a, T: ?Sized>(cell: &'a PyCell<T>, held: gil::Held<'_>) -> Result<Shared<'a, T>, Error> {
    let addr = address(cell);
    if WORD.with(Cell::get) == 0 {
        let shared = cell.shared(held);
        WORD.with(|w| w.set(addr));
        return Ok(shared);
    }
    enter_held(addr, false)?;
    Ok(cell.shared(held))
}

/// Runs `f` on the object of `cell` written, as [`lend_write`] borrows it.
#[inline(always)]
pub(crate) fn write_held<T: ?Sized, R>(
    cell: &PyCell<T>,
    held: gil::Held<'_>,
    frozen: impl FnOnce() -> Error,
    f: impl FnOnce(&mut T) -> Result<R, Error>,
) -> Result<R, Error> {
    let mut lent = lend_write(cell, held, frozen)?;
    f(lent.get_mut())
}

/// Writes `cell`, as [`try_write`] borrows it, this thread holding the
/// global lock (`held`), as [`lend_read`]; `frozen` makes the error of a
/// frozen object.
#[inline(always)]
pub(crate) fn lend_write<'a, 'h, T: ?Sized>(
    cell: &'a PyCell<T>,
    held: gil::Held<'h>,
    frozen: impl FnOnce() -> Error,
) -> Result<Lent<'h, Exclusive<'a, T>>, Error> {
    let addr = address(cell);
    let fast = if WORD.with(Cell::get) == 0 { cell.try_exclusive_free(held) } else { None };
    let exclusive = match fast {
        Some(exclusive) => {
            WORD.with(|w| w.set(addr | WRITE));
            exclusive
        }
        None => match exclusive_recorded(cell, held)? {
            Some(exclusive) => exclusive,
            None => return Err(frozen()),
        },
    };
    Ok(Lent { guard: Some(exclusive), held, addr })
}

/// The borrow of [`write_held`] when this thread borrows something
/// already, or the object is borrowed or frozen (`None`), as
/// [`shared_recorded`].
#[cold]
#[inline(never)]
fn exclusive_recorded<'a, T: ?Sized>(
    cell: &'a PyCell<T>,
    held: gil::Held<'_>,
) -> Result<Option<Exclusive<'a, T>>, Error> {
    let addr = address(cell);
    if WORD.with(Cell::get) == 0 {
        let Some(exclusive) = cell.exclusive(held) else { return Ok(None) };
        WORD.with(|w| w.set(addr | WRITE));
        return Ok(Some(exclusive));
    }
    if cell.is_frozen() {
        return Ok(None);
    }
    enter_held(addr, true)?;
    match cell.exclusive(held) {
        Some(exclusive) => Ok(Some(exclusive)),
        None => unreachable!("a frozen cell was refused above"),
    }
}

/// A borrow that [`lend_read`] or [`lend_write`] lends, ended when
/// dropped (also if the code borrowing panics): taken out of this thread's
/// record, then the flag released with the proof that the lock is held.
///
/// A drop guard rather than a release after the call, so that the call
/// borrowing is the function's tail and writes its result where the
/// caller wants it: a result kept in a local across the release is copied
/// afterwards, and the copy of a `Value` just written (a 16-byte load over
/// two 8-byte stores) stalls store forwarding for longer than the whole
/// read takes (12 ns against 4, measured on `PyObject::getattr`).
pub(crate) struct Lent<'h, G: Release> {
    /// Always `Some` until the drop takes it.
    guard: Option<G>,
    held: gil::Held<'h>,
    addr: usize,
}

/// A guard [`Lent`] ends with the lock held.
pub(crate) trait Release {
    fn release(self, held: gil::Held<'_>);
}

impl<T: ?Sized> Release for Shared<'_, T> {
    #[inline(always)]
    fn release(self, held: gil::Held<'_>) {
        Shared::release(self, held);
    }
}

impl<T: ?Sized> Release for Exclusive<'_, T> {
    #[inline(always)]
    fn release(self, held: gil::Held<'_>) {
        Exclusive::release(self, held);
    }
}

impl<G: Release + Deref> Lent<'_, G> {
    /// The object lent.
    #[inline(always)]
    pub(crate) fn get(&self) -> &G::Target {
        match &self.guard {
            Some(guard) => guard,
            None => unreachable!("a lent borrow is taken only by its drop"),
        }
    }
}

impl<G: Release + DerefMut> Lent<'_, G> {
    /// The object lent, to write.
    #[inline(always)]
    pub(crate) fn get_mut(&mut self) -> &mut G::Target {
        match &mut self.guard {
            Some(guard) => guard,
            None => unreachable!("a lent borrow is taken only by its drop"),
        }
    }
}

impl<G: Release> Drop for Lent<'_, G> {
    #[inline(always)]
    fn drop(&mut self) {
        leave(self.addr);
        if let Some(guard) = self.guard.take() {
            guard.release(self.held);
        }
    }
}

/// Marks `cell` read if nothing is in the way, with no record and no
/// wait: the collector's and `Debug`'s look at an object.
pub(crate) fn peek<T: ?Sized>(cell: &PyCell<T>) -> Option<Shared<'_, T>> {
    fn try_shared<'a, T: ?Sized>(cell: &'a PyCell<T>, held: gil::Held<'_>) -> Option<Shared<'a, T>> {
        cell.try_shared(held).ok()
    }
    match gil::held() {
        Some(held) => try_shared(cell, held),
        None => gil::briefly(|held| try_shared(cell, held)),
    }
}

/// Panics with the error's message, as `RefCell::borrow` does.
#[cold]
#[track_caller]
pub(crate) fn panic_conflict(e: Error) -> ! {
    panic!("{e}")
}

/// Keeps a guard on the thread that made it: the borrow is in that
/// thread's record, and [`leave`] trusts it is. Not `Send`,
/// still `Sync`, as std's `MutexGuard`.
type ThisThread = PhantomData<MutexGuard<'static, ()>>;

/// A read borrow of an object (`T` is the class, or `dyn Object`): what
/// [`Py::read`](crate::Py::read) and [`PyObject::read`](crate::PyObject::read)
/// return. Dereferences to the object; dropping it ends the borrow. Stays
/// on the thread that made it.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let p = Py::new(Point::new(1.0, 2.0));
/// let a = p.read();
/// let b = p.read();                          // readers share
/// assert_eq!(*a.x()? + *b.y()?, 3.0);
/// assert!(p.try_write().is_err());           // a writer waits for none of them on this thread: an error
/// drop((a, b));
/// assert!(p.try_write().is_ok());
/// # Ok::<(), pyslots::Error>(())
/// ```
pub struct PyRef<'a, T: ?Sized> {
    shared: Shared<'a, T>,
    _thread: ThisThread,
}

impl<T: ?Sized> Deref for PyRef<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.shared
    }
}

impl<T: ?Sized> Drop for PyRef<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        leave(address(self.shared.cell()));
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
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let p = Py::new(Point::new(1.0, 2.0));
/// {
///     let mut w = p.write();
///     w.set_x(10.0);
///     assert_eq!(p.try_read().unwrap_err().to_string(), "Already mutably borrowed");
/// }                                          // the borrow ends here
/// assert_eq!(*p.read().x()?, 10.0);
/// # Ok::<(), pyslots::Error>(())
/// ```
pub struct PyRefMut<'a, T: ?Sized> {
    exclusive: Exclusive<'a, T>,
    _thread: ThisThread,
}

impl<T: ?Sized> Deref for PyRefMut<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.exclusive
    }
}

impl<T: ?Sized> DerefMut for PyRefMut<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.exclusive
    }
}

impl<T: ?Sized> Drop for PyRefMut<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        leave(address(self.exclusive.cell()));
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
/// tests it: over bare cells, without handles. Not a public API.
#[doc(hidden)]
pub mod testing {
    use std::cell::Cell;

    use super::{PyRef, PyRefMut, HELD, LEN, MORE, WORD};
    use crate::error::Error;
    use crate::handles::pycell::PyCell;

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

    /// A bare cell, as a handle's object sits in one.
    #[derive(Debug)]
    pub struct Lock<T>(PyCell<T>);

    impl<T> Lock<T> {
        /// A cell borrowed by nobody.
        pub fn new(value: T) -> Lock<T> {
            Lock(PyCell::new(value))
        }

        /// A frozen cell.
        pub fn frozen(value: T) -> Lock<T> {
            Lock(PyCell::frozen(value))
        }

        /// Whether any thread borrows it (a frozen cell: false).
        pub fn is_locked(&self) -> bool {
            !self.0.is_frozen() && self.0.flag() != 0
        }

        /// The borrow flag: 0 free, a count of readers, `usize::MAX` written.
        pub fn flag(&self) -> usize {
            self.0.flag()
        }

        /// A frozen cell's contents, with no borrow.
        pub fn get(&self) -> Option<&T> {
            self.0.get()
        }
    }

    /// Borrows `lock` for reading, as a handle does.
    pub fn try_read<T>(lock: &Lock<T>) -> Result<PyRef<'_, T>, Error> {
        super::try_read(&lock.0)
    }

    /// Borrows `lock` for writing, as a handle does.
    pub fn try_write<T>(lock: &Lock<T>) -> Result<PyRefMut<'_, T>, Error> {
        super::try_write(&lock.0, || Error::runtime_error("frozen"))
    }

    /// The address the record knows `lock` by.
    pub fn address<T>(lock: &Lock<T>) -> usize {
        super::address(&lock.0)
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
