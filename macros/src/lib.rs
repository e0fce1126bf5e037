//! Procedural macros of [pyslots](https://docs.rs/pyslots): `#[pyclass_like]`
//! and `#[slots]`. Use them through the `pyslots` crate.
//!
//! The expansion is a straight pipeline: `ast` parses the struct and its
//! attributes into a small model, `valid` checks it and plans the storage,
//! `expand` emits the code. Errors are collected in a `ctxt::Ctxt` and
//! reported together, each at its token; the macro never panics.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod ctxt;
mod expand;
mod names;
#[cfg(test)]
mod robustness;
#[cfg(test)]
mod snapshots;
mod valid;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;

/// Makes a struct a Python-like class. See the `pyslots` crate.
#[proc_macro_attribute]
pub fn pyclass_like(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_class(ast::Entry::PyclassLike, args.into(), item.into()).into()
}

/// Declares a class's `__slots__`; goes with `#[pyclass_like]`. See the
/// `pyslots` crate.
#[proc_macro_attribute]
pub fn slots(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_class(ast::Entry::Slots, args.into(), item.into()).into()
}

/// The whole expansion on `proc_macro2` tokens: usable from tests.
fn expand_class(entry: ast::Entry, args: TokenStream2, item: TokenStream2) -> TokenStream2 {
    let cx = ctxt::Ctxt::default();
    let Some(class) = ast::parse(&cx, entry, args, item.clone()) else {
        return cx.into_compile_errors();
    };
    ast::conflicting_derives(&cx, &class.attrs);
    let plan = valid::check(&cx, &class);
    if cx.has_errors() {
        return cx.into_compile_errors();
    }
    expand::expand(&class, &plan)
}
