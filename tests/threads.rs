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

#[test]
fn readers_and_writers_in_and_out_of_gil_scopes_while_collections_run() {
    // Writers keep `a + b == 0` true under each write borrow; readers (some
    // inside `gil::with_gil` scopes that let the lock go now and then,
    // some without) must never see it false, through `Py` guards and the
    // erased handle of a run-time class alike; a thread collects all along,
    // and garbage cycles come and go.
    use pyslots::gil;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[pyclass_like]
    #[slots(a, b, peer)]
    struct Pair {
        a: i64,
        b: i64,
    }

    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["a", "b"]));
    let class = Type::new("RtPair", &[], ns).unwrap();
    let pairs: Vec<Py<Pair>> = (0..4).map(|_| Py::new(Pair::new(0, 0))).collect();
    let objects: Vec<PyObject> = (0..4)
        .map(|_| {
            let o = class.instantiate().unwrap();
            o.setattr("a", 0).unwrap();
            o.setattr("b", 0).unwrap();
            o
        })
        .collect();
    let done = AtomicBool::new(false);
    let rounds = 4_000;
    thread::scope(|s| {
        for t in 0..4usize {
            let (pairs, objects) = (&pairs, &objects);
            s.spawn(move || {
                let work = |i: usize| {
                    let k = (i + t) % 4;
                    if t % 2 == 0 {
                        // A writer.
                        let mut p = pairs[k].write();
                        let a = *p.a().unwrap() + 1;
                        p.set_a(a);
                        p.set_b(-a);
                        let mut o = objects[k].write();
                        let a = o.getattr("a").unwrap().as_int().unwrap() + 1;
                        o.setattr("a", Value::Int(a)).unwrap();
                        o.setattr("b", Value::Int(-a)).unwrap();
                    } else {
                        // A reader.
                        let p = pairs[k].read();
                        assert_eq!(p.a().unwrap() + p.b().unwrap(), 0, "a torn read of a Py");
                        let o = objects[k].read();
                        let sum = o.getattr("a").unwrap().as_int().unwrap() + o.getattr("b").unwrap().as_int().unwrap();
                        assert_eq!(sum, 0, "a torn read of a PyObject");
                    }
                    // A garbage cycle for the collector.
                    let g = Py::new(Pair::new(0, 0));
                    g.setattr("peer", Value::from(&g)).unwrap();
                };
                for i in 0..rounds {
                    if t < 2 && i % 50 < 25 {
                        // In a scope: other threads wait for its end, or for a
                        // borrow it waits on, or for `allow_threads`.
                        gil::with_gil(|| {
                            assert!(gil::is_held());
                            work(i);
                            if i % 7 == 0 {
                                gil::allow_threads(|| assert!(!gil::is_held()));
                            }
                        });
                    } else {
                        work(i);
                    }
                }
            });
        }
        let done = &done;
        s.spawn(move || {
            while !done.load(Ordering::Relaxed) {
                pyslots::gc::collect();
                thread::yield_now();
            }
        });
        // The main thread joins nothing until the workers finish: it polls.
        while pairs.iter().map(|p| *p.read().a().unwrap()).sum::<i64>() < 2 * rounds as i64 {
            thread::sleep(std::time::Duration::from_millis(2));
        }
        done.store(true, Ordering::Relaxed);
    });
    let total: i64 = pairs.iter().map(|p| *p.read().a().unwrap()).sum();
    assert_eq!(total, 2 * rounds as i64, "no write lost");
    let total: i64 = objects.iter().map(|o| o.getattr("a").unwrap().as_int().unwrap()).sum();
    assert_eq!(total, 2 * rounds as i64, "no write lost");
    assert!(!pyslots::gil::is_held());
}

#[test]
fn a_thread_waiting_for_a_borrow_lets_the_gil_go() {
    // A scope holds the lock; inside it, this thread waits for a write
    // another thread holds: the waiting lets the lock go, so the writer
    // (which needs it to end its borrow) can finish. Never a hang.
    use pyslots::gil;
    let c = Py::new(Counter::new(0));
    let (tx, rx) = std::sync::mpsc::channel();
    let writer = {
        let c = c.clone();
        thread::spawn(move || {
            let mut w = c.write();
            tx.send(()).unwrap();
            thread::sleep(std::time::Duration::from_millis(50));
            w.set_count(7);
        })
    };
    rx.recv().unwrap();
    let n = gil::with_gil(|| *c.read().count().unwrap());
    assert_eq!(n, 7);
    writer.join().unwrap();
}
