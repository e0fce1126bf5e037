//! Parsing of the attributes: `#[pyclass_like(...)]` and `#[slots(...)]`.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Attribute, Path, Token};

use crate::ctxt::Ctxt;

/// The arguments of `#[pyclass_like(...)]`.
#[derive(Default)]
pub struct ClassArgs {
    /// The bases of `extends = Base` or `extends(A, B)`.
    pub extends: Vec<Path>,
    /// The tokens of the `extends` argument, for error spans.
    pub extends_tokens: Option<TokenStream>,
    /// `class_attrs(name = literal, ...)`, in order.
    pub class_attrs: Vec<ClassAttr>,
    /// Whether `class_attrs(...)` was given (it may be empty).
    pub has_class_attrs: bool,
    /// `frozen`: the argument's span, if given.
    pub frozen: Option<Span>,
}

/// One class attribute: `species = "Canine"`.
pub struct ClassAttr {
    /// The name as written, unraw (`r#type` is `type`), before mangling.
    pub name: String,
    /// The name's token, for error spans.
    pub ident: syn::Ident,
    pub value: Literal,
}

/// A class attribute's value.
#[derive(Clone)]
pub enum Literal {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

const CLASS_ATTR_VALUE: &str =
    "a class attribute is a literal: a string, an integer, a float, `true`, `false` or `None`";

/// Parses `name = literal`. A value that is no literal, or an int beyond
/// 64 bits, is recorded in `cx` and the attribute left out (`Ok(None)`),
/// so the attributes after it are still checked; only broken syntax stops
/// the list.
fn parse_class_attr(cx: &Ctxt, input: syn::parse::ParseStream) -> syn::Result<Option<ClassAttr>> {
    let ident: syn::Ident = syn::ext::IdentExt::parse_any(input)
        .map_err(|e| syn::Error::new(e.span(), "expected a class attribute: `name = literal`"))?;
    let eq = input.parse::<Token![=]>()?;
    // The value's tokens, up to the next comma: errors are spanned on all of
    // them, whatever syn's features make of the expression (with `full`
    // on, as another crate in the build may turn it, `[1, 2]` parses as an
    // array, without it as a bare `[`).
    let tokens: TokenStream = input.step(|cursor| {
        let (mut out, mut rest) = (TokenStream::new(), *cursor);
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
            out.extend([tt]);
            rest = next;
        }
        Ok((out, rest))
    })?;
    if tokens.is_empty() {
        // At what stands where the value should: the comma, or past `=`.
        let span = if input.is_empty() { eq.span } else { input.span() };
        return Err(syn::Error::new(span, CLASS_ATTR_VALUE));
    }
    let value = match syn::parse2::<syn::Expr>(tokens.clone()).ok().and_then(|expr| literal(&expr)) {
        Some(Ok(value)) => value,
        Some(Err(message)) => {
            cx.error_spanned_by(&tokens, message);
            return Ok(None);
        }
        None => {
            cx.error_spanned_by(&tokens, CLASS_ATTR_VALUE);
            return Ok(None);
        }
    };
    let name = syn::ext::IdentExt::unraw(&ident).to_string();
    Ok(Some(ClassAttr { name, ident, value }))
}

/// The literal an expression spells, `None` if it spells none, an error if
/// it spells one that does not fit (an int beyond 64 bits).
fn literal(expr: &syn::Expr) -> Option<Result<Literal, &'static str>> {
    // `macro_rules!` passes `$v:literal` in an invisible group.
    fn ungroup(mut expr: &syn::Expr) -> &syn::Expr {
        while let syn::Expr::Group(g) = expr {
            expr = &g.expr;
        }
        expr
    }
    let (negative, inner) = match ungroup(expr) {
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => (true, ungroup(&u.expr)),
        other => (false, other),
    };
    let syn::Expr::Lit(lit) = inner else {
        return match inner {
            syn::Expr::Path(p) if !negative && p.path.is_ident("None") => Some(Ok(Literal::None)),
            _ => None,
        };
    };
    let value = match &lit.lit {
        syn::Lit::Str(s) if !negative && s.suffix().is_empty() => Literal::Str(s.value()),
        syn::Lit::Bool(b) if !negative => Literal::Bool(b.value),
        syn::Lit::Int(i) if i.suffix().is_empty() => {
            let digits = if negative { format!("-{}", i.base10_digits()) } else { i.base10_digits().to_owned() };
            match digits.parse::<i64>() {
                Ok(n) => Literal::Int(n),
                Err(_) => return Some(Err("a class attribute's integer must fit in 64 bits (an i64)")),
            }
        }
        syn::Lit::Float(f) if f.suffix().is_empty() => {
            let x: f64 = f.base10_parse().ok()?;
            Literal::Float(if negative { -x } else { x })
        }
        _ => return None,
    };
    Some(Ok(value))
}

