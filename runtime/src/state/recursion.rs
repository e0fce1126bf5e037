//! Deep data without stack overflows: the depth limit and the stack growth
//! of the operations that must recurse on nested values.
//!
//! Most operations over values walk them without recursion (`==`, repr,
//! `hash()`, drops, the collector). Two cannot: a deep copy follows its
//! original's shape, and serde's `Serializer`/`Deserializer` drive the
//! recursion themselves. Those count how deep they are and, every
//! [`STRIDE`] levels, make sure [`RED_ZONE`] bytes of stack are left,
//! moving onto a new heap-allocated segment of the stack when they are not
//! (the `stacker` crate, which rustc uses for the same purpose). They so
//! complete on any thread, a 512 KiB one in a debug build included, down
//! to [`recursion_limit`] levels, and past it return CPython's
//! `RecursionError` instead of aborting the process.

#[cfg(feature = "serde")]
pub(crate) use per_thread::Level;

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// How deep a deep copy or serde may nest by default: a million levels, a
/// linked list of a million objects (CPython stops at its recursion limit,
/// 1000). Each level takes a few hundred bytes of stack in a release
/// build, a few KiB in a debug one, on segments freed when the operation
/// returns.
///
/// ```
/// assert_eq!(pyslots::DEFAULT_RECURSION_LIMIT, 1_000_000);
/// ```
pub const DEFAULT_LIMIT: u32 = 1_000_000;

static LIMIT: AtomicU32 = AtomicU32::new(DEFAULT_LIMIT);

/// How deep [`deepcopy`](crate::deepcopy) and serde may nest before they
/// return CPython's `RecursionError`: [`DEFAULT_LIMIT`] unless
/// [`set_recursion_limit`] changed it. Python's `sys.getrecursionlimit()`,
/// counted in levels of nested data rather than in frames.
///
/// ```
/// assert_eq!(pyslots::recursion_limit(), 1_000_000);
/// ```
pub fn recursion_limit() -> u32 {
    LIMIT.load(Relaxed)
}

/// Sets [`recursion_limit`] for the whole process (Python's
/// `sys.setrecursionlimit`): lower it to bound the memory a deep copy or a
/// serialization of untrusted, deeply nested data may take.
///
/// ```
/// use pyslots::Value;
/// let mut deep = Value::list([0]);
/// for _ in 0..10 {
///     deep = Value::list([deep]);
/// }
/// pyslots::set_recursion_limit(5);
/// let err = pyslots::deepcopy(&deep).unwrap_err();
/// pyslots::set_recursion_limit(pyslots::DEFAULT_RECURSION_LIMIT);
/// assert_eq!(err.exception(), "RecursionError");
/// assert_eq!(err.to_string(), "maximum recursion depth exceeded while calling a Python object");
/// ```
pub fn set_recursion_limit(limit: u32) {
    LIMIT.store(limit, Relaxed);
}

/// Levels between two stack checks.
const STRIDE: u32 = 8;

/// The stack [`STRIDE`] levels need at the most, debug builds included
/// (a deep copy's level is three frames of about 2 KiB there).
const RED_ZONE: usize = 128 * 1024;

/// The size of each stack segment added on the heap.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f`, which recurses one level deeper to `depth`, on enough stack:
/// every [`STRIDE`] levels the remaining stack is checked (a comparison
/// with a cached limit) and a new segment is started if it runs low.
#[inline(always)]
pub(crate) fn grow<R>(depth: u32, f: impl FnOnce() -> R) -> R {
    if depth % STRIDE == 0 {
        stacker::maybe_grow(RED_ZONE, SEGMENT, f)
    } else {
        f()
    }
}

/// The depth of a recursion that passes through code not ours (serde's
/// formats), counted per thread.
#[cfg(feature = "serde")]
mod per_thread {
    use std::cell::Cell;

    use super::{grow, recursion_limit};
    use crate::error::Error;

    thread_local! {
        /// How deep the serde impls nest on this thread.
        static DEPTH: Cell<u32> = const { Cell::new(0) };
    }

    /// One level of a recursion counted per thread (serde's, which passes
    /// through the format's code), closed when dropped.
    pub(crate) struct Level {
        depth: u32,
    }

    impl Level {
        /// Opens a level; CPython's `RecursionError` with `message` past
        /// the [`recursion_limit`].
        pub(crate) fn enter(message: &'static str) -> Result<Level, Error> {
            let depth = DEPTH.with(|d| d.get()) + 1;
            if depth > recursion_limit() {
                return Err(Error::recursion_error(message));
            }
            DEPTH.with(|d| d.set(depth));
            Ok(Level { depth })
        }

        /// Runs `f` at this level, on enough stack (see [`grow`]).
        pub(crate) fn run<R>(&self, f: impl FnOnce() -> R) -> R {
            grow(self.depth, f)
        }
    }

    impl Drop for Level {
        fn drop(&mut self) {
            DEPTH.with(|d| d.set(self.depth - 1));
        }
    }
}
