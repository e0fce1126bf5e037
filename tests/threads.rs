//! Shared objects across threads: several threads read and write the same
//! objects through handles; no update is lost, nothing deadlocks or panics.

use std::sync::Barrier;
use std::thread;

use pyslots::prelude::*;
use pyslots::WeakObject;

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

/// Runs `f` on a thread of its own; fails, instead of hanging, if it has
/// not finished within `secs` (a deadlock), or if it panicked.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("deadlock: not finished within {secs} s"),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("the thread panicked"),
    }
}

#[test]
fn a_property_waiting_for_a_lock_does_not_keep_the_gil() {
    // A run-time class's property getter (user code) waits for a mutex
    // that another thread holds while that thread does a handle
    // operation. If `PyObject::getattr` kept the global lock across the
    // getter, the holder could never finish: a deadlock (as before this
    // fix). Outside a scope, user code runs without the lock.
    within(30, || {
        use std::sync::{Arc, Mutex};
        let m = Arc::new(Mutex::new(()));
        let mut ns = Dict::new();
        ns.insert("__slots__", Value::tuple(["x"]));
        let m2 = m.clone();
        let get = Value::function("_get", move |_, _| {
            let _g = m2.lock().unwrap();
            Ok(Value::Int(1))
        });
        ns.insert("p", Value::property(Some(get), None, None));
        let class = Type::new("P", &[], ns).unwrap();
        let obj = class.instantiate().unwrap();
        let other = Py::new(Counter::new(0));
        let (tx, rx) = std::sync::mpsc::channel();
        let holder = {
            let other = other.clone();
            thread::spawn(move || {
                let g = m.lock().unwrap();
                tx.send(()).unwrap();
                thread::sleep(std::time::Duration::from_millis(100));
                other.setattr("count", 1).unwrap();
                drop(g);
            })
        };
        rx.recv().unwrap();
        assert_eq!(obj.getattr("p").unwrap(), Value::Int(1));
        holder.join().unwrap();
        assert_eq!(*other.read().count().unwrap(), 1);
    });
}

/// The lock a [`Gate`]'s getter waits for.
static GATE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[pyclass_like]
#[slots(n)]
struct Gate {
    n: i64,
}

#[methods]
impl Gate {
    /// Waits for [`GATE`]: user code that blocks, as any Rust code may.
    #[getter]
    fn gated(&self) -> Result<i64, Error> {
        let _g = GATE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(*self.n()?)
    }
}

#[test]
fn a_methods_getter_waiting_for_a_lock_does_not_keep_the_gil() {
    // As above, for a compile-time class's `#[methods]` property, through
    // `Py::getattr` and `PyObject::getattr`.
    within(30, || {
        let gate = Py::new(Gate::new(5));
        let object = gate.clone().into_object();
        let other = Py::new(Counter::new(0));
        for round in 0..2 {
            let (tx, rx) = std::sync::mpsc::channel();
            let holder = {
                let other = other.clone();
                thread::spawn(move || {
                    let g = GATE.lock().unwrap();
                    tx.send(()).unwrap();
                    thread::sleep(std::time::Duration::from_millis(100));
                    other.setattr("count", round).unwrap();
                    drop(g);
                })
            };
            rx.recv().unwrap();
            let got = if round == 0 { gate.getattr("gated") } else { object.getattr("gated") };
            assert_eq!(got.unwrap(), Value::Int(5));
            holder.join().unwrap();
        }
    });
}

