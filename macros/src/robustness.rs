//! Robustness of the whole expansion (`expand_class`) against generated
//! malformed and edge-case inputs: the macro never panics, every rejection
//! is a `compile_error!` at a real span (at the offending token where the
//! input has one), and every accepted input expands to a Rust file.
//!
//! Three generators, all driven by one xorshift PRNG with a fixed seed:
//!
//! - **random**: random token trees as the attribute's arguments (idents,
//!   raw idents, literals of every kind, punctuation, lifetimes, nested and
//!   invisible groups, nothing), in front of odd items (unit, tuple, enum,
//!   union, fn, impl, trait, generics, lifetimes, where clauses, attributes
//!   on fields, visibility modifiers, doc comments, `cfg`, garbage, nothing).
//!   Checked: no panic; a rejection is only `compile_error!`s, each spanned
//!   on a token of the input unless nothing in the input is to blame;
//!   anything accepted parses as a `syn::File`.
//! - **valid**: well-formed classes of every shape (regular, typed and
//!   untyped slots, `__dict__`, `__weakref__`, string and raw spellings,
//!   `extends`, doc comments and lint attributes, visibilities, tokens in
//!   invisible groups as `macro_rules!` passes them). Checked: accepted, and
//!   the expansion is a file holding the struct.
//! - **faults**: a valid class with one fault injected; the input marks the
//!   token to blame. Checked: rejected, and one error carries the expected
//!   message and starts exactly at the marked token.
//!
//! Spans are compared through proc-macro2's fallback implementation with
//! `span-locations` (a dev-dependency feature): every string parsed gets its
//! own byte range, `Span::call_site()` is the empty range at 0.
//!
//! `PYSLOTS_ROBUSTNESS_CASES=N` multiplies the default case counts (N
//! thousand per generator); `PYSLOTS_ROBUSTNESS_SEED` changes the seed.

use std::fmt::Write as _;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::str::FromStr;
use std::time::Instant;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};

use crate::ast::Entry;
use crate::expand_class;

// ---------------------------------------------------------------------------
// The PRNG.

/// xorshift64* (Vigna): small, fast, and good enough to pick tokens.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// Token pools.

#[rustfmt::skip]
const IDENTS: &[&str] = &[
    "x", "y", "name", "age", "extends", "slots", "pyclass_like", "__dict__", "__weakref__", "__slots__", "r#type",
    "r#fn", "r#Foo", "r#match", "self", "Self", "super", "crate", "_", "true", "false", "café", "名前", "__pyslots_x",
    "__pyslots_dict", "new", "default", "getattr", "dir", "__x", "_A__x", "struct", "enum", "union", "fn", "impl",
    "where", "pub", "in", "Base", "A", "B", "Option", "String", "Value", "Error", "Result", "core", "std", "dyn",
    "async", "await", "static", "this", "d", "value", "cls",
    "an_identifier_that_goes_on_and_on_and_on_for_quite_a_while_longer_than_any_sensible_name",
];

#[rustfmt::skip]
const LITERALS: &[&str] = &[
    "0", "1", "42u8", "0x1F", "0o7", "0b101", "1_000i64", "1.5", "1e10", "2.5f32", "1.0e-3", "'c'", "'\\n'",
    "'\\u{1F600}'", "'名'", "b'x'", "b'\\0'", "\"x\"", "\"\"", "\"a b\"", "\"1x\"", "\"a-b\"", "\"x\\0\"",
    "\"__dict__\"", "\"__weakref__\"", "\"__slots__\"", "\"café\"", "\"名前\"", "\"\\u{200B}\"", "\"x\"suffix",
    "1suffix", "r\"raw\"", "r#\"raw \"q\"\"#", "b\"bytes\"", "br\"raw\"", "c\"cstr\"", "cr\"x\"", "\"\\t\"",
    "\"line\\nbreak\"", "\"r#type\"", "\"self\"", "\"x y z\"", "\"extends = Base\"",
];

