//! Generator 3: a valid class with one fault injected, the input marking
//! the token to blame. The kinds of fault are data: [`FAULTS`], each with a
//! weight, a test of whether it applies to a class, and an injector.

use pyslots_macros_backend::Entry;

use crate::harness::{Case, Expect, BLAME, CLOSE_NONE, OPEN_NONE};
use crate::pools::FIELD_ATTRS_BAD;
use crate::spec::{valid_spec, ClassSpec};
use crate::Rng;

/// One kind of fault.
struct Fault {
    /// How often it is drawn, relative to the others.
    weight: usize,
    /// Whether it can be injected into this class.
    applies: fn(&ClassSpec) -> bool,
    /// Injects it, marking the token to blame, and returns the message the
    /// error must contain; `None` if this class cannot take it after all.
    inject: fn(&mut Rng, &mut ClassSpec) -> Option<&'static str>,
}

/// Entries of `#[slots]` that are rejected, and the message of each.
const BAD_SLOT_ENTRIES: &[(&str, &str)] = &[
    ("1", "__slots__ items must be strings, not 'int'"),
    ("0x1F", "__slots__ items must be strings, not 'int'"),
    ("1.5", "__slots__ items must be strings, not 'float'"),
    ("'c'", "__slots__ items must be strings, not 'char'"),
    ("b\"x\"", "__slots__ items must be strings, not 'bytes'"),
    ("c\"x\"", "__slots__ items must be strings, not 'bytes'"),
    ("b'x'", "__slots__ items must be strings, not 'int'"),
    ("true", "__slots__ items must be strings, not 'bool'"),
    ("\"x\"suffix", "a slot name takes no literal suffix"),
    ("\"a b\"", "__slots__ must be identifiers"),
    ("\"1x\"", "__slots__ must be identifiers"),
    ("\"\"", "__slots__ must be identifiers"),
    ("\"a-b\"", "__slots__ must be identifiers"),
    ("\"x\\0\"", "__slots__ must be identifiers"),
    ("\"r#type\"", "__slots__ must be identifiers"),
    ("a::b", "expected a slot name"),
    ("-1", "expected a slot name"),
    ("x = 1", "expected a slot name"),
    ("(x)", "expected a slot name"),
    ("[x]", "expected a slot name"),
    ("'a", "expected a slot name"),
    ("__slots__", "'__slots__' in __slots__ conflicts with class variable"),
    ("\"__slots__\"", "'__slots__' in __slots__ conflicts with class variable"),
];

/// Bad `#[pyclass_like]` arguments (`\u{1}` is [`BLAME`]), in the entry's
/// arguments or in the item's attribute.
const BAD_CLASS_ARGS: &[(&str, &str)] = &[
    ("\u{1}foo", "unknown #[pyclass_like] argument `foo`"),
    ("\u{1}foo = 1", "unknown #[pyclass_like] argument `foo`"),
    ("\u{1}Extends = A", "unknown #[pyclass_like] argument `Extends`"),
    ("\u{1}a::b", "unknown #[pyclass_like] argument `a :: b`"),
    ("extends = \u{1}1", "expected a base class: `extends = Base`"),
    ("extends = \u{1}\"Base\"", "expected a base class: `extends = Base`"),
    ("extends \u{1}=", "expected a base class: `extends = Base`"),
    ("extends = a:\u{1}:", "expected a base class: `extends = Base`"),
    ("\u{1}extends", "expected `extends = Base` or `extends(A, B)`"),
    ("\u{1}extends: A", "expected `extends = Base` or `extends(A, B)`"),
    ("extends\u{1}()", "`extends()` needs at least one base class"),
    ("extends(\u{1}1)", "expected base classes: `extends(A, B)`"),
    ("extends(A \u{1}B)", "expected base classes: `extends(A, B)`"),
    ("extends(A\u{1}<u8>)", "expected base classes: `extends(A, B)`"),
    ("extends = A, \u{1}extends = B", "duplicate `extends` argument"),
    ("extends(A, \u{1}A)", "duplicate base class A"),
    ("extends(m::A, B, \u{1}m::A)", "duplicate base class m::A"),
    ("extends = A \u{1}B", "expected `,`"),
    ("\u{1}class_attrs", "expected `class_attrs(name = literal, ...)`"),
    ("\u{1}class_attrs = 1", "expected `class_attrs(name = literal, ...)`"),
    ("class_attrs(x = 1), \u{1}class_attrs(y = 2)", "duplicate `class_attrs` argument"),
    ("class_attrs(\u{1}1 = 2)", "expected a class attribute: `name = literal`"),
    ("class_attrs(x = \u{1}, y = 1)", "a class attribute is a literal"),
    ("frozen, \u{1}frozen", "duplicate `frozen` argument"),
    ("\u{1}frozen = true", "`frozen` takes no value: `#[pyclass_like(frozen)]`"),
    ("\u{1}frozen(x)", "`frozen` takes no value: `#[pyclass_like(frozen)]`"),
];

