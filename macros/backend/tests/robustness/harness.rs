//! Running one case through the expansion and checking the invariants:
//! no panic; a rejection is only `compile_error!`s, each spanned on a token
//! of the input unless nothing in the input is to blame; anything accepted
//! parses as a `syn::File` (and holds the struct, where expected); a fault
//! is reported with the expected message at the marked token.

use std::fmt::Write as _;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::str::FromStr;
use std::time::Duration;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use pyslots_macros_backend::{expand, Entry};

// ---------------------------------------------------------------------------
// Markers in generated source, removed before lexing.

/// Marks the start of the token an error must be spanned on.
pub const BLAME: char = '\u{1}';
/// Start and end of tokens to put in an invisible (`Delimiter::None`)
/// group, as `macro_rules!` passes `$x:literal`, `$t:ty`, ... to a macro.
pub const OPEN_NONE: char = '\u{2}';
pub const CLOSE_NONE: char = '\u{3}';

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

pub enum Expect {
    /// Random input: only the invariants.
    Anything,
    /// Must expand.
    Accept { class: String },
    /// Must be rejected, with an error whose message contains `message`
    /// spanned on the marked token.
    Reject { message: &'static str },
}

pub struct Case {
    pub generator: &'static str,
    pub entry: Entry,
    pub args: String,
    pub item: String,
    pub expect: Expect,
}

pub fn entry_name(entry: Entry) -> &'static str {
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
pub struct Stats {
    cases: usize,
    lex_skipped: usize,
    accepted: usize,
    rejected: usize,
    errors: usize,
    failures: Vec<String>,
}

impl Stats {
    /// Prints the counts and panics with one example of each kind of
    /// failure, most frequent first.
    pub fn report(&self, generator: &str, seed: u64, elapsed: Duration) {
        let summary = format!(
            "macro robustness, {generator}: {} inputs (seed {seed:#x}) in {elapsed:.2?}: {} accepted, {} rejected \
             with {} errors, {} not lexable; {} failures\n",
            self.cases,
            self.accepted,
            self.rejected,
            self.errors,
            self.lex_skipped,
            self.failures.len()
        );
        eprintln!("{summary}");
        if self.failures.is_empty() {
            return;
        }
        let mut kinds: Vec<(String, usize, &String)> = Vec::new();
        for f in &self.failures {
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

    pub fn fail(&mut self, case: &Case, what: impl std::fmt::Display) {
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

pub fn run_case(case: &Case, stats: &mut Stats) {
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
    let result = panic::catch_unwind(AssertUnwindSafe(move || expand(entry, a, i)));
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