/// Parses `#[pyclass_like(...)]`'s arguments, recording errors.
pub fn parse_class_args(cx: &Ctxt, args: TokenStream) -> ClassArgs {
    let mut out = ClassArgs::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("extends") {
            if out.extends_tokens.is_some() {
                return Err(meta.error("duplicate `extends` argument"));
            }
            let start = meta.path.to_token_stream();
            if meta.input.peek(Token![=]) {
                let value = meta.value()?;
                let path: Path =
                    value.parse().map_err(|e| syn::Error::new(e.span(), "expected a base class: `extends = Base`"))?;
                out.extends_tokens = Some(quote::quote!(#start = #path));
                out.extends.push(path);
            } else if meta.input.peek(syn::token::Paren) {
                let content;
                let parens = syn::parenthesized!(content in meta.input);
                let list: Punctuated<Path, Token![,]> = content
                    .parse_terminated(Path::parse_mod_style, Token![,])
                    .map_err(|e| syn::Error::new(e.span(), "expected base classes: `extends(A, B)`"))?;
                if list.is_empty() {
                    return Err(syn::Error::new(parens.span.join(), "`extends()` needs at least one base class"));
                }
                let mut tokens = start;
                parens.surround(&mut tokens, |t| list.to_tokens(t));
                out.extends_tokens = Some(tokens);
                out.extends.extend(list);
            } else {
                return Err(meta.error("expected `extends = Base` or `extends(A, B)`"));
            }
            Ok(())
        } else if meta.path.is_ident("frozen") {
            if out.frozen.is_some() {
                return Err(meta.error("duplicate `frozen` argument"));
            }
            if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                return Err(meta.error("`frozen` takes no value: `#[pyclass_like(frozen)]`"));
            }
            out.frozen = Some(syn::spanned::Spanned::span(&meta.path));
            Ok(())
        } else if meta.path.is_ident("class_attrs") {
            if out.has_class_attrs {
                return Err(meta.error("duplicate `class_attrs` argument: list every class attribute in one"));
            }
            if !meta.input.peek(syn::token::Paren) {
                return Err(meta.error("expected `class_attrs(name = literal, ...)`"));
            }
            let content;
            syn::parenthesized!(content in meta.input);
            out.has_class_attrs = true;
            while !content.is_empty() {
                out.class_attrs.extend(parse_class_attr(cx, &content)?);
                if content.is_empty() {
                    break;
                }
                content.parse::<Token![,]>()?;
            }
            Ok(())
        } else {
            Err(meta.error(format!(
                "unknown #[pyclass_like] argument `{}`: expected `extends = Base`, `extends(A, B)`, \
                 `class_attrs(name = literal, ...)` or `frozen`",
                meta.path.to_token_stream()
            )))
        }
    });
    // Parsed as a list closed at the arguments' last token, so an error at
    // their end (`extends =`) points there rather than at the call site.
    let end = args.clone().into_iter().last().map_or_else(Span::call_site, |t| t.span());
    let list = syn::MetaList {
        path: syn::Ident::new("pyclass_like", end).into(),
        delimiter: syn::MacroDelimiter::Paren(syn::token::Paren(end)),
        tokens: args,
    };
    if let Err(err) = list.parse_args_with(parser) {
        cx.syn_error(err);
    }
    out
}

