//! The typed model of one class, built from the struct and its attributes.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Type, Visibility};

use crate::attr::{self, ClassArgs, SlotItem};
use crate::ctxt::Ctxt;

/// Which attribute macro is being expanded: it runs first, and the other
/// one is found among the struct's attributes and taken out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `#[pyclass_like(...)]`, its arguments the class arguments.
    PyclassLike,
    /// `#[slots(...)]`, its arguments the slot names.
    Slots,
}

pub struct Class {
    /// Attributes passed through to the generated struct.
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    /// The struct's generics, which `valid` rejects.
    pub generics: syn::Generics,
    pub fields: Vec<Field>,
    pub args: ClassArgs,
    /// `None` for a regular class (no `#[slots]`).
    pub slots: Option<SlotsAttr>,
}

pub struct Field {
    /// Every attribute written on the field; `valid` accepts docs and lints.
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

impl Class {
    /// The class name, as Python's `__name__` (`r#type` is `type`).
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

    let fields = match input.data {
        syn::Data::Struct(data) => match data.fields {
            syn::Fields::Named(named) => named.named.into_iter().map(parse_field).collect(),
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

    Some(Class { attrs, vis: input.vis, ident: input.ident, generics: input.generics, fields, args, slots })
}

fn parse_field(field: syn::Field) -> Field {
    // Named fields always have an identifier.
    let ident = field.ident.unwrap_or_else(|| Ident::new("_", Span::call_site()));
    Field { attrs: field.attrs, vis: field.vis, ident, ty: field.ty }
}
