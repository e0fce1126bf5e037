//! Deep and long data are ordinary input: every operation over a `Value`
//! or an object graph completes on a 512 KiB stack (the tests run in debug
//! builds, where frames are largest) or returns CPython's `RecursionError`,
//! never aborts the process. Nesting 10^5 deep (lists, tuples, dicts) and
//! chains of 10^6 objects.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use pyslots::prelude::*;
use pyslots::ErrorKind;
use pyslots::PyList;

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
        let shallow = pyslots::copy(&a).unwrap();
        assert!(!Value::is(&shallow, &a) && shallow == a);
        let deep = pyslots::deepcopy(&a).unwrap();
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
        assert!(Value::is(&pyslots::deepcopy(&a).unwrap(), &a));
        // One holding a list is copied.
        let mut c = Value::list([1]);
        for _ in 0..DEEP {
            c = Value::tuple([c]);
        }
        let copied = pyslots::deepcopy(&c).unwrap();
        assert!(!Value::is(&copied, &c) && copied == c);
    });
}

#[test]
fn a_deep_dict_is_written_compared_and_copied() {
    on_small_stack(|| {
        let a = nested_dict(DEEP);
        assert_eq!(a.to_string(), expected_repr(DEEP, "{'k': ", "0", "}"));
        let deep = pyslots::deepcopy(&a).unwrap();
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
        let copy = pyslots::deepcopy(&v).unwrap();
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
        let copy = pyslots::deepcopy(&head).unwrap();
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
        let list_copy = pyslots::deepcopy(&list);
        let chain_copy = pyslots::deepcopy(&chain);
        let tuple_err = pyslots::deepcopy(&tuples).unwrap_err();
        pyslots::set_recursion_limit(10);
        let list_err = pyslots::deepcopy(&list).unwrap_err();
        let chain_err = pyslots::deepcopy(&chain).unwrap_err();
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
        let copy = pyslots::deepcopy(&Value::from(&head)).unwrap();
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

// ---------------------------------------------------------------------------
// Deep and long data against CPython, at depths CPython reaches with its
// recursion limit raised and a 256 MiB thread stack; pyslots runs them on
// 512 KiB.

/// A random deep value: `depth` containers, each a list, a tuple or a dict
/// (`kinds` says which may occur), around a number; some levels carry a
/// second item.
#[derive(Debug)]
struct DeepCase {
    depth: usize,
    kinds: &'static str,
    seed: u64,
}

fn deep_value(case: &DeepCase) -> Value {
    let mut rng = pyslots_testkit::rng::Rng::new(case.seed);
    let kinds = case.kinds.as_bytes();
    let mut v = Value::from(case.seed as i64 % 1000);
    for level in 0..case.depth {
        let extra = rng.chance(20).then(|| Value::from(level as i64));
        v = match kinds[rng.below(kinds.len())] {
            b'l' => Value::list([Some(v), extra].into_iter().flatten()),
            b't' => Value::tuple([Some(v), extra].into_iter().flatten()),
            _ => match extra {
                Some(e) => Value::dict([("k", v), ("e", e)]),
                None => Value::dict([("k", v)]),
            },
        };
    }
    v
}

/// The same value, built by the same draws, in Python.
const PY_DEEP: &str = r#"
import copy, sys, threading
sys.setrecursionlimit(10**7)
threading.stack_size(1 << 28)

M = 2**64 - 1

class Rng:
    # pyslots_testkit::rng::Rng (xorshift64*), draw for draw.
    def __init__(self, seed): self.state = max(seed, 1)
    def next(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & M
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & M
    def below(self, n): return self.next() % n
    def chance(self, p): return self.below(100) < p

def deep_value(depth, kinds, seed):
    rng = Rng(seed)
    v = seed % 1000
    for level in range(depth):
        extra = [level] if rng.chance(20) else []
        k = kinds[rng.below(len(kinds))]
        if k == 'l': v = [v] + extra
        elif k == 't': v = tuple([v] + extra)
        else: v = {'k': v, 'e': extra[0]} if extra else {'k': v}
    return v

class Node:
    __slots__ = ('next', 'payload')

def chain(n):
    head = None
    for i in range(n):
        node = Node()
        node.next = head
        node.payload = (i, [i])
        head = node
    return head

def walk(head):
    n, total = 0, 0
    while head is not None:
        n += 1
        total += head.payload[0] + head.payload[1][0]
        head = head.next
    return n, total

def line(f):
    try:
        return 'ok ' + str(f())
    except Exception as e:
        return f'{type(e).__name__}: {e}'

def main():
    for depth, kinds, seed in CASES:
        v = deep_value(depth, kinds, seed)
        w = deep_value(depth, kinds, seed)
        d = copy.deepcopy(v)
        print(repr(v))
        print(line(lambda: hash(v)))
        print(v == w, d == v, d is v, repr(d) == repr(v))
    for n in CHAINS:
        head = chain(n)
        d = copy.deepcopy(head)
        c = copy.copy(head)
        print(walk(d), d is head, d.next is head.next, c.next is head.next, d.payload[1] is head.payload[1])
        del head, d, c

t = threading.Thread(target=main)
t.start()
t.join()
"#;

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

#[pyclass_like]
#[slots(next, payload)]
struct PyNode;

fn untyped_chain(n: usize) -> Value {
    let mut head = Value::None;
    for i in 0..n as i64 {
        let mut node = PyNode::default();
        node.setattr("next", head).unwrap();
        node.setattr("payload", Value::tuple([Value::from(i), Value::list([i])])).unwrap();
        head = Value::from(Py::new(node));
    }
    head
}

fn walk(mut head: Value) -> (usize, i64) {
    let (mut n, mut total) = (0, 0);
    while let Value::Object(o) = head {
        n += 1;
        let payload = o.getattr("payload").unwrap();
        let t = payload.as_tuple().unwrap();
        total += t[0].as_int().unwrap() + t[1].as_list().unwrap().get(0).unwrap().as_int().unwrap();
        head = o.getattr("next").unwrap();
    }
    (n, total)
}

#[test]
fn deep_and_long_data_match_cpython() {
    use pyslots_testkit::rng::{env_or, Rng};
    let count = env_or("PYSLOTS_DEEP_CASES", 24usize);
    let mut rng = Rng::new(env_or("PYSLOTS_DEEP_SEED", 0xdee9_u64));
    let kinds = ["l", "t", "d", "lt", "ld", "td", "ltd"];
    let cases: Vec<DeepCase> = (0..count)
        .map(|_| DeepCase {
            depth: [1, 50, 1_000, 5_000, 20_000][rng.below(5)],
            kinds: kinds[rng.below(kinds.len())],
            seed: rng.next() >> 16,
        })
        .collect();
    let chains = [1usize, 40, 2_000, 20_000];
    let script = format!(
        "CASES = [{}]\nCHAINS = {chains:?}\n{PY_DEEP}",
        cases.iter().map(|c| format!("({}, '{}', {})", c.depth, c.kinds, c.seed)).collect::<Vec<_>>().join(", ")
    );
    let cpython = pyslots_testkit::oracle::run(&script);
    let ours = on_small_stack(move || {
        let mut lines = Vec::new();
        for case in &cases {
            let v = deep_value(case);
            let w = deep_value(case);
            let d = pyslots::deepcopy(&v).unwrap();
            lines.push(v.to_string());
            lines.push(match v.py_hash() {
                Ok(h) => format!("ok {h}"),
                Err(e) => format!("{}: {e}", e.exception()),
            });
            lines.push(format!(
                "{} {} {} {}",
                py_bool(v.py_eq(&w)),
                py_bool(d.py_eq(&v)),
                py_bool(Value::is(&d, &v)),
                py_bool(d.to_string() == v.to_string())
            ));
        }
        for n in chains {
            let head = untyped_chain(n);
            let d = pyslots::deepcopy(&head).unwrap();
            let c = pyslots::copy(&head).unwrap();
            let next = |v: &Value| v.as_object().unwrap().getattr("next").unwrap();
            let payload_list =
                |v: &Value| v.as_object().unwrap().getattr("payload").unwrap().as_tuple().unwrap()[1].clone();
            lines.push(format!(
                "{:?} {} {} {} {}",
                walk(d.clone()),
                py_bool(Value::is(&d, &head)),
                py_bool(Value::is(&next(&d), &next(&head))),
                py_bool(Value::is(&next(&c), &next(&head))),
                py_bool(Value::is(&payload_list(&d), &payload_list(&head)))
            ));
        }
        lines
    });
    assert_eq!(ours.len(), cpython.len());
    let mismatches: Vec<usize> = (0..ours.len()).filter(|&i| ours[i] != cpython[i]).collect();
    for &i in mismatches.iter().take(3) {
        let cut = |s: &str| s.chars().take(200).collect::<String>();
        eprintln!("line {i}:\n  pyslots {}\n  CPython {}", cut(&ours[i]), cut(&cpython[i]));
    }
    println!("{count} deep values and {} chains, {} mismatches", chains.len(), mismatches.len());
    assert!(mismatches.is_empty());
}

// ---------------------------------------------------------------------------
// A deep class hierarchy against CPython: a chain of 2,000 run-time classes over
// a compile-time root, each adding a slot (a few a dict or class
// attributes), the deepest instance used by name on a 512 KiB stack.

#[pyclass_like]
#[slots(r)]
struct Root;

/// The chain's depth.
const HIERARCHY: usize = 2_000;

/// What class `i` of the chain declares, as Python source for its
/// namespace: `__slots__` (none every 250th class: it gets a dict) and a
/// class attribute every 100th.
fn level_namespace(i: usize) -> Vec<(String, Value)> {
    let mut ns = Vec::new();
    if i % 250 != 249 {
        ns.push(("__slots__".to_string(), Value::tuple([format!("s{i}")])));
    }
    if i % 100 == 7 {
        ns.push((format!("a{i}"), Value::from(i as i64)));
    }
    ns
}

const HIERARCHY_OPS: &[&str] = &[
    "setattr(o, 'r', 1)",
    "setattr(o, 's0', 2)",
    "setattr(o, 's998', 3)",
    "setattr(o, 's500', 4)",
    "setattr(o, 'extra', 5)",
    "getattr(o, 'r')",
    "getattr(o, 's0')",
    "getattr(o, 's998')",
    "getattr(o, 'a507')",
    "getattr(o, 's1')",
    "getattr(o, 'zz')",
    "hasattr(o, 's500')",
    "getattr(copy.deepcopy(o), 's500')",
    "getattr(copy.copy(o), 'extra')",
    "delattr(o, 's0')",
    "delattr(o, 's0')",
    "getattr(o, 's0')",
];

#[test]
fn a_two_thousand_class_hierarchy_matches_cpython() {
    let mut py = String::from("import copy\nclass Root:\n    __slots__ = ('r',)\nC = Root\n");
    for i in 0..HIERARCHY {
        let ns: Vec<String> = level_namespace(i).iter().map(|(k, v)| format!("'{k}': {v}")).collect();
        py.push_str(&format!("C = type('C{i}', (C,), {{{}}})\n", ns.join(", ")));
    }
    py.push_str("o = C()\ndef line(f):\n    try:\n        return 'ok ' + repr(f())\n    except Exception as e:\n        return f'{type(e).__name__}: {e}'\n");
    for op in HIERARCHY_OPS {
        py.push_str(&format!("print(line(lambda: {op}))\n"));
    }
    py.push_str("print(sorted(n for n in dir(o) if not n.startswith('__')))\n");
    py.push_str("print(repr(o.__getstate__()))\n");
    py.push_str("print(issubclass(C, C.__mro__[-3]), len(C.__mro__))\n");
    let cpython = pyslots_testkit::oracle::run(&py);
    let ours = on_small_stack(|| {
        let mut class = Type::of::<Root>();
        let mut classes = vec![class.clone()];
        for i in 0..HIERARCHY {
            let mut ns = pyslots::Dict::new();
            for (k, v) in level_namespace(i) {
                ns.insert(k, v);
            }
            class = Type::new(&format!("C{i}"), &[class], ns).unwrap();
            classes.push(class.clone());
        }
        let o = class.instantiate().unwrap();
        let show = |r: Result<Value, Error>| match r {
            Ok(v) => format!("ok {v}"),
            Err(e) => format!("{}: {e}", e.exception()),
        };
        let unit = |r: Result<(), Error>| show(r.map(|()| Value::None));
        let mut lines = vec![
            unit(o.setattr("r", Value::from(1))),
            unit(o.setattr("s0", Value::from(2))),
            unit(o.setattr("s998", Value::from(3))),
            unit(o.setattr("s500", Value::from(4))),
            unit(o.setattr("extra", Value::from(5))),
            show(o.getattr("r")),
            show(o.getattr("s0")),
            show(o.getattr("s998")),
            show(o.getattr("a507")),
            show(o.getattr("s1")),
            show(o.getattr("zz")),
            format!("ok {}", Value::from(o.read().hasattr("s500"))),
            show(pyslots::deepcopy(&Value::Object(o.clone())).and_then(|c| c.as_object().unwrap().getattr("s500"))),
            show(pyslots::copy(&Value::Object(o.clone())).and_then(|c| c.as_object().unwrap().getattr("extra"))),
        ];
        for _ in 0..2 {
            let deleted = o.write().delattr("s0");
            lines.push(unit(deleted));
        }
        lines.push(show(o.getattr("s0")));
        let dir: Vec<Value> =
            pyslots::dir(&*o.read()).into_iter().filter(|n| !n.starts_with("__")).map(Value::from).collect();
        lines.push(Value::list(dir).to_string());
        lines.push(pyslots::getstate(&*o.read()).to_string());
        let mro = class.mro();
        lines.push(format!("{} {}", if class.is_subclass(&classes[0]) { "True" } else { "False" }, mro.len()));
        lines
    });
    assert_eq!(ours.len(), cpython.len());
    for (i, (a, b)) in ours.iter().zip(&cpython).enumerate() {
        let cut = |s: &str| s.chars().take(300).collect::<String>();
        assert_eq!(a, b, "line {i}: pyslots {} / CPython {}", cut(a), cut(b));
    }
}

#[test]
fn states_holding_deep_data_are_read_and_restored() {
    on_small_stack(|| {
        let deep = nested_list(DEEP);
        let mut node = PyNode::default();
        node.setattr("payload", deep.clone()).unwrap();
        let state = pyslots::getstate(&node);
        let mut restored = PyNode::default();
        pyslots::setstate(&mut restored, state).unwrap();
        assert!(Value::is(&restored.getattr("payload").unwrap(), &deep));
        let copied = pyslots::copy(&Value::from(Py::new(node))).unwrap();
        assert!(Value::is(&copied.as_object().unwrap().getattr("payload").unwrap(), &deep));
    });
}
