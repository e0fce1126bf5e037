//! A program that makes and drops classes in a loop runs in bounded memory:
//! a class made at run time is freed once no instance, subclass, handle or
//! `Type` uses it (DESIGN.md, "Nothing aborts, nothing leaks").
//!
//! A test binary of its own, because it installs the counting allocator
//! (`pyslots_testkit::alloc`) as its global allocator, and because it reads
//! the process's resident set, which other tests running beside it would
//! move.

use pyslots::prelude::*;
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
    let p = class.instantiate();
    p.setattr("x", Value::Float(i as f64)).expect("a slot");
    assert_eq!(p.getattr("x").expect("set"), Value::Float(i as f64));
    p.setattr("extra", Value::Int(i as i64)).expect("a dict");
    assert_eq!(p.getattr("extra").expect("set"), Value::Int(i as i64));
    assert_eq!(p.getattr("dims").expect("a class attribute"), Value::Int(2));
    let err = p.getattr("missing").unwrap_err();
    assert_eq!(err.to_string(), format!("'Churn{i}' object has no attribute 'missing'"));
}

#[test]
fn making_and_dropping_classes_runs_in_bounded_memory() {
    assert!(is_counting());
    let n = classes();
    // Warm up: the allocator's and the collector's own tables settle.
    (0..2_000).for_each(one_class);
    let (rss, bytes) = (resident(), live_bytes());
    (0..n).for_each(one_class);
    let grown_rss = resident().saturating_sub(rss);
    let grown_bytes = live_bytes() - bytes;
    eprintln!("{n} classes: resident set grew {grown_rss} B, live heap {grown_bytes} B");
    assert!(grown_bytes < 8 << 20, "{n} classes left {grown_bytes} B on the heap");
    assert!(grown_rss < 8 << 20, "{n} classes grew the resident set by {grown_rss} B");
}
