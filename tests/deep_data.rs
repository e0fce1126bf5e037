//! Deep and long data are ordinary input: every operation over a `Value`
//! or an object graph completes on a 512 KiB stack (the tests run in debug
//! builds, where frames are largest) or returns CPython's `RecursionError`,
//! never aborts the process. Nesting 10^5 deep (lists, tuples, dicts) and
//! chains of 10^6 objects.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use pyslots::prelude::*;
use pyslots::ErrorKind;

/// Nesting depth of the deep containers.
const DEEP: usize = 100_000;
/// Length of the object chains.
const LONG: usize = 1_000_000;

/// One test at a time: one of them lowers the process's recursion limit,
/// and each of them takes a few hundred MB at its peak.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::Builder::new().stack_size(512 * 1024).spawn(f).unwrap().join().unwrap()
}

/// `[[[...[0]...]]]`, `depth` lists around a 0.
fn nested_list(depth: usize) -> Value {
    let mut v = Value::from(0);
    for _ in 0..depth {
        v = Value::list([v]);
    }
    v
}

/// `((...(0,)...),)`.
fn nested_tuple(depth: usize, innermost: i64) -> Value {
    let mut v = Value::from(innermost);
    for _ in 0..depth {
        v = Value::tuple([v]);
    }
    v
}

/// `{'k': {'k': ... 0}}`.
fn nested_dict(depth: usize) -> Value {
    let mut v = Value::from(0);
    for _ in 0..depth {
        v = Value::dict([("k", v)]);
    }
    v
}

fn expected_repr(depth: usize, open: &str, inner: &str, close: &str) -> String {
    let mut s = open.repeat(depth);
    s.push_str(inner);
    s.push_str(&close.repeat(depth));
    s
}

#[test]
fn a_deep_list_is_written_compared_copied_and_dropped() {
    on_small_stack(|| {
        let a = nested_list(DEEP);
        let b = nested_list(DEEP);
        let want = expected_repr(DEEP, "[", "0", "]");
        assert_eq!(a.to_string(), want);
        assert_eq!(format!("{a:?}"), want);
        assert_eq!(a.repr(), want);
        assert!(a == b && a.py_eq(&b));
        assert!(a != nested_list(DEEP - 1) && !a.py_eq(&nested_list(DEEP - 1)));
        assert_eq!(a.py_hash().unwrap_err().to_string(), "unhashable type: 'list'");
        let shallow = pyslots::copy(&a);
        assert!(!Value::is(&shallow, &a) && shallow == a);
        let deep = pyslots::try_deepcopy(&a).unwrap();
        assert!(!Value::is(&deep, &a) && deep == a);
        drop((a, b, shallow, deep));
    });
}

#[test]
fn a_deep_tuple_is_built_hashed_and_written() {
    on_small_stack(|| {
        // Building one walked every nested tuple at each level: quadratic,
        // and recursive.
        let a = nested_tuple(DEEP, 7);
        let b = nested_tuple(DEEP, 7);
        assert_eq!(a.to_string(), expected_repr(DEEP, "(", "7", ",)"));
        assert!(a == b && a.py_eq(&b));
        assert_eq!(a.py_hash().unwrap(), b.py_hash().unwrap());
        assert_ne!(a.py_hash().unwrap(), nested_tuple(DEEP, 8).py_hash().unwrap());
        // A tuple of numbers is its own deep copy, however deep.
        assert!(Value::is(&pyslots::try_deepcopy(&a).unwrap(), &a));
        // One holding a list is copied.
        let mut c = Value::list([1]);
        for _ in 0..DEEP {
            c = Value::tuple([c]);
        }
        let copied = pyslots::try_deepcopy(&c).unwrap();
        assert!(!Value::is(&copied, &c) && copied == c);
    });
}

#[test]
fn a_deep_dict_is_written_compared_and_copied() {
    on_small_stack(|| {
        let a = nested_dict(DEEP);
        assert_eq!(a.to_string(), expected_repr(DEEP, "{'k': ", "0", "}"));
        let deep = pyslots::try_deepcopy(&a).unwrap();
        assert!(deep == a && deep.py_eq(&a));
    });
}

/// A hash of a nested tuple is CPython's at every depth the oracle reaches.
#[test]
fn nested_tuple_hashes_are_cpythons() {
    let depths = [1usize, 2, 3, 10, 50, 200];
    let script = depths
        .iter()
        .map(|d| format!("t = 5\nfor _ in range({d}): t = (t, -1, 2.5)\nprint(hash(t))"))
        .collect::<Vec<_>>()
        .join("\n");
    let cpython = pyslots_testkit::oracle::run(&script);
    for (d, want) in depths.iter().zip(cpython) {
        let mut t = Value::from(5);
        for _ in 0..*d {
            t = Value::tuple([t, Value::from(-1), Value::from(2.5)]);
        }
        assert_eq!(t.py_hash().unwrap().to_string(), want, "depth {d}");
    }
}

