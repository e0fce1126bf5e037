//! Test infrastructure shared by pyslots' tests, examples, benchmarks and
//! the macro backend's tests, written once:
//!
//! - [`rng`]: the xorshift64* generator every randomised test draws from,
//!   and the environment variables that change its seed and case counts;
//! - [`oracle`]: CPython as the oracle: finding the interpreter, running a
//!   script, quoting Rust strings as Python literals, and the one-line-per-
//!   result protocol the differential tests read back;
//! - [`alloc`]: a counting global allocator (allocations and live bytes, per
//!   thread), for tests that something allocates nothing and for measuring
//!   the bytes a value owns;
//! - `differential` (feature `differential`): the differential harness, the
//!   same operations run on an object in pyslots and in CPython, one line
//!   each, compared.
//!
//! Without its feature it depends on nothing, pyslots included, so that any
//! crate of the workspace can use it as a dev-dependency (the macro backend
//! does, without pyslots); the feature adds pyslots, for the facade's tests.
//! It is never published.

// Unsafe code only where a global allocator needs it: the `alloc` module.
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[allow(unsafe_code)]
pub mod alloc;
#[cfg(feature = "differential")]
pub mod differential;
pub mod oracle;
pub mod rng;

/// Whether `done` holds now or within about a second, looked at again
/// every 10 ms: for what another test thread may delay a moment. A
/// collection running in another thread holds each object it examines
/// until it lets it go, so an object whose last handle was just dropped
/// may still be alive, and is freed (by that thread) when the collection
/// lets it go.
pub fn soon(mut done: impl FnMut() -> bool) -> bool {
    (0..100).any(|_| {
        let now = done();
        if !now {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        now
    })
}