/// Class attribute values that are refused, and the message of each.
const BAD_CLASS_ATTR_VALUES: &[(&str, &str)] = &[
    ("foo()", "a class attribute is a literal"),
    ("[1, 2]", "a class attribute is a literal"),
    ("b\"x\"", "a class attribute is a literal"),
    ("'c'", "a class attribute is a literal"),
    ("4u8", "a class attribute is a literal"),
    ("1.5f32", "a class attribute is a literal"),
    ("x", "a class attribute is a literal"),
    ("-true", "a class attribute is a literal"),
    ("-\"s\"", "a class attribute is a literal"),
    ("-None", "a class attribute is a literal"),
    ("9223372036854775808", "must fit in 64 bits"),
    ("-9223372036854775809", "must fit in 64 bits"),
    ("0xFFFF_FFFF_FFFF_FFFF", "must fit in 64 bits"),
    ("100000000000000000000000", "must fit in 64 bits"),
];

/// Special names refused as class attributes.
const DUNDER_CLASS_ATTRS: &[&str] = &["__doc__", "__module__", "__init__", "__slots__", "__dict__", "__x__"];

/// Field names that are refused, and the message of each.
const BAD_FIELD_NAMES: &[(&str, &str)] = &[
    ("__dict__", "a field cannot be named `__dict__`"),
    ("__weakref__", "a field cannot be named `__weakref__`"),
    ("__pyslots_x", "reserved for pyslots"),
    ("__pyslots", "reserved for pyslots"),
];

/// Derives of traits pyslots implements itself.
const CONFLICTING_DERIVES: &[(&str, &str)] = &[
    ("Debug", "already implements `Debug`"),
    ("Default", "already implements `Default`"),
    ("std::fmt::Debug", "already implements `Debug`"),
    ("::core::default::Default", "already implements `Default`"),
];

const FAULTS: &[Fault] = &[
    Fault { weight: 2, applies: slotted, inject: bad_slot_entry },
    Fault { weight: 1, applies: slotted, inject: empty_slot_entry },
    Fault { weight: 1, applies: has_slot_entries, inject: repeated_slot_entry },
    Fault { weight: 1, applies: slotted_with_fields, inject: field_missing_from_slots },
    Fault { weight: 1, applies: has_fields, inject: bad_field_attr },
    Fault { weight: 1, applies: always, inject: generics },
    Fault { weight: 1, applies: always, inject: where_clause },
    Fault { weight: 1, applies: always, inject: tuple_struct },
    Fault { weight: 1, applies: always, inject: an_enum },
    Fault { weight: 1, applies: always, inject: a_union },
    Fault { weight: 1, applies: always, inject: not_a_struct },
    Fault { weight: 1, applies: has_fields, inject: bad_field_name },
    Fault { weight: 1, applies: always, inject: conflicting_derive },
    Fault { weight: 1, applies: always, inject: duplicate_attribute },
    Fault { weight: 1, applies: always, inject: name_value_attribute },
    Fault { weight: 4, applies: always, inject: bad_class_args },
    Fault { weight: 1, applies: regular_with_two_fields, inject: fields_equal_after_mangling },
    Fault { weight: 1, applies: slotted, inject: slots_equal_after_mangling },
    Fault { weight: 2, applies: has_plain_slot, inject: class_attr_named_like_slot },
    Fault { weight: 1, applies: always, inject: duplicate_class_attr },
    Fault { weight: 1, applies: always, inject: dunder_class_attr },
    Fault { weight: 2, applies: always, inject: bad_class_attr_value },
];