#[test]
fn a_thread_in_a_scope_waiting_for_a_container_lets_the_gil_go() {
    // Threads in `with_gil` scopes and threads outside any scope append to
    // the same list and write the same live instance dict (a container's
    // own lock, waited for with the global lock let go) while reading
    // objects: every update lands, and nothing hangs.
    within(60, || {
        let list = pyslots::PyList::new();
        let registry = Py::new(Registry::new("r".into())).into_object();
        let dict = pyslots::vars(&*registry.read()).unwrap();
        let counters: Vec<Py<Counter>> = (0..4).map(|_| Py::new(Counter::new(0))).collect();
        thread::scope(|s| {
            for t in 0..4 {
                let (list, registry, dict, counters) = (list.clone(), registry.clone(), dict.clone(), &counters);
                s.spawn(move || {
                    for i in 0..2_000 {
                        let work = || {
                            list.push(i);
                            registry.setattr(&format!("k{}", i % 16), i).unwrap();
                            dict.insert(format!("t{t}"), i);
                            let c = &counters[(t + i as usize) % 4];
                            let n = c.read().getattr("count").unwrap().as_int().unwrap();
                            assert!(n >= 0);
                            let _ = list.len();
                        };
                        if t % 2 == 0 {
                            pyslots::gil::with_gil(work);
                        } else {
                            work();
                        }
                    }
                });
            }
        });
        assert_eq!(list.len(), 8_000);
        assert_eq!(dict.get("t3"), Some(Value::Int(1_999)));
    });
}

#[test]
fn handle_reads_and_writes_with_no_mark_respect_every_borrow() {
    // `PyObject::getattr` of a class without methods (made at run time or
    // with `#[pyclass_like]`) reads a set slot with no mark in the
    // object's flag (`PyCell::get_unmarked`):
    // sound only while no thread writes the object. Writers hold write
    // borrows (on other threads, and on this one) while they replace a
    // boxed value (a tuple) again and again; readers clone it through the
    // handle, in and out of GIL scopes. Every tuple read must be one a
    // writer wrote whole (`(k, -k)`), and a reader's own write borrow is
    // the borrow error, not a read under it. A number written through the
    // handle (with no mark, when nobody borrows the object) never lands
    // under another thread's read borrow.
    use pyslots::gil;

    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["pair", "x"]));
    let class = Type::new("Cell", &[], ns).unwrap();
    #[pyclass_like]
    #[slots(pair, x)]
    struct Compiled {
        x: f64,
    }
    let objects: Vec<PyObject> = (0..4)
        .map(|i| {
            let o = if i % 2 == 0 { class.instantiate().unwrap() } else { Py::new(Compiled::new(0.5)).into_object() };
            o.setattr("pair", Value::tuple([0, 0])).unwrap();
            o.setattr("x", 0.5).unwrap();
            o
        })
        .collect();
    let check = |v: Value| {
        let Value::Tuple(t) = v else { panic!("not a tuple: {v:?}") };
        let (a, b) = (t[0].as_int().unwrap(), t[1].as_int().unwrap());
        assert_eq!(a + b, 0, "a torn or freed value read");
        a
    };
    thread::scope(|s| {
        for t in 0..4usize {
            let objects = &objects;
            s.spawn(move || {
                for i in 0..3_000i64 {
                    let o = &objects[(i as usize + t) % 4];
                    if t % 2 == 0 {
                        let mut w = o.write();
                        w.setattr("pair", Value::tuple([i, -i])).unwrap();
                        // Under this thread's own write borrow the handle's
                        // read is the borrow error.
                        assert_eq!(o.getattr("pair").unwrap_err().to_string(), "Already mutably borrowed");
                    } else if i % 2 == 0 {
                        gil::with_gil(|| check(o.getattr("pair").unwrap()));
                    } else {
                        check(o.getattr("pair").unwrap());
                        // A number written through the handle (no mark when
                        // nobody borrows the object) waits for this read.
                        let r = o.read();
                        let x = r.getattr("x").unwrap();
                        thread::yield_now();
                        assert_eq!(r.getattr("x").unwrap(), x, "a write under a read borrow");
                    }
                    if t == 3 {
                        o.setattr("x", i as f64 + 0.5).unwrap();
                    }
                }
            });
        }
    });
    for o in &objects {
        check(o.getattr("pair").unwrap());
        let r = o.read();
        let x = o.getattr("x").unwrap();
        assert!(x.as_float().is_some(), "another read beside a read borrow");
        assert_eq!(o.setattr("x", 1.5).unwrap_err().to_string(), "Already borrowed");
        drop(r);
        let w = o.write();
        assert_eq!(o.setattr("x", 1.5).unwrap_err().to_string(), "Already mutably borrowed");
        drop(w);
        o.setattr("x", 1.5).unwrap();
        assert_eq!(o.getattr("x").unwrap(), Value::Float(1.5));
    }
}

