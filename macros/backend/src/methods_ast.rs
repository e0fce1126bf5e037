//! Parse a `#[methods]` impl block into `Methods`: syntax only (the rules
//! are in `valid`). The block is read with the lean `syn` the backend has
//! (no `full` feature): `impl Type { fn ...; ... }`, each function's
//! attributes, signature and body (kept as tokens).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{braced, parenthesized, Attribute, Ident, Token, Type, Visibility};

use crate::ctxt::Ctxt;

/// The parsed block.
pub struct Methods {
    /// The class: the impl's self type, which must be a plain name.
    pub class: Ident,
    /// The functions in order.
    pub fns: Vec<MethodFn>,
    /// The block's tokens as the user wrote them, less pyslots' helper
    /// attributes.
    pub stripped: TokenStream,
}

/// What a function of the block is to Python.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A method (binds to an instance).
    Method,
    /// `#[staticmethod]`.
    Static,
    /// `#[classmethod]`.
    Class,
    /// `#[getter]` of property `.0`.
    Getter(String),
    /// `#[setter]` of property `.0`.
    Setter(String),
    /// `#[deleter]` of property `.0`.
    Deleter(String),
}

/// How a function takes `self`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Receiver {
    None,
    Ref,
    Mut,
    /// `self` by value.
    Owned,
}

/// One parameter after the receiver.
pub struct Param {
    pub name: Ident,
    pub ty: Type,
}

