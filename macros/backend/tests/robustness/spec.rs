//! Generator 2: well-formed classes of every shape, as a [`ClassSpec`]
//! that the fault generator can also damage before rendering.

use std::fmt::Write as _;

use pyslots_macros_backend::Entry;

use crate::harness::{Case, Expect, BLAME, CLOSE_NONE, OPEN_NONE};
use crate::pools::*;
use crate::Rng;

pub struct FieldSpec {
    pub attrs: Vec<String>,
    pub vis: String,
    /// The identifier as written (`r#type`).
    pub ident: String,
    pub ty: String,
}

impl FieldSpec {
    pub fn name(&self) -> &str {
        self.ident.strip_prefix("r#").unwrap_or(&self.ident)
    }
}

pub struct ClassSpec {
    pub entry: Entry,
    pub attrs: Vec<String>,
    /// Where among `attrs` the other attribute goes.
    pub other_at: usize,
    /// `pyclass_like` or `pyslots::pyclass_like` (or `slots`...).
    pub other_path: String,
    pub vis: String,
    pub name: String,
    pub generics: String,
    pub where_clause: String,
    pub fields: Vec<FieldSpec>,
    /// `struct A;` rather than `struct A {}` when there are no fields.
    pub unit: bool,
    /// `None` for a regular class; else the entries as written.
    pub slots: Option<Vec<String>>,
    pub slots_trailing_comma: bool,
    /// `#[pyclass_like(...)]`'s arguments, but for `class_attrs`.
    pub class_args: String,
    /// `class_attrs(name = value, ...)` as written, if given.
    pub class_attrs: Option<Vec<(String, String)>>,
    /// Instead of `struct Name ... { fields }`, this item body.
    pub shape: Option<String>,
    /// Blame the item's first token.
    pub blame_first: bool,
}

/// Field names: unique by their Python name, none reserved.
#[rustfmt::skip]
const FIELD_NAMES: &[&str] = &[
    "x", "y", "z", "name", "age", "r#type", "r#fn", "r#match", "café", "_private", "__private", "value", "cls", "f",
    "new", "dir", "getattr", "default", "set_x", "count", "data", "id", "名前", "self_", "Upper", "a1",
];
/// Names for untyped slots.
const UNTYPED_NAMES: &[&str] =
    &["u", "v", "w", "extra", "__secret", "_u", "données", "keyword", "r#as", "r#where", "self"];
const VALID_TYPES: &[&str] = &[
    "u8",
    "i32",
    "i64",
    "f64",
    "bool",
    "String",
    "::std::string::String",
    "Option<i64>",
    "Value",
    "pyslots::Value",
    "Vec<u8>",
    "[u8; 4]",
    "(i32, i64)",
    "Box<str>",
    "crate::m::T",
    "<u8 as Tr>::Assoc",
    "fn(u8) -> u8",
];
/// Class attribute names: none is (after mangling) a name of
/// `FIELD_NAMES` or `UNTYPED_NAMES`, none is special.
pub const CLASS_ATTR_NAMES: &[&str] =
    &["species", "legs", "r#kind", "label", "_hidden", "__cache", "ratio", "flag", "r#loop", "étiquette", "名"];
/// Every kind of literal a class attribute takes, in every spelling.
const CLASS_ATTR_VALUES: &[&str] = &[
    "\"Canine\"",
    "\"\"",
    "r\"raw\\n\"",
    "\"é 😀\"",
    "4",
    "-3",
    "0",
    "0x1F",
    "0b101",
    "1_000",
    "9223372036854775807",
    "-9223372036854775808",
    "0.5",
    "-2.5e-3",
    "1e999",
    "-1e999",
    "1e-400",
    "true",
    "false",
    "None",
];
pub const CLASS_NAMES: &[&str] = &["Point", "Person", "r#Point", "r#type", "P", "_Private", "__Dunder", "Café", "A1"];

/// A slot name as written: an identifier, or a string.
fn spell_slot(rng: &mut Rng, name: &str) -> String {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    match rng.below(4) {
        0 if !name.starts_with("r#") && bare != "self" && syn::parse_str::<syn::Ident>(bare).is_ok() => {
            format!("r#{bare}")
        }
        1 => format!("\"{bare}\""),
        // A string passed through `macro_rules!` as `$name:literal`.
        2 if rng.chance(30) => format!("{OPEN_NONE}\"{bare}\"{CLOSE_NONE}"),
        _ if name == "r#self" => "\"self\"".to_owned(),
        _ => name.to_owned(),
    }
}

