//! Attribute access speed: the tutorial's timing loop, a million reads of
//! `point.x` from a regular and from a slotted point.
//!
//! ```text
//! cargo run --release --example attribute_access_speed
//! ```
//!
//! This is a demonstration, not a benchmark: each loop is timed a few times
//! with `std::time::Instant` and the best run is shown, with no statistics,
//! no control of CPU frequency and no isolation from other processes. The
//! crate's criterion benches are the place for real numbers. Run it with
//! `--release`: in a debug build the figures mostly measure the lack of
//! optimisation.
//!
//! If `python3` is on the `PATH`, the tutorial's own Python loop runs too,
//! for comparison.

use std::hint::black_box;
use std::process::Stdio;
use std::time::Instant;

use pyslots::prelude::*;
use pyslots_testkit::oracle;

/// `class RegularPoint:` (`__init__` sets `x` and `y`).
#[pyclass_like]
struct RegularPoint {
    x: i64,
    y: i64,
}

/// `class SlottedPoint: __slots__ = ['x', 'y']`.
#[pyclass_like]
#[slots(x, y)]
struct SlottedPoint {
    x: i64,
    y: i64,
}

/// How many reads each loop does, as in the tutorial.
const READS: usize = 1_000_000;

/// How many times each loop is timed; the fastest run counts.
const RUNS: usize = 5;

/// The tutorial's performance comparison, printing seconds per loop.
const CPYTHON_SCRIPT: &str = r#"
import sys, time

class RegularPoint:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class SlottedPoint:
    __slots__ = ['x', 'y']

    def __init__(self, x, y):
        self.x = x
        self.y = y

regular_point = RegularPoint(1, 2)
slotted_point = SlottedPoint(1, 2)

def best(point):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(1000000):
            _ = point.x
        times.append(time.perf_counter() - start)
    return min(times)

print("%d.%d.%d" % sys.version_info[:3], best(regular_point), best(slotted_point))
"#;

/// `point.x` by name, as Python does it: a dict lookup for the regular
/// point, a `match` on the name for the slotted one.
fn read_x<T: Object>(point: &T) -> i64 {
    match getattr(point, black_box("x")) {
        Ok(Value::Int(x)) => x,
        other => panic!("expected an int, got {other:?}"),
    }
}

/// Times `READS` reads of `x` through `read`, `RUNS` times; the best run in
/// seconds.
fn time_reads<T>(point: &T, read: impl Fn(&T) -> i64) -> f64 {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..READS {
                // black_box keeps the optimiser from hoisting the read out
                // of the loop or dropping it.
                black_box(read(black_box(point)));
            }
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<(), Error> {
    let build =
        if cfg!(debug_assertions) { "debug build: run with --release for meaningful figures" } else { "release build" };
    println!("Attribute access speed ({build})");
    println!("This is a demonstration, not a benchmark: best of {RUNS} runs, no statistics.");

    println!();
    println!("  >>> regular_points = [RegularPoint(i, i*2) for i in range(10000)]");
    println!("  >>> slotted_points = [SlottedPoint(i, i*2) for i in range(10000)]");
    let regular_points: Vec<RegularPoint> = (0..10_000).map(|i| RegularPoint::new(i, i * 2)).collect();
    let slotted_points: Vec<SlottedPoint> = (0..10_000).map(|i| SlottedPoint::new(i, i * 2)).collect();
    assert_eq!(getattr(&regular_points[9_999], "y")?, Value::Int(19_998));
    assert_eq!(getattr(&slotted_points[9_999], "y")?, Value::Int(19_998));

    println!("  >>> regular_point = RegularPoint(1, 2)");
    println!("  >>> slotted_point = SlottedPoint(1, 2)");
    let regular_point = RegularPoint::new(1, 2);
    let slotted_point = SlottedPoint::new(1, 2);
    println!("  >>> for _ in range(1000000):");
    println!("  ...     _ = point.x");
    println!();

    let regular = time_reads(&regular_point, read_x);
    let slotted = time_reads(&slotted_point, read_x);
    // The typed accessor: what Rust code that knows the class would write.
    let typed = time_reads(&slotted_point, |p| *p.x().expect("x is set"));
    assert_eq!(getattr(&regular_point, "x")?, Value::Int(1));
    assert_eq!(getattr(&slotted_point, "x")?, Value::Int(1));
    assert_eq!(*slotted_point.x()?, 1);

    println!("  {:<42}{:>12}{:>12}{:>10}", "1,000,000 reads of point.x", "regular", "slotted", "speedup");
    row("pyslots: getattr(&point, \"x\")", regular, slotted);
    println!("  {:<42}{:>12}{:>12}", "pyslots: point.x()? (typed accessor)", "", seconds(typed));

    match run_cpython() {
        Some((version, regular, slotted)) => {
            row(&format!("CPython {version}: point.x"), regular, slotted);
        }
        None => println!("  (python3 is not available: no CPython figures)"),
    }

    // The tutorial's own three print statements, with pyslots' figures.
    println!();
    println!("  >>> print(f\"Regular attribute access: {{regular_time:.4f}} seconds\")");
    println!("  Regular attribute access: {regular:.4} seconds");
    println!("  >>> print(f\"Slotted attribute access: {{slotted_time:.4f}} seconds\")");
    println!("  Slotted attribute access: {slotted:.4} seconds");
    println!("  >>> print(f\"Speedup: {{regular_time/slotted_time:.2f}}x\")");
    println!("  Speedup: {:.2}x", regular / slotted);
    Ok(())
}

fn row(label: &str, regular: f64, slotted: f64) {
    println!("  {label:<42}{:>12}{:>12}{:>9.2}x", seconds(regular), seconds(slotted), regular / slotted);
}

fn seconds(s: f64) -> String {
    format!("{s:.6} s")
}

/// Runs the tutorial's Python loop; its version and the two best times.
fn run_cpython() -> Option<(String, f64, f64)> {
    let child = oracle::command(CPYTHON_SCRIPT).stderr(Stdio::null()).spawn().ok()?;
    let text = oracle::wait(child).ok()?.join("\n");
    let mut words = text.split_whitespace();
    let version = words.next()?.to_string();
    let regular = words.next()?.parse().ok()?;
    let slotted = words.next()?.parse().ok()?;
    Some((version, regular, slotted))
}
