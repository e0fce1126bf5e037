//! Hand-written cases: the minimal inputs of every bug found, and the edges
//! the generators reach only by chance.

use pyslots_macros_backend::Entry;

use crate::harness::{Case, Expect};

pub fn table() -> Vec<Case> {
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
