//! The lifetime of a class made at run time: it lives while an instance, a
//! subclass, a handle or a `Type` uses it, and is freed after, so a program
//! that makes and drops classes in a loop runs in bounded memory (DESIGN.md,
//! "Nothing aborts, nothing leaks"); what names it (errors, members, `Debug`)
//! keeps working after.
//!
//! A test binary of its own: it installs the counting allocator
//! (`pyslots_testkit::alloc`) as its global allocator, reads the process's
//! resident set, and counts the live run-time classes of the process, which
//! other tests running beside it would move. Its tests take turns (`ONE`).

use std::sync::{Mutex, MutexGuard};

use pyslots::prelude::*;
use pyslots::Attr;
use pyslots::Instance;
use pyslots_testkit::alloc::{is_counting, live_bytes, CountingAllocator};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many classes the loop makes; `PYSLOTS_CHURN` gives another count.
fn classes() -> usize {
    std::env::var("PYSLOTS_CHURN").ok().and_then(|s| s.parse().ok()).unwrap_or(200_000)
}

/// The process's resident set, in bytes (Linux; 0 elsewhere).
fn resident() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    pages * 4096
}

/// One turn of the loop: a class with a few slots, a dict and class
/// attributes (every fourth over a run-time base of its own), instantiated
/// once, an attribute set and read in a slot and in the dict, then dropped.
fn one_class(i: usize) {
    let mut bases = Vec::new();
    if i % 4 == 0 {
        let mut ns = Dict::new();
        ns.insert("__slots__", Value::tuple(["b"]));
        ns.insert("origin", Value::from(format!("base {i}")));
        bases.push(Type::new(&format!("Base{i}"), &[], ns).expect("a valid class"));
    }
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "y", "__dict__"]));
    ns.insert("dims", 2);
    ns.insert("label", Value::from(format!("class number {i}")));
    let class = Type::new(&format!("Churn{i}"), &bases, ns).expect("a valid class");
    let p = class.instantiate().unwrap();
    p.setattr("x", Value::Float(i as f64)).expect("a slot");
    assert_eq!(p.getattr("x").expect("set"), Value::Float(i as f64));
    p.setattr("extra", Value::Int(i as i64)).expect("a dict");
    assert_eq!(p.getattr("extra").expect("set"), Value::Int(i as i64));
    assert_eq!(p.getattr("dims").expect("a class attribute"), Value::Int(2));
    let err = p.getattr("missing").unwrap_err();
    assert_eq!(err.to_string(), format!("'Churn{i}' object has no attribute 'missing'"));
}

/// One test at a time: the count of live classes is the process's.
static ONE: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE.lock().unwrap_or_else(|e| e.into_inner())
}

fn live() -> usize {
    Type::live_runtime_classes()
}

#[test]
fn making_and_dropping_classes_runs_in_bounded_memory() {
    let _one = one_at_a_time();
    assert!(is_counting());
    let n = classes();
    // Warm up: the allocator's and the collector's own tables settle.
    (0..2_000).for_each(one_class);
    let (rss, bytes, classes) = (resident(), live_bytes(), live());
    (0..n).for_each(one_class);
    let grown_rss = resident().saturating_sub(rss);
    let grown_bytes = live_bytes() - bytes;
    eprintln!("{n} classes: resident set grew {grown_rss} B, live heap {grown_bytes} B");
    assert_eq!(live(), classes, "every class made in the loop is freed");
    assert!(grown_bytes < 8 << 20, "{n} classes left {grown_bytes} B on the heap");
    assert!(grown_rss < 8 << 20, "{n} classes grew the resident set by {grown_rss} B");
}

/// A class with slot `x`, a dict and a class attribute.
fn point(name: &str, bases: &[Type]) -> Type {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "__dict__", "__weakref__"]));
    ns.insert("dims", 2);
    Type::new(name, bases, ns).expect("a valid class")
}

