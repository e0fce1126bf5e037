//! Procedural macros of [pyslots](https://docs.rs/pyslots): `#[pyclass_like]`
//! and `#[slots]`. Use them through the `pyslots` crate.
//!
//! This crate is a shim: the expansion is `pyslots-macros-backend`, an
//! ordinary library on `proc_macro2`, as PyO3's macros sit on
//! `pyo3-macros-backend`.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use pyslots_macros_backend::{expand, expand_methods, Entry};

/// Makes a struct a Python-like class. See the `pyslots` crate.
#[proc_macro_attribute]
pub fn pyclass_like(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Entry::PyclassLike, args.into(), item.into()).into()
}

/// Declares a class's `__slots__`; goes with `#[pyclass_like]`. See the
/// `pyslots` crate.
#[proc_macro_attribute]
pub fn slots(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Entry::Slots, args.into(), item.into()).into()
}

/// `#[methods]` on an `impl` block of a `#[pyclass_like]` class: its
/// properties, methods and attribute hooks, reachable by name.
#[proc_macro_attribute]
pub fn methods(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_methods(args.into(), item.into()).into()
}