#[test]
fn a_self_containing_list_inside_deep_nesting_prints_its_placeholder() {
    on_small_stack(|| {
        let inner = PyList::new();
        inner.push(Value::List(inner.clone()));
        let mut v = Value::List(inner.clone());
        for _ in 0..DEEP {
            v = Value::list([v]);
        }
        assert_eq!(v.to_string(), expected_repr(DEEP, "[", "[[...]]", "]"));
        inner.clear();
    });
}

static DROPS: AtomicUsize = AtomicUsize::new(0);

#[pyclass_like]
#[slots(next, payload)]
struct Node {
    next: Option<Py<Node>>,
}

impl Drop for Node {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

#[pyclass_like]
#[slots(next, __dict__)]
struct Link;

/// A chain `len` long of `Node`s through their typed `next` slot.
fn typed_chain(len: usize) -> Py<Node> {
    let mut head = Py::new(Node::new(None));
    for _ in 1..len {
        head = Py::new(Node::new(Some(head)));
    }
    head
}

#[test]
fn a_million_long_chain_is_copied_collected_and_dropped_once_each() {
    on_small_stack(|| {
        let before = DROPS.load(Ordering::Relaxed);
        let head = typed_chain(LONG);
        let v = Value::from(&head);
        assert!(v.to_string().starts_with("<Node object at "));
        assert!(v == v.clone() && v.py_eq(&v.clone()));
        assert!(v.py_hash().is_ok());
        let state = pyslots::getstate(&*head.read());
        let copy = pyslots::try_deepcopy(&v).unwrap();
        assert!(!Value::is(&copy, &v));
        let mut n = 0;
        let mut at = copy.as_object().unwrap().clone();
        loop {
            n += 1;
            let next = at.getattr("next").unwrap();
            match next {
                Value::Object(o) => at = o,
                _ => break,
            }
        }
        assert_eq!(n, LONG);
        assert_eq!(pyslots::gc::collect(), 0);
        drop((state, v, copy, at, head));
        assert_eq!(DROPS.load(Ordering::Relaxed) - before, 2 * LONG);
    });
}

#[test]
fn a_long_chain_through_untyped_slots_and_dicts_deep_copies() {
    on_small_stack(|| {
        let mut head = Value::None;
        for i in 0..LONG / 10 {
            let mut link = Link::default();
            if i % 2 == 0 {
                link.setattr("next", head).unwrap();
            } else {
                link.setattr("other", head).unwrap();
            }
            head = Value::from(Py::new(link));
        }
        let copy = pyslots::try_deepcopy(&head).unwrap();
        assert!(!Value::is(&copy, &head));
        assert_eq!(pyslots::getstate(&*copy.as_object().unwrap().read()).to_string().len(), {
            let s = pyslots::getstate(&*head.as_object().unwrap().read()).to_string();
            s.len()
        });
    });
}

/// A deep copy goes only a few dozen levels deep on the stack: a chain or
/// a nesting deeper than the recursion limit is still copied. Tuples in
/// tuples, which must be made after their items, recurse; past the limit,
/// CPython's `RecursionError`, the original untouched. The limit is per
/// process, like `sys.setrecursionlimit`.
#[test]
fn past_the_limit_deep_copies_of_nested_tuples_raise_recursion_error() {
    on_small_stack(|| {
        let list = nested_list(300);
        let chain = Value::from(typed_chain(300));
        let mut tuples = Value::list([1]);
        for _ in 0..300 {
            tuples = Value::tuple([tuples]);
        }
        pyslots::set_recursion_limit(200);
        let list_copy = pyslots::try_deepcopy(&list);
        let chain_copy = pyslots::try_deepcopy(&chain);
        let tuple_err = pyslots::try_deepcopy(&tuples).unwrap_err();
        pyslots::set_recursion_limit(10);
        let list_err = pyslots::try_deepcopy(&list).unwrap_err();
        let chain_err = pyslots::try_deepcopy(&chain).unwrap_err();
        pyslots::set_recursion_limit(pyslots::DEFAULT_RECURSION_LIMIT);
        assert!(list_copy.unwrap() == list);
        assert!(!Value::is(&chain_copy.unwrap(), &chain));
        assert_eq!(tuple_err.exception(), "RecursionError");
        assert_eq!(tuple_err.kind(), ErrorKind::RecursionError);
        assert_eq!(tuple_err.to_string(), "maximum recursion depth exceeded while calling a Python object");
        assert_eq!(list_err.to_string(), "maximum recursion depth exceeded while calling a Python object");
        assert_eq!(chain_err.exception(), "RecursionError");
        assert_eq!(chain_err.to_string(), "maximum recursion depth exceeded");
        assert_eq!(list, nested_list(300));
    });
}

/// Deferred copies keep what the original shares shared and its cycles
/// cycles, past the depth where copying is deferred.
#[test]
fn deferred_deep_copies_keep_sharing_and_cycles() {
    on_small_stack(|| {
        // A ring of 1,000 nodes; every node also holds one shared list.
        let shared = Value::list([1, 2]);
        let first = Py::new(Node::new(None));
        first.write().setattr("payload", shared.clone()).unwrap();
        let mut head = first.clone();
        for _ in 1..1000 {
            let n = Py::new(Node::new(Some(head)));
            n.write().setattr("payload", shared.clone()).unwrap();
            head = n;
        }
        first.write().set_next(Some(head.clone()));
        let copy = pyslots::try_deepcopy(&Value::from(&head)).unwrap();
        let copy_head = copy.as_object().unwrap().clone();
        let payload = copy_head.getattr("payload").unwrap();
        assert!(!Value::is(&payload, &shared) && payload == shared);
        let mut at = copy_head.clone();
        for _ in 0..1000 {
            assert!(Value::is(&at.getattr("payload").unwrap(), &payload));
            at = at.getattr("next").unwrap().as_object().unwrap().clone();
        }
        // Round the ring once: back at the copy's head.
        assert!(PyObject::is(&at, &copy_head));
        first.write().set_next(None);
        copy_head.setattr("next", Value::None).unwrap();
    });
}

#[test]
fn heap_sizes_of_deep_and_cyclic_containers_are_finite() {
    on_small_stack(|| {
        let deep = nested_list(DEEP);
        let one = nested_list(1).heap_size() - nested_list(0).heap_size();
        assert_eq!(deep.heap_size(), DEEP * one);
        // A list that holds itself, in an object: measured once.
        let l = PyList::new();
        l.push(Value::List(l.clone()));
        let mut link = Link::default();
        link.setattr("next", Value::List(l.clone())).unwrap();
        let size = pyslots::total_sizeof(&link);
        assert!(size > std::mem::size_of::<Link>() && size < 1024, "{size}");
        l.clear();
    });
}

#[cfg(feature = "serde")]
mod serde_deep {
    use super::*;

