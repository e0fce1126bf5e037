//! Memory: regular vs slotted instances, per instance, for 1,000 and
//! 1,000,000 objects, measured three ways, and CPython 3.11 measuring the
//! same classes.
//!
//! ```text
//! cargo run --example memory_comparison
//! ```
//!
//! - `getsizeof`: the instance's own bytes, as Python's `sys.getsizeof`.
//! - `total_sizeof`: that plus every heap byte the instance owns (its dict,
//!   its strings).
//! - allocator: what the program actually allocated while building the
//!   objects, counted by a global allocator wrapped around the system one
//!   (`pyslots_testkit::alloc`, shared with the tests).
//!
//! If `python3` is on the `PATH`, the same four classes are built in CPython
//! and measured with `tracemalloc`; otherwise that part is skipped.

mod common;

use std::process::Child;

use pyslots::prelude::*;
use pyslots::{getsizeof, total_sizeof, PyStr};
use pyslots_testkit::alloc::{live_bytes_of, CountingAllocator};
use pyslots_testkit::oracle;

use common::{plain_heading, reduction, thousands, CPython};

// The counting allocator: the system allocator plus a count of live bytes
// (as requested, like Python's `tracemalloc`), shared with the tests.
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

// ---------------------------------------------------------------------------
// The tutorial's classes.

/// `class RegularPerson:` (`__init__` sets `name` and `age`).
#[pyclass_like]
struct RegularPerson {
    name: String,
    age: u32,
}

/// `class SlottedPerson: __slots__ = ['name', 'age']`.
#[pyclass_like]
#[slots(name, age)]
struct SlottedPerson {
    name: String,
    age: u32,
}

/// `class RegularPoint:` (`__init__` sets `x` and `y`).
#[pyclass_like]
struct RegularPoint {
    x: f64,
    y: f64,
}

/// `class SlottedPoint: __slots__ = ['x', 'y']`.
#[pyclass_like]
#[slots(x, y)]
struct SlottedPoint {
    x: f64,
    y: f64,
}

/// The same classes in CPython. The script prints one `key value` line per
/// measurement; each count on its command line is one round of
/// `tracemalloc` measurements.
const CPYTHON_SCRIPT: &str = r#"
import sys, tracemalloc

class RegularPerson:
    def __init__(self, name, age):
        self.name = name
        self.age = age

class SlottedPerson:
    __slots__ = ['name', 'age']
    def __init__(self, name, age):
        self.name = name
        self.age = age

class RegularPoint:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class SlottedPoint:
    __slots__ = ['x', 'y']
    def __init__(self, x, y):
        self.x = x
        self.y = y

regular = RegularPerson("Alice", 30)
slotted = SlottedPerson("Alice", 30)
print("version", "%d.%d.%d" % sys.version_info[:3])
print("getsizeof/RegularPerson", sys.getsizeof(regular))
print("getsizeof/SlottedPerson", sys.getsizeof(slotted))
print("getsizeof/RegularPerson.__dict__", sys.getsizeof(regular.__dict__))

def per_instance(make, n):
    # Bytes allocated while building the objects, less the list holding them.
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    objs = [make(i) for i in range(n)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before - sys.getsizeof(objs)) / n

for n in map(int, sys.argv[1:]):
    print(f"alloc/{n}/RegularPerson", per_instance(lambda i: RegularPerson(f"Person{i}", i), n))
    print(f"alloc/{n}/SlottedPerson", per_instance(lambda i: SlottedPerson(f"Person{i}", i), n))
    print(f"alloc/{n}/RegularPoint", per_instance(lambda i: RegularPoint(float(i), float(i * 2)), n))
    print(f"alloc/{n}/SlottedPoint", per_instance(lambda i: SlottedPoint(float(i), float(i * 2)), n))
"#;

/// Bytes per instance of one class, measured three ways.
#[derive(Clone, Copy, Debug)]
struct PerInstance {
    getsizeof: f64,
    total_sizeof: f64,
    allocator: f64,
}

/// Builds `n` instances with `make`, the way the tutorial's loop does, and
/// measures them.
fn measure<T: Object>(n: usize, make: impl Fn(usize) -> T) -> PerInstance {
    // An exact-size iterator: the Vec allocates room for exactly `n`
    // instances, so the allocator figure holds the instances' own bytes
    // plus what they own on the heap, as `total_sizeof` counts.
    let (objects, bytes): (Vec<T>, isize) = live_bytes_of(|| (0..n).map(make).collect());
    assert_eq!(objects.capacity(), n);
    let sum = |f: fn(&T) -> usize| objects.iter().map(f).sum::<usize>() as f64 / n as f64;
    PerInstance {
        getsizeof: sum(|o| getsizeof(o)),
        total_sizeof: sum(|o| total_sizeof(o)),
        allocator: bytes as f64 / n as f64,
    }
}

fn person_name(i: usize) -> String {
    format!("Person{i}")
}