/// One function of the block.
pub struct MethodFn {
    pub ident: Ident,
    pub role: Role,
    /// The helper attributes found (`getter`, `staticmethod`...), for
    /// errors about their combination.
    pub role_attrs: Vec<Ident>,
    pub receiver: Receiver,
    pub params: Vec<Param>,
    /// The return type, if any.
    pub ret: Option<Type>,
    /// Whether it has generics, `async`, `const` or `unsafe`.
    pub unsupported: Option<(Span, &'static str)>,
}

impl MethodFn {
    /// The Python name: the function's, or the property's.
    pub fn py_name(&self) -> String {
        match &self.role {
            Role::Getter(n) | Role::Setter(n) | Role::Deleter(n) => n.clone(),
            _ => unraw(&self.ident),
        }
    }
}

fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// The helper attributes `#[methods]` reads on a function.
const HELPERS: &[&str] = &["getter", "setter", "deleter", "staticmethod", "classmethod"];

/// Parses the block; what it cannot read is an error in `cx`.
pub fn parse(cx: &Ctxt, args: TokenStream, item: TokenStream) -> Option<Methods> {
    if !args.is_empty() {
        cx.error_spanned_by(&args, "#[methods] takes no arguments");
    }
    let raw: RawImpl = match syn::parse2(item) {
        Ok(raw) => raw,
        Err(e) => {
            cx.syn_error(e);
            return None;
        }
    };
    let class = match &raw.self_ty {
        Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 && p.path.segments[0].arguments.is_empty() => {
            p.path.segments[0].ident.clone()
        }
        other => {
            cx.error_spanned_by(other, "#[methods] goes on `impl Class { ... }` of a #[pyclass_like] class");
            return None;
        }
    };
    let mut fns = Vec::new();
    let mut body = TokenStream::new();
    for f in raw.fns {
        let mut role = Role::Method;
        let mut role_attrs = Vec::new();
        let mut kept = Vec::new();
        for attr in f.attrs {
            let Some(name) = attr.path().get_ident().map(Ident::to_string).filter(|n| HELPERS.contains(&n.as_str()))
            else {
                kept.push(attr);
                continue;
            };
            let ident = attr.path().get_ident().cloned().expect("a helper is one ident");
            let rename = match &attr.meta {
                syn::Meta::Path(_) => None,
                syn::Meta::List(list) if matches!(name.as_str(), "getter" | "setter" | "deleter") => {
                    match syn::parse2::<Ident>(list.tokens.clone()) {
                        Ok(n) => Some(unraw(&n)),
                        Err(_) => {
                            cx.error_spanned_by(
                                &list.tokens,
                                format!("#[{name}(...)] takes one name: #[{name}(name)]"),
                            );
                            None
                        }
                    }
                }
                other => {
                    cx.error_spanned_by(other, format!("#[{name}] takes no arguments"));
                    None
                }
            };
            let fn_name = unraw(&f.ident);
            role = match name.as_str() {
                "getter" => Role::Getter(rename.unwrap_or(fn_name)),
                "setter" => Role::Setter(
                    rename.unwrap_or_else(|| fn_name.strip_prefix("set_").map(str::to_owned).unwrap_or(fn_name)),
                ),
                "deleter" => Role::Deleter(
                    rename.unwrap_or_else(|| fn_name.strip_prefix("del_").map(str::to_owned).unwrap_or(fn_name)),
                ),
                "staticmethod" => Role::Static,
                _ => Role::Class,
            };
            role_attrs.push(ident);
        }
        for attr in &kept {
            attr.to_tokens(&mut body);
        }
        // A getter or method is called from its class's glue, inlined into
        // `getattr` and `call_method`: the hint lets LLVM inline a small one
        // there too (it is a separate function with several callers). The
        // user's own `#[inline(..)]` is left as written.
        if matches!(role, Role::Getter(_) | Role::Method) && !kept.iter().any(|a| a.path().is_ident("inline")) {
            body.extend(quote::quote!(#[inline]));
        }
        f.vis.to_tokens(&mut body);
        body.extend(f.sig_tokens);
        body.extend(f.body);
        fns.push(MethodFn {
            ident: f.ident,
            role,
            role_attrs,
            receiver: f.receiver,
            params: f.params,
            ret: f.ret,
            unsupported: f.unsupported,
        });
    }
    let self_ty = &raw.self_ty;
    let impl_token = raw.impl_token;
    let mut stripped = TokenStream::new();
    for attr in &raw.attrs {
        attr.to_tokens(&mut stripped);
    }
    stripped.extend(quote::quote!(#impl_token #self_ty { #body }));
    Some(Methods { class, fns, stripped })
}

struct RawImpl {
    attrs: Vec<Attribute>,
    impl_token: Token![impl],
    self_ty: Type,
    fns: Vec<RawFn>,
}

struct RawFn {
    attrs: Vec<Attribute>,
    vis: Visibility,
    ident: Ident,
    receiver: Receiver,
    params: Vec<Param>,
    ret: Option<Type>,
    unsupported: Option<(Span, &'static str)>,
    /// From `fn` to the end of the signature (`where` clause included).
    sig_tokens: TokenStream,
    /// The body, braces included.
    body: TokenStream,
}

impl Parse for RawImpl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        if input.peek(Token![unsafe]) {
            return Err(input.error("#[methods] goes on an inherent `impl Class { ... }` block"));
        }
        let impl_token: Token![impl] = input.parse()?;
        if input.peek(Token![<]) {
            return Err(input.error("#[methods] goes on a non-generic `impl Class { ... }` block"));
        }
        let self_ty: Type = input.parse()?;
        if input.peek(Token![for]) {
            return Err(input.error("#[methods] goes on an inherent `impl Class { ... }` block, not a trait impl"));
        }
        let content;
        braced!(content in input);
        let mut fns = Vec::new();
        while !content.is_empty() {
            fns.push(content.parse()?);
        }
        Ok(RawImpl { attrs, impl_token, self_ty, fns })
    }
}

impl Parse for RawFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let mut sig_tokens = TokenStream::new();
        let mut unsupported = None;
        for (kw, what) in [("const", "a const fn"), ("async", "an async fn"), ("unsafe", "an unsafe fn")] {
            if input.peek(Ident) || input.peek(Token![const]) || input.peek(Token![async]) || input.peek(Token![unsafe])
            {
                let fork = input.fork();
                if let Ok(tt) = fork.parse::<proc_macro2::TokenTree>() {
                    if tt.to_string() == kw {
                        let tt: proc_macro2::TokenTree = input.parse()?;
                        unsupported.get_or_insert((tt.span(), what));
                        sig_tokens.extend(std::iter::once(tt));
                    }
                }
            }
        }
        if !input.peek(Token![fn]) {
            return Err(input.error("#[methods] blocks hold functions only"));
        }
        let fn_token: Token![fn] = input.parse()?;
        fn_token.to_tokens(&mut sig_tokens);
        let ident: Ident = input.parse()?;
        ident.to_tokens(&mut sig_tokens);
        if input.peek(Token![<]) {
            unsupported.get_or_insert((input.span(), "a generic fn"));
            let generics: syn::Generics = input.parse()?;
            generics.to_tokens(&mut sig_tokens);
        }
        let content;
        let paren = parenthesized!(content in input);
        let params_tokens: TokenStream = content.fork().parse()?;
        let (receiver, params) = parse_params(&content)?;
        let mut group = proc_macro2::Group::new(proc_macro2::Delimiter::Parenthesis, params_tokens);
        group.set_span(paren.span.join());
        sig_tokens.extend(std::iter::once(proc_macro2::TokenTree::Group(group)));
        let ret = if input.peek(Token![->]) {
            let arrow: Token![->] = input.parse()?;
            arrow.to_tokens(&mut sig_tokens);
            let ty: Type = input.parse()?;
            ty.to_tokens(&mut sig_tokens);
            Some(ty)
        } else {
            None
        };
        if input.peek(Token![where]) {
            let wc: syn::WhereClause = input.parse()?;
            unsupported.get_or_insert((wc.where_token.span, "a fn with a where clause"));
            wc.to_tokens(&mut sig_tokens);
        }
        let body_content;
        let brace = braced!(body_content in input);
        let inner: TokenStream = body_content.parse()?;
        let mut group = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, inner);
        group.set_span(brace.span.join());
        let body = std::iter::once(proc_macro2::TokenTree::Group(group)).collect();
        Ok(RawFn { attrs, vis, ident, receiver, params, ret, unsupported, sig_tokens, body })
    }
}

/// `&self`, `&mut self`, `self`, then `name: Type` (or `mut name: Type`).
fn parse_params(input: ParseStream<'_>) -> syn::Result<(Receiver, Vec<Param>)> {
    let mut receiver = Receiver::None;
    let mut params = Vec::new();
    let mut first = true;
    while !input.is_empty() {
        let _ = input.call(Attribute::parse_outer)?;
        if first
            && (input.peek(Token![&])
                || input.peek(Token![self])
                || input.peek(Token![mut]) && input.peek2(Token![self]))
        {
            if input.peek(Token![&]) {
                let _: Token![&] = input.parse()?;
                if input.peek(syn::Lifetime) {
                    let _: syn::Lifetime = input.parse()?;
                }
                if input.peek(Token![mut]) {
                    let _: Token![mut] = input.parse()?;
                    receiver = Receiver::Mut;
                } else {
                    receiver = Receiver::Ref;
                }
            } else {
                if input.peek(Token![mut]) {
                    let _: Token![mut] = input.parse()?;
                }
                receiver = Receiver::Owned;
            }
            let _: Token![self] = input.parse()?;
            if input.peek(Token![:]) {
                return Err(input.error("#[methods]: write `&self` or `&mut self`, without a type"));
            }
        } else {
            if input.peek(Token![mut]) {
                let _: Token![mut] = input.parse()?;
            }
            let name: Ident = if input.peek(Token![_]) {
                let u: Token![_] = input.parse()?;
                Ident::new("_unused", u.span)
            } else {
                input.parse()?
            };
            let _: Token![:] = input.parse()?;
            let ty: Type = input.parse()?;
            params.push(Param { name, ty });
        }
        first = false;
        if input.is_empty() {
            break;
        }
        let _: Token![,] = input.parse()?;
    }
    Ok((receiver, params))
}
