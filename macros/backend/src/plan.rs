//! The storage plan of a class that passed `valid`: which names are slots,
//! which slots are typed and which set-flag bit each has, which dict keys
//! a regular class declares. Pure: it reports nothing, and anything `valid`
//! rejects it simply leaves out.

use proc_macro2::TokenStream;

use crate::ast::Class;
use crate::names::mangle;
use crate::valid::is_plain_slot;

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
                let kind = match class.fields.iter().position(|f| f.name() == item.name) {
                    Some(field) => {
                        typed += 1;
                        SlotKind::Typed { field, bit: typed - 1 }
                    }
                    None => {
                        untyped += 1;
                        SlotKind::Untyped { index: untyped - 1 }
                    }
                };
                slots.push(Slot { name: mangle(&name, &item.name), tokens: item.tokens.clone(), kind });
            }
            Storage::Slotted(SlotPlan {
                declared: attr.items.iter().map(|i| i.name.clone()).collect(),
                slots,
                dict: find("__dict__"),
                weakref: find("__weakref__"),
            })
        }
    };
    Plan { name, storage }
}
