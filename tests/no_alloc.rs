//! `getattr` of a numeric slot allocates nothing; `getattr` of a string
//! slot allocates nothing either (it shares the string). Counted by a
//! global allocator wrapper, in a test binary of its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use pyslots::prelude::*;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every method forwards to `System` unchanged; the only addition is
// a thread-local counter, which does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[pyclass_like]
#[slots(x, name, count, __dict__)]
struct P {
    x: f64,
    name: String,
    count: i64,
}

#[test]
fn reading_slots_does_not_allocate() {
    let mut p = P::new(1.5, "a name longer than any inline buffer".into(), 7);
    p.setattr("extra", 1.into()).unwrap();
    let n = allocations_in(|| {
        for _ in 0..1000 {
            std::hint::black_box(p.getattr(std::hint::black_box("x")).unwrap());
            std::hint::black_box(p.getattr(std::hint::black_box("name")).unwrap());
            std::hint::black_box(p.getattr(std::hint::black_box("count")).unwrap());
            std::hint::black_box(p.hasattr(std::hint::black_box("missing")));
            std::hint::black_box(p.getattr(std::hint::black_box("extra")).unwrap());
        }
    });
    assert_eq!(n, 0);
}

#[test]
fn writing_numeric_slots_does_not_allocate() {
    let mut p = P::new(1.5, "n".into(), 7);
    let n = allocations_in(|| {
        for i in 0..1000 {
            p.setattr("x", Value::Float(i as f64)).unwrap();
            p.setattr("count", Value::Int(i)).unwrap();
        }
    });
    assert_eq!(n, 0);
}
