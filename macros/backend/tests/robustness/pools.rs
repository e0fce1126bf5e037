//! Token pools the generators draw from.

#[rustfmt::skip]
pub const IDENTS: &[&str] = &[
    "x", "y", "name", "age", "extends", "slots", "pyclass_like", "__dict__", "__weakref__", "__slots__", "r#type",
    "r#fn", "r#Foo", "r#match", "self", "Self", "super", "crate", "_", "true", "false", "café", "名前", "__pyslots_x",
    "__pyslots_dict", "new", "default", "getattr", "dir", "__x", "_A__x", "struct", "enum", "union", "fn", "impl",
    "where", "pub", "in", "Base", "A", "B", "Option", "String", "Value", "Error", "Result", "core", "std", "dyn",
    "async", "await", "static", "this", "d", "value", "cls",
    "an_identifier_that_goes_on_and_on_and_on_for_quite_a_while_longer_than_any_sensible_name",
];

#[rustfmt::skip]
pub const LITERALS: &[&str] = &[
    "0", "1", "42u8", "0x1F", "0o7", "0b101", "1_000i64", "1.5", "1e10", "2.5f32", "1.0e-3", "'c'", "'\\n'",
    "'\\u{1F600}'", "'名'", "b'x'", "b'\\0'", "\"x\"", "\"\"", "\"a b\"", "\"1x\"", "\"a-b\"", "\"x\\0\"",
    "\"__dict__\"", "\"__weakref__\"", "\"__slots__\"", "\"café\"", "\"名前\"", "\"\\u{200B}\"", "\"x\"suffix",
    "1suffix", "r\"raw\"", "r#\"raw \"q\"\"#", "b\"bytes\"", "br\"raw\"", "c\"cstr\"", "cr\"x\"", "\"\\t\"",
    "\"line\\nbreak\"", "\"r#type\"", "\"self\"", "\"x y z\"", "\"extends = Base\"",
];

#[rustfmt::skip]
pub const PUNCTS: &[&str] = &[
    ",", ",", ",", ";", ":", "::", "=", "==", "=>", "->", "<", ">", "<=", "&", "&&", "|", "#", "!", "?", ".", "..",
    "...", "@", "$", "~", "^", "%", "*", "+", "-", "/", "'a", "'static", "'_",
];

pub const TYPES: &[&str] = &[
    "u8",
    "i64",
    "f64",
    "bool",
    "String",
    "::std::string::String",
    "Option<i64>",
    "Vec<u8>",
    "[u8; 4]",
    "(i32, i64)",
    "()",
    "Box<dyn Fn() + Send>",
    "fn(u8) -> u8",
    "<u8 as Tr>::Assoc",
    "&'static str",
    "Value",
    "pyslots::Value",
    "r#type",
    "Self",
    "!",
    "_",
    "impl Trait",
    "[u8; 1 + 2]",
    "Result<(), Error>",
];

/// Attributes on fields: the first few pass, the rest are rejected.
pub const FIELD_ATTRS_OK: &[&str] = &[
    "/// A doc comment.",
    "/** A block doc comment. */",
    "#[doc = \"x\"]",
    "#[doc(hidden)]",
    "#[allow(unused)]",
    "#[expect(dead_code)]",
];
pub const FIELD_ATTRS_BAD: &[&str] = &[
    "#[cfg(test)]",
    "#[cfg_attr(test, allow(unused))]",
    "#[serde(rename = \"x\")]",
    "#[serde(default)]",
    "#[default]",
    "#[pyslots::skip]",
    "#[slots(x)]",
    "#[pyclass_like]",
];

/// Attributes on the struct that pass through.
pub const STRUCT_ATTRS_OK: &[&str] = &[
    "/// A class.",
    "/** A block doc comment. */",
    "#[doc = \"x\"]",
    "#[allow(dead_code)]",
    "#[cfg(all())]",
    "#[cfg_attr(test, allow(unused))]",
    "#[repr(C)]",
    "#[must_use]",
    "#[non_exhaustive]",
    "#[derive(Clone)]",
    "#[derive(PartialEq, serde::Serialize)]",
];

pub const VIS: &[&str] = &["", "", "pub", "pub(crate)", "pub(super)", "pub(self)", "pub(in crate::m)"];
