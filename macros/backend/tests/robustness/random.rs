//! Generator 1: random token trees as the attribute's arguments, in front
//! of odd items, and mild random classes that are accepted often enough
//! for odd types and names to reach the expansion.

use std::fmt::Write as _;

use pyslots_macros_backend::Entry;

use crate::harness::{Case, Expect, CLOSE_NONE, OPEN_NONE};
use crate::pools::*;
use crate::spec::CLASS_NAMES;
use crate::Rng;

fn random_tokens(rng: &mut Rng, depth: usize, max: usize) -> String {
    let n = rng.below(max + 1);
    let mut out = String::new();
    for _ in 0..n {
        let piece = match rng.below(10) {
            0..=2 => rng.pick(IDENTS).to_string(),
            3..=4 => rng.pick(LITERALS).to_string(),
            5..=7 => rng.pick(PUNCTS).to_string(),
            _ if depth > 0 => {
                let inner = random_tokens(rng, depth - 1, max / 2 + 1);
                let inner = if rng.chance(20) { format!("{OPEN_NONE}{inner}{CLOSE_NONE}") } else { inner };
                match rng.below(3) {
                    0 => format!("({inner})"),
                    1 => format!("[{inner}]"),
                    _ => format!("{{{inner}}}"),
                }
            }
            _ => rng.pick(IDENTS).to_string(),
        };
        let piece = if rng.chance(5) { format!("{OPEN_NONE}{piece}{CLOSE_NONE}") } else { piece };
        out.push_str(&piece);
        out.push(' ');
    }
    out
}

/// Attribute arguments: random soup, or something close to valid.
fn random_args(rng: &mut Rng, for_slots: bool) -> String {
    if rng.chance(40) {
        return random_tokens(rng, 2, 8);
    }
    let mut parts = Vec::new();
    for _ in 0..rng.below(5) {
        let p = if for_slots {
            match rng.below(4) {
                0 => rng.pick(IDENTS).to_string(),
                1 => rng.pick(LITERALS).to_string(),
                2 => random_tokens(rng, 1, 3),
                _ => String::new(),
            }
        } else {
            match rng.below(7) {
                0 => format!(
                    "extends = {}",
                    rng.pick(&[
                        "Base",
                        "A",
                        "crate::m::Base",
                        "r#Foo",
                        "Self",
                        "::B",
                        "1",
                        "",
                        "Base<u8>",
                        "self",
                        "super::A",
                        "r#type",
                        "Über"
                    ])
                ),
                1 => format!(
                    "extends({})",
                    rng.pick(&["A, B", "A,", "", "1", "A, A", "r#Foo, Bar", "a::B, c::D", "A B", "Base<u8>"])
                ),
                2 => "extends".to_owned(),
                3 => format!("{} = {}", rng.pick(IDENTS), rng.pick(LITERALS)),
                4 => rng.pick(IDENTS).to_string(),
                5 => random_tokens(rng, 1, 3),
                _ => String::new(),
            }
        };
        parts.push(p);
    }
    parts.join(*rng.pick(&[",", ", ", ",,", " ", ";"]))
}

fn random_field(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(3) {
        let attr = if rng.chance(70) { rng.pick(FIELD_ATTRS_OK) } else { rng.pick(FIELD_ATTRS_BAD) };
        s.push_str(attr);
        s.push('\n');
    }
    let _ = write!(s, "{} {}: ", rng.pick(VIS), rng.pick(IDENTS));
    let ty = if rng.chance(10) { random_tokens(rng, 1, 3) } else { rng.pick(TYPES).to_string() };
    if rng.chance(10) {
        let _ = write!(s, "{OPEN_NONE}{ty}{CLOSE_NONE}");
    } else {
        s.push_str(&ty);
    }
    s
}

fn random_fields(rng: &mut Rng) -> String {
    let n = rng.below(5);
    let fields: Vec<String> = (0..n).map(|_| random_field(rng)).collect();
    let mut s = fields.join(", ");
    if n > 0 && rng.chance(50) {
        s.push(',');
    }
    s
}

