//! placeholder
use proc_macro::TokenStream;
#[proc_macro_attribute]
pub fn pyclass_like(_a: TokenStream, i: TokenStream) -> TokenStream { i }
#[proc_macro_attribute]
pub fn slots(_a: TokenStream, i: TokenStream) -> TokenStream { i }