#[rustfmt::skip]
const PUNCTS: &[&str] = &[
    ",", ",", ",", ";", ":", "::", "=", "==", "=>", "->", "<", ">", "<=", "&", "&&", "|", "#", "!", "?", ".", "..",
    "...", "@", "$", "~", "^", "%", "*", "+", "-", "/", "'a", "'static", "'_",
];

const TYPES: &[&str] = &[
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
const FIELD_ATTRS_OK: &[&str] = &[
    "/// A doc comment.",
    "/** A block doc comment. */",
    "#[doc = \"x\"]",
    "#[doc(hidden)]",
    "#[allow(unused)]",
    "#[expect(dead_code)]",
];
const FIELD_ATTRS_BAD: &[&str] = &[
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
const STRUCT_ATTRS_OK: &[&str] = &[
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

const VIS: &[&str] = &["", "", "pub", "pub(crate)", "pub(super)", "pub(self)", "pub(in crate::m)"];

// ---------------------------------------------------------------------------
// Markers in generated source, removed before lexing.

/// Marks the start of the token an error must be spanned on.
const BLAME: char = '\u{1}';
/// Start and end of tokens to put in an invisible (`Delimiter::None`)
/// group, as `macro_rules!` passes `$x:literal`, `$t:ty`, ... to a macro.
const OPEN_NONE: char = '\u{2}';
const CLOSE_NONE: char = '\u{3}';

/// Source text with its markers taken out, and their byte offsets.
struct Marked {
    text: String,
    blame: Option<usize>,
    invisible: Vec<Range<usize>>,
}

fn unmark(src: &str) -> Marked {
    let mut text = String::with_capacity(src.len());
    let mut blame = None;
    let mut invisible = Vec::new();
    let mut open = Vec::new();
    for c in src.chars() {
        match c {
            BLAME => blame = Some(text.len()),
            OPEN_NONE => open.push(text.len()),
            CLOSE_NONE => {
                let start = open.pop().expect("balanced invisible-group markers");
                invisible.push(start..text.trim_end().len());
            }
            _ => text.push(c),
        }
    }
    Marked { text, blame, invisible }
}

// ---------------------------------------------------------------------------
// One case: an entry point, the attribute's arguments, the item.

enum Expect {
    /// Random input: only the invariants.
    Anything,
    /// Must expand.
    Accept { class: String },
    /// Must be rejected, with an error whose message contains `message`
    /// spanned on the marked token.
    Reject { message: &'static str },
}

struct Case {
    generator: &'static str,
    entry: Entry,
    args: String,
    item: String,
    expect: Expect,
}

fn entry_name(entry: Entry) -> &'static str {
    match entry {
        Entry::PyclassLike => "#[pyclass_like(ARGS)]",
        Entry::Slots => "#[slots(ARGS)]",
    }
}

/// An emitted `::core::compile_error! { "message" }`.
struct CompileError {
    message: String,
    start: Span,
}

enum Outcome {
    Accepted(TokenStream),
    Rejected(Vec<CompileError>),
}

/// Splits the expansion into `compile_error!` invocations, or reports that
/// it has none (accepted) or a mix (a failure in itself).
fn classify(out: TokenStream) -> Result<Outcome, String> {
    let tokens: Vec<TokenTree> = out.clone().into_iter().collect();
    let is_error_start = |i: usize| {
        matches!(tokens.get(i + 2), Some(TokenTree::Ident(id)) if id == "core")
            && matches!(tokens.get(i + 5), Some(TokenTree::Ident(id)) if id == "compile_error")
    };
    if tokens.is_empty() {
        return Err("empty expansion".to_owned());
    }
    if !is_error_start(0) {
        if contains_ident(&out, "compile_error") {
            return Err("an expansion mixing code and compile_error!".to_owned());
        }
        return Ok(Outcome::Accepted(out));
    }
    let mut errors = Vec::new();
    for chunk in tokens.chunks(8) {
        let [TokenTree::Punct(first), _, _, _, _, _, TokenTree::Punct(bang), TokenTree::Group(body)] = chunk else {
            return Err(format!("not a compile_error! invocation: {}", chunk.iter().cloned().collect::<TokenStream>()));
        };
        if bang.as_char() != '!' || body.delimiter() != Delimiter::Brace {
            return Err(format!("not a compile_error! invocation: {}", chunk.iter().cloned().collect::<TokenStream>()));
        }
        let lit: syn::LitStr =
            syn::parse2(body.stream()).map_err(|e| format!("compile_error! without a message: {e}"))?;
        errors.push(CompileError { message: lit.value(), start: first.span() });
    }
    Ok(Outcome::Rejected(errors))
}

fn contains_ident(stream: &TokenStream, name: &str) -> bool {
    stream.clone().into_iter().any(|t| match t {
        TokenTree::Ident(id) => id == name,
        TokenTree::Group(g) => contains_ident(&g.stream(), name),
        _ => false,
    })
}

/// Puts the tokens covering each range in an invisible group spanned on
/// its first token, as rustc passes a `macro_rules!` fragment.
fn wrap_invisible(stream: TokenStream, ranges: &[Range<usize>]) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = stream.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        let span = tt.span();
        let range = span.byte_range();
        if let Some(r) = ranges.iter().find(|r| r.start == range.start && r.end >= range.end) {
            let mut inner = vec![tt];
            let mut end = range.end;
            while end < r.end {
                match tokens.next() {
                    Some(t) => {
                        end = t.span().byte_range().end;
                        inner.push(t);
                    }
                    None => break,
                }
            }
            let mut group = Group::new(Delimiter::None, inner.into_iter().collect());
            group.set_span(span);
            out.push(TokenTree::Group(group));
            continue;
        }
        match tt {
            TokenTree::Group(g) => {
                let mut new = Group::new(g.delimiter(), wrap_invisible(g.stream(), ranges));
                new.set_span(g.span());
                out.push(TokenTree::Group(new));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The span of the token that starts at `offset`, searched through groups.
fn token_at(stream: &TokenStream, offset: usize) -> Option<Span> {
    for tt in stream.clone() {
        let span = tt.span();
        let range = span.byte_range();
        if range.start == offset {
            return Some(span);
        }
        if let TokenTree::Group(g) = &tt {
            if range.start < offset && offset < range.end {
                return token_at(&g.stream(), offset);
            }
        }
    }
    None
}

/// Spans are compared by their global position (`bytes(lo..hi)`).
fn same_start(a: Span, b: Span) -> bool {
    let pos = |s: Span| {
        let text = format!("{s:?}");
        text.split("..").next().unwrap_or_default().to_owned()
    };
    pos(a) == pos(b)
}

fn is_call_site(span: Span) -> bool {
    span.source_text().is_none()
}

/// Errors with nothing in the input to blame, spanned on the attribute
/// itself (the call site) by design.
fn call_site_ok(message: &str, item_src: &str) -> bool {
    message.starts_with("#[slots] needs #[pyclass_like] on the same struct")
        || (message.contains("applies to a struct") && item_src.trim().is_empty())
}

#[derive(Default)]
struct Stats {
    cases: usize,
    lex_skipped: usize,
    accepted: usize,
    rejected: usize,
    errors: usize,
    failures: Vec<String>,
}

impl Stats {
    fn fail(&mut self, case: &Case, what: impl std::fmt::Display) {
        let mut s = String::new();
        let _ = write!(
            s,
            "[{}] {what}\n    entry: {}\n    args:  {:?}\n    item:  {:?}",
            case.generator,
            entry_name(case.entry),
            case.args,
            case.item
        );
        self.failures.push(s);
    }
}

fn run_case(case: &Case, stats: &mut Stats) {
    // Each case's spans are its own: keep the fallback source map small.
    proc_macro2::extra::invalidate_current_thread_spans();
    stats.cases += 1;
    let args_m = unmark(&case.args);
    let item_m = unmark(&case.item);
    let (Ok(args), Ok(item)) = (TokenStream::from_str(&args_m.text), TokenStream::from_str(&item_m.text)) else {
        // Not tokens at all (an unbalanced delimiter, a bad literal):
        // rustc would stop before any macro runs.
        stats.lex_skipped += 1;
        if !matches!(case.expect, Expect::Anything) {
            stats.fail(case, "generator produced text that does not lex");
        }
        return;
    };
    let args = wrap_invisible(args, &args_m.invisible);
    let item = wrap_invisible(item, &item_m.invisible);
    // The offset of the marked token, and the token found there.
    let blame = match (args_m.blame, item_m.blame) {
        (Some(offset), _) => Some((offset, token_at(&args, offset))),
        (None, Some(offset)) => Some((offset, token_at(&item, offset))),
        (None, None) => None,
    };

    let entry = case.entry;
    let (a, i) = (args.clone(), item.clone());
    let result = panic::catch_unwind(AssertUnwindSafe(move || expand_class(entry, a, i)));
    let out = match result {
        Ok(out) => out,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "<non-string panic>".to_owned());
            stats.fail(case, format!("PANIC: {msg}"));
            return;
        }
    };
    let outcome = match classify(out) {
        Ok(o) => o,
        Err(e) => {
            stats.fail(case, e);
            return;
        }
    };
    match outcome {
        Outcome::Accepted(tokens) => {
            stats.accepted += 1;
            let file = match syn_full::parse2::<syn_full::File>(tokens.clone()) {
                Ok(file) => file,
                Err(e) => {
                    stats.fail(
                        case,
                        format!("accepted, but the expansion is not a Rust file: {e}\n    expansion: {tokens}"),
                    );
                    return;
                }
            };
            match &case.expect {
                Expect::Anything => {}
                Expect::Accept { class } => {
                    let found = file.items.iter().any(|it| {
                        matches!(it, syn_full::Item::Struct(s) if s.ident.to_string().trim_start_matches("r#") == class)
                    });
                    if !found {
                        stats.fail(case, format!("accepted, but the expansion has no struct `{class}`"));
                    }
                }
                Expect::Reject { message } => {
                    stats.fail(case, format!("accepted, but should be rejected with `{message}`"));
                }
            }
        }
        Outcome::Rejected(errors) => {
            stats.rejected += 1;
            stats.errors += errors.len();
            for e in &errors {
                if e.message.trim().is_empty() {
                    stats.fail(case, "an error without a message");
                }
                if is_call_site(e.start) {
                    if !call_site_ok(&e.message, &item_m.text) {
                        stats.fail(case, format!("error at Span::call_site(): {}", e.message));
                    }
                } else {
                    let text = e.start.source_text().unwrap_or_default();
                    if !args_m.text.contains(&text) && !item_m.text.contains(&text) {
                        stats.fail(case, format!("error spanned outside the input ({text:?}): {}", e.message));
                    }
                }
            }
            match &case.expect {
                Expect::Anything => {}
                Expect::Accept { .. } => {
                    let list: Vec<String> =
                        errors.iter().map(|e| format!("{:?} at {:?}", e.message, e.start.source_text())).collect();
                    stats.fail(case, format!("rejected a valid class: {}", list.join("; ")));
                }
                Expect::Reject { message } => {
                    let Some((_, Some(expected))) = blame else {
                        let offset = blame.map(|(offset, _)| offset);
                        stats.fail(case, format!("fault case without a token at the mark (offset {offset:?})"));
                        return;
                    };
                    let hit = errors.iter().any(|e| e.message.contains(message) && same_start(e.start, expected));
                    if !hit {
                        let list: Vec<String> = errors
                            .iter()
                            .map(|e| format!("{:?} at {:?} {:?}", e.message, e.start.source_text(), e.start))
                            .collect();
                        stats.fail(
                            case,
                            format!(
                                "expected `{message}` at {:?} {expected:?}; got: {}",
                                expected.source_text(),
                                list.join("; ")
                            ),
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Generator 1: random token trees and odd items.

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

fn random_case(rng: &mut Rng) -> Case {
    if rng.chance(40) {
        return mild_case(rng);
    }
    let entry = if rng.chance(50) { Entry::PyclassLike } else { Entry::Slots };
    let args = random_args(rng, entry == Entry::Slots);
    let item = random_item(rng, entry);
    Case { generator: "random", entry, args, item, expect: Expect::Anything }
}

// ---------------------------------------------------------------------------
// Generators 2 and 3: valid classes, and valid classes with one fault.

struct FieldSpec {
    attrs: Vec<String>,
    vis: String,
    /// The identifier as written (`r#type`).
    ident: String,
    ty: String,
}

impl FieldSpec {
    fn name(&self) -> &str {
        self.ident.strip_prefix("r#").unwrap_or(&self.ident)
    }
}

struct ClassSpec {
    entry: Entry,
    attrs: Vec<String>,
    /// Where among `attrs` the other attribute goes.
    other_at: usize,
    /// `pyclass_like` or `pyslots::pyclass_like` (or `slots`...).
    other_path: String,
    vis: String,
    name: String,
    generics: String,
    where_clause: String,
    fields: Vec<FieldSpec>,
    /// `struct A;` rather than `struct A {}` when there are no fields.
    unit: bool,
    /// `None` for a regular class; else the entries as written.
    slots: Option<Vec<String>>,
    slots_trailing_comma: bool,
    /// `#[pyclass_like(...)]`'s arguments.
    class_args: String,
    /// Instead of `struct Name ... { fields }`, this item body.
    shape: Option<String>,
    /// Blame the item's first token.
    blame_first: bool,
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
const CLASS_NAMES: &[&str] = &["Point", "Person", "r#Point", "r#type", "P", "_Private", "__Dunder", "Café", "A1"];

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

fn valid_spec(rng: &mut Rng) -> ClassSpec {
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

    fn render(&self) -> (String, String) {
        let (args, other) = match self.entry {
            Entry::PyclassLike => {
                let other = self.slots.as_ref().map(|_| format!("#[{}({})]", self.other_path, self.slot_list()));
                (self.class_args.clone(), other)
            }
            Entry::Slots => {
                let other = if self.class_args.is_empty() {
                    format!("#[{}]", self.other_path)
                } else {
                    format!("#[{}({})]", self.other_path, self.class_args)
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

    fn case(&self, generator: &'static str, expect: Expect) -> Case {
        let (args, item) = self.render();
        Case { generator, entry: self.entry, args, item, expect }
    }
}

/// Injects one fault, marking the token to blame; returns the message the
/// error must contain.
fn inject_fault(rng: &mut Rng, spec: &mut ClassSpec) -> &'static str {
    loop {
        match rng.below(22) {
            // Bad entries in #[slots].
            0 | 1 if spec.slots.is_some() => {
                let (entry, message) = *rng.pick(&[
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
                ]);
                let slots = spec.slots.as_mut().expect("slotted");
                let at = rng.below(slots.len() + 1);
                slots.insert(at, format!("{BLAME}{entry}"));
                return message;
            }
            2 if spec.slots.is_some() => {
                // `x,,y` or a leading comma.
                let slots = spec.slots.as_mut().expect("slotted");
                if slots.is_empty() {
                    slots.push(format!("{BLAME},"));
                    spec.slots_trailing_comma = false;
                } else {
                    // `, a, b` at the front, `a, , b` further on.
                    let at = rng.below(slots.len());
                    slots[at] = format!("{BLAME}, {}", slots[at]);
                }
                return "expected a slot name before `,`";
            }
            3 if spec.slots.as_ref().is_some_and(|s| !s.is_empty()) => {
                let slots = spec.slots.as_mut().expect("slotted");
                let original = slots[rng.below(slots.len())].clone();
                let bare = original.replace(['"', OPEN_NONE, CLOSE_NONE], "");
                let message = match bare.trim_start_matches("r#") {
                    "__dict__" => "__dict__ slot disallowed: we already got one",
                    "__weakref__" => "__weakref__ slot disallowed: we already got one",
                    _ => "duplicate slot",
                };
                slots.push(format!("{BLAME}{original}"));
                return message;
            }
            4 if spec.slots.is_some() && !spec.fields.is_empty() => {
                // A field missing from #[slots].
                let i = rng.below(spec.fields.len());
                let name = spec.fields[i].name().to_owned();
                let slots = spec.slots.as_mut().expect("slotted");
                slots.retain(|s| {
                    let bare = s.replace(['"', OPEN_NONE, CLOSE_NONE], "");
                    bare.trim_start_matches("r#") != name
                });
                spec.fields[i].ident = format!("{BLAME}{}", spec.fields[i].ident);
                return "is not listed in #[slots(...)]";
            }
            5 if !spec.fields.is_empty() => {
                let i = rng.below(spec.fields.len());
                let attr = rng.pick(FIELD_ATTRS_BAD);
                let at = rng.below(spec.fields[i].attrs.len() + 1);
                spec.fields[i].attrs.insert(at, format!("{BLAME}{attr}"));
                return "pyslots supports only doc comments and lint attributes on fields";
            }
            6 => {
                let g = rng.pick(&["<T>", "<'a>", "<T: Clone, const N: usize>", "<const N: usize>"]);
                spec.generics = format!("{BLAME}{g}");
                return "generic classes are not supported";
            }
            7 => {
                spec.where_clause = format!("{BLAME}where u8: Copy");
                spec.unit = false;
                return "takes no where clause";
            }
            8 => {
                spec.shape = Some(format!("struct {} {BLAME}(u8, String);", spec.name));
                return "needs named fields";
            }
            9 => {
                spec.shape = Some(format!("{BLAME}enum {} {{ A, B }}", spec.name));
                return "not an enum";
            }
            10 => {
                spec.shape = Some(format!("{BLAME}union {} {{ a: u8, b: u16 }}", spec.name));
                return "not a union";
            }
            11 => {
                // Not a struct at all: blamed on the item's first token.
                let shape = rng.pick(&["fn point() {}", "impl Point {}", "trait T {}", "type T = u8;", "mod m {}"]);
                spec.shape = Some(shape.to_string());
                spec.blame_first = true;
                return "applies to a struct with named fields or a unit struct";
            }
            12 if !spec.fields.is_empty() => {
                let i = rng.below(spec.fields.len());
                let (ident, message) = *rng.pick(&[
                    ("__dict__", "a field cannot be named `__dict__`"),
                    ("__weakref__", "a field cannot be named `__weakref__`"),
                    ("__pyslots_x", "reserved for pyslots"),
                    ("__pyslots", "reserved for pyslots"),
                ]);
                if let Some(slots) = spec.slots.as_mut() {
                    let old = spec.fields[i].name().to_owned();
                    slots.retain(|s| s.replace(['"', OPEN_NONE, CLOSE_NONE], "").trim_start_matches("r#") != old);
                    if ident.starts_with("__pyslots") {
                        slots.push(ident.to_owned());
                    }
                }
                spec.fields[i].ident = format!("{BLAME}{ident}");
                return message;
            }
            13 => {
                let (derive, message) = *rng.pick(&[
                    ("Debug", "already implements `Debug`"),
                    ("Default", "already implements `Default`"),
                    ("std::fmt::Debug", "already implements `Debug`"),
                    ("::core::default::Default", "already implements `Default`"),
                ]);
                let before = if rng.chance(50) { "Clone, " } else { "" };
                let at = rng.below(spec.attrs.len() + 1);
                spec.attrs.insert(at, format!("#[derive({before}{BLAME}{derive})]"));
                if at <= spec.other_at {
                    spec.other_at += 1;
                }
                return message;
            }
            14 => {
                // A second #[slots] / #[pyclass_like] in the item.
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
                    let at = rng.below(spec.attrs.len() + 1);
                    spec.attrs.insert(at, format!("{BLAME}{attr}"));
                    if at <= spec.other_at {
                        spec.other_at += 1;
                    }
                }
                return message;
            }
            15 => {
                // `#[slots = "x"]` / `#[pyclass_like = "Base"]` in the item.
                match spec.entry {
                    Entry::PyclassLike => {
                        spec.slots = None;
                        spec.attrs.insert(0, format!("#[{BLAME}slots = \"x\"]"));
                        spec.other_at += 1;
                        return "expected #[slots(...)]";
                    }
                    Entry::Slots => {
                        spec.other_path = format!("{BLAME}pyclass_like = \"Base\"");
                        spec.class_args.clear();
                        return "expected #[pyclass_like(...)]";
                    }
                }
            }
            // Bad #[pyclass_like] arguments, in the entry's arguments or
            // in the item's attribute (`\u{1}` is BLAME).
            16..=19 => {
                let (args, message) = *rng.pick(&[
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
                ]);
                spec.class_args = args.to_owned();
                return message;
            }
            20 if spec.slots.is_none() && spec.fields.len() >= 2 => {
                // Two fields that are one attribute after mangling.
                let class = spec.name.trim_start_matches("r#").trim_start_matches('_');
                if class.is_empty() {
                    continue;
                }
                spec.fields[0].ident = "__m".to_owned();
                spec.fields[1].ident = format!("{BLAME}_{class}__m");
                return "two fields are both the attribute";
            }
            21 if spec.slots.is_some() => {
                // The same slot spelled two ways after mangling.
                let class = spec.name.trim_start_matches("r#").trim_start_matches('_');
                if class.is_empty() {
                    continue;
                }
                let slots = spec.slots.as_mut().expect("slotted");
                slots.push("__m".to_owned());
                slots.push(format!("{BLAME}\"_{class}__m\""));
                return "duplicate slot";
            }
            _ => continue,
        }
    }
}

fn render_fault_case(rng: &mut Rng) -> Case {
    let mut spec = valid_spec(rng);
    let message = inject_fault(rng, &mut spec);
    spec.case("fault", Expect::Reject { message })
}

// ---------------------------------------------------------------------------
// Hand-written cases: the minimal inputs of every bug found, and the edges
// the generators reach only by chance.

fn table() -> Vec<Case> {
    let mut v = Vec::new();
    let mut push = |entry, args: &str, item: &str, expect| {
        v.push(Case { generator: "table", entry, args: args.to_owned(), item: item.to_owned(), expect });
    };
    let accept = |c: &str| Expect::Accept { class: c.to_owned() };
    // A raw identifier as a base class (the constructor's parameter is named
    // after it).
    push(Entry::PyclassLike, "extends = r#Foo", "struct A;", accept("A"));
    push(Entry::PyclassLike, "extends(r#Foo, r#type)", "#[slots(x)] struct A;", accept("A"));
    push(Entry::Slots, "x", "#[pyclass_like(extends = m::r#Foo)] struct A;", accept("A"));
    // Slot names passed through `macro_rules!` as `$name:literal`.
    push(Entry::PyclassLike, "", "#[slots(\u{2}\"x\"\u{3}, \u{2}y\u{3})] struct A { y: i64 }", accept("A"));
    push(Entry::Slots, "\u{2}\"x\"\u{3}", "#[pyclass_like] struct A;", accept("A"));
    push(Entry::Slots, "\u{2}\u{1}1\u{3}", "#[pyclass_like] struct A;", Expect::Reject { message: "not 'int'" });
    // `extends =` with nothing after it, in either attribute.
    push(Entry::PyclassLike, "extends \u{1}=", "struct A;", Expect::Reject { message: "expected a base class" });
    push(
        Entry::Slots,
        "x",
        "#[pyclass_like(extends \u{1}=)] struct A;",
        Expect::Reject { message: "expected a base class" },
    );
    push(
        Entry::Slots,
        "x",
        "#[pyclass_like(extends = a:\u{1}:)] struct A;",
        Expect::Reject { message: "expected a base class" },
    );
    // Empty everything.
    push(Entry::PyclassLike, "", "", Expect::Anything);
    push(Entry::Slots, "", "", Expect::Anything);
    push(Entry::PyclassLike, "", "struct A;", accept("A"));
    push(Entry::PyclassLike, "", "struct A {}", accept("A"));
    push(Entry::PyclassLike, "", "#[slots] struct A;", accept("A"));
    push(Entry::PyclassLike, "", "#[slots()] struct A {}", accept("A"));
    // Many slots: the set-flags grow from u8 to an array of words.
    for n in [8, 9, 64, 65, 128, 129, 300] {
        let names: Vec<String> = (0..n).map(|i| format!("f{i}")).collect();
        let fields: Vec<String> = names.iter().map(|f| format!("{f}: i64")).collect();
        push(
            Entry::PyclassLike,
            "",
            &format!("#[slots({})] struct Big {{ {} }}", names.join(", "), fields.join(", ")),
            accept("Big"),
        );
    }
    v
}

// ---------------------------------------------------------------------------
// The test.

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn expansion_never_panics_and_spans_every_error() {
    let scale = env_usize("PYSLOTS_ROBUSTNESS_CASES", 0);
    let seed = env_usize("PYSLOTS_ROBUSTNESS_SEED", 0x5107_5e7e) as u64;
    let (n_random, n_valid, n_fault) =
        if scale > 0 { (scale * 1000, scale * 1000, scale * 1000) } else { (5000, 2500, 2500) };
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    let mut per_generator = Vec::new();

    let mut run_all = |name: &'static str, cases: &mut dyn Iterator<Item = Case>, stats: &mut Stats| {
        let before = (stats.cases, stats.accepted, stats.rejected, Instant::now());
        for case in cases {
            run_case(&case, stats);
        }
        per_generator.push((
            name,
            stats.cases - before.0,
            stats.accepted - before.1,
            stats.rejected - before.2,
            before.3.elapsed(),
        ));
    };
    run_all("table", &mut table().into_iter(), &mut stats);
    let mut r1 = Rng::new(rng.next());
    run_all("random", &mut (0..n_random).map(|_| random_case(&mut r1)), &mut stats);
    let mut r2 = Rng::new(rng.next());
    run_all(
        "valid",
        &mut (0..n_valid).map(|_| {
            let spec = valid_spec(&mut r2);
            let class = spec.name.trim_start_matches("r#").to_owned();
            spec.case("valid", Expect::Accept { class })
        }),
        &mut stats,
    );
    let mut r3 = Rng::new(rng.next());
    run_all("fault", &mut (0..n_fault).map(|_| render_fault_case(&mut r3)), &mut stats);

    let elapsed = started.elapsed();
    let mut summary = format!(
        "macro robustness: {} inputs (seed {seed:#x}) in {:.2?}: {} accepted, {} rejected with {} errors, {} not lexable; {} failures\n",
        stats.cases,
        elapsed,
        stats.accepted,
        stats.rejected,
        stats.errors,
        stats.lex_skipped,
        stats.failures.len()
    );
    for (name, n, a, r, t) in &per_generator {
        let _ = writeln!(summary, "  {name:>6}: {n} inputs, {a} accepted, {r} rejected, {t:.2?}");
    }
    eprintln!("{summary}");
    if !stats.failures.is_empty() {
        // One example per kind of failure, most frequent first.
        let mut kinds: Vec<(String, usize, &String)> = Vec::new();
        for f in &stats.failures {
            let key: String = f.split(['\n', '(']).next().unwrap_or_default().chars().take(90).collect();
            match kinds.iter_mut().find(|k| k.0 == key) {
                Some(k) => k.1 += 1,
                None => kinds.push((key, 1, f)),
            }
        }
        kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
        let mut report = String::new();
        for (_, n, example) in &kinds {
            let _ = writeln!(report, "{n} x {example}");
        }
        panic!("{summary}failures, one example of each kind:\n{report}");
    }
}