    #[test]
    fn a_deep_list_serializes_and_deserializes() {
        on_small_stack(|| {
            let deep = nested_list(DEEP);
            let json = serde_json::to_string(&deep).unwrap();
            assert_eq!(json, expected_repr(DEEP, "[", "0", "]"));
            // serde_json stops at 128 levels unless told otherwise.
            let mut de = serde_json::Deserializer::from_str(&json);
            de.disable_recursion_limit();
            let back: Value = serde::Deserialize::deserialize(&mut de).unwrap();
            assert!(back == deep);
            let err = serde_json::from_str::<Value>(&json).unwrap_err();
            assert!(err.to_string().starts_with("recursion limit exceeded"), "{err}");
        });
    }

    #[test]
    fn a_million_long_chain_serializes() {
        on_small_stack(|| {
            let head = Value::from(typed_chain(LONG));
            let json = serde_json::to_string(&head).unwrap();
            // The last node's `next` is `None`.
            assert_eq!(json, format!("{}null{}", "{\"next\":".repeat(LONG), "}".repeat(LONG)));
        });
    }

    #[test]
    fn past_the_limit_serde_raises_recursion_error() {
        on_small_stack(|| {
            let deep = nested_list(300);
            let json = serde_json::to_string(&deep).unwrap();
            pyslots::set_recursion_limit(200);
            let ser = serde_json::to_string(&deep).unwrap_err();
            let mut de = serde_json::Deserializer::from_str(&json);
            de.disable_recursion_limit();
            let de = <Value as serde::Deserialize>::deserialize(&mut de).unwrap_err();
            pyslots::set_recursion_limit(pyslots::DEFAULT_RECURSION_LIMIT);
            assert_eq!(ser.to_string(), "maximum recursion depth exceeded while serializing an object");
            assert!(
                de.to_string().starts_with("maximum recursion depth exceeded while deserializing an object"),
                "{de}"
            );
        });
    }
}
