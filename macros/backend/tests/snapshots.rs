//! Expansion snapshots: what the macro emits for a few representative
//! classes, formatted by `rustfmt`, compared with `tests/snapshots/*.rs`.
//! They exist for review: a change to the generated code shows up as a diff
//! of readable Rust. `UPDATE_SNAPSHOTS=1 cargo test -p pyslots-macros-backend`
//! rewrites them; read the diff before committing it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;
use quote::quote;

use pyslots_macros_backend::{expand, Entry};

/// The expansion of `#[pyclass_like(args)]` on `item`, through rustfmt.
fn expand_formatted(args: TokenStream, item: TokenStream) -> String {
    let code = expand(Entry::PyclassLike, args, item).to_string();
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt runs (rustup component add rustfmt)");
    child.stdin.take().expect("piped stdin").write_all(code.as_bytes()).expect("rustfmt reads");
    let out = child.wait_with_output().expect("rustfmt finishes");
    assert!(out.status.success(), "rustfmt rejected the expansion:\n{code}");
    String::from_utf8(out.stdout).expect("rustfmt writes UTF-8")
}

fn check(name: &str, args: TokenStream, item: TokenStream) {
    let header = format!("// The expansion of:\n// {}\n\n", item.to_string().replace('\n', " "));
    let actual = header + &expand_formatted(args, item);
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("snapshots").join(format!("{name}.expanded.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion of {name} changed; run UPDATE_SNAPSHOTS=1 cargo test -p pyslots-macros-backend and review \
         the diff of {}",
        path.display()
    );
}

#[test]
fn slotted_typed() {
    check(
        "slotted_typed",
        quote!(),
        quote!(
            #[slots(x, y)]
            pub struct Point {
                x: f64,
                y: f64,
            }
        ),
    );
}

#[test]
fn untyped_with_weakref() {
    check(
        "untyped_with_weakref",
        quote!(),
        quote!(
            #[slots(a, b, __weakref__)]
            pub struct Node;
        ),
    );
}

#[test]
fn regular() {
    check(
        "regular",
        quote!(),
        quote!(
            pub struct Person {
                name: String,
                age: u32,
            }
        ),
    );
}

#[test]
fn slotted_subclass() {
    check(
        "slotted_subclass",
        quote!(extends = Animal),
        quote!(
            #[slots(breed)]
            pub struct Dog {
                breed: String,
            }
        ),
    );
}
