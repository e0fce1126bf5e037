//! The counting allocator, installed in a test binary of its own: every
//! allocator entry point, failures, and what "per thread" means.

use std::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};
use std::hint::black_box;

use pyslots_testkit::alloc::{allocations, allocations_in, is_counting, live_bytes, live_bytes_of, CountingAllocator};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Counts of this thread before and after `f`: (allocations, live bytes).
fn delta(f: impl FnOnce()) -> (usize, isize) {
    let (a, b) = (allocations(), live_bytes());
    f();
    (allocations() - a, live_bytes() - b)
}

#[test]
fn it_is_installed() {
    assert!(is_counting());
}

#[test]
fn every_entry_point_counts_the_requested_size() {
    let layout = Layout::from_size_align(100, 8).unwrap();
    let mut p = std::ptr::null_mut();
    // SAFETY: `layout` has a non-zero size.
    assert_eq!(delta(|| p = unsafe { alloc(layout) }), (1, 100));
    assert!(!p.is_null());
    // SAFETY: `p` was allocated with `layout`; 300 is non-zero and fits.
    assert_eq!(delta(|| p = unsafe { realloc(p, layout, 300) }), (1, 200));
    assert!(!p.is_null());
    let layout = Layout::from_size_align(300, 8).unwrap();
    // SAFETY: `p` now has `layout`; 20 is non-zero.
    assert_eq!(delta(|| p = unsafe { realloc(p, layout, 20) }), (1, -280));
    assert!(!p.is_null());
    let layout = Layout::from_size_align(20, 8).unwrap();
    // SAFETY: `p` now has `layout`.
    assert_eq!(delta(|| unsafe { dealloc(p, layout) }), (0, -20));

    let layout = Layout::from_size_align(64, 16).unwrap();
    // SAFETY: `layout` has a non-zero size.
    assert_eq!(delta(|| p = unsafe { alloc_zeroed(layout) }), (1, 64));
    assert!(!p.is_null());
    // SAFETY: `p` was allocated with `layout` and is 64 bytes long.
    assert!(unsafe { std::slice::from_raw_parts(p, 64) }.iter().all(|&b| b == 0));
    // SAFETY: `p` was allocated with `layout`.
    assert_eq!(delta(|| unsafe { dealloc(p, layout) }), (0, -64));
}

#[test]
fn a_failed_call_counts_nothing() {
    // Valid layouts no system can satisfy: `System` returns null.
    let huge = Layout::from_size_align(isize::MAX as usize / 2, 8).unwrap();
    // SAFETY: `huge` has a non-zero size.
    assert_eq!(delta(|| assert!(unsafe { alloc(black_box(huge)) }.is_null())), (0, 0));
    // SAFETY: as above.
    assert_eq!(delta(|| assert!(unsafe { alloc_zeroed(black_box(huge)) }.is_null())), (0, 0));

    let layout = Layout::from_size_align(8, 8).unwrap();
    // SAFETY: `layout` has a non-zero size.
    let p = unsafe { alloc(layout) };
    assert!(!p.is_null());
    // SAFETY: `p` was allocated with `layout`; the new size, rounded up to
    // 8, does not exceed `isize::MAX`.
    assert_eq!(delta(|| assert!(unsafe { realloc(p, layout, black_box(huge.size())) }.is_null())), (0, 0));
    // SAFETY: a failed `realloc` leaves `p` allocated with `layout`.
    unsafe { dealloc(p, layout) };
}

#[test]
fn the_helpers() {
    let v: Vec<u32> = (0..10).collect();
    assert_eq!(allocations_in(|| assert_eq!(black_box(&v).iter().sum::<u32>(), 45)), 0);
    let ((), n) = live_bytes_of(|| assert_eq!(allocations_in(|| drop(black_box(v.clone()))), 1));
    assert_eq!(n, 0);
    let (s, n) = live_bytes_of(|| String::with_capacity(37));
    assert_eq!((s.capacity(), n), (37, 37));
    assert_eq!(live_bytes_of(|| drop(s)).1, -37);
}

#[test]
fn counts_are_per_thread() {
    const MB: usize = 1 << 20;
    // Another thread's allocations are its own, not this thread's (spawning
    // it may allocate here, but nothing near a megabyte)...
    let ((kept, there), here) = live_bytes_of(|| {
        std::thread::scope(|s| s.spawn(|| live_bytes_of(|| black_box(vec![0u8; MB]))).join().unwrap())
    });
    assert_eq!(there, MB as isize);
    assert!(here < MB as isize / 2, "{here}");
    // ...and memory freed here that was allocated there counts down here.
    assert_eq!(live_bytes_of(|| drop(kept)).1, -(MB as isize));
}
