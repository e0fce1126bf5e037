//! Robustness of the whole expansion (`pyslots_macros_backend::expand`) against generated
//! malformed and edge-case inputs: the macro never panics, every rejection
//! is a `compile_error!` at a real span (at the offending token where the
//! input has one), and every accepted input expands to a Rust file.
//!
//! Three generators, all driven by one xorshift PRNG with a fixed seed:
//!
//! - **random**: random token trees as the attribute's arguments (idents,
//!   raw idents, literals of every kind, punctuation, lifetimes, nested and
//!   invisible groups, nothing), in front of odd items (unit, tuple, enum,
//!   union, fn, impl, trait, generics, lifetimes, where clauses, attributes
//!   on fields, visibility modifiers, doc comments, `cfg`, garbage, nothing).
//!   Checked: no panic; a rejection is only `compile_error!`s, each spanned
//!   on a token of the input unless nothing in the input is to blame;
//!   anything accepted parses as a `syn::File`.
//! - **valid**: well-formed classes of every shape (regular, typed and
//!   untyped slots, `__dict__`, `__weakref__`, string and raw spellings,
//!   `extends`, doc comments and lint attributes, visibilities, tokens in
//!   invisible groups as `macro_rules!` passes them). Checked: accepted, and
//!   the expansion is a file holding the struct.
//! - **faults**: a valid class with one fault injected; the input marks the
//!   token to blame. Checked: rejected, and one error carries the expected
//!   message and starts exactly at the marked token.
//!
//! Spans are compared through proc-macro2's fallback implementation with
//! `span-locations` (a dev-dependency feature): every string parsed gets its
//! own byte range, `Span::call_site()` is the empty range at 0.
//!
//! `PYSLOTS_ROBUSTNESS_CASES=N` multiplies the default case counts (N
//! thousand per generator); `PYSLOTS_ROBUSTNESS_SEED` changes the seed.
//!
//! The harness is `harness.rs`; each generator has its module and its test.

mod faults;
mod harness;
mod pools;
mod random;
mod spec;
mod table;

use harness::{Case, Expect, Stats};

use pyslots_testkit::rng::{env_or, Rng};

/// `PYSLOTS_ROBUSTNESS_CASES=N`: N thousand cases per generator instead of
/// `default`.
fn case_count(default: usize) -> usize {
    match env_or("PYSLOTS_ROBUSTNESS_CASES", 0usize) {
        0 => default,
        n => n * 1000,
    }
}

/// The generator's own seed: the `k`th draw of the run's seed, so each
/// generator's cases stay the same whichever tests run.
fn generator_rng(k: usize) -> (Rng, u64) {
    let seed = env_or("PYSLOTS_ROBUSTNESS_SEED", 0x5107_5e7e_u64);
    let mut master = Rng::new(seed);
    let mut own = 0;
    for _ in 0..k {
        own = master.next();
    }
    (Rng::new(own), seed)
}

/// Runs every case and fails with one example of each kind of failure.
fn run(generator: &str, seed: u64, cases: impl Iterator<Item = Case>) {
    let started = std::time::Instant::now();
    let mut stats = Stats::default();
    for case in cases {
        harness::run_case(&case, &mut stats);
    }
    stats.report(generator, seed, started.elapsed());
}

#[test]
fn hand_written_cases() {
    run("table", 0, table::table().into_iter());
}

#[test]
fn random_tokens_never_panic_and_are_spanned() {
    let (mut rng, seed) = generator_rng(1);
    run("random", seed, (0..case_count(5000)).map(|_| random::random_case(&mut rng)));
}

#[test]
fn valid_classes_expand() {
    let (mut rng, seed) = generator_rng(2);
    let cases = (0..case_count(2500)).map(|_| {
        let spec = spec::valid_spec(&mut rng);
        let class = spec.name.trim_start_matches("r#").to_owned();
        spec.case("valid", Expect::Accept { class })
    });
    run("valid", seed, cases);
}

#[test]
fn faults_are_reported_at_their_token() {
    let (mut rng, seed) = generator_rng(3);
    run("fault", seed, (0..case_count(2500)).map(|_| faults::fault_case(&mut rng)));
}
