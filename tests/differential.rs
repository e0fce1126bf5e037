//! pyslots against CPython 3.11, scenario by scenario: every row of the
//! semantics table and every class shape of `#[pyclass_like]`/`#[slots]`.

use pyslots::prelude::*;
use pyslots_testkit::differential::{check, Op::*, Scenario};

#[pyclass_like]
struct RegularPerson {
    name: String,
    age: u32,
}

#[pyclass_like]
#[slots(name, age)]
struct SlottedPerson {
    name: String,
    age: u32,
}

#[pyclass_like]
#[slots(a, b)]
struct Untyped;

#[pyclass_like]
#[slots("count")]
struct Counter {
    count: i64,
}

#[pyclass_like]
#[slots()]
struct NoAttr;

#[pyclass_like]
#[slots(name, age, __dict__)]
struct FlexiblePerson {
    name: String,
    age: u32,
}

#[pyclass_like]
#[slots(value, __weakref__)]
struct WeakSlotted {
    value: i64,
}

#[pyclass_like]
#[slots(x, __dict__, __weakref__)]
struct Both {
    x: f64,
}

#[pyclass_like]
#[slots(__token, public)]
struct Secret {
    __token: String,
}

#[pyclass_like]
#[slots(x, tag)]
struct Mixed {
    x: i64,
}

const REGULAR_PERSON: &str = "
class RegularPerson:
    def __init__(self, name, age):
        self.name = name
        self.age = age
";

const SLOTTED_PERSON: &str = "
class SlottedPerson:
    __slots__ = ['name', 'age']
    def __init__(self, name, age):
        self.name = name
        self.age = age
";

fn v(x: impl Into<Value>) -> Value {
    x.into()
}

