//! The global interpreter lock: who may change a borrow flag.
//!
//! Every object behind a handle keeps its borrow state in one word (see
//! `pycell.rs`). A thread changes that word only while it holds this
//! lock, so the change is a plain load and store, never an atomic
//! read-modify-write: the lock, not the word, orders threads. A thread
//! holds it in one of two ways:
//!
//! - for one borrow (the default): `Py::read` locks it, marks the object
//!   read, unlocks it; the guard's drop does the same to unmark it. An
//!   attribute operation on a handle (`PyObject::getattr`) holds it for
//!   the whole operation. Either way a thread holds it only for a few
//!   instructions, and never while it waits for anything else;
//! - for a stretch of work, in [`with_gil`] (PyO3's `Python::with_gil`):
//!   the lock is taken once, and every borrow inside costs plain loads and
//!   stores. Other threads' handle operations wait until the scope ends,
//!   or until the thread waits for a borrow another thread holds (it lets
//!   the lock go meanwhile) or calls [`allow_threads`].
//!
//! A borrow itself outlives the lock: a guard held across the end of a
//! scope, or while another thread takes the lock, keeps its object marked,
//! and other threads wait for the mark as they waited for a read-write
//! lock. What the lock serialises is only the marking.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use parking_lot::{Condvar, Mutex, MutexGuard};

static GIL: Mutex<()> = parking_lot::const_mutex(());
/// Threads waiting (in [`wait`]) for a borrow flag to change.
static CHANGED: Condvar = Condvar::new();
/// How many threads wait on [`CHANGED`]; changed and read only under the
/// lock, so a relaxed load and store (plain instructions) suffice.
static WAITING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// How many [`hold`]s and scopes this thread is inside; not 0 exactly
    /// while it holds the lock.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The lock's guard while this thread holds it.
    static GUARD: RefCell<Option<MutexGuard<'static, ()>>> = const { RefCell::new(None) };
}

/// Proof that this thread holds the lock, for as long as `'a`: what a
/// borrow flag's methods ask for. Made only by this module, never `Send`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Held<'a>(PhantomData<(&'a (), *const ())>);

/// The proof, if this thread holds the lock now: a thread-local load.
#[inline(always)]
pub(crate) fn held<'a>() -> Option<Held<'a>> {
    // The lifetime is the caller's stretch of code: the lock is let go
    // only by the `hold` or scope that took it, further up this stack,
    // or by `wait`/`allow_threads`, which borrow no proof across it.
    (DEPTH.with(Cell::get) != 0).then_some(Held(PhantomData))
}

/// Leaves a [`hold`] or scope; the outermost lets the lock go.
struct Exit;

impl Drop for Exit {
    #[inline]
    fn drop(&mut self) {
        let depth = DEPTH.with(|d| {
            d.set(d.get() - 1);
            d.get()
        });
        if depth == 0 {
            drop(GUARD.with(|g| g.borrow_mut().take()));
        }
    }
}

/// Enters the lock (taking it unless this thread holds it).
#[inline]
fn enter(guard: impl FnOnce() -> Option<MutexGuard<'static, ()>>) -> Option<Exit> {
    if DEPTH.with(Cell::get) == 0 {
        let guard = guard()?;
        GUARD.with(|g| *g.borrow_mut() = Some(guard));
    }
    DEPTH.with(|d| d.set(d.get() + 1));
    Some(Exit)
}

