//! `getattr` of a numeric slot allocates nothing; `getattr` of a string
//! slot allocates nothing either (it shares the string). The heap sizes
//! pyslots reports are the bytes the allocator handed out. Counted by a global
//! allocator wrapper, in a test binary of its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use pyslots::prelude::*;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

// SAFETY: every method forwards to `System` unchanged; the only addition is
// a thread-local counter, which does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        LIVE_BYTES.with(|c| c.set(c.get() + layout.size() as isize));
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.with(|c| c.set(c.get() - layout.size() as isize));
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

/// The net bytes `f` left allocated, with what it returns kept alive
/// (negative if it freed more than it kept).
fn live_bytes_of<T>(f: impl FnOnce() -> T) -> (T, isize) {
    let before = LIVE_BYTES.with(Cell::get);
    let kept = f();
    (kept, LIVE_BYTES.with(Cell::get) - before)
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

#[test]
fn heap_sizes_are_what_the_allocator_gave() {
    // The one shared empty string is allocated on first use, once per process.
    drop(PyStr::empty());
    for len in [0, 1, 15, 16, 17, 23, 24, 25, 40, 1000] {
        let text = "é".repeat(len / 2) + &"x".repeat(len % 2);
        assert_eq!(text.len(), len);
        let (s, bytes) = live_bytes_of(|| PyStr::new(&text));
        assert_eq!(s.heap_size() as isize, bytes, "PyStr::new of {len} bytes");
        let owned = text.clone();
        let freed = owned.capacity() as isize;
        let (s, bytes) = live_bytes_of(|| PyStr::from(owned));
        assert_eq!(s.heap_size() as isize, bytes + freed, "PyStr::from(String) of {len} bytes");

        let name = text.clone();
        let (p, bytes) = live_bytes_of(|| Box::new(P::new(1.0, name, 2)));
        assert_eq!(total_sizeof(&*p) as isize, bytes + len as isize, "slotted instance with a {len}-byte name, boxed");
    }
}
