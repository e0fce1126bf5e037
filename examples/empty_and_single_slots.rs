//! Advanced `__slots__` patterns from the tutorial: empty slots, a single
//! slot (and its string spelling), and slots with default values.
//!
//! ```text
//! cargo run --example empty_and_single_slots
//! ```

mod common;

use pyslots::getsizeof;
use pyslots::prelude::*;
use pyslots::PyClass;

use common::*;

/// ```python
/// class NoAttributeClass:
///     __slots__ = []  # This class instances cannot have any attributes
///
///     def method(self):
///         return "I have methods but no attributes"
/// ```
#[pyclass_like]
#[slots()]
struct NoAttributeClass;

impl NoAttributeClass {
    fn method(&self) -> &'static str {
        "I have methods but no attributes"
    }
}

/// ```python
/// class Counter:
///     __slots__ = ['count']
///
///     def __init__(self):
///         self.count = 0
///
///     def increment(self):
///         self.count += 1
/// ```
#[pyclass_like]
#[slots(count)]
struct Counter {
    count: i64,
}

impl Counter {
    /// `Counter()`: `__init__` sets `count` to 0.
    fn zero() -> Counter {
        Counter::new(0)
    }

    /// `self.count += 1`: reads the slot (an `AttributeError` if it is
    /// unset, as in Python) and writes it back.
    fn increment(&mut self) -> Result<(), Error> {
        let count = *self.count()?;
        self.set_count(count + 1);
        Ok(())
    }
}

/// `class Counter2: __slots__ = 'count'`: a single string instead of a
/// list. pyslots spells a slot name as a string literal the same way.
#[pyclass_like]
#[slots("count")]
struct Counter2 {
    count: i64,
}

/// ```python
/// class Person:
///     __slots__ = ['name', 'age', 'city']
///
///     def __init__(self, name, age, city="Unknown"):
///         self.name = name
///         self.age = age
///         self.city = city
/// ```
#[pyclass_like]
#[slots(name, age, city)]
struct Person {
    name: String,
    age: u32,
    city: String,
}

impl Person {
    /// `Person(name, age)`: slots have no defaults, so the constructor
    /// supplies one, as `__init__`'s `city="Unknown"` does.
    fn with_default_city(name: &str, age: u32) -> Person {
        Person::new(name.to_string(), age, "Unknown".to_string())
    }
}

fn main() -> Result<(), Error> {
    heading("1. Empty slots: __slots__ = []");
    py("obj = NoAttributeClass()", "let mut obj = NoAttributeClass::new();");
    let mut obj = NoAttributeClass::new();
    py("obj.method()", "obj.method()");
    out(Value::from(obj.method()));
    assert_eq!(obj.method(), "I have methods but no attributes");
    py("obj.anything = \"value\"", "setattr(&mut obj, \"anything\", \"value\")");
    let err = setattr(&mut obj, "anything", "value").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'NoAttributeClass' object has no attribute 'anything'");
    py("dir(obj)", "dir(&obj)");
    out(py_list(&dir(&obj)));
    assert_eq!(dir(&obj), ["__slots__"]);
    py("sys.getsizeof(obj)", "getsizeof(&obj)");
    out(getsizeof(&obj));
    note("(CPython 3.11 says 32 here: object header and GC links; a pyslots");
    note(" instance with nothing to store takes no bytes at all)");
    assert_eq!(getsizeof(&obj), 0);
    assert_eq!(NoAttributeClass::LAYOUT.slots(), [] as [&str; 0]);

    heading("2. Single attribute slots: __slots__ = ['count']");
    py("c = Counter()", "let mut c = Counter::zero();");
    let mut c = Counter::zero();
    py("c.increment()", "c.increment()?;");
    c.increment()?;
    py("c.increment()", "c.increment()?;");
    c.increment()?;
    py("c.count", "getattr(&c, \"count\")?");
    out(getattr(&c, "count")?);
    assert_eq!(getattr(&c, "count")?, Value::Int(2));
    assert_eq!(*c.count()?, 2);
    py("c.total = 1", "setattr(&mut c, \"total\", 1)");
    let err = setattr(&mut c, "total", 1).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Counter' object has no attribute 'total'");
    note("# increment() on an instance whose count was never assigned:");
    py("c = Counter.__new__(Counter)", "let mut c = Counter::default();");
    let mut c = Counter::default();
    py("c.increment()", "c.increment()");
    let err = c.increment().unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Counter' object has no attribute 'count'");

    println!();
    note("class Counter2:");
    note("    __slots__ = 'count'     # a string instead of a list: also works");
    py("Counter2.__slots__", "getattr(&Counter2::new(0), \"__slots__\")?");
    let slots = getattr(&Counter2::new(0), "__slots__")?;
    out(&slots);
    note("(CPython keeps the string 'count'; pyslots always lists the names)");
    assert_eq!(slots.to_string(), "['count']");
    assert_eq!(Counter2::LAYOUT.slots(), Counter::LAYOUT.slots());
    assert_eq!(getsizeof(&Counter2::new(0)), getsizeof(&Counter::new(0)));
    py("c2 = Counter2(); c2.count = 7", "setattr(&mut c2, \"count\", 7)?;");
    let mut c2 = Counter2::default();
    setattr(&mut c2, "count", 7)?;
    py("c2.count", "c2.count()?");
    out(c2.count()?);
    assert_eq!(*c2.count()?, 7);

    heading("3. Slots with default values: handle them in __init__");
    py("p = Person(\"Alice\", 30)", "let p = Person::with_default_city(\"Alice\", 30);");
    let p = Person::with_default_city("Alice", 30);
    py("p.city", "getattr(&p, \"city\")?");
    out(getattr(&p, "city")?);
    assert_eq!(getattr(&p, "city")?, Value::from("Unknown"));
    py("q = Person(\"Bob\", 25, \"Paris\")", "let q = Person::new(\"Bob\".into(), 25, \"Paris\".into());");
    let q = Person::new("Bob".to_string(), 25, "Paris".to_string());
    py("q.city", "q.city()?");
    out(Value::from(q.city()?));
    assert_eq!(q.city()?, "Paris");
    py("", "format!(\"{p:?}\")");
    out(format!("{p:?}"));
    assert_eq!(format!("{p:?}"), "Person { name: 'Alice', age: 30, city: 'Unknown' }");
    note("# Slots themselves don't provide defaults: Person::default() has all three unset.");
    py("p = Person.__new__(Person)", "let p = Person::default();");
    let p = Person::default();
    py("p.city", "getattr(&p, \"city\")");
    let err = getattr(&p, "city").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Person' object has no attribute 'city'");
    Ok(())
}
