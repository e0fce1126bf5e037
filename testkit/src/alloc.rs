//! A counting global allocator: the system allocator plus, per thread, the
//! number of allocations made and the bytes currently allocated, for tests
//! that something allocates nothing and for measuring what a value owns.
//!
//! A binary (a test file, an example, a benchmark) installs it itself:
//!
//! ```
//! use pyslots_testkit::alloc::{is_counting, CountingAllocator};
//!
//! #[global_allocator]
//! static ALLOCATOR: CountingAllocator = CountingAllocator;
//!
//! fn main() {
//!     assert!(is_counting());
//! }
//! ```
//!
//! Without that line every count stays at zero; [`is_counting`] tells.
//!
//! The counters are thread-local `Cell`s, initialised by a `const`
//! expression and without a destructor: reading or bumping one is a plain
//! load and store at a fixed offset from the thread pointer, with no atomic
//! read-modify-write, no lazy initialisation, nothing allocated and nothing
//! registered to run at thread exit. That makes them safe to touch inside
//! any allocator call (even one made while a thread is being torn down) and
//! cheap enough to leave on while a benchmark is timed. Being per thread,
//! they see only what the calling thread does: another thread's work never
//! shows up in a measurement, and memory freed on a thread other than the
//! one that allocated it moves the freeing thread's live bytes down (which
//! is why they are an `isize`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting per thread: each successful `alloc`,
/// `alloc_zeroed` and `realloc` is one allocation, and the live bytes follow
/// the sizes requested (not what the system rounds them up to), as Python's
/// `tracemalloc` does. A failed call changes nothing.
///
/// Install it with `#[global_allocator]` (see [the module](self)), then read
/// the counts with [`allocations_in`] and [`live_bytes_of`], or
/// [`allocations`] and [`live_bytes`].
#[derive(Clone, Copy, Debug, Default)]
pub struct CountingAllocator;

thread_local! {
    /// Successful allocation calls made by this thread.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// Bytes allocated by this thread less bytes freed by it.
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

/// Adds `allocations` to this thread's allocations and `grown` to its live
/// bytes (negative: fewer).
///
/// Never panics, so that no allocator call can: the arithmetic wraps (no
/// real count comes near `usize::MAX`), and a thread-local key without a
/// destructor stays usable until the thread is gone, so `get` and `set`
/// cannot fail.
#[inline]
fn count(allocations: usize, grown: isize) {
    ALLOCATIONS.set(ALLOCATIONS.get().wrapping_add(allocations));
    LIVE_BYTES.set(LIVE_BYTES.get().wrapping_add(grown));
}

/// A layout's size as a byte count. `Layout` guarantees that a size,
/// rounded up to its alignment, does not exceed `isize::MAX`.
#[inline]
fn bytes(size: usize) -> isize {
    size as isize
}

/// `ptr`, as an allocation call returned it, after counting one allocation
/// and `grown` live bytes if the call succeeded (`ptr` not null).
#[inline]
fn counted(ptr: *mut u8, grown: isize) -> *mut u8 {
    if !ptr.is_null() {
        count(1, grown);
    }
    ptr
}

// SAFETY: every method passes the caller's arguments to `System` unchanged
// and returns what `System` returned, so every pointer handed out is one
// `System` made under the same contract, and every pointer given back (to
// `dealloc` or `realloc`) is one that came from `System` through this
// allocator, with the layout it was made with. The only addition is the
// bookkeeping in `count`, which reads no memory handed out, allocates
// nothing (the thread-local cells are `const`-initialised, with no
// destructor to register) and cannot panic or unwind.
unsafe impl GlobalAlloc for CountingAllocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract (a
        // layout of non-zero size), which is `System.alloc`'s.
        counted(unsafe { System.alloc(layout) }, bytes(layout.size()))
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc_zeroed`'s contract,
        // which is `System.alloc_zeroed`'s.
        counted(unsafe { System.alloc_zeroed(layout) }, bytes(layout.size()))
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees that `ptr` was allocated by this
        // allocator, hence by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        count(0, -bytes(layout.size()));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees that `ptr` was allocated by this
        // allocator, hence by `System`, with `layout`, and that `new_size`
        // is non-zero and valid for `layout`'s alignment. On failure the
        // old block stays allocated, and `counted` counts nothing.
        counted(unsafe { System.realloc(ptr, layout, new_size) }, bytes(new_size) - bytes(layout.size()))
    }
}

/// How many allocations (successful `alloc`, `alloc_zeroed` and `realloc`
/// calls) this thread has made since it started: a running total, for
/// taking differences. Always 0 if [`CountingAllocator`] is not installed.
#[inline]
pub fn allocations() -> usize {
    ALLOCATIONS.get()
}

/// The bytes this thread has allocated less those it has freed, since it
/// started: a running total, for taking differences. Always 0 if
/// [`CountingAllocator`] is not installed.
#[inline]
pub fn live_bytes() -> isize {
    LIVE_BYTES.get()
}

/// How many allocations this thread makes while running `f`.
///
/// ```
/// # use pyslots_testkit::alloc::{allocations_in, CountingAllocator};
/// # #[global_allocator]
/// # static ALLOCATOR: CountingAllocator = CountingAllocator;
/// # fn main() {
/// let numbers = vec![1, 2, 3];
/// assert_eq!(allocations_in(|| assert_eq!(numbers.iter().sum::<i32>(), 6)), 0);
/// assert_eq!(allocations_in(|| drop(numbers.clone())), 1);
/// # }
/// ```
pub fn allocations_in(f: impl FnOnce()) -> usize {
    let before = allocations();
    f();
    allocations().wrapping_sub(before)
}

/// What `f` returns, and the net bytes this thread allocated while running
/// it, what it returns kept alive: the heap bytes that value owns, if `f`
/// made it and freed nothing else (negative if `f` freed more than it kept).
///
/// ```
/// # use pyslots_testkit::alloc::{live_bytes_of, CountingAllocator};
/// # #[global_allocator]
/// # static ALLOCATOR: CountingAllocator = CountingAllocator;
/// # fn main() {
/// let (numbers, bytes) = live_bytes_of(|| Vec::<u64>::with_capacity(10));
/// assert_eq!(bytes, 80);
/// assert_eq!(live_bytes_of(|| drop(numbers)).1, -80);
/// # }
/// ```
pub fn live_bytes_of<T>(f: impl FnOnce() -> T) -> (T, isize) {
    let before = live_bytes();
    let kept = f();
    (kept, live_bytes().wrapping_sub(before))
}

/// Whether [`CountingAllocator`] is this program's global allocator, found
/// by allocating one byte and seeing whether it was counted. A test that
/// asserts an operation allocates nothing asserts this too, lest a missing
/// `#[global_allocator]` line make it pass whatever the operation does.
pub fn is_counting() -> bool {
    allocations_in(|| drop(std::hint::black_box(Box::new(0u8)))) == 1
}
