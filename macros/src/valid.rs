//! Checks of one class, and the storage plan they produce: which names are
//! slots, which slots are typed, which bit flags each typed slot.
//!
//! Rules that need other items (a base's slots, dict or weak references)
//! cannot be decided here; `expand` hands them to the compiler as const
//! assertions.

use std::collections::HashMap;

use crate::ast::Class;
use crate::ctxt::Ctxt;
use crate::names::{is_identifier, mangle};

pub struct Plan {
    /// The class name, as Python's `__name__`.
    pub name: String,
    pub storage: Storage,
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
    pub dict: Option<proc_macro2::TokenStream>,
    /// The `__weakref__` entry, if declared.
    pub weakref: Option<proc_macro2::TokenStream>,
}

pub struct Slot {
    /// The attribute name (mangled).
    pub name: String,
    /// The entry's tokens in `#[slots]`, for spans of errors the compiler
    /// finds (a slot a base already has).
    pub tokens: proc_macro2::TokenStream,
    pub kind: SlotKind,
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

pub fn check(cx: &Ctxt, class: &Class) -> Plan {
    let name = class.ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();

    for f in &class.fields {
        let fname = f.name();
        if fname == "__dict__" || fname == "__weakref__" {
            let hint = if class.slots.is_some() {
                format!("list `{fname}` in #[slots] instead")
            } else {
                format!("a class without #[slots] already has `{fname}`")
            };
            cx.error_spanned_by(&f.ident, format!("a field cannot be named `{fname}`: {hint}"));
        }
        if fname.starts_with("__pyslots") {
            cx.error_spanned_by(&f.ident, "field names starting with `__pyslots` are reserved for pyslots");
        }
    }

    let storage = match &class.slots {
        None => {
            let mut keys = Vec::new();
            let mut seen: HashMap<String, ()> = HashMap::new();
            for f in &class.fields {
                let key = mangle(&name, &f.name());
                if seen.insert(key.clone(), ()).is_some() {
                    cx.error_spanned_by(
                        &f.ident,
                        format!("two fields are both the attribute '{key}' after private-name mangling"),
                    );
                }
                keys.push(key);
            }
            Storage::Regular { keys }
        }
        Some(attr) => {
            let mut plan = SlotPlan { declared: Vec::new(), slots: Vec::new(), dict: None, weakref: None };
            let mut seen: HashMap<String, ()> = HashMap::new();
            let mut untyped = 0;
            let mut bit = 0u32;
            for item in &attr.items {
                plan.declared.push(item.name.clone());
                if !is_identifier(&item.name) {
                    cx.error_spanned_by(&item.tokens, "__slots__ must be identifiers");
                    continue;
                }
                if item.name == "__slots__" {
                    cx.error_spanned_by(&item.tokens, "'__slots__' in __slots__ conflicts with class variable");
                    continue;
                }
                match item.name.as_str() {
                    "__dict__" => {
                        if plan.dict.is_some() {
                            cx.error_spanned_by(&item.tokens, "__dict__ slot disallowed: we already got one");
                        }
                        plan.dict = Some(item.tokens.clone());
                        continue;
                    }
                    "__weakref__" => {
                        if plan.weakref.is_some() {
                            cx.error_spanned_by(&item.tokens, "__weakref__ slot disallowed: we already got one");
                        }
                        plan.weakref = Some(item.tokens.clone());
                        continue;
                    }
                    _ => {}
                }
                let slot_name = mangle(&name, &item.name);
                if seen.insert(slot_name.clone(), ()).is_some() {
                    cx.error_spanned_by(
                        &item.tokens,
                        format!("duplicate slot '{slot_name}': list each name once (CPython would silently keep both)"),
                    );
                    continue;
                }
                let field = class.fields.iter().position(|f| f.name() == item.name);
                let kind = match field {
                    Some(field) => {
                        bit += 1;
                        SlotKind::Typed { field, bit: bit - 1 }
                    }
                    None => {
                        untyped += 1;
                        SlotKind::Untyped { index: untyped - 1 }
                    }
                };
                plan.slots.push(Slot { name: slot_name, tokens: item.tokens.clone(), kind });
            }
            for f in &class.fields {
                let fname = f.name();
                if !attr.items.iter().any(|i| i.name == fname) {
                    cx.error_spanned_by(
                        &f.ident,
                        format!(
                            "field `{fname}` is not listed in #[slots(...)]: a slotted class stores nothing but its slots; \
                             add `{fname}` to #[slots] or remove the field"
                        ),
                    );
                }
            }
            Storage::Slotted(plan)
        }
    };

    let mut seen_bases: Vec<String> = Vec::new();
    for base in &class.args.extends {
        let text = quote::ToTokens::to_token_stream(base).to_string().replace(' ', "");
        if seen_bases.contains(&text) {
            cx.error_spanned_by(base, format!("duplicate base class {text}"));
        }
        seen_bases.push(text);
    }

    Plan { name, storage }
}
