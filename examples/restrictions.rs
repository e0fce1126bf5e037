//! Restrictions of a slotted class: what `__slots__` takes away, with the
//! exception CPython raises for each, and pyslots raising the same.
//!
//! ```text
//! cargo run --example restrictions
//! ```
//!
//! No new attributes, no `__dict__`, no `vars()`; slots that can be unset
//! and deleted; and one restriction of pyslots' own: a typed slot takes
//! only values of its type.

mod common;

use pyslots::prelude::*;
use pyslots::PyClass;

use common::*;

/// `class SlottedPerson: __slots__ = ['name', 'age']`.
#[pyclass_like]
#[slots(name, age)]
struct SlottedPerson {
    name: String,
    age: u32,
}

/// `class Point: __slots__ = ['x', 'y']`, with float slots.
#[pyclass_like]
#[slots(x, y)]
struct Point {
    x: f64,
    y: f64,
}

/// `class AnyPoint: __slots__ = ['x', 'y']`: no fields, so both slots are
/// untyped and take any value, exactly like Python's.
#[pyclass_like]
#[slots(x, y)]
struct AnyPoint;

fn main() -> Result<(), Error> {
    heading("No new attributes: only the names in __slots__ exist");
    py("person = SlottedPerson(\"Alice\", 30)", "let mut person = SlottedPerson::new(\"Alice\".into(), 30);");
    let mut person = SlottedPerson::new("Alice".to_string(), 30);
    py("person.height = 170", "setattr(&mut person, \"height\", 170)");
    let err = setattr(&mut person, "height", 170).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'SlottedPerson' object has no attribute 'height'");
    py("person.nmae = \"Bob\"   # a typo", "setattr(&mut person, \"nmae\", \"Bob\")");
    let err = setattr(&mut person, "nmae", "Bob").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'SlottedPerson' object has no attribute 'nmae'");
    py("person.name", "getattr(&person, \"name\")?");
    out(getattr(&person, "name")?);
    assert_eq!(getattr(&person, "name")?, Value::from("Alice"));
    note("(the failed writes changed nothing)");

    heading("No __dict__, so no vars()");
    py("person.__dict__", "getattr(&person, \"__dict__\")");
    let err = getattr(&person, "__dict__").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'SlottedPerson' object has no attribute '__dict__'");
    py("vars(person)", "vars(&person)");
    let err = vars(&person).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "TypeError: vars() argument must have __dict__ attribute");
    py("hasattr(person, '__dict__')", "hasattr(&person, \"__dict__\")");
    out(py_bool(hasattr(&person, "__dict__")));
    assert!(!hasattr(&person, "__dict__"));
    assert!(person.dict().is_none());

    heading("A slot can be unset: before it is assigned, and after del");
    note("# object.__new__ makes an instance before __init__ assigns anything;");
    note("# pyslots' Default is that instance.");
    py("p = Point.__new__(Point)", "let mut p = Point::default();");
    let mut p = Point::default();
    py("p.x", "getattr(&p, \"x\")");
    let err = getattr(&p, "x").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Point' object has no attribute 'x'");
    py("hasattr(p, 'x')", "hasattr(&p, \"x\")");
    out(py_bool(hasattr(&p, "x")));
    assert!(!hasattr(&p, "x"));
    py("", "p.x()      // typed accessor");
    let err = p.x().unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Point' object has no attribute 'x'");

    py("p.x, p.y = 3.0, 4.0", "setattr(&mut p, \"x\", 3.0)?; ...");
    setattr(&mut p, "x", 3.0)?;
    setattr(&mut p, "y", 4.0)?;
    py("del p.x", "delattr(&mut p, \"x\")?;");
    delattr(&mut p, "x")?;
    py("p.x", "getattr(&p, \"x\")");
    let err = getattr(&p, "x").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Point' object has no attribute 'x'");
    py("del p.x", "delattr(&mut p, \"x\")");
    let err = delattr(&mut p, "x").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: x");
    py("del p.z", "delattr(&mut p, \"z\")");
    let err = delattr(&mut p, "z").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Point' object has no attribute 'z'");
    py("p.x = 3.0", "setattr(&mut p, \"x\", 3.0)?;");
    setattr(&mut p, "x", 3.0)?;
    py("p.x", "getattr(&p, \"x\")?");
    out(getattr(&p, "x")?);
    assert_eq!(getattr(&p, "x")?, Value::Float(3.0));

    heading("pyslots' own rule: a typed slot takes values of its type only");
    note("# CPython's slots hold any object; a pyslots slot declared with a field");
    note("# has the field's Rust type. A wrong type is a TypeError that changes nothing.");
    py("p.x = \"three\"", "setattr(&mut p, \"x\", \"three\")");
    let err = setattr(&mut p, "x", "three").unwrap_err();
    out(raised(&err));
    assert_eq!(err.exception(), "TypeError");
    assert_eq!(err.to_string(), "'Point' object attribute 'x' must be float, not str");
    py("p.x", "getattr(&p, \"x\")?");
    out(getattr(&p, "x")?);
    assert_eq!(getattr(&p, "x")?, Value::Float(3.0), "the object is unchanged");
    py("p.x = 5     # an int converts", "setattr(&mut p, \"x\", 5)?;");
    setattr(&mut p, "x", 5)?;
    py("p.x", "getattr(&p, \"x\")?");
    out(getattr(&p, "x")?);
    assert_eq!(getattr(&p, "x")?, Value::Float(5.0));
    py("person.age = -1", "setattr(&mut person, \"age\", -1)");
    let err = setattr(&mut person, "age", -1).unwrap_err();
    out(raised(&err));
    assert_eq!(err.exception(), "OverflowError");
    assert_eq!(*person.age()?, 30, "the object is unchanged");

    note("# Slots without a field are untyped: they take anything, as in Python.");
    py("q = AnyPoint()", "let mut q = AnyPoint::new();");
    let mut q = AnyPoint::new();
    py("q.x = \"three\"", "setattr(&mut q, \"x\", \"three\")?;");
    setattr(&mut q, "x", "three")?;
    py("q.x", "getattr(&q, \"x\")?");
    out(getattr(&q, "x")?);
    assert_eq!(getattr(&q, "x")?, Value::from("three"));

    heading("What is there: dir() and __slots__");
    py("dir(p)", "dir(&p)");
    let names = dir(&p);
    out(py_list(&names));
    assert_eq!(names, ["__slots__", "x", "y"]);
    note("(pyslots leaves out the ~25 dunder methods every Python object lists)");
    py("p.__slots__", "getattr(&p, \"__slots__\")?");
    out(getattr(&p, "__slots__")?);
    assert_eq!(getattr(&p, "__slots__")?.to_string(), "['x', 'y']");
    py("p.__slots__ = []", "setattr(&mut p, \"__slots__\", vec![])");
    let err = setattr(&mut p, "__slots__", Vec::<Value>::new()).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Point' object attribute '__slots__' is read-only");
    py("", "Point::LAYOUT.slots()");
    out(format!("{:?}", Point::LAYOUT.slots()));
    assert_eq!(Point::LAYOUT.slots(), ["x", "y"]);
    const { assert!(!Point::LAYOUT.has_dict() && !Point::LAYOUT.has_weakref()) };
    Ok(())
}

/// `True` / `False`.
fn py_bool(b: bool) -> Value {
    Value::Bool(b)
}
