//! Criterion benchmarks: pyslots' access by name against the baselines, in
//! one run.
//!
//! ```text
//! cargo bench --manifest-path benches/Cargo.toml
//! cargo bench --manifest-path benches/Cargo.toml -- getattr/slot   # a subset
//! ```
//!
//! The operations are the ones in `pyslots_bench::register_all`, shared with
//! the report binary (`cargo run --release --manifest-path
//! benches/Cargo.toml --bin report`), which adds CPython and prints ratios.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use pyslots_bench::{register_all, Runner};

/// Hands each operation to criterion under its name.
struct Bench<'a>(&'a mut Criterion);

impl Runner for Bench<'_> {
    fn run<R, F: FnMut() -> R>(&mut self, name: &'static str, mut f: F) {
        self.0.bench_function(name, |b| {
            b.iter(|| {
                let result = f();
                black_box(&result);
            })
        });
    }
}

fn access(c: &mut Criterion) {
    register_all(&mut Bench(c));
}

criterion_group! {
    name = benches;
    // About 70 operations of a few nanoseconds each: shorter than
    // criterion's defaults (3 s warm-up, 5 s measurement) keeps the whole
    // run near three minutes on two cores, with the same precision here.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = access
}
criterion_main!(benches);