#[test]
fn a_typed_slot_of_another_crates_type_is_read_and_written_with_the_mark() {
    // A handle's unmarked read takes only slots whose type's `load` is
    // pyslots' own (`SlotValue::PLAIN`, which no other crate can claim),
    // its unmarked write only slots whose conversion is (`PLAIN_STORE`):
    // this type's `load` tries to write the very object it is read from,
    // and its conversions to read the object being written; each must
    // find the object borrowed, as under any other read or write.
    use pyslots::{Mismatch, SlotValue};
    use std::borrow::Cow;
    use std::sync::Mutex;

    static TARGET: Mutex<Option<PyObject>> = Mutex::new(None);
    static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Meddler(f64);

    impl SlotValue for Meddler {
        type Stored = Meddler;
        type Ref<'a> = &'a Meddler;
        fn expected() -> Cow<'static, str> {
            "Meddler".into()
        }
        fn vacant() -> Meddler {
            Meddler(0.0)
        }
        fn store(self) -> Meddler {
            self
        }
        fn unstore(stored: Meddler) -> Option<Meddler> {
            Some(stored)
        }
        fn get(stored: &Meddler) -> Option<&Meddler> {
            Some(stored)
        }
        fn load(stored: &Meddler) -> Value {
            let target = TARGET.lock().unwrap().clone();
            if let Some(o) = target {
                let outcome = match o.try_write() {
                    Ok(_) => "written while read".to_string(),
                    Err(e) => e.to_string(),
                };
                SEEN.lock().unwrap().push(outcome);
            }
            Value::Float(stored.0)
        }
        fn convert(value: Value) -> Result<Meddler, Mismatch> {
            probe();
            value.as_float().map(Meddler).ok_or(Mismatch::Type(value))
        }
        fn convert_ref(value: &Value) -> Option<Meddler> {
            probe();
            value.as_float().map(Meddler)
        }
    }

    /// Tries to read the object being written: a write with the mark
    /// makes that the borrow error.
    fn probe() {
        let target = TARGET.lock().unwrap().clone();
        if let Some(o) = target {
            let outcome = match o.try_read() {
                Ok(_) => "read while written".to_string(),
                Err(e) => e.to_string(),
            };
            SEEN.lock().unwrap().push(outcome);
        }
    }

    #[pyclass_like]
    #[slots(m, plain)]
    struct Host {
        m: Meddler,
        plain: f64,
    }

    let o = Py::new(Host::new(Meddler(1.5), 2.5)).into_object();
    *TARGET.lock().unwrap() = Some(o.clone());
    for scoped in [false, true] {
        SEEN.lock().unwrap().clear();
        let read = || o.getattr("m").unwrap();
        let v = if scoped { pyslots::gil::with_gil(read) } else { read() };
        // The second round reads what the first wrote.
        let (m, plain) = if scoped { (3.5, 4.5) } else { (1.5, 2.5) };
        assert_eq!(v, Value::Float(m));
        assert_eq!(*SEEN.lock().unwrap(), ["Already borrowed"], "scoped: {scoped}");
        assert_eq!(o.getattr("plain").unwrap(), Value::Float(plain));
        // A write of a number is the same: the type's conversion is this
        // crate's code, so it runs under the write borrow's mark.
        SEEN.lock().unwrap().clear();
        let write = || o.setattr("m", 3.5).unwrap();
        if scoped {
            pyslots::gil::with_gil(write);
        } else {
            write();
        }
        assert_eq!(*SEEN.lock().unwrap(), ["Already mutably borrowed"], "scoped: {scoped}");
        o.setattr("plain", 4.5).unwrap();
        assert_eq!(o.getattr("plain").unwrap(), Value::Float(4.5));
    }
    *TARGET.lock().unwrap() = None;
}