pub fn fault_case(rng: &mut Rng) -> Case {
    let mut spec = valid_spec(rng);
    let total: usize = FAULTS.iter().map(|f| f.weight).sum();
    let message = loop {
        let mut draw = rng.below(total);
        let fault = FAULTS
            .iter()
            .find(|f| {
                let hit = draw < f.weight;
                draw = draw.saturating_sub(f.weight);
                hit
            })
            .expect("a draw below the total weight");
        if (fault.applies)(&spec) {
            if let Some(message) = (fault.inject)(rng, &mut spec) {
                break message;
            }
        }
    };
    spec.case("fault", Expect::Reject { message })
}

// ---------------------------------------------------------------------------
// When a fault applies.

fn always(_: &ClassSpec) -> bool {
    true
}

fn slotted(spec: &ClassSpec) -> bool {
    spec.slots.is_some()
}

fn has_slot_entries(spec: &ClassSpec) -> bool {
    spec.slots.as_ref().is_some_and(|s| !s.is_empty())
}

fn has_fields(spec: &ClassSpec) -> bool {
    !spec.fields.is_empty()
}

fn slotted_with_fields(spec: &ClassSpec) -> bool {
    slotted(spec) && has_fields(spec)
}

/// A slot entry other than `__dict__` and `__weakref__`.
fn has_plain_slot(spec: &ClassSpec) -> bool {
    spec.slots.as_ref().is_some_and(|s| s.iter().any(|e| !matches!(bare(e).as_str(), "__dict__" | "__weakref__")))
}

fn regular_with_two_fields(spec: &ClassSpec) -> bool {
    spec.slots.is_none() && spec.fields.len() >= 2
}

// ---------------------------------------------------------------------------
// The injectors.

/// A slot entry as its bare name: quotes, invisible groups and `r#` off.
fn bare(entry: &str) -> String {
    entry.replace(['"', OPEN_NONE, CLOSE_NONE], "").trim_start_matches("r#").to_owned()
}

fn slots_mut(spec: &mut ClassSpec) -> &mut Vec<String> {
    spec.slots.as_mut().expect("applies only to slotted classes")
}

fn bad_slot_entry(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let (entry, message) = *rng.pick(BAD_SLOT_ENTRIES);
    let slots = slots_mut(spec);
    let at = rng.below(slots.len() + 1);
    slots.insert(at, format!("{BLAME}{entry}"));
    Some(message)
}

/// `x,,y` or a leading comma.
fn empty_slot_entry(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    if slots_mut(spec).is_empty() {
        slots_mut(spec).push(format!("{BLAME},"));
        spec.slots_trailing_comma = false;
    } else {
        // `, a, b` at the front, `a, , b` further on.
        let slots = slots_mut(spec);
        let at = rng.below(slots.len());
        slots[at] = format!("{BLAME}, {}", slots[at]);
    }
    Some("expected a slot name before `,`")
}

fn repeated_slot_entry(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let slots = slots_mut(spec);
    let original = slots[rng.below(slots.len())].clone();
    let message = match bare(&original).as_str() {
        "__dict__" => "__dict__ slot disallowed: we already got one",
        "__weakref__" => "__weakref__ slot disallowed: we already got one",
        _ => "duplicate slot",
    };
    slots.push(format!("{BLAME}{original}"));
    Some(message)
}