/// One entry of `#[slots(...)]`, as written.
pub struct SlotItem {
    /// The name as Python sees it before mangling (`r#type` is `type`).
    pub name: String,
    /// The entry's tokens, for error spans.
    pub tokens: TokenStream,
}

/// Parses the entries of `#[slots(...)]`: identifiers and string literals
/// separated by commas. Every malformed entry is reported and skipped, so
/// the other entries are still checked.
pub fn parse_slot_items(cx: &Ctxt, args: TokenStream) -> Vec<SlotItem> {
    let mut items = Vec::new();
    let mut segment: Vec<TokenTree> = Vec::new();
    let mut tokens = args.into_iter().peekable();
    loop {
        let next = tokens.next();
        match &next {
            Some(TokenTree::Punct(p)) if p.as_char() == ',' => {
                if segment.is_empty() {
                    cx.error_spanned_by(p, "expected a slot name before `,`");
                } else {
                    items.extend(parse_slot_item(cx, std::mem::take(&mut segment)));
                }
            }
            Some(tt) => segment.push(tt.clone()),
            None => {
                if !segment.is_empty() {
                    items.extend(parse_slot_item(cx, std::mem::take(&mut segment)));
                }
                return items;
            }
        }
    }
}

fn parse_slot_item(cx: &Ctxt, mut segment: Vec<TokenTree>) -> Option<SlotItem> {
    // A name that came through `macro_rules!` (`$name:literal`) arrives in
    // an invisible group.
    while let [TokenTree::Group(g)] = segment.as_slice() {
        if g.delimiter() != Delimiter::None || g.stream().is_empty() {
            break;
        }
        segment = g.stream().into_iter().collect();
    }
    let tokens: TokenStream = segment.iter().cloned().collect();
    if let [single] = segment.as_slice() {
        match single {
            TokenTree::Ident(ident) if ident == "true" || ident == "false" => {
                cx.error_spanned_by(ident, "__slots__ items must be strings, not 'bool'");
                return None;
            }
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
                return Some(SlotItem { name, tokens });
            }
            TokenTree::Literal(lit) => {
                let lit = syn::Lit::new(lit.clone());
                let kind = match &lit {
                    syn::Lit::Str(s) if s.suffix().is_empty() => return Some(SlotItem { name: s.value(), tokens }),
                    syn::Lit::Str(_) => {
                        cx.error_spanned_by(&lit, "a slot name takes no literal suffix: write \"x\"");
                        return None;
                    }
                    syn::Lit::Int(_) => "int",
                    syn::Lit::Float(_) => "float",
                    syn::Lit::Bool(_) => "bool",
                    syn::Lit::ByteStr(_) | syn::Lit::CStr(_) => "bytes",
                    syn::Lit::Byte(_) => "int",
                    syn::Lit::Char(_) => "char",
                    _ => "literal",
                };
                let hint = if kind == "char" { ": write the name in double quotes, \"x\"" } else { "" };
                cx.error_spanned_by(&lit, format!("__slots__ items must be strings, not '{kind}'{hint}"));
                return None;
            }
            _ => {}
        }
    }
    cx.error_spanned_by(&tokens, "expected a slot name: an identifier such as `x` or a string such as \"x\"");
    None
}

/// Whether `attr` is `#[name]`/`#[name(...)]`, by the path's last segment,
/// so `#[pyslots::slots(...)]` counts too.
pub fn is_attr(attr: &Attribute, name: &str) -> bool {
    attr.path().segments.last().is_some_and(|s| s.ident == name)
}

/// The arguments of an attribute: what is inside its parentheses, nothing
/// for a bare path. `#[slots = ...]` is an error.
pub fn attr_args(cx: &Ctxt, attr: &Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::Path(_) => TokenStream::new(),
        syn::Meta::List(list) => list.tokens.clone(),
        syn::Meta::NameValue(nv) => {
            cx.error_spanned_by(nv, format!("expected #[{}(...)]", nv.path.to_token_stream()));
            TokenStream::new()
        }
    }
}