#[test]
fn an_owned_instance_keeps_its_class() {
    let _one = one_at_a_time();
    let before = live();
    let t = point("P", &[]);
    let mut p = Instance::new(&t).expect("a run-time class");
    drop(t);
    assert_eq!(live(), before + 1);
    p.setattr("x", Value::Float(1.5)).unwrap();
    p.setattr("label", Value::from("a")).unwrap();
    assert_eq!(p.getattr("x").unwrap(), Value::Float(1.5));
    assert_eq!(p.getattr("label").unwrap(), Value::from("a"));
    assert_eq!(p.getattr("dims").unwrap(), Value::Int(2));
    assert_eq!(format!("{p:?}"), "P { x: 1.5, __dict__: {'label': 'a'} }");
    assert_eq!(p.class().to_string(), "<class 'P'>");
    drop(p);
    assert_eq!(live(), before);
}

#[test]
fn a_handle_keeps_its_class() {
    let _one = one_at_a_time();
    let before = live();
    let t = point("P", &[]);
    let p = t.instantiate().unwrap();
    drop(t);
    assert_eq!(live(), before + 1);
    p.setattr("x", 1).unwrap();
    assert_eq!(p.type_name(), "P");
    assert_eq!(p.class().name(), "P");
    assert!(p.layout().has_weakref());
    let weak = p.try_downgrade().unwrap();
    // A copy is another instance of the same class.
    let q = pyslots::copy(&Value::Object(p.clone())).unwrap();
    drop(p);
    assert_eq!(live(), before + 1, "the copy holds the class");
    assert!(weak.upgrade().is_none());
    drop(q);
    assert_eq!(live(), before);
}

#[test]
fn a_subclass_keeps_its_bases() {
    let _one = one_at_a_time();
    let before = live();
    let base = point("Base", &[]);
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["y"]));
    let sub = Type::new("Sub", std::slice::from_ref(&base), ns).unwrap();
    drop(base);
    assert_eq!(live(), before + 2);
    let s = sub.instantiate().unwrap();
    s.setattr("x", 1).unwrap();
    s.setattr("y", 2).unwrap();
    assert_eq!((s.getattr("x").unwrap(), s.getattr("dims").unwrap()), (Value::Int(1), Value::Int(2)));
    assert_eq!(sub.mro().iter().map(|t| t.name().to_owned()).collect::<Vec<_>>(), ["Sub", "Base", "object"]);
    let Attr::Member(x) = sub.attr("x").unwrap() else { panic!("x is a slot") };
    drop((sub, s));
    // The member descriptor holds the class that declares its slot.
    assert_eq!(live(), before + 1);
    assert_eq!(x.to_string(), "<member 'x' of 'Base' objects>");
    drop(x);
    assert_eq!(live(), before);
}

#[test]
fn a_type_clone_keeps_its_class() {
    let _one = one_at_a_time();
    let before = live();
    let t = point("P", &[]);
    let u = t.clone();
    assert_eq!(t, u);
    drop(t);
    assert_eq!(live(), before + 1);
    assert_eq!(u.layout().slots(), ["x"]);
    assert_eq!(u.instantiate().unwrap().getattr("dims").unwrap(), Value::Int(2));
    drop(u);
    assert_eq!(live(), before);
}

#[test]
fn errors_outlive_their_class() {
    let _one = one_at_a_time();
    let before = live();
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "count"]));
    ns.insert("kind", "point");
    let t = Type::new("P", &[], ns).unwrap();
    let p = t.instantiate().unwrap();
    let set = p.setattr("z", 1).unwrap_err();
    let read_only = p.setattr("kind", 1).unwrap_err();
    let del = p.write().delattr("z").unwrap_err();
    let descriptor = match t.attr("x").unwrap() {
        Attr::Member(m) => m.get_dyn(&*p.read()).unwrap_err(),
        Attr::Value(_) => unreachable!("x is a slot"),
    };
    let get = p.getattr("coutn").unwrap_err();
    drop((t, p));
    // `getattr`'s error keeps the class for its suggestion, as CPython's
    // AttributeError keeps the object (and so its type); the others own
    // only the name.
    assert_eq!(live(), before + 1);
    assert_eq!(get.to_string(), "'P' object has no attribute 'coutn'");
    assert_eq!(get.suggestion(), Some("count"));
    drop(get);
    assert_eq!(live(), before);
    assert_eq!(set.to_string(), "'P' object has no attribute 'z'");
    assert_eq!(read_only.to_string(), "'P' object attribute 'kind' is read-only");
    assert_eq!(del.to_string(), "'P' object has no attribute 'z'");
    assert_eq!(descriptor.to_string(), "'P' object has no attribute 'x'");
    assert_eq!((set.exception(), set.suggestion()), ("AttributeError", None));
}

