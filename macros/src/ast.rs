//! The typed model of one class, built from the struct and its attributes.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Path, Type, Visibility};

use crate::attr::{self, ClassArgs, SlotItem};
use crate::ctxt::Ctxt;

/// Which attribute macro runs first: the other one is found among the
/// struct's attributes and taken out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    PyclassLike,
    Slots,
}

pub struct Class {
    /// Attributes passed through to the generated struct.
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub fields: Vec<Field>,
    pub args: ClassArgs,
    /// `None` for a regular class (no `#[slots]`).
    pub slots: Option<SlotsAttr>,
}

pub struct Field {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub ty: Type,
}

impl Field {
    /// The field's name as Python sees it (`r#type` is `type`).
    pub fn name(&self) -> String {
        let s = self.ident.to_string();
        s.strip_prefix("r#").unwrap_or(&s).to_owned()
    }
}

pub struct SlotsAttr {
    pub items: Vec<SlotItem>,
}

/// Parses the item and the class's two attributes into a [`Class`].
/// `entry_args` are the arguments of the macro being expanded.
pub fn parse(cx: &Ctxt, entry: Entry, entry_args: TokenStream, item: TokenStream) -> Option<Class> {
    let input: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(_) => {
            let first = item.into_iter().next();
            let span = first.map_or_else(Span::call_site, |t| t.span());
            let attr = if entry == Entry::Slots { "#[slots]" } else { "#[pyclass_like]" };
            cx.error_at(span, format!("{attr} applies to a struct with named fields or a unit struct"));
            return None;
        }
    };

    let mut attrs = Vec::new();
    let mut class_args: Option<(TokenStream, Span)> = None;
    let mut slots: Option<SlotsAttr> = None;
    match entry {
        Entry::PyclassLike => class_args = Some((entry_args, Span::call_site())),
        Entry::Slots => slots = Some(SlotsAttr { items: attr::parse_slot_items(cx, entry_args) }),
    }
    for a in input.attrs {
        if attr::is_attr(&a, "pyclass_like") {
            if class_args.is_some() {
                cx.error_spanned_by(&a, "duplicate #[pyclass_like]");
            } else {
                class_args = Some((attr::attr_args(cx, &a), a.span()));
            }
        } else if attr::is_attr(&a, "slots") {
            if slots.is_some() {
                cx.error_spanned_by(&a, "duplicate #[slots]: list every slot in one #[slots(...)]");
            } else {
                let args = attr::attr_args(cx, &a);
                slots = Some(SlotsAttr { items: attr::parse_slot_items(cx, args) });
            }
        } else {
            attrs.push(a);
        }
    }
    let Some((class_args, _)) = class_args else {
        cx.error_at(
            Span::call_site(),
            "#[slots] needs #[pyclass_like] on the same struct: `#[pyclass_like] #[slots(...)] struct ...`",
        );
        return None;
    };
    let args = attr::parse_class_args(cx, class_args);

    if input.generics.params.is_empty() {
        if let Some(where_clause) = &input.generics.where_clause {
            let message = "a #[pyclass_like] class takes no where clause: it has no generic parameters to bound";
            if where_clause.predicates.is_empty() {
                // An empty `where` prints as no tokens at all.
                cx.error_spanned_by(where_clause.where_token, message);
            } else {
                cx.error_spanned_by(where_clause, message);
            }
        }
    } else {
        cx.error_spanned_by(
            &input.generics,
            "generic classes are not supported: a #[pyclass_like] class has one layout, known at compile time; \
             use a concrete type for each field",
        );
    }

    let fields = match input.data {
        syn::Data::Struct(data) => match data.fields {
            syn::Fields::Named(named) => named.named.into_iter().map(|f| parse_field(cx, f)).collect(),
            syn::Fields::Unit => Vec::new(),
            syn::Fields::Unnamed(unnamed) => {
                cx.error_spanned_by(
                    &unnamed,
                    "#[pyclass_like] needs named fields: attributes are looked up by name, so a tuple struct has none to offer",
                );
                Vec::new()
            }
        },
        syn::Data::Enum(data) => {
            cx.error_spanned_by(
                data.enum_token,
                "#[pyclass_like] applies to a struct with named fields or a unit struct, not an enum",
            );
            return None;
        }
        syn::Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "#[pyclass_like] applies to a struct with named fields or a unit struct, not a union",
            );
            return None;
        }
    };

    Some(Class { attrs, vis: input.vis, ident: input.ident, fields, args, slots })
}

fn parse_field(cx: &Ctxt, field: syn::Field) -> Field {
    let mut attrs = Vec::new();
    for a in field.attrs {
        if a.path().is_ident("doc") || a.path().is_ident("allow") || a.path().is_ident("expect") {
            attrs.push(a);
        } else {
            cx.error_spanned_by(
                &a,
                "pyslots supports only doc comments and lint attributes on fields: a slot is always present in the layout",
            );
        }
    }
    // Named fields always have an identifier.
    let ident = field.ident.unwrap_or_else(|| Ident::new("_", Span::call_site()));
    Field { attrs, vis: field.vis, ident, ty: field.ty }
}

/// The struct's `derive`d traits that pyslots implements itself.
pub fn conflicting_derives(cx: &Ctxt, attrs: &[Attribute]) {
    for a in attrs {
        if !a.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = a.parse_args_with(syn::punctuated::Punctuated::<Path, syn::Token![,]>::parse_terminated) else {
            continue;
        };
        for p in paths {
            if let Some(last) = p.segments.last() {
                if last.ident == "Debug" || last.ident == "Default" {
                    cx.error_spanned_by(
                        &p,
                        format!(
                            "#[pyclass_like] already implements `{}` for this class; remove it from the derive",
                            last.ident
                        ),
                    );
                }
            }
        }
    }
}
