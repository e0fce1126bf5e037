//! The storage plan of a class that passed `valid`: which names are slots,
//! which slots are typed and which set-flag bit each has, which dict keys
//! a regular class declares. Pure: it reports nothing, and anything `valid`
//! rejects it simply leaves out.

use proc_macro2::TokenStream;

use crate::ast::{Class, Field};
use crate::attr::Literal;
use crate::valid::is_plain_slot;
use pyslots_suggest::names::mangle;

pub struct Plan {
    /// The class name, as Python's `__name__`.
    pub name: String,
    pub storage: Storage,
    /// The class attributes: mangled names and values, in order.
    pub class_attrs: Vec<(String, Literal)>,
}

pub enum Storage {
    /// A regular class: every field is a dict entry.
    Regular {
        /// The dict key of each field, in field order (mangled).
        keys: Vec<String>,
    },
    Slotted(SlotPlan),
}

pub struct SlotPlan {
    /// `__slots__` as written, for the class attribute.
    pub declared: Vec<String>,
    /// The slots, in declaration order, `__dict__` and `__weakref__` aside.
    pub slots: Vec<Slot>,
    /// The `__dict__` entry, if declared.
    pub dict: Option<TokenStream>,
    /// The `__weakref__` entry, if declared.
    pub weakref: Option<TokenStream>,
}

pub struct Slot {
    /// The attribute name (mangled).
    pub name: String,
    /// The entry's tokens in `#[slots]`, for spans of errors the compiler
    /// finds (a slot a base already has).
    pub tokens: TokenStream,
    pub kind: SlotKind,
    /// The field's doc comment (a typed slot's), Python's dict-form
    /// `__slots__` value.
    pub doc: Option<String>,
}

pub enum SlotKind {
    /// Stored in field `fields[field]`, set-flag `bit`.
    Typed { field: usize, bit: u32 },
    /// A `Value` in the `index`th untyped storage field.
    Untyped { index: usize },
}

impl SlotPlan {
    pub fn typed_count(&self) -> usize {
        self.slots.iter().filter(|s| matches!(s.kind, SlotKind::Typed { .. })).count()
    }
}

pub fn plan(class: &Class) -> Plan {
    let name = class.name();
    let storage = match &class.slots {
        None => Storage::Regular { keys: class.fields.iter().map(|f| mangle(&name, &f.name())).collect() },
        Some(attr) => {
            let find = |special: &str| attr.items.iter().find(|i| i.name == special).map(|i| i.tokens.clone());
            let mut slots = Vec::new();
            let (mut typed, mut untyped) = (0u32, 0usize);
            for item in attr.items.iter().filter(|i| is_plain_slot(i)) {
                let field = class.fields.iter().position(|f| f.name() == item.name);
                let doc = field.and_then(|f| doc_comment(&class.fields[f]));
                let kind = match field {
                    Some(field) => {
                        typed += 1;
                        SlotKind::Typed { field, bit: typed - 1 }
                    }
                    None => {
                        untyped += 1;
                        SlotKind::Untyped { index: untyped - 1 }
                    }
                };
                slots.push(Slot { name: mangle(&name, &item.name), tokens: item.tokens.clone(), kind, doc });
            }
            Storage::Slotted(SlotPlan {
                declared: attr.items.iter().map(|i| i.name.clone()).collect(),
                slots,
                dict: find("__dict__"),
                weakref: find("__weakref__"),
            })
        }
    };
    let class_attrs = class.args.class_attrs.iter().map(|a| (mangle(&name, &a.name), a.value.clone())).collect();
    Plan { name, storage, class_attrs }
}

/// A field's doc comment as rustdoc shows it: the `#[doc]` lines joined,
/// the one space `///` leaves stripped; `None` if there is none.
fn doc_comment(field: &Field) -> Option<String> {
    let lines: Vec<String> = field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| text.lines().map(|l| l.strip_prefix(' ').unwrap_or(l).to_owned()).collect::<Vec<_>>())
        .collect();
    let doc = lines.join("\n").trim().to_owned();
    (!doc.is_empty()).then_some(doc)
}