fn random_item(rng: &mut Rng, entry: Entry) -> String {
    if rng.chance(3) {
        return String::new();
    }
    if rng.chance(5) {
        return random_tokens(rng, 2, 10);
    }
    let mut s = String::new();
    for _ in 0..rng.below(4) {
        let attr = match rng.below(6) {
            0 => {
                let path = rng.pick(&["slots", "pyslots::slots", "pyclass_like", "pyslots::pyclass_like", "a::slots"]);
                let for_slots = path.ends_with("slots");
                match rng.below(4) {
                    0 => format!("#[{path}]"),
                    1 => format!("#[{path} = {}]", rng.pick(LITERALS)),
                    _ => format!("#[{path}({})]", random_args(rng, for_slots)),
                }
            }
            1 if entry == Entry::Slots => format!("#[pyclass_like({})]", random_args(rng, false)),
            2 => rng.pick(FIELD_ATTRS_BAD).to_string(),
            3 => format!(
                "#[derive({})]",
                rng.pick(&[
                    "Debug",
                    "Default",
                    "Clone, Debug",
                    "std::fmt::Debug",
                    "",
                    "Clone,",
                    "1",
                    "::core::default::Default"
                ])
            ),
            4 => "#![inner]".to_owned(),
            _ => rng.pick(STRUCT_ATTRS_OK).to_string(),
        };
        s.push_str(&attr);
        s.push('\n');
    }
    let _ = write!(s, "{} ", rng.pick(VIS));
    let name = rng.pick(&["Point", "r#Point", "r#type", "P", "_", "__", "_Private", "Café", "Self", "self"]);
    let generics = match rng.below(10) {
        0 => "<T>",
        1 => "<'a>",
        2 => "<T: Clone, const N: usize>",
        3 => "<>",
        _ => "",
    };
    let where_clause = match rng.below(10) {
        0 => "where T: Clone",
        1 => "where u8: Copy,",
        2 => "where",
        _ => "",
    };
    let shape = match rng.below(20) {
        0..=5 => format!("struct {name}{generics} {where_clause} {{ {} }}", random_fields(rng)),
        6..=7 => format!("struct {name}{generics} {where_clause};"),
        8 => format!("struct {name}{generics}(u8, String) {where_clause};"),
        9 => format!("struct {name}{generics}();"),
        10 => format!("enum {name}{generics} {{ A, B(u8), C {{ x: u8 }} }}"),
        11 => format!("enum {name} {{}}"),
        12 => format!("union {name}{generics} {{ {} }}", random_fields(rng)),
        13 => format!("fn {name}() {{}}"),
        14 => format!("impl {name} {{ fn f(&self) {{}} }}"),
        15 => format!("trait {name} {{}}"),
        16 => format!("type {name} = u8;"),
        17 => format!("struct {name} {{ x: u8 }} struct Other;"),
        18 => format!("struct {name} {{ {} }}", random_tokens(rng, 2, 6)),
        _ => format!("mod {name} {{}}"),
    };
    s.push_str(&shape);
    s
}

/// Plain identifiers and strings for slots, in a mild random case.
#[rustfmt::skip]
const MILD_NAMES: &[&str] = &[
    "x", "y", "name", "age", "r#type", "r#fn", "__dict__", "__weakref__", "\"x\"", "\"name\"", "\"__dict__\"", "café",
    "_A__x", "__x", "value", "this", "d",
];

/// A struct with random but plausible fields, slots and bases: accepted
/// often enough that odd types and names reach the expansion.
fn mild_case(rng: &mut Rng) -> Case {
    let entry = if rng.chance(50) { Entry::PyclassLike } else { Entry::Slots };
    let mut fields = Vec::new();
    let mut slots = Vec::new();
    for _ in 0..rng.below(4) {
        let name = *rng.pick(MILD_NAMES);
        let mut field = String::new();
        if rng.chance(30) {
            let _ = writeln!(field, "{}", rng.pick(FIELD_ATTRS_OK));
        }
        if !name.starts_with('"') && !name.starts_with("__") && rng.chance(70) {
            let _ = write!(field, "{} {name}: {}", rng.pick(VIS), rng.pick(TYPES));
            fields.push(field);
        }
        slots.push(name.to_owned());
    }
    if rng.chance(20) {
        slots.push(rng.pick(MILD_NAMES).to_string());
    }
    let slotted = entry == Entry::Slots || rng.chance(50);
    let class_args =
        *rng.pick(&["", "", "", "extends = Base", "extends(A, B)", "extends = r#Foo", "extends(a::A, r#type)"]);
    let (args, other) = match entry {
        Entry::PyclassLike => (class_args.to_owned(), slotted.then(|| format!("#[slots({})]", slots.join(", ")))),
        Entry::Slots => (slots.join(", "), Some(format!("#[pyclass_like({class_args})]"))),
    };
    let mut item = String::new();
    if rng.chance(30) {
        let _ = writeln!(item, "{}", rng.pick(STRUCT_ATTRS_OK));
    }
    if let Some(other) = other {
        let _ = writeln!(item, "{other}");
    }
    let name = rng.pick(CLASS_NAMES);
    if fields.is_empty() && rng.chance(50) {
        let _ = write!(item, "{} struct {name};", rng.pick(VIS));
    } else {
        let _ = write!(item, "{} struct {name} {{ {} }}", rng.pick(VIS), fields.join(", "));
    }
    Case { generator: "random", entry, args, item, expect: Expect::Anything }
}

pub fn random_case(rng: &mut Rng) -> Case {
    if rng.chance(40) {
        return mild_case(rng);
    }
    let entry = if rng.chance(50) { Entry::PyclassLike } else { Entry::Slots };
    let args = random_args(rng, entry == Entry::Slots);
    let item = random_item(rng, entry);
    Case { generator: "random", entry, args, item, expect: Expect::Anything }
}
