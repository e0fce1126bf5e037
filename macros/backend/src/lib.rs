//! The expansion of [pyslots](https://docs.rs/pyslots)' `#[pyclass_like]`
//! and `#[slots]`, as an ordinary library on `proc_macro2`.
//!
//! `pyslots-macros` is a thin proc-macro shim over [`expand`], as PyO3's
//! macros are over `pyo3-macros-backend`; being an ordinary library, the
//! expansion is tested from this crate's `tests/` (robustness against
//! generated inputs, expansion snapshots). Users depend on `pyslots`.
//!
//! The pipeline is straight, as thiserror's and serde_derive's:
//!
//! 1. `ast` parses the struct and both attributes into a small model
//!    (`attr` parses the attributes' arguments);
//! 2. `valid` checks it, one function per rule;
//! 3. `plan` turns a valid model into a storage plan (pure);
//! 4. `expand` emits the code, one builder method per item.
//!
//! Errors are collected in a `ctxt::Ctxt` and reported together, each at
//! its token; the expansion never panics.
//!
//! ```
//! use pyslots_macros_backend::{expand, Entry};
//! use quote::quote;
//!
//! let out = expand(Entry::PyclassLike, quote!(), quote!(#[slots(x, y)] struct P { x: f64, y: f64 }));
//! assert!(out.to_string().contains("struct P"));
//!
//! let err = expand(Entry::Slots, quote!(1), quote!(#[pyclass_like] struct P;));
//! assert!(err.to_string().contains("__slots__ items must be strings, not 'int'"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ast;
mod attr;
mod ctxt;
mod expand;
mod methods_ast;
mod methods_expand;

mod plan;
mod valid;

use proc_macro2::TokenStream;

pub use ast::Entry;

/// Expands `#[pyclass_like(args)]` or `#[slots(args)]` (which one is
/// `entry`) on `item`: the class's code, or `compile_error!`s at the
/// offending tokens.
pub fn expand(entry: Entry, args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = ctxt::Ctxt::default();
    let Some(class) = ast::parse(&cx, entry, args, item) else {
        return cx.into_compile_errors();
    };
    valid::check(&cx, &class);
    if cx.has_errors() {
        return cx.into_compile_errors();
    }
    expand::expand(&class, &plan::plan(&class))
}

/// Expands `#[methods]` on an `impl` block of a `#[pyclass_like]` class:
/// the block unchanged (less the helper attributes) and the class's table
/// of properties, methods and hooks, or `compile_error!`s.
///
/// ```
/// use pyslots_macros_backend::expand_methods;
/// use quote::quote;
///
/// let out = expand_methods(quote!(), quote!(impl P { #[getter] fn x(&self) -> f64 { 1.0 } }));
/// assert!(out.to_string().contains("__PYSLOTS_BLOCK"));
///
/// let err = expand_methods(quote!(), quote!(impl P { #[getter] fn x(&self, y: f64) -> f64 { y } }));
/// assert!(err.to_string().contains("a #[getter] takes `&self` alone"));
/// ```
pub fn expand_methods(args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = ctxt::Ctxt::default();
    let Some(methods) = methods_ast::parse(&cx, args, item) else {
        return cx.into_compile_errors();
    };
    valid::check_methods(&cx, &methods);
    if cx.has_errors() {
        // The block itself still compiles, so its other uses report no
        // knock-on errors.
        let mut out = methods.stripped.clone();
        out.extend(cx.into_compile_errors());
        return out;
    }
    methods_expand::expand(&methods)
}
