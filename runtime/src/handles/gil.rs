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

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

/// The lock's state, in one static so that code reaching it from another
/// crate loads its address once.
struct State {
    /// The lock itself: taken with one compare-exchange, let go with a
    /// plain release store (a `mov`), so a borrow outside a scope costs one
    /// atomic read-modify-write to mark the object and one to unmark it, as
    /// a read-write lock's did, and an attribute operation on a handle one.
    locked: AtomicBool,
    /// Threads asleep waiting for `locked`, and where they sleep (`PARK`).
    sleepers: AtomicUsize,
    /// Threads waiting (in [`wait`]) for a borrow flag to change; changed
    /// only under the lock.
    waiting: AtomicUsize,
}

static STATE: State =
    State { locked: AtomicBool::new(false), sleepers: AtomicUsize::new(0), waiting: AtomicUsize::new(0) };
static PARK: Mutex<()> = parking_lot::const_mutex(());
static UNLOCKED: Condvar = Condvar::new();
/// How long a thread sleeps for the lock before it looks again. Letting
/// the lock go is a plain store followed by a look at `STATE.sleepers`, with no
/// fence between: a thread that goes to sleep just as the lock is let go
/// may be missed by the wake-up (the store and the look can pass each
/// other), and finds the lock free when it looks again, at most this long
/// after. The price of a fence on every release would be the atomic
/// operation the lock exists to avoid.
const NAP: Duration = Duration::from_micros(200);

/// The number of releases the threads in [`wait`] watch; changed only
/// under the lock.
static RELEASES: AtomicU64 = AtomicU64::new(0);
static CHANGED: Condvar = Condvar::new();

thread_local! {
    /// How many [`hold`]s and scopes this thread is inside; not 0 exactly
    /// while it holds the lock.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
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

/// Takes the lock.
#[inline]
fn lock() {
    if STATE.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        lock_slow();
    }
}

/// Takes the lock if it is free.
fn try_lock() -> bool {
    STATE.locked.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok()
}

#[cold]
fn lock_slow() {
    let mut spins = 0u32;
    loop {
        if !STATE.locked.load(Ordering::Relaxed) && try_lock() {
            return;
        }
        if spins < 64 {
            spins += 1;
            if spins < 32 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
            continue;
        }
        let mut park = PARK.lock();
        STATE.sleepers.fetch_add(1, Ordering::SeqCst);
        let got = try_lock();
        if !got {
            UNLOCKED.wait_for(&mut park, NAP);
        }
        STATE.sleepers.fetch_sub(1, Ordering::SeqCst);
        if got {
            return;
        }
    }
}

/// Lets the lock go: a release store, then a wake-up if a thread sleeps.
#[inline(always)]
fn unlock() {
    STATE.locked.store(false, Ordering::Release);
    if STATE.sleepers.load(Ordering::Relaxed) != 0 {
        wake_sleeper();
    }
}

#[cold]
#[inline(never)]
fn wake_sleeper() {
    let _park = PARK.lock();
    UNLOCKED.notify_one();
}

/// Leaves a nested [`try_hold`]; the outermost lets the lock go.
struct Exit;

impl Drop for Exit {
    #[inline]
    fn drop(&mut self) {
        let depth = DEPTH.with(|d| {
            d.set(d.get() - 1);
            d.get()
        });
        if depth == 0 {
            unlock();
        }
    }
}