fn field_missing_from_slots(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let i = rng.below(spec.fields.len());
    let name = spec.fields[i].name().to_owned();
    slots_mut(spec).retain(|s| bare(s) != name);
    spec.fields[i].ident = format!("{BLAME}{}", spec.fields[i].ident);
    Some("is not listed in #[slots(...)]")
}

fn bad_field_attr(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let i = rng.below(spec.fields.len());
    let attr = rng.pick(FIELD_ATTRS_BAD);
    let at = rng.below(spec.fields[i].attrs.len() + 1);
    spec.fields[i].attrs.insert(at, format!("{BLAME}{attr}"));
    Some("pyslots supports only doc comments and lint attributes on fields")
}

fn generics(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let g = rng.pick(&["<T>", "<'a>", "<T: Clone, const N: usize>", "<const N: usize>"]);
    spec.generics = format!("{BLAME}{g}");
    Some("generic classes are not supported")
}

fn where_clause(_: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    spec.where_clause = format!("{BLAME}where u8: Copy");
    spec.unit = false;
    Some("takes no where clause")
}

fn tuple_struct(_: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    spec.shape = Some(format!("struct {} {BLAME}(u8, String);", spec.name));
    Some("needs named fields")
}

fn an_enum(_: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    spec.shape = Some(format!("{BLAME}enum {} {{ A, B }}", spec.name));
    Some("not an enum")
}

fn a_union(_: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    spec.shape = Some(format!("{BLAME}union {} {{ a: u8, b: u16 }}", spec.name));
    Some("not a union")
}

/// Not a struct at all: blamed on the item's first token.
fn not_a_struct(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let shape = rng.pick(&["fn point() {}", "impl Point {}", "trait T {}", "type T = u8;", "mod m {}"]);
    spec.shape = Some(shape.to_string());
    spec.blame_first = true;
    Some("applies to a struct with named fields or a unit struct")
}

fn bad_field_name(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let i = rng.below(spec.fields.len());
    let (ident, message) = *rng.pick(BAD_FIELD_NAMES);
    let old = spec.fields[i].name().to_owned();
    if let Some(slots) = spec.slots.as_mut() {
        slots.retain(|s| bare(s) != old);
        if ident.starts_with("__pyslots") {
            slots.push(ident.to_owned());
        }
    }
    spec.fields[i].ident = format!("{BLAME}{ident}");
    Some(message)
}

fn conflicting_derive(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let (derive, message) = *rng.pick(CONFLICTING_DERIVES);
    let before = if rng.chance(50) { "Clone, " } else { "" };
    insert_attr(rng, spec, format!("#[derive({before}{BLAME}{derive})]"));
    Some(message)
}

/// Puts `attr` among the struct's attributes, keeping the other pyslots
/// attribute's place.
fn insert_attr(rng: &mut Rng, spec: &mut ClassSpec, attr: String) {
    let at = rng.below(spec.attrs.len() + 1);
    spec.attrs.insert(at, attr);
    if at <= spec.other_at {
        spec.other_at += 1;
    }
}

/// A second `#[slots]` / `#[pyclass_like]` in the item.
fn duplicate_attribute(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let (attr, message) = match (spec.entry, rng.chance(50)) {
        (Entry::PyclassLike, true) => ("#[pyclass_like]", "duplicate #[pyclass_like]"),
        (Entry::Slots, true) => ("#[slots(q)]", "duplicate #[slots]"),
        (_, false) if spec.slots.is_some() => ("#[pyslots::slots(q)]", "duplicate #[slots]"),
        _ => ("#[pyslots::pyclass_like()]", "duplicate #[pyclass_like]"),
    };
    let in_item_already = matches!(
        (spec.entry, message),
        (Entry::Slots, "duplicate #[pyclass_like]") | (Entry::PyclassLike, "duplicate #[slots]")
    );
    if in_item_already {
        // The item has one: this one goes after it.
        spec.attrs.push(format!("{BLAME}{attr}"));
        spec.other_at = 0;
    } else {
        insert_attr(rng, spec, format!("{BLAME}{attr}"));
    }
    Some(message)
}

