//! Instructions per operation, counted by callgrind: the figure that does
//! not move with code placement, for telling a real change between two
//! builds from the cycle or two that alignment moves a timing.
//!
//! ```text
//! cargo build --release --manifest-path benches/Cargo.toml --bin icount
//! bash benches/icount.sh            # every operation, this build
//! bash benches/icount.sh OTHER_BIN  # and the same for another build's icount
//! ```
//!
//! `icount NAME N` runs the operation `NAME` of `register_all` (the names
//! the report times, `pyslots/getattr/slot_f64`, ...) `N` times; `icount
//! --list` prints the names. The count per operation is the difference
//! between two runs of different `N`, divided by the difference of `N`, so
//! the program's start and the registration of the other operations cancel.
//!
//! `icount --time NAME N` times `N` runs of the operation in the report's
//! loop (the operation inlined, its result left in place) and prints the
//! nanoseconds per run: one operation alone, for `perf record`, where the
//! report would time everything else too. `icount --workload N` runs
//! issue 24's workload (`pyslots_bench::workload`) `N` times in a GIL
//! scope and prints the milliseconds of each run, for the same use;
//! with `NODES=n` in the environment, over `n` nodes walked 10^6 / `n`
//! times (the same million visits: at 10^3 nodes, all in the cache, the
//! walk takes as long as at 10^5, so it is not waiting for memory).
//! `icount --young-cycles N` makes a million long-lived objects (slotted
//! `Point`s in handles, one full collection), then `N` lists that hold
//! themselves, each dropped at once (young garbage only the collector
//! frees), and prints the milliseconds of the second part: the cost of
//! automatic collection per allocation while many objects live (under
//! callgrind, the instructions of two `N` apart, over their difference).

use pyslots_bench::{consume, register_all, Runner};

struct Only {
    name: String,
    times: u64,
    list: bool,
    time: bool,
}

impl Runner for Only {
    fn run<R, F: FnMut() -> R>(&mut self, name: &'static str, f: F) {
        if self.list {
            println!("{name}");
        } else if name == self.name && self.time {
            let (times, mut f) = (self.times, f);
            let start = std::time::Instant::now();
            for _ in 0..times {
                let result = f();
                std::hint::black_box(&result);
            }
            println!("{name}: {:.2} ns", start.elapsed().as_secs_f64() * 1e9 / times as f64);
        } else if name == self.name {
            repeat(self.times, f);
        }
    }
}

/// The counted loop. Each operation is a function of its own, called
/// through a `dyn FnMut` (a call and a return per operation, the same in
/// every build): inlined into `register_all`, an operation's code was
/// allocated registers along with every other operation's, and inlined
/// into this loop its result was copied about the stack as the loop's other
/// slots fell; either moved the count of an operation whose code had not
/// changed by a few instructions.
#[inline(never)]
fn repeat<R, F: FnMut() -> R>(times: u64, mut f: F) {
    let f: &mut dyn FnMut() -> R = &mut f;
    for _ in 0..times {
        consume(black_box_call(f));
    }
}

#[inline(never)]
fn black_box_call<R>(f: &mut dyn FnMut() -> R) -> R {
    std::hint::black_box(f)()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = |name: &String, times: &String, time| Only {
        name: name.clone(),
        times: times.parse().expect("N is a count"),
        list: false,
        time,
    };
    let mut only = match args.as_slice() {
        [flag] if flag == "--list" => Only { name: String::new(), times: 0, list: true, time: false },
        [flag, name, times] if flag == "--time" => only(name, times, true),
        [flag, times] if flag == "--workload" => {
            let times: u32 = times.parse().expect("N is a count");
            for _ in 0..times {
                let start = std::time::Instant::now();
                let nodes: usize = std::env::var("NODES").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
                let walks = (1_000_000 / nodes).max(1);
                let (total, p) = pyslots::gil::with_gil(|| pyslots_bench::workload_phases(nodes, walks));
                std::hint::black_box(total);
                println!(
                    "workload: {:.2} ms (build {:.2}, walk {:.2}, teardown {:.2})",
                    start.elapsed().as_secs_f64() * 1e3,
                    p.build / 1e6,
                    p.walk / 1e6,
                    p.teardown / 1e6
                );
            }
            return;
        }
        [flag, times] if flag == "--young-cycles" => {
            young_cycles(times.parse().expect("N is a count"));
            return;
        }
        [name, times] => only(name, times, false),
        _ => {
            eprintln!(
                "usage: icount NAME N | icount --time NAME N | icount --workload N | icount --young-cycles N | \
                 icount --list"
            );
            std::process::exit(2);
        }
    };
    register_all(&mut only);
}

/// `--young-cycles N`: `N` dropped self-cycles (`l = []; l.append(l)`)
/// while a million objects live.
fn young_cycles(n: usize) {
    use pyslots::prelude::*;
    let old: Vec<Py<pyslots_bench::SlottedPoint>> =
        (0..pyslots_bench::GC_OBJECTS).map(|i| Py::new(pyslots_bench::SlottedPoint::new(i as f64, 1.0))).collect();
    pyslots::gc::collect();
    let start = std::time::Instant::now();
    for _ in 0..n {
        let l = pyslots::PyList::new();
        l.push(Value::List(l.clone()));
        std::hint::black_box(&l);
    }
    println!("young cycles: {:.2} ms", start.elapsed().as_secs_f64() * 1e3);
    drop(old);
}