pub fn valid_spec(rng: &mut Rng) -> ClassSpec {
    let entry = if rng.chance(50) { Entry::PyclassLike } else { Entry::Slots };
    // `#[slots]` as the entry point: the class is slotted.
    let slotted = entry == Entry::Slots || rng.chance(40);
    let mut names: Vec<&str> = FIELD_NAMES.to_vec();
    rng.shuffle(&mut names);
    let n_fields = rng.below(5);
    let fields: Vec<FieldSpec> = names[..n_fields]
        .iter()
        .map(|n| {
            let mut attrs = Vec::new();
            for _ in 0..rng.below(3) {
                attrs.push(rng.pick(FIELD_ATTRS_OK).to_string());
            }
            let ty = rng.pick(VALID_TYPES).to_string();
            // A type passed through `macro_rules!` as `$t:ty`.
            let ty = if rng.chance(10) { format!("{OPEN_NONE}{ty}{CLOSE_NONE}") } else { ty };
            FieldSpec { attrs, vis: rng.pick(VIS).to_string(), ident: n.to_string(), ty }
        })
        .collect();
    let slots = slotted.then(|| {
        let mut entries: Vec<String> = fields.iter().map(|f| spell_slot(rng, &f.ident)).collect();
        let mut untyped: Vec<&str> = UNTYPED_NAMES.to_vec();
        rng.shuffle(&mut untyped);
        for u in &untyped[..rng.below(3)] {
            entries.push(spell_slot(rng, u));
        }
        if rng.chance(30) {
            entries.push(rng.pick(&["__dict__", "\"__dict__\""]).to_string());
        }
        if rng.chance(30) {
            entries.push(rng.pick(&["__weakref__", "\"__weakref__\""]).to_string());
        }
        rng.shuffle(&mut entries);
        entries
    });
    let class_args = match rng.below(8) {
        0 => "extends = Base".to_owned(),
        1 => "extends = crate::m::Base".to_owned(),
        2 => "extends(A, B)".to_owned(),
        3 => "extends(A, m::B,)".to_owned(),
        4 => format!("extends = {}", rng.pick(&["r#Foo", "Über", "::m::Bär", "HTTPServer", "r#Dyn"])),
        5 => "extends = Base,".to_owned(),
        _ => String::new(),
    };
    let class_attrs = rng.chance(30).then(|| {
        let mut names: Vec<&str> = CLASS_ATTR_NAMES.to_vec();
        rng.shuffle(&mut names);
        let n = rng.below(4);
        names[..n]
            .iter()
            .map(|n| {
                let value = rng.pick(CLASS_ATTR_VALUES);
                // A value passed through `macro_rules!` as `$v:literal`.
                let value = if rng.chance(10) { format!("{OPEN_NONE}{value}{CLOSE_NONE}") } else { value.to_string() };
                (n.to_string(), value)
            })
            .collect()
    });
    let mut attrs = Vec::new();
    for _ in 0..rng.below(4) {
        attrs.push(rng.pick(STRUCT_ATTRS_OK).to_string());
    }
    let other_at = rng.below(attrs.len() + 1);
    let other_path = match entry {
        Entry::PyclassLike => rng.pick(&["slots", "pyslots::slots", "::pyslots::slots"]),
        Entry::Slots => rng.pick(&["pyclass_like", "pyslots::pyclass_like"]),
    }
    .to_string();
    ClassSpec {
        entry,
        attrs,
        other_at,
        other_path,
        vis: rng.pick(VIS).to_string(),
        name: rng.pick(CLASS_NAMES).to_string(),
        generics: String::new(),
        where_clause: String::new(),
        unit: fields.is_empty() && rng.chance(50),
        fields,
        slots,
        slots_trailing_comma: rng.chance(30),
        class_args,
        class_attrs,
        shape: None,
        blame_first: false,
    }
}

impl ClassSpec {
    fn slot_list(&self) -> String {
        let mut s = self.slots.as_deref().unwrap_or_default().join(", ");
        if self.slots_trailing_comma && self.slots.as_ref().is_some_and(|s| !s.is_empty()) {
            s.push(',');
        }
        s
    }

    /// `#[pyclass_like(...)]`'s arguments, `class_attrs` included.
    fn all_class_args(&self) -> String {
        let Some(attrs) = &self.class_attrs else {
            return self.class_args.clone();
        };
        let list: Vec<String> = attrs.iter().map(|(n, v)| format!("{n} = {v}")).collect();
        let sep = if self.class_args.is_empty() || self.class_args.ends_with(',') { " " } else { ", " };
        format!("{}{sep}class_attrs({})", self.class_args, list.join(", "))
    }

    fn render(&self) -> (String, String) {
        let class_args = self.all_class_args();
        let (args, other) = match self.entry {
            Entry::PyclassLike => {
                let other = self.slots.as_ref().map(|_| format!("#[{}({})]", self.other_path, self.slot_list()));
                (class_args, other)
            }
            Entry::Slots => {
                let other = if class_args.trim().is_empty() {
                    format!("#[{}]", self.other_path)
                } else {
                    format!("#[{}({})]", self.other_path, class_args)
                };
                (self.slot_list(), Some(other))
            }
        };
        let mut item = String::new();
        for (i, a) in self.attrs.iter().enumerate() {
            if i == self.other_at {
                if let Some(o) = &other {
                    item.push_str(o);
                    item.push('\n');
                }
            }
            item.push_str(a);
            item.push('\n');
        }
        if self.other_at >= self.attrs.len() {
            if let Some(o) = &other {
                item.push_str(o);
                item.push('\n');
            }
        }
        if let Some(shape) = &self.shape {
            let _ = write!(item, "{} {shape}", self.vis);
            if self.blame_first {
                let first = item.len() - item.trim_start().len();
                item.insert(first, BLAME);
            }
            return (args, item);
        }
        let _ = write!(item, "{} struct {}{}", self.vis, self.name, self.generics);
        if self.fields.is_empty() && self.unit && self.where_clause.is_empty() {
            item.push(';');
        } else {
            let _ = writeln!(item, " {} {{", self.where_clause);
            for f in &self.fields {
                for a in &f.attrs {
                    let _ = writeln!(item, "    {a}");
                }
                let _ = writeln!(item, "    {} {}: {},", f.vis, f.ident, f.ty);
            }
            item.push('}');
        }
        (args, item)
    }

    pub fn case(&self, generator: &'static str, expect: Expect) -> Case {
        let (args, item) = self.render();
        Case { generator, entry: self.entry, args, item, expect }
    }
}