/// The four classes measured at one instance count.
struct Round {
    n: usize,
    classes: [(&'static str, PerInstance); 4],
}

fn main() {
    // CPython's tracemalloc makes its run slow (about ten seconds for a
    // million instances of four classes): start it first, measure pyslots
    // meanwhile, and print everything once both are done.
    println!("Measuring 1,000 and 1,000,000 instances of four classes, in pyslots and, in a");
    println!("python3 subprocess, in CPython (tracemalloc makes that take several seconds)...");
    let cpython = spawn_cpython(&[1_000, 1_000_000]);
    let rounds: Vec<Round> = [1_000, 1_000_000]
        .into_iter()
        .map(|n| Round {
            n,
            classes: [
                ("RegularPerson", measure(n, |i| RegularPerson::new(person_name(i), i as u32))),
                ("SlottedPerson", measure(n, |i| SlottedPerson::new(person_name(i), i as u32))),
                ("RegularPoint", measure(n, |i| RegularPoint::new(i as f64, (i * 2) as f64))),
                ("SlottedPoint", measure(n, |i| SlottedPoint::new(i as f64, (i * 2) as f64))),
            ],
        })
        .collect();
    let cpython = cpython.and_then(|child| {
        CPython::wait(child)
            .map_err(|why| println!("note: python3 failed ({why}); skipping the CPython comparison"))
            .ok()
    });
    let cp = |key: &str| cpython.as_ref().and_then(|c| c.get(key));

    plain_heading("One instance: the tutorial's sys.getsizeof comparison");
    let regular = RegularPerson::new("Alice".to_string(), 30);
    let slotted = SlottedPerson::new("Alice".to_string(), 30);
    let alice = PyStr::new("Alice").heap_size();
    println!("  {:<34}{:<32}{:>8}{:>10}", "Python", "pyslots", "pyslots", "CPython");
    let row = |python: &str, rust: &str, bytes: usize, key: &str| {
        let py = if key.is_empty() { String::new() } else { cp(key).map_or("-".to_string(), |b| format!("{b:.0}")) };
        let line = format!("  {python:<34}{rust:<32}{bytes:>8}{py:>10}");
        println!("{}", line.trim_end());
    };
    row("sys.getsizeof(regular)", "getsizeof(&regular)", getsizeof(&regular), "getsizeof/RegularPerson");
    row(
        "sys.getsizeof(regular.__dict__)",
        "  the dict's value array",
        total_sizeof(&regular) - getsizeof(&regular) - alice,
        "getsizeof/RegularPerson.__dict__",
    );
    row("", "total_sizeof(&regular)", total_sizeof(&regular), "");
    row("sys.getsizeof(slotted)", "getsizeof(&slotted)", getsizeof(&slotted), "getsizeof/SlottedPerson");
    row("", "total_sizeof(&slotted)", total_sizeof(&slotted), "");
    println!();
    println!("  A regular pyslots instance holds its dict inline ({} bytes) and shares the", getsizeof(&regular));
    println!("  dict's keys with every instance of its class, as CPython 3.11 does; only the");
    println!("  values are its own. total_sizeof also counts the 'Alice' string ({alice} bytes);");
    println!("  sys.getsizeof never counts the objects an instance refers to.");
    assert!(total_sizeof(&slotted) < total_sizeof(&regular));
    assert_eq!(total_sizeof(&slotted), getsizeof(&slotted) + alice);

    for round in &rounds {
        let n = round.n;
        plain_heading(&format!(
            "{} instances: Person(f\"Person{{i}}\", i) and Point(float(i), float(i * 2))",
            thousands(n)
        ));
        let key = |class: &str| format!("alloc/{n}/{class}");
        println!(
            "  {:<20}{:>10}{:>14}{:>11}{:>10}{:>14}",
            "bytes per instance", "getsizeof", "total_sizeof", "allocator", "CPython", "CPython/ours"
        );
        for (class, m) in &round.classes {
            let py = cp(&key(class));
            println!(
                "  {class:<20}{:>10.1}{:>14.1}{:>11.1}{:>10}{:>14}",
                m.getsizeof,
                m.total_sizeof,
                m.allocator,
                py.map_or("-".to_string(), |b| format!("{b:.1}")),
                py.map_or("-".to_string(), |b| format!("{:.2}x", b / m.allocator)),
            );
            // The allocator saw exactly what total_sizeof computes.
            assert_eq!(m.allocator, m.total_sizeof, "{class}: allocator vs total_sizeof");
        }
        println!();
        for (what, r, s) in [("Person", 0, 1), ("Point", 2, 3)] {
            let (regular, slotted) = (round.classes[r].1, round.classes[s].1);
            let py = match (cp(&key(round.classes[r].0)), cp(&key(round.classes[s].0))) {
                (Some(r), Some(s)) => format!("{:.1}%", reduction(r, s)),
                _ => "-".to_string(),
            };
            println!(
                "  {:<20}{:>10}{:>14}{:>11}{:>10}",
                format!("{what}: slots save"),
                "",
                format!("{:.1}%", reduction(regular.total_sizeof, slotted.total_sizeof)),
                format!("{:.1}%", reduction(regular.allocator, slotted.allocator)),
                py
            );
            assert!(slotted.total_sizeof < regular.total_sizeof);
        }
    }
    let point = SlottedPoint::new(0.0, 0.0);
    assert!(getsizeof(&point) <= 24, "a slotted Point is at most 24 bytes");

    println!();
    println!("  allocator: bytes the program allocated while building the objects (the Vec");
    println!("  holding them included), counted by a wrapper around the system allocator.");
    match &cpython {
        Some(c) => {
            println!("  CPython {}: bytes traced by tracemalloc while building the same objects,", c.version);
            println!("  less the list holding them. They include the int, float and str objects");
            println!("  each instance refers to (a float is a 24-byte object); pyslots stores");
            println!("  numbers inline.");
        }
        None => println!("  (python3 is not available: the CPython columns are empty.)"),
    }
}

/// Starts the CPython script for the given instance counts; `None` (with a
/// note) when `python3` cannot be started.
fn spawn_cpython(counts: &[usize]) -> Option<Child> {
    match oracle::command(CPYTHON_SCRIPT).args(counts.iter().map(usize::to_string)).spawn() {
        Ok(child) => Some(child),
        Err(e) => {
            println!("note: python3 is not available ({e}); skipping the CPython comparison");
            None
        }
    }
}