/// Runs `f` holding the lock, taking it first unless this thread holds it.
#[inline]
pub(crate) fn hold<R>(f: impl FnOnce(Held<'_>) -> R) -> R {
    let _exit = enter(|| Some(GIL.lock()));
    f(Held(PhantomData))
}

/// [`hold`], if the lock can be had without waiting.
pub(crate) fn try_hold<R>(f: impl FnOnce(Held<'_>) -> R) -> Option<R> {
    let _exit = enter(|| GIL.try_lock())?;
    Some(f(Held(PhantomData)))
}

/// Lets the lock go until a borrow flag changes (or a spurious wake-up):
/// the caller, holding it, found a flag another thread must change first.
/// The caller checks the flag again after.
#[cold]
pub(crate) fn wait(_: Held<'_>) {
    GUARD.with(|g| {
        let mut g = g.borrow_mut();
        let guard = g.as_mut().expect("the lock is held: a `Held` exists");
        WAITING.store(WAITING.load(Relaxed) + 1, Relaxed);
        CHANGED.wait(guard);
        WAITING.store(WAITING.load(Relaxed) - 1, Relaxed);
    });
}

/// Wakes the threads waiting in [`wait`], if any: a flag was released.
#[inline]
pub(crate) fn changed(_: Held<'_>) {
    if WAITING.load(Relaxed) != 0 {
        CHANGED.notify_all();
    }
}

/// Runs `f` with the global interpreter lock held: every handle borrow
/// inside costs plain loads and stores instead of atomic operations
/// (PyO3's `Python::with_gil`; CPython runs all Python code so). Outside
/// a scope each borrow takes the lock for itself (two atomic operations
/// to mark an object borrowed, two to unmark it), so a loop over many
/// objects is faster inside one.
///
/// While a thread is inside, other threads' handle operations wait for
/// it, except while it waits for a borrow another thread holds (it lets
/// the lock go meanwhile) and inside [`allow_threads`]. So a thread inside
/// a scope must not wait for another thread that uses handles (joining
/// it, receiving from it) except inside `allow_threads`, as with PyO3.
/// Scopes nest; borrows taken inside may outlive the scope.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::gil;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let points: Vec<Py<Point>> = (0..100).map(|i| Py::new(Point::new(i as f64, 0.0))).collect();
/// let sum = gil::with_gil(|| {
///     let mut sum = 0.0;
///     for p in &points {
///         sum += p.getattr("x")?.as_float().unwrap();    // no atomic operation
///         p.setattr("y", sum)?;
///     }
///     Ok::<f64, pyslots::Error>(sum)
/// })?;
/// assert_eq!(sum, 4950.0);
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn with_gil<R>(f: impl FnOnce() -> R) -> R {
    hold(|_| f())
}

/// Runs `f` without the global interpreter lock, inside [`with_gil`]
/// (PyO3's `allow_threads`): other threads' handle operations go on
/// meanwhile. Borrows this thread holds stay held. Outside a scope, it
/// runs `f`.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::gil;
///
/// #[pyclass_like]
/// #[slots(n)]
/// struct Counter { n: i64 }
///
/// let c = Py::new(Counter::new(0));
/// gil::with_gil(|| {
///     c.setattr("n", 1)?;
///     // A thread inside a scope waits for another one only without it.
///     gil::allow_threads(|| {
///         let c2 = c.clone();
///         std::thread::spawn(move || c2.setattr("n", 2).unwrap()).join().unwrap();
///     });
///     assert_eq!(c.getattr("n")?, Value::Int(2));
///     Ok::<(), pyslots::Error>(())
/// })?;
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn allow_threads<R>(f: impl FnOnce() -> R) -> R {
    let depth = DEPTH.with(Cell::get);
    if depth == 0 {
        return f();
    }
    /// Takes the lock back, and the depth, even if `f` panics.
    struct Restore(u32);
    impl Drop for Restore {
        fn drop(&mut self) {
            let guard = GIL.lock();
            GUARD.with(|g| *g.borrow_mut() = Some(guard));
            DEPTH.with(|d| d.set(self.0));
        }
    }
    DEPTH.with(|d| d.set(0));
    drop(GUARD.with(|g| g.borrow_mut().take()));
    let _restore = Restore(depth);
    f()
}

/// Whether this thread holds the global interpreter lock: inside
/// [`with_gil`] (and not in [`allow_threads`]), or inside a handle
/// operation (a `Drop` that runs from `setattr`, say).
///
/// ```
/// use pyslots::gil;
///
/// assert!(!gil::is_held());
/// gil::with_gil(|| assert!(gil::is_held()));
/// ```
pub fn is_held() -> bool {
    held().is_some()
}