#[test]
fn a_class_attribute_holding_objects_is_dropped_with_the_class() {
    let _one = one_at_a_time();
    let before = live();
    let inner = point("Inner", &[]);
    let held = inner.instantiate().unwrap();
    let weak = held.try_downgrade().unwrap();
    let mut ns = Dict::new();
    ns.insert("default", Value::Object(held));
    let outer = Type::new("Outer", &[], ns).unwrap();
    drop(inner);
    assert_eq!(live(), before + 2, "Outer's class attribute holds an Inner");
    drop(outer);
    assert!(weak.upgrade().is_none());
    assert_eq!(live(), before);
}

/// A class in a cycle with an instance and with itself (`C.registry =
/// [C(), C]`): freed by the cycle collector, so making and dropping such
/// classes in a loop runs in bounded memory too (before, each one leaked).
fn cyclic_class(i: usize) {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "__weakref__"]));
    ns.insert("registry", Value::list(Vec::<Value>::new()));
    ns.insert("label", Value::from(format!("cyclic class number {i}")));
    let class = Type::new(&format!("Cyclic{i}"), &[], ns).expect("a valid class");
    let Attr::Value(Value::List(registry)) = class.attr("registry").unwrap() else { panic!("a list") };
    let p = class.instantiate().unwrap();
    p.setattr("x", Value::Float(i as f64)).unwrap();
    registry.push(p);
    registry.push(Value::from(class));
}

#[test]
fn classes_in_cycles_are_freed_by_the_collector() {
    let _one = one_at_a_time();
    let before = live();
    cyclic_class(0);
    assert_eq!(live(), before + 1, "reference counting alone keeps the cycle");
    pyslots::gc::collect();
    assert_eq!(live(), before);
    // Many, with the automatic collections that making them runs.
    (0..2_000).for_each(cyclic_class);
    pyslots::gc::collect();
    let (bytes, classes) = (live_bytes(), live());
    let n = classes_in_cycles();
    (0..n).for_each(cyclic_class);
    pyslots::gc::collect();
    let grown = live_bytes().saturating_sub(bytes);
    eprintln!("{n} classes in cycles: live heap {grown} B after a collection");
    assert_eq!(live(), classes, "every class made in the loop is freed");
    assert!(grown < 2 << 20, "{n} classes in cycles left {grown} B on the heap");
}

/// How many cyclic classes the loop makes (a tenth of `classes()`).
fn classes_in_cycles() -> usize {
    classes() / 10
}

/// An object that survived a collection (in generation 1 or 2) gives its
/// memory back the moment its last handle drops, as CPython frees it: its
/// entry in the collector's registry, which would hold the cell's memory,
/// goes with it, with no collection in between. A chain of them, freed
/// by one drop, is given back whole.
#[test]
fn objects_that_survived_a_collection_are_freed_when_they_die() {
    let _one = one_at_a_time();
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "y"]));
    let node = Type::new("Node", &[], ns).expect("a valid class");
    let n = 10_000;
    let build = || {
        let mut head = Value::None;
        for i in 0..n {
            let o = node.instantiate().unwrap();
            o.setattr("x", i as f64).unwrap();
            o.setattr("y", head).unwrap();
            head = Value::from(o);
        }
        head
    };
    for generation in [0, 1, 2] {
        let head = build();
        pyslots::gc::collect_generation(generation); // all survive, one generation up
        let before = live_bytes();
        drop(head);
        let freed = before - live_bytes();
        // Each object: its cell (more than 64 bytes) and the box its link
        // is kept in (24).
        assert!(
            freed >= 64 * n as isize,
            "after a collection of generation {generation}, dropping {n} objects freed {freed} B"
        );
    }
}
