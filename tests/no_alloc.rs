//! `getattr` of a numeric slot allocates nothing; `getattr` of a string
//! slot allocates nothing either (it shares the string). The heap sizes
//! pyslots reports are the bytes the allocator handed out. Counted by
//! `pyslots_testkit`'s counting global allocator, in a test binary of its own.

use pyslots::prelude::*;
use pyslots::{total_sizeof, PyBytes, PyStr};
use pyslots_testkit::alloc::{allocations_in, is_counting, live_bytes_of, CountingAllocator};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[pyclass_like]
#[slots(x, name, count, __dict__)]
struct P {
    x: f64,
    name: String,
    count: i64,
}

/// Held by every test here: a cycle collection in one prunes the registry
/// entries of the cells another test's thread dropped, freeing their memory
/// on its own thread, where the counts are kept. One test at a time.
static TRACKED_CELLS: std::sync::Mutex<()> = std::sync::Mutex::new(());

///
/// A test's thread also leaves nothing for the registry when it ends: the
/// nodes it tracked and had not yet handed over (a thread hands them over
/// in batches, and the rest when it exits) would be appended while the
/// next test counts, growing the registry's vector there (a flaky +96
/// bytes seen). The guard collects, which hands them over, before it lets
/// the next test in.
fn one_at_a_time() -> Serial {
    Serial(TRACKED_CELLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
}

struct Serial(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

impl Drop for Serial {
    fn drop(&mut self) {
        pyslots::gc::collect();
    }
}

#[test]
fn the_counting_allocator_is_installed() {
    let _serial = one_at_a_time();
    // Without it every count below would be 0 and every test would pass.
    assert!(is_counting());
}

#[test]
fn reading_slots_does_not_allocate() {
    let _serial = one_at_a_time();
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
    let _serial = one_at_a_time();
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
    let _serial = one_at_a_time();
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

#[test]
fn heap_sizes_of_typed_collections_are_what_the_allocator_gave() {
    let _serial = one_at_a_time();
    use pyslots::SlotValue;
    use std::collections::{BTreeMap, HashMap};

    /// Makes a value and converts it for a slot of `T`, then drops the
    /// value: what stays allocated is what the stored value keeps (the
    /// collection, and the long strings it shares with nobody now), which
    /// must be its `heap_size`.
    ///
    /// The cycle collector keeps a dropped list's or dict's cell (not its
    /// items) allocated until it next prunes its registry of tracked
    /// cells: a collection before (after a first value, so that the
    /// registry has room) and one inside the count prune them.
    fn check<T: SlotValue>(make: impl Fn() -> Value) {
        for _ in 0..2 {
            drop(make());
            pyslots::gc::collect();
        }
        let (stored, bytes) = live_bytes_of(|| {
            let stored = T::convert(make()).ok().unwrap();
            pyslots::gc::collect();
            stored
        });
        assert_eq!(T::heap_size(&stored) as isize, bytes, "{} of {}", std::any::type_name::<T>(), T::load(&stored));
    }
    let long = |i: usize| format!("a string longer than fifteen bytes, number {i}");
    for n in [0, 1, 3, 4, 7, 8, 11, 12, 13, 23, 24, 100, 144, 145, 1000] {
        let ints = move || Value::list((0..n).map(|i| i as i64));
        check::<Vec<i64>>(ints);
        check::<Vec<u8>>(|| Value::list((0..n).map(|i| (i % 256) as i64)));
        check::<Vec<String>>(|| Value::list((0..n).map(long)));
        check::<Vec<(i64, String)>>(|| Value::list((0..n).map(|i| (i as i64, long(i)))));
        let dict = move || Value::dict((0..n).map(|i| (format!("k{i}"), i as i64)));
        check::<HashMap<String, i64>>(dict);
        check::<BTreeMap<String, i64>>(dict);
        check::<BTreeMap<String, u8>>(|| Value::dict((0..n).map(|i| (long(i), (i % 256) as i64))));
        check::<HashMap<String, Vec<i64>>>(|| Value::dict((0..n.min(20)).map(|i| (long(i), ints()))));
    }
    check::<PyBytes>(|| Value::bytes(&[1; 100]));
    check::<(i64, Vec<i64>)>(|| Value::tuple([Value::Int(1), Value::list([1, 2, 3])]));
}

/// An instance of a run-time class behind a handle keeps up to eight slot
/// values in its cell: made, it is one allocation (the cell), not two (the
/// cell and the slots); from nine slots on, the slots are an allocation of
/// their own. A hundred instances each, so that the registry's amortised
/// growth cannot decide the count.
#[test]
fn a_shared_run_time_instance_keeps_up_to_eight_slots_in_its_cell() {
    let _serial = one_at_a_time();
    for k in 0..=10usize {
        let names: Vec<String> = (0..k).map(|i| format!("s{i}")).collect();
        let mut ns = Dict::new();
        ns.insert("__slots__", Value::tuple(names.iter().map(String::as_str)));
        let class = Type::new("K", &[], ns).unwrap();
        let mut kept = Vec::with_capacity(100);
        let n = allocations_in(|| {
            for _ in 0..100 {
                kept.push(class.instantiate().unwrap());
            }
        });
        let per_object = if k <= 8 { 1 } else { 2 };
        assert!((100 * per_object..100 * per_object + 10).contains(&n), "{k} slots: {n} allocations for 100 instances");
        // Every slot is there, written and read back through the handle.
        for (i, name) in names.iter().enumerate() {
            kept[0].setattr(name, i as f64).unwrap();
        }
        for (i, name) in names.iter().enumerate() {
            assert_eq!(kept[0].getattr(name).unwrap(), Value::Float(i as f64));
        }
        // An unset slot, as CPython words it.
        assert_eq!(kept[1].getattr("s0").unwrap_err().to_string(), "'K' object has no attribute 's0'");
    }
}
