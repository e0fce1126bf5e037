//! Shared objects across threads: several threads read and write the same
//! objects through handles; no update is lost, nothing deadlocks or panics.

use std::sync::Barrier;
use std::thread;

use pyslots::prelude::*;

#[pyclass_like]
#[slots(count, last, __weakref__)]
struct Counter {
    count: i64,
}

#[pyclass_like]
struct Registry {
    name: String,
}

const THREADS: usize = 8;
const ROUNDS: i64 = 20_000;

#[test]
fn concurrent_increments_lose_nothing() {
    let counter = Py::new(Counter::new(0));
    let registry = Py::new(Registry::new("shared".into())).into_object();
    let barrier = Barrier::new(THREADS);
    thread::scope(|s| {
        for t in 0..THREADS {
            let (counter, registry, barrier) = (counter.clone(), registry.clone(), &barrier);
            s.spawn(move || {
                barrier.wait();
                for i in 0..ROUNDS {
                    // Read-modify-write under one write lock: no lost update.
                    {
                        let mut c = counter.write();
                        let n = *c.count().unwrap();
                        c.set_count(n + 1);
                        c.setattr("last", Value::Int(t as i64)).unwrap();
                    }
                    // Readers and a dict-backed object through the erased handle.
                    assert!(counter.read().getattr("count").unwrap().as_int().unwrap() > 0);
                    registry.setattr(&format!("t{t}"), i).unwrap();
                    let _ = registry.getattr("name").unwrap();
                    // Weak references come and go alongside.
                    let weak = Py::downgrade(&counter);
                    assert!(weak.upgrade().is_some());
                }
            });
        }
    });
    assert_eq!(*counter.read().count().unwrap(), THREADS as i64 * ROUNDS);
    let reg = registry.read();
    let d = reg.dict().unwrap();
    assert_eq!(d.len(), THREADS + 1);
    for t in 0..THREADS {
        assert_eq!(d.get(&format!("t{t}")), Some(Value::Int(ROUNDS - 1)));
    }
}

#[test]
fn handles_cross_threads_through_values() {
    let counter = Py::new(Counter::new(0));
    let value = Value::from(&counter);
    let joined = thread::spawn(move || {
        let obj = value.as_object().unwrap().clone();
        obj.setattr("count", 41).unwrap();
        obj.downcast::<Counter>().unwrap()
    })
    .join()
    .unwrap();
    assert!(Py::is(&joined, &counter));
    assert_eq!(*counter.read().count().unwrap(), 41);
}

#[test]
// The hash is the object's address, which writes through the lock cannot
// change: clippy's interior-mutability warning does not apply.
#[allow(clippy::mutable_key_type)]
fn handles_compare_and_hash_by_identity() {
    use std::collections::HashSet;
    let a = Py::new(Counter::new(1));
    let b = Py::new(Counter::new(1)); // equal contents, another object
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    let set: HashSet<Py<Counter>> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    let (oa, ob) = (a.clone().into_object(), b.into_object());
    assert_eq!(oa, a.into_object());
    assert_ne!(oa, ob);
    assert_eq!(Value::from(oa.clone()), Value::from(oa));
}