#[test]
fn counted_collections_never_clear_what_another_thread_still_reaches() {
    // Chains of run-time objects, each node a cycle of its own (`peer` is
    // itself, so every collection counts), made and dropped by worker
    // threads while another thread collects all along: a collection lets
    // each node go during its count and takes the garbage it finds back
    // afterwards, so handles dropped meanwhile must neither get a node
    // that is still reached cleared (its `next` would be gone) nor keep
    // anything from being freed in the end.
    use std::sync::atomic::{AtomicBool, Ordering};

    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["next", "peer", "__weakref__"]));
    let node = Type::new("Link", &[], ns).unwrap();
    const LENGTH: usize = 40;
    let chain = |node: &Type, weaks: &mut Vec<WeakObject>| -> PyObject {
        let mut head = Value::None;
        for _ in 0..LENGTH {
            let o = node.instantiate().unwrap();
            o.setattr("peer", Value::from(o.clone())).unwrap();
            o.setattr("next", head).unwrap();
            weaks.push(o.try_downgrade().unwrap());
            head = Value::from(o);
        }
        head.as_object().unwrap().clone()
    };
    let length = |head: &PyObject| -> usize {
        let mut n = 0;
        let mut cur = Value::from(head.clone());
        while let Value::Object(o) = cur {
            assert!(Value::is(&o.getattr("peer").unwrap(), &Value::from(o.clone())), "a reached node was cleared");
            n += 1;
            cur = o.getattr("next").expect("a reached node keeps its link");
        }
        n
    };
    let done = AtomicBool::new(false);
    let weaks: Vec<WeakObject> = thread::scope(|s| {
        let collector = s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                pyslots::gc::collect();
                thread::yield_now();
            }
        });
        let workers: Vec<_> = (0..3)
            .map(|t| {
                let node = node.clone();
                s.spawn(move || {
                    let mut weaks = Vec::new();
                    let mut kept: Vec<PyObject> = Vec::new();
                    let mut dropped: Vec<WeakObject> = Vec::new();
                    for round in 0..40 {
                        kept.push(chain(&node, &mut weaks));
                        for head in &kept {
                            assert_eq!(length(head), LENGTH);
                        }
                        // Drop a chain now and then, from either end of the list,
                        // keeping a weak reference to its head.
                        if round % 2 == t % 2 && kept.len() > 2 {
                            let head = if round % 3 == 0 { kept.remove(0) } else { kept.pop().unwrap() };
                            dropped.push(head.try_downgrade().unwrap());
                            drop(head);
                        }
                        // Take one back while collections run: a chain not yet
                        // found garbage comes back whole (one found garbage
                        // upgrades to nothing from then on).
                        if let Some(head) = dropped.get(round % dropped.len().max(1)).and_then(WeakObject::upgrade) {
                            assert_eq!(length(&head), LENGTH, "a chain taken back whole");
                            if round % 5 == 0 {
                                kept.push(head);
                            }
                        }
                    }
                    for head in &kept {
                        assert_eq!(length(head), LENGTH);
                    }
                    weaks
                })
            })
            .collect();
        let weaks = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();
        done.store(true, Ordering::Relaxed);
        collector.join().unwrap();
        weaks
    });
    pyslots::gc::collect();
    pyslots::gc::collect();
    assert!(
        pyslots_testkit::soon(|| weaks.iter().all(|w| w.upgrade().is_none())),
        "every chain was dropped: none is left alive"
    );
}
