//! Dropping long chains of objects does not overflow the stack (CPython's
//! "trashcan"): a million linked nodes, through typed slots, untyped slots
//! and dicts, dropped on a thread with a small stack.

use pyslots::prelude::*;

#[pyclass_like]
#[slots(next, value)]
struct Node {
    next: Option<Py<Node>>,
}

#[pyclass_like]
struct Link {
    name: String,
}

const N: usize = 1_000_000;

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().unwrap();
}

#[test]
fn a_million_typed_links_drop_without_overflow() {
    on_small_stack(|| {
        let mut head: Option<Py<Node>> = None;
        for _ in 0..N {
            head = Some(Py::new(Node::new(head)));
        }
        // Held once. A collection that another test's thread runs
        // meanwhile holds a reference to each node it examines until it
        // ends: looked at again after a moment if so.
        assert!(pyslots_testkit::soon(|| head.as_ref().map(Py::strong_count) == Some(1)));
        drop(head);
    });
}

#[test]
fn a_million_untyped_and_dict_links_drop_without_overflow() {
    on_small_stack(|| {
        let mut head = Value::None;
        for i in 0..N {
            let mut node = Node::new(None);
            node.setattr("value", head).unwrap();
            let node = Py::new(node);
            head = if i % 2 == 0 {
                Value::from(node)
            } else {
                let mut link = Link::new("l".into());
                link.setattr("next", Value::from(node)).unwrap();
                Value::from(Py::new(link))
            };
        }
        drop(head);
    });
}

#[pyclass_like]
#[slots(next, __weakref__)]
struct WeakNode {
    next: Option<Py<WeakNode>>,
}

#[test]
fn deferred_objects_are_dropped_all_the_same() {
    // Far deeper than the trashcan's limit: most drops are deferred, and
    // every object must still be gone afterwards.
    let mut head: Option<Py<WeakNode>> = None;
    let mut weaks = Vec::new();
    for _ in 0..10_000 {
        let node = Py::new(WeakNode::new(head.take()));
        weaks.push(Py::downgrade(&node));
        head = Some(node);
    }
    assert!(weaks.iter().all(|w| w.upgrade().is_some()));
    drop(head);
    // A collection that another test's thread runs meanwhile may hold a
    // node it examines, which then goes (with the rest of the chain) when
    // that collection lets it go: looked at again after a moment if so.
    assert!(pyslots_testkit::soon(|| weaks.iter().all(|w| w.upgrade().is_none())));
}

/// Counts its drops: what [`a_million_run_time_instances_drop_without_overflow`]
/// hangs on each node.
#[pyclass_like]
struct Tracker {}

static TRACKERS_DROPPED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Drop for Tracker {
    fn drop(&mut self) {
        TRACKERS_DROPPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn a_million_run_time_instances_drop_without_overflow() {
    // Instances of classes made at run time, each kind of storage a cell
    // queues its references from past the trashcan's depth: three slots
    // kept in the cell, the link in place (an object) or boxed (a list
    // holding it), and a `__dict__`. Each node holds a tracker: every one
    // is dropped, none twice.
    on_small_stack(|| {
        let mut ns = Dict::new();
        ns.insert("__slots__", Value::tuple(["next", "tracker", "x"]));
        let slotted = Type::new("Node", &[], ns).unwrap();
        let regular = Type::new("Regular", &[], Dict::new()).unwrap();
        let mut head = Value::None;
        for i in 0..N {
            let node = if i % 3 == 2 { regular.instantiate() } else { slotted.instantiate() }.unwrap();
            let link = if i % 3 == 1 { Value::list([head]) } else { head };
            node.setattr("next", link).unwrap();
            node.setattr("tracker", Value::from(Py::new(Tracker::new()))).unwrap();
            node.setattr("x", i as f64).unwrap();
            head = Value::from(node);
        }
        drop(head);
        // As above: another test's collection may hold a node a moment.
        assert!(pyslots_testkit::soon(|| {
            let dropped = TRACKERS_DROPPED.load(std::sync::atomic::Ordering::Relaxed);
            assert!(dropped <= N, "a tracker dropped twice");
            dropped == N
        }));
    });
}