/// `#[slots = "x"]` / `#[pyclass_like = "Base"]` in the item.
fn name_value_attribute(_: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    match spec.entry {
        Entry::PyclassLike => {
            spec.slots = None;
            spec.attrs.insert(0, format!("#[{BLAME}slots = \"x\"]"));
            spec.other_at += 1;
            Some("expected #[slots(...)]")
        }
        Entry::Slots => {
            spec.other_path = format!("{BLAME}pyclass_like = \"Base\"");
            spec.class_args.clear();
            spec.class_attrs = None;
            Some("expected #[pyclass_like(...)]")
        }
    }
}

fn bad_class_args(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let (args, message) = *rng.pick(BAD_CLASS_ARGS);
    spec.class_args = args.to_owned();
    spec.class_attrs = None;
    Some(message)
}

fn class_attrs_mut<'a>(rng: &mut Rng, spec: &'a mut ClassSpec) -> &'a mut Vec<(String, String)> {
    let at = rng.below(spec.class_attrs.as_ref().map_or(0, Vec::len) + 1);
    let attrs = spec.class_attrs.get_or_insert_with(Vec::new);
    // Something to keep before and after the fault.
    attrs.truncate(at);
    attrs
}

/// CPython's `'x' in __slots__ conflicts with class variable`, blamed on
/// the slot.
fn class_attr_named_like_slot(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let slots = slots_mut(spec);
    let plain: Vec<usize> =
        (0..slots.len()).filter(|&i| !matches!(bare(&slots[i]).as_str(), "__dict__" | "__weakref__")).collect();
    let i = *rng.pick(&plain);
    let name = bare(&slots[i]);
    slots[i] = format!("{BLAME}{}", slots[i]);
    let value = if rng.chance(50) { "1" } else { "\"v\"" };
    class_attrs_mut(rng, spec).push((name, value.to_owned()));
    Some("in __slots__ conflicts with class variable")
}

/// The same class attribute twice, the second blamed; `r#kind` is `kind`.
fn duplicate_class_attr(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let attrs = class_attrs_mut(rng, spec);
    let (first, second) = *rng.pick(&[("species", "species"), ("r#kind", "kind"), ("legs", "r#legs")]);
    attrs.retain(|(n, _)| bare(n) != bare(first));
    attrs.push((first.to_owned(), "1".to_owned()));
    attrs.push((format!("{BLAME}{second}"), "2".to_owned()));
    Some("duplicate class attribute")
}

fn dunder_class_attr(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let name = rng.pick(DUNDER_CLASS_ATTRS);
    class_attrs_mut(rng, spec).push((format!("{BLAME}{name}"), "None".to_owned()));
    Some("is a special name: class_attrs takes ordinary attributes only")
}

fn bad_class_attr_value(rng: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let (value, message) = *rng.pick(BAD_CLASS_ATTR_VALUES);
    class_attrs_mut(rng, spec).push(("bad".to_owned(), format!("{BLAME}{value}")));
    Some(message)
}

/// Two fields that are one attribute after mangling.
fn fields_equal_after_mangling(_: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let class = mangling_prefix(spec)?;
    spec.fields[0].ident = "__m".to_owned();
    spec.fields[1].ident = format!("{BLAME}_{class}__m");
    Some("two fields are both the attribute")
}

/// The same slot spelled two ways after mangling.
fn slots_equal_after_mangling(_: &mut Rng, spec: &mut ClassSpec) -> Option<&'static str> {
    let class = mangling_prefix(spec)?;
    let slots = slots_mut(spec);
    slots.push("__m".to_owned());
    slots.push(format!("{BLAME}\"_{class}__m\""));
    Some("duplicate slot")
}

/// The class name as mangling uses it; `None` where mangling does nothing
/// (a name of underscores only).
fn mangling_prefix(spec: &ClassSpec) -> Option<String> {
    let class = spec.name.trim_start_matches("r#").trim_start_matches('_');
    (!class.is_empty()).then(|| class.to_owned())
}