fn scenarios() -> Vec<Scenario> {
    vec![
        // Rows: read an unset slot / a name nowhere; write a non-slot name
        // without a dict; `__dict__` without one; vars() without a dict.
        Scenario::new(
            "slotted: semantics table",
            SLOTTED_PERSON,
            "SlottedPerson('Alice', 30)",
            || SlottedPerson::new("Alice".into(), 30),
            vec![
                Get("name"),
                Get("age"),
                Get("height"),
                Set("height", v(170)),
                Get("__dict__"),
                Vars,
                Has("name"),
                Has("height"),
                Has("__dict__"),
                Dir,
                Get("__slots__"),
                Get("__weakref__"),
                Set("__slots__", v(1)),
                Del("__slots__"),
                Set("__dict__", v(1)),
                Set("__weakref__", Value::None),
                Weakref,
            ],
        ),
        // Row: delete a set slot, then delete it again.
        Scenario::new(
            "slotted: delete twice",
            SLOTTED_PERSON,
            "SlottedPerson('Alice', 30)",
            || SlottedPerson::new("Alice".into(), 30),
            vec![
                Del("age"),
                Del("age"),
                Get("age"),
                Has("age"),
                Dir,
                Set("age", v(31)),
                Get("age"),
                Del("nowhere"),
                Del("__dict__"),
            ],
        ),
        Scenario::new(
            "regular class",
            REGULAR_PERSON,
            "RegularPerson('Alice', 30)",
            || RegularPerson::new("Alice".into(), 30),
            vec![
                Vars,
                Set("height", v(170)),
                Set("city", v("New York")),
                Vars,
                Get("city"),
                Get("__dict__"),
                Dir,
                Del("name"),
                Vars,
                Set("name", v("Bob")),
                Vars,
                Del("name"),
                Del("name"),
                Get("name"),
                Get("__slots__"),
                Set("__slots__", v(1)),
                Get("__slots__"),
                Del("__slots__"),
                Get("__weakref__"),
                Set("__weakref__", v(1)),
                Del("__weakref__"),
                Set("__dict__", v(3)),
                Del("__dict__"),
                Vars,
                Weakref,
            ],
        ),
        Scenario::new(
            "untyped slots, no constructor arguments",
            "
class Untyped:
    __slots__ = ['a', 'b']
",
            "Untyped()",
            Untyped::new,
            vec![
                Get("a"),
                Has("a"),
                Set("a", v(1)),
                Set("b", v("two")),
                Get("a"),
                Get("b"),
                Set("a", v(2.5)),
                Get("a"),
                Set("a", Value::None),
                Get("a"),
                Set("a", v(true)),
                Get("a"),
                Set("b", v("it's \"quoted\"\n")),
                Get("b"),
                Del("a"),
                Del("a"),
                Set("c", v(3)),
                Dir,
            ],
        ),
        Scenario::new(
            "string spelling, single slot",
            "
class Counter:
    __slots__ = ['count']
    def __init__(self, count):
        self.count = count
",
            "Counter(0)",
            || Counter::new(0),
            vec![Get("count"), Set("count", v(1)), Get("count"), Set("counter", v(1)), Dir, Get("__slots__")],
        ),
        Scenario::new(
            "empty slots",
            "
class NoAttr:
    __slots__ = []
",
            "NoAttr()",
            NoAttr::new,
            vec![
                Set("anything", v("value")),
                Get("anything"),
                Del("anything"),
                Dir,
                Vars,
                Get("__dict__"),
                Get("__slots__"),
                Weakref,
            ],
        ),
        Scenario::new(
            "slots with __dict__",
            "
class FlexiblePerson:
    __slots__ = ['name', 'age', '__dict__']
    def __init__(self, name, age):
        self.name = name
        self.age = age
",
            "FlexiblePerson('Bob', 25)",
            || FlexiblePerson::new("Bob".into(), 25),
            vec![
                Vars,
                Set("height", v(180)),
                Get("height"),
                Vars,
                Get("__dict__"),
                Dir,
                Get("name"),
                Del("name"),
                Get("name"),
                Vars,
                Del("height"),
                Del("height"),
                Set("__slots__", v(1)),
                Get("__slots__"),
                Dir,
                Del("__slots__"),
                Get("__slots__"),
                Weakref,
                Get("__weakref__"),
            ],
        ),
        // Row: weak reference without `__weakref__` (the other scenarios),
        // and with it.
        Scenario::new(
            "slots with __weakref__",
            "
class WeakSlotted:
    __slots__ = ['value', '__weakref__']
    def __init__(self, value):
        self.value = value
",
            "WeakSlotted(42)",
            || WeakSlotted::new(42),
            vec![
                Weakref,
                Get("__weakref__"),
                Set("__weakref__", v(1)),
                Del("__weakref__"),
                Dir,
                Vars,
                Set("other", v(1)),
            ],
        ),
        Scenario::new(
            "slots with __dict__ and __weakref__",
            "
class Both:
    __slots__ = ['x', '__dict__', '__weakref__']
    def __init__(self, x):
        self.x = x
",
            "Both(1.5)",
            || Both::new(1.5),
            vec![Get("x"), Set("y", v(2)), Dir, Vars, Weakref, Get("__slots__")],
        ),
        Scenario::new(
            "private names are mangled",
            "
class Secret:
    __slots__ = ['__token', 'public']
    def __init__(self, token):
        self.__token = token
",
            "Secret('s3cr3t')",
            || Secret::new("s3cr3t".into()),
            vec![
                Get("__token"),
                Get("_Secret__token"),
                Set("__token", v("x")),
                Get("public"),
                Set("public", v(1)),
                Dir,
                Get("__slots__"),
            ],
        ),
        Scenario::new(
            "typed and untyped slots together",
            "
class Mixed:
    __slots__ = ['x', 'tag']
    def __init__(self, x):
        self.x = x
",
            "Mixed(7)",
            || Mixed::new(7),
            vec![Get("x"), Get("tag"), Set("tag", v("t")), Get("tag"), Set("x", v(-8)), Get("x"), Dir],
        ),
        Scenario::new(
            "default instance: every slot unset",
            SLOTTED_PERSON,
            "SlottedPerson.__new__(SlottedPerson)",
            SlottedPerson::default,
            vec![Get("name"), Has("name"), Del("name"), Set("name", v("Carol")), Get("name"), Dir],
        ),
        Scenario::new(
            "default instance of a regular class: empty dict",
            REGULAR_PERSON,
            "RegularPerson.__new__(RegularPerson)",
            RegularPerson::default,
            vec![Vars, Get("name"), Set("age", v(3)), Set("name", v("Dan")), Vars],
        ),
    ]
}

#[test]
fn pyslots_matches_cpython() {
    check(&scenarios());
}

/// The harness itself: a Rust class that is not what the Python class is
/// (slotted against regular) must be reported.
#[test]
#[should_panic(expected = "pyslots differs from CPython")]
fn harness_reports_a_difference() {
    check(&[Scenario::new(
        "deliberately different",
        REGULAR_PERSON,
        "RegularPerson('Alice', 30)",
        || SlottedPerson::new("Alice".into(), 30),
        vec![Set("height", v(170))],
    )]);
}

/// Prints both sides when `PYSLOTS_SHOW=1`, for review.
#[test]
fn show_lines_on_request() {
    if std::env::var_os("PYSLOTS_SHOW").is_none() {
        return;
    }
    let all = scenarios();
    let py = pyslots_testkit::differential::run_python(&all);
    for (s, p) in all.iter().zip(py) {
        println!("## {}", s.name);
        for ((op, r), p) in s.ops.iter().zip((s.rust)(&s.ops)).zip(p) {
            println!("{op:?}\n  rs: {r}\n  py: {p}");
        }
    }
}
