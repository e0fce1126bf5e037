//! The `__dict__` escape hatch: `'__dict__'` in `__slots__` keeps the
//! declared names in compact slots and lets any other name into a dict
//! (the tutorial's "Pitfall 1: Forgetting `__dict__` in slots", and the
//! short tutorial's `Point` with `__dict__`), and the dict as CPython has
//! it: live, shared between `p.__dict__` and the instance.
//!
//! ```text
//! cargo run --example dict_escape_hatch
//! ```

mod common;

use pyslots::prelude::*;
use pyslots::PyClass;
use pyslots::{getsizeof, total_sizeof};

use common::*;

/// `class Person: __slots__ = ['name', 'age']  # Missing '__dict__'`.
#[pyclass_like]
#[slots(name, age)]
struct Person {
    name: String,
    age: u32,
}

/// `class FlexiblePerson: __slots__ = ['name', 'age', '__dict__']`.
#[pyclass_like]
#[slots(name, age, __dict__)]
struct FlexiblePerson {
    name: String,
    age: u32,
}

/// `class Point: __slots__ = ['x', 'y', '__dict__']`.
#[pyclass_like]
#[slots(x, y, __dict__)]
struct Point {
    x: i64,
    y: i64,
}

fn main() -> Result<(), Error> {
    heading("Pitfall 1: forgetting __dict__ in __slots__");
    note("class Person:");
    note("    __slots__ = ['name', 'age']  # Missing '__dict__'");
    py("person = Person(\"Alice\", 30)", "let mut person = Person::new(\"Alice\".into(), 30);");
    let mut person = Person::new("Alice".to_string(), 30);
    py("person.height = 170", "setattr(&mut person, \"height\", 170)");
    let err = setattr(&mut person, "height", 170).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Person' object has no attribute 'height'");

    heading("Solution: add '__dict__' to allow some dynamic attributes");
    note("class FlexiblePerson:");
    note("    __slots__ = ['name', 'age', '__dict__']  # Now we can add more attributes");
    py("flexible = FlexiblePerson(\"Bob\", 25)", "let mut flexible = FlexiblePerson::new(\"Bob\".into(), 25);");
    let mut flexible = FlexiblePerson::new("Bob".to_string(), 25);
    py("flexible.__dict__", "vars(&flexible)?");
    out(vars(&flexible)?);
    assert!(vars(&flexible)?.is_empty());
    py("flexible.height = 180", "setattr(&mut flexible, \"height\", 180)?;");
    setattr(&mut flexible, "height", 180)?;
    note("# Now this works! The new name lands in __dict__; name and age stay in slots.");
    py("flexible.height", "getattr(&flexible, \"height\")?");
    out(getattr(&flexible, "height")?);
    assert_eq!(getattr(&flexible, "height")?, Value::Int(180));
    py("flexible.__dict__", "getattr(&flexible, \"__dict__\")?");
    out(getattr(&flexible, "__dict__")?);
    assert_eq!(getattr(&flexible, "__dict__")?.to_string(), "{'height': 180}");
    py("flexible.name", "flexible.name()?");
    out(Value::from(flexible.name()?));
    assert_eq!(flexible.name()?, "Bob");
    py("dir(flexible)", "dir(&flexible)");
    out(py_list(&dir(&flexible)));
    assert_eq!(dir(&flexible), ["__dict__", "__slots__", "age", "height", "name"]);
    py("del flexible.height", "delattr(&mut flexible, \"height\")?;");
    delattr(&mut flexible, "height")?;
    py("flexible.height", "getattr(&flexible, \"height\")");
    let err = getattr(&flexible, "height").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'FlexiblePerson' object has no attribute 'height'");
    const { assert!(FlexiblePerson::LAYOUT.has_dict()) };
    const { assert!(!FlexiblePerson::LAYOUT.has_weakref(), "__dict__ does not bring __weakref__") };

    heading("What the hatch costs");
    println!("  {:<44}{:>10}{:>14}", "bytes", "getsizeof", "total_sizeof");
    size_row("Person('Alice', 30)", getsizeof(&person), total_sizeof(&person));
    let fresh = FlexiblePerson::new("Alice".to_string(), 30);
    let (bytes, total) = (getsizeof(&fresh), total_sizeof(&fresh));
    size_row("FlexiblePerson('Alice', 30), empty __dict__", bytes, total);
    let mut tall = FlexiblePerson::new("Alice".to_string(), 30);
    setattr(&mut tall, "height", 180)?;
    let (bytes, total) = (getsizeof(&tall), total_sizeof(&tall));
    size_row("  ... after .height = 180", bytes, total);
    println!();
    println!(
        "  The empty dict allocates nothing: it costs {} bytes inline until the first",
        getsizeof(&fresh) - getsizeof(&person)
    );
    println!("  dynamic attribute gives it a hash table of its own (which, as in CPython,");
    println!("  does not shrink back). Fixed names stay compact; extra names still work.");
    let heap = |o: &dyn Object| total_sizeof(o) - getsizeof(o);
    assert_eq!(heap(&fresh), heap(&person), "an empty dict owns no heap bytes");
    assert!(total_sizeof(&tall) > total_sizeof(&fresh));
    assert!(vars(&flexible)?.is_empty(), "deleting height emptied the dict");

    heading("The short tutorial's Point with __dict__");
    note("class Point:");
    note("    __slots__ = ['x', 'y', '__dict__']  # Allows using __dict__ too");
    note("    (with an __init__ that sets x and y)");
    py("p = Point(3, 4)", "let mut p = Point::new(3, 4);");
    let mut p = Point::new(3, 4);
    py("p.__dict__", "getattr(&p, \"__dict__\")?");
    out(getattr(&p, "__dict__")?);
    assert_eq!(getattr(&p, "__dict__")?.to_string(), "{}");
    py("p.z = 5", "setattr(&mut p, \"z\", 5)?;");
    setattr(&mut p, "z", 5)?;
    py("p.__dict__", "vars(&p)?");
    out(vars(&p)?);
    assert_eq!(vars(&p)?.to_string(), "{'z': 5}");
    py("(p.x, p.y, p.z)", "(p.x()?, p.y()?, getattr(&p, \"z\")?)");
    let xyz = Value::from(vec![getattr(&p, "x")?, getattr(&p, "y")?, getattr(&p, "z")?]);
    out(format!("({}, {}, {})", p.x()?, p.y()?, getattr(&p, "z")?));
    assert_eq!(xyz.to_string(), "[3, 4, 5]");

    heading("__dict__ is live, as in CPython");
    py("d = p.__dict__", "let d = vars(&p)?;        // a shared PyDict");
    let d = vars(&p)?;
    py("d[\"w\"] = 6", "d.insert(\"w\", 6);");
    d.insert("w", 6);
    py("p.w", "getattr(&p, \"w\")?");
    out(getattr(&p, "w")?);
    assert_eq!(getattr(&p, "w")?, Value::Int(6));
    py("p.z = 7", "setattr(&mut p, \"z\", 7)?;");
    setattr(&mut p, "z", 7)?;
    py("d", "d");
    out(&d);
    assert_eq!(d.to_string(), "{'z': 7, 'w': 6}");
    py("d[\"x\"] = 0", "d.insert(\"x\", 0);");
    d.insert("x", 0);
    note("# x is a slot: the slot wins over a dict entry of the same name.");
    py("p.x", "getattr(&p, \"x\")?");
    out(getattr(&p, "x")?);
    assert_eq!(getattr(&p, "x")?, Value::Int(3));
    Ok(())
}

fn size_row(what: &str, getsizeof: usize, total: usize) {
    println!("  {what:<44}{getsizeof:>10}{total:>14}");
}
