//! Regular vs slotted classes: the opening comparison of the `__slots__`
//! tutorial, each Python line next to the pyslots call that does the same.
//!
//! ```text
//! cargo run --example regular_vs_slotted
//! ```
//!
//! A regular class keeps its attributes in a per-instance `__dict__` and
//! takes any new name; `__slots__` replaces the dict with a fixed set of
//! attributes, so a new name (or a typo) is an `AttributeError`.

mod common;

use pyslots::prelude::*;

use common::*;

/// `class RegularPerson:` with `__init__` setting `name` and `age`.
#[pyclass_like]
struct RegularPerson {
    name: String,
    age: u32,
}

/// `class SlottedPerson: __slots__ = ['name', 'age']`.
#[pyclass_like]
#[slots(name, age)]
struct SlottedPerson {
    name: String,
    age: u32,
}

/// The short tutorial's two `Point` classes share a name, as in Python;
/// each lives in its own module.
mod regular {
    use pyslots::prelude::*;

    /// `class Point:` without `__slots__`.
    #[pyclass_like]
    pub struct Point {
        x: i64,
        y: i64,
    }
}

mod slotted {
    use pyslots::prelude::*;

    /// `class Point: __slots__ = ['x', 'y']`.
    #[pyclass_like]
    #[slots(x, y)]
    pub struct Point {
        x: i64,
        y: i64,
    }
}

fn main() -> Result<(), Error> {
    heading("Without __slots__: attributes live in a per-instance __dict__");
    py("person = RegularPerson(\"Alice\", 30)", "let mut person = RegularPerson::new(\"Alice\".into(), 30);");
    let mut person = RegularPerson::new("Alice".to_string(), 30);

    py("person.__dict__", "getattr(&person, \"__dict__\")?");
    let dict = getattr(&person, "__dict__")?;
    out(&dict);
    assert_eq!(dict.to_string(), "{'name': 'Alice', 'age': 30}");

    py("person.height = 170", "setattr(&mut person, \"height\", 170)?;");
    setattr(&mut person, "height", 170)?;
    py("person.city = \"New York\"", "setattr(&mut person, \"city\", \"New York\")?;");
    setattr(&mut person, "city", "New York")?;

    py("person.__dict__", "vars(&person)?");
    let dict = vars(&person)?;
    out(&dict);
    assert_eq!(dict.to_string(), "{'name': 'Alice', 'age': 30, 'height': 170, 'city': 'New York'}");

    heading("With __slots__ = ['name', 'age']: no __dict__, a fixed set of names");
    py("person = SlottedPerson(\"Alice\", 30)", "let mut person = SlottedPerson::new(\"Alice\".into(), 30);");
    let mut person = SlottedPerson::new("Alice".to_string(), 30);

    py("person.__dict__", "getattr(&person, \"__dict__\")");
    let err = getattr(&person, "__dict__").unwrap_err();
    out(raised(&err));
    assert_eq!(err.exception(), "AttributeError");
    assert_eq!(err.to_string(), "'SlottedPerson' object has no attribute '__dict__'");

    py("person.name", "getattr(&person, \"name\")?");
    let name = getattr(&person, "name")?;
    out(&name);
    assert_eq!(name, Value::from("Alice"));
    py("", &format!("person.name()? == {:?}  (typed: &str)", person.name()?));
    assert_eq!(person.name()?, "Alice");

    py("person.age", "getattr(&person, \"age\")?");
    let age = getattr(&person, "age")?;
    out(&age);
    assert_eq!(age, Value::Int(30));
    py("", &format!("person.age()? == {:?}  (typed: &u32)", person.age()?));
    assert_eq!(*person.age()?, 30);

    py("person.height = 170", "setattr(&mut person, \"height\", 170)");
    let err = setattr(&mut person, "height", 170).unwrap_err();
    out(raised(&err));
    assert_eq!(err.exception(), "AttributeError");
    assert_eq!(err.to_string(), "'SlottedPerson' object has no attribute 'height'");

    py("dir(person)", "dir(&person)");
    let names = dir(&person);
    out(py_list(&names));
    note("(pyslots leaves out the ~25 dunder methods every Python object lists)");
    assert_eq!(names, ["__slots__", "age", "name"]);

    heading("The short tutorial's Point: p.z = 5");
    note("class Point:                      # no __slots__");
    py("p = Point(3, 4)", "let mut p = regular::Point::new(3, 4);");
    let mut p = regular::Point::new(3, 4);
    py("p.z = 5", "setattr(&mut p, \"z\", 5)?;");
    setattr(&mut p, "z", 5)?;
    py("vars(p)", "vars(&p)?");
    out(vars(&p)?);
    assert_eq!(vars(&p)?.to_string(), "{'x': 3, 'y': 4, 'z': 5}");

    println!();
    note("class Point:");
    note("    __slots__ = ['x', 'y']        # only x and y are allowed");
    py("p = Point(3, 4)", "let mut p = slotted::Point::new(3, 4);");
    let mut p = slotted::Point::new(3, 4);
    py("p.x", "getattr(&p, \"x\")?");
    out(getattr(&p, "x")?);
    assert_eq!(getattr(&p, "x")?, Value::Int(3));
    py("p.y", "getattr(&p, \"y\")?");
    out(getattr(&p, "y")?);
    assert_eq!(getattr(&p, "y")?, Value::Int(4));
    py("p.z = 5", "setattr(&mut p, \"z\", 5)");
    let err = setattr(&mut p, "z", 5).unwrap_err();
    out(raised(&err));
    assert_eq!(err.exception(), "AttributeError");
    assert_eq!(err.to_string(), "'Point' object has no attribute 'z'");
    assert!(!hasattr(&p, "z"), "a failed setattr leaves the object as it was");

    println!();
    println!("A slotted class trades the open-ended dict for a fixed layout: a typo in an");
    println!("attribute name is an error instead of a silently created new attribute.");
    Ok(())
}