/// Runs `f` holding the lock, taking it first unless this thread holds it.
#[inline(always)]
pub(crate) fn hold<R>(f: impl FnOnce(Held<'_>) -> R) -> R {
    let hold = enter();
    f(hold.held())
}

/// The lock held until this guard drops: taken by [`enter`] unless this
/// thread held it already.
///
/// A guard, not only a closure ([`hold`]), so that an operation on a
/// handle passes its arguments straight to the object: a `Value` moved
/// into a closure is copied into its frame with wide loads over the
/// narrow stores that just wrote it, which the CPU cannot forward (a stall
/// of about 10 ns on each copy, measured on `PyObject::setattr`).
pub(crate) struct Hold {
    /// Whether this guard took the lock, and lets it go.
    took: bool,
}

/// Takes the lock unless this thread holds it, until the guard drops.
#[inline(always)]
pub(crate) fn enter() -> Hold {
    if held().is_some() {
        return Hold { took: false };
    }
    lock();
    DEPTH.with(|d| d.set(1));
    Hold { took: true }
}

/// This thread's part in the lock: the proof that it holds it, or, if
/// it does not, the means to take it with no second look
/// ([`Unheld::enter`]).
#[inline(always)]
pub(crate) fn state<'a>() -> Result<Held<'a>, Unheld> {
    held().ok_or(Unheld(PhantomData, 0))
}

/// This thread did not hold the lock when [`state`] looked, and has
/// taken it nowhere since: made only there, never `Send`, consumed to
/// take it. Its byte, never read, is an argument the handle's two
/// vtable calls (in a scope, outside one) do not share: with the same
/// arguments LLVM chose the function pointer with no branch (`setne`,
/// one instruction more than the branch on the path in a scope:
/// `handle/gil/object_getattr` 81 -> 82).
pub(crate) struct Unheld(PhantomData<*const ()>, #[allow(dead_code)] u8);

impl Unheld {
    /// [`enter`] where this thread is known not to hold the lock (the
    /// handle's attribute operations, which asked [`state`] just before).
    #[inline(always)]
    pub(crate) fn enter(self) -> Hold {
        lock();
        DEPTH.with(|d| d.set(1));
        Hold { took: true }
    }
}

impl Hold {
    /// The proof, for as long as the guard lives.
    #[inline(always)]
    pub(crate) fn held(&self) -> Held<'_> {
        Held(PhantomData)
    }
}

impl Drop for Hold {
    /// Leaves the outermost hold: nothing nested inside changed the depth
    /// for good (nested holds do not touch it, `try_hold` and
    /// `allow_threads` restore it), so it is 1 here, and the lock goes.
    #[inline(always)]
    fn drop(&mut self) {
        if self.took {
            DEPTH.with(|d| d.set(0));
            unlock();
        }
    }
}

/// Runs `f`, which only marks or unmarks a borrow flag, holding the lock
/// for it alone (outside a scope). Nothing in `f` asks whether this thread
/// holds the lock (a flag's methods take the proof), so the depth is not
/// recorded: taking and letting go is one compare-exchange and one store.
/// `f` may wait for a flag ([`wait`] lets the lock go and takes it back).
#[inline(always)]
pub(crate) fn briefly<R>(f: impl FnOnce(Held<'_>) -> R) -> R {
    /// Lets the lock go, even if `f` panics.
    struct Unlock;
    impl Drop for Unlock {
        #[inline(always)]
        fn drop(&mut self) {
            unlock();
        }
    }
    lock();
    let _unlock = Unlock;
    f(Held(PhantomData))
}

/// Takes a lock that is not this one (a list's or a dict's) without ever
/// blocking on it while holding the global lock: `try_lock` first; if it
/// fails and this thread holds the global lock, the global lock goes
/// while `lock` waits, and is taken back after (CPython lets the GIL go
/// around every blocking call, the same way). A thread holding the global
/// lock so never waits for a thread that waits for it.
#[inline(always)]
pub(crate) fn without_waiting<G>(try_lock: impl FnOnce() -> Option<G>, lock: impl FnOnce() -> G) -> G {
    match try_lock() {
        Some(guard) => guard,
        None => wait_for_lock(lock),
    }
}

#[cold]
#[inline(never)]
fn wait_for_lock<G>(lock: impl FnOnce() -> G) -> G {
    allow_threads(lock)
}

/// [`hold`], if the lock can be had without waiting.
pub(crate) fn try_hold<R>(f: impl FnOnce(Held<'_>) -> R) -> Option<R> {
    if held().is_none() {
        if !try_lock() {
            return None;
        }
        DEPTH.with(|d| d.set(1));
    } else {
        DEPTH.with(|d| d.set(d.get() + 1));
    }
    let _exit = Exit;
    Some(f(Held(PhantomData)))
}

/// Lets the lock go until a borrow flag changes: the caller, holding it,
/// found a flag another thread must change first. The caller checks the
/// flag again after (a wake-up may be for another flag).
#[cold]
pub(crate) fn wait(_: Held<'_>) {
    // Under the lock: counted among the waiters, and the releases so far.
    STATE.waiting.store(STATE.waiting.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    let seen = RELEASES.load(Ordering::Relaxed);
    unlock();
    {
        let mut park = PARK.lock();
        // A release after `seen` bumped the count before it locked `PARK`
        // to wake the waiters: seen here, or the wake-up comes after.
        while RELEASES.load(Ordering::Relaxed) == seen {
            CHANGED.wait_for(&mut park, NAP * 10);
        }
    }
    lock();
    STATE.waiting.store(STATE.waiting.load(Ordering::Relaxed) - 1, Ordering::Relaxed);
}

/// Wakes the threads waiting in [`wait`], if any: a flag was released.
#[inline(always)]
pub(crate) fn changed(_: Held<'_>) {
    if STATE.waiting.load(Ordering::Relaxed) != 0 {
        wake_waiters();
    }
}

#[cold]
fn wake_waiters() {
    RELEASES.store(RELEASES.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    let _park = PARK.lock();
    CHANGED.notify_all();
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
            lock();
            DEPTH.with(|d| d.set(self.0));
        }
    }
    DEPTH.with(|d| d.set(0));
    unlock();
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
