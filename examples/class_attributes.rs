//! Class attributes and slots: the tutorial's pitfall (a class attribute
//! cannot be a slot's default), defaults through class attributes on a
//! regular class, why they are read-only on a slotted instance, and member
//! descriptors (`Point.x`).
//!
//! ```text
//! cargo run --example class_attributes
//! ```
//!
//! Lookup order is CPython's: slots (and `__dict__`, `__weakref__`) first,
//! then the instance dict, then class attributes along the MRO.

mod common;

use pyslots::prelude::*;
use pyslots::Literal;
use pyslots::PyClass;

use common::*;

/// `class Config: timeout = 30; retries = 3; verbose = False`: a regular
/// class whose class attributes are its defaults.
#[pyclass_like(class_attrs(timeout = 30, retries = 3, verbose = false))]
struct Config;

/// `class Point: __slots__ = ['x', 'y']; origin = '(0, 0)'`.
#[pyclass_like(class_attrs(origin = "(0, 0)", dimensions = 2))]
#[slots(x, y)]
struct Point {
    /// The horizontal coordinate.
    x: f64,
    /// The vertical coordinate.
    y: f64,
}

/// `class Point3(Point): __slots__ = ['z']`.
#[pyclass_like(extends = Point, class_attrs(dimensions = 3))]
#[slots(z)]
struct Point3 {
    z: f64,
}

/// `class Other: __slots__ = ['x']`.
#[pyclass_like]
#[slots(x)]
struct Other;

/// `class Flexible: __slots__ = ['x', '__dict__']; unit = 'cm'`.
#[pyclass_like(class_attrs(unit = "cm"))]
#[slots(x, __dict__)]
struct Flexible {
    x: f64,
}

fn main() -> Result<(), Error> {
    heading("The pitfall: a class attribute as a slot's default");
    note("# In Python, a default for a slot cannot be a class attribute of that name:");
    py("class Point:", "#[pyclass_like(class_attrs(x = 0.0))]");
    cont("    __slots__ = ['x', 'y']", "#[slots(x, y)]");
    cont("    x = 0.0", "struct Point { x: f64, y: f64 }");
    note("CPython: ValueError: 'x' in __slots__ conflicts with class variable");
    note("rustc:   error: 'x' in __slots__ conflicts with class variable");
    note("           --> #[slots(x, y)]");
    note("                       ^");
    note("# The slot is a descriptor stored in the class under the name 'x'; a class");
    note("# attribute 'x' would need the same entry. pyslots refuses it at compile");
    note("# time, at the slot. Give defaults in the constructor instead (see the");
    note("# empty_and_single_slots example), or use a regular class:");

    heading("Defaults through class attributes, on a regular class");
    py("c = Config()", "let mut c = Config::new();");
    let mut c = Config::new();
    py("c.timeout", "getattr(&c, \"timeout\")?");
    out(getattr(&c, "timeout")?);
    assert_eq!(getattr(&c, "timeout")?, Value::Int(30));
    py("c.timeout = 60   # shadows it", "setattr(&mut c, \"timeout\", 60)?;");
    setattr(&mut c, "timeout", 60)?;
    py("c.timeout, vars(c)", "getattr(&c, \"timeout\")?, vars(&c)?");
    let pair = format!("({}, {})", getattr(&c, "timeout")?, vars(&c)?);
    out(&pair);
    assert_eq!(pair, "(60, {'timeout': 60})");
    py("del c.timeout    # the default shows", "delattr(&mut c, \"timeout\")?;");
    delattr(&mut c, "timeout")?;
    py("c.timeout", "getattr(&c, \"timeout\")?");
    out(getattr(&c, "timeout")?);
    assert_eq!(getattr(&c, "timeout")?, Value::Int(30));
    py("del c.timeout", "delattr(&mut c, \"timeout\")");
    let err = delattr(&mut c, "timeout").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Config' object has no attribute 'timeout'");
    note("(the dict had no 'timeout' left; the class attribute cannot be deleted");
    note(" through an instance)");

    heading("On a slotted instance, class attributes are read-only");
    py("p = Point(1.0, 2.0)", "let mut p = Point::new(1.0, 2.0);");
    let mut p = Point::new(1.0, 2.0);
    py("p.origin", "getattr(&p, \"origin\")?");
    out(getattr(&p, "origin")?);
    assert_eq!(getattr(&p, "origin")?, Value::from("(0, 0)"));
    py("p.origin = '(1, 1)'", "setattr(&mut p, \"origin\", \"(1, 1)\")");
    let err = setattr(&mut p, "origin", "(1, 1)").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Point' object attribute 'origin' is read-only");
    py("del p.origin", "delattr(&mut p, \"origin\")");
    let err = delattr(&mut p, "origin").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'Point' object attribute 'origin' is read-only");
    note("# No instance dict to shadow it in: the name exists, but only on the class.");
    py("dir(p)", "dir(&p)");
    out(py_list(&dir(&p)));
    assert_eq!(dir(&p), ["__slots__", "dimensions", "origin", "x", "y"]);
    py("p.orgin", "format!(\"{err:#}\")   // getattr(&p, \"orgin\")");
    let err = getattr(&p, "orgin").unwrap_err();
    let line = format!("{}: {err:#}", err.exception());
    out(&line);
    assert_eq!(line, "AttributeError: 'Point' object has no attribute 'orgin'. Did you mean: 'origin'?");
    py("", "Point::LAYOUT.class_attrs()");
    out(format!("{:?}", Point::LAYOUT.class_attrs()));
    assert_eq!(Point::LAYOUT.class_attrs(), [("origin", Literal::Str("(0, 0)")), ("dimensions", Literal::Int(2))]);

    note("# With '__dict__' in __slots__, a write shadows the class attribute again.");
    py("f = Flexible(1.0); f.unit = 'mm'", "setattr(&mut f, \"unit\", \"mm\")?;");
    let mut f = Flexible::new(1.0);
    setattr(&mut f, "unit", "mm")?;
    py("f.unit, vars(f)", "getattr(&f, \"unit\")?, vars(&f)?");
    let pair = format!("({}, {})", getattr(&f, "unit")?, vars(&f)?);
    out(&pair);
    assert_eq!(pair, "('mm', {'unit': 'mm'})");

    heading("Inherited along the MRO; a subclass may override");
    py("q = Point3(); q.dimensions, q.origin", "getattr(&q, \"dimensions\")?, ..");
    let q = Point3::default();
    let pair = format!("({}, {})", getattr(&q, "dimensions")?, getattr(&q, "origin")?);
    out(&pair);
    assert_eq!(pair, "(3, '(0, 0)')");

    heading("Member descriptors: Point.x");
    py("Point.x", "Point::member(\"x\").unwrap()");
    let x = Point::member("x").expect("x is a slot");
    out(&x);
    assert_eq!(x.to_string(), "<member 'x' of 'Point' objects>");
    py("Point.x.__get__(p)", "x.get(&p)?");
    out(x.get(&p)?);
    assert_eq!(x.get(&p)?, Value::Float(1.0));
    py("Point.x.__set__(p, 5.0)", "x.set(&mut p, 5.0)?;");
    x.set(&mut p, 5.0)?;
    py("p.x", "getattr(&p, \"x\")?");
    out(getattr(&p, "x")?);
    assert_eq!(getattr(&p, "x")?, Value::Float(5.0));
    py("Point3.x", "Point3::member(\"x\").unwrap()");
    let x3 = Point3::member("x").expect("inherited");
    out(&x3);
    assert_eq!(x3.to_string(), "<member 'x' of 'Point' objects>");
    py("Point.x.__get__(Other())", "x.get_dyn(&Other::new())");
    let err = x.get_dyn(&Other::new()).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "TypeError: descriptor 'x' for 'Point' objects doesn't apply to a 'Other' object");
    py("inspect.getdoc(Point.x)", "x.doc()");
    out(x.doc().map_or(Value::None, Value::from));
    assert_eq!(x.doc(), Some("The horizontal coordinate."));
    note("(a field's doc comment is the slot's doc, as __slots__ = {'x': 'doc'} gives it;");
    note(" CPython 3.11 leaves Point.x.__doc__ None, inspect.getdoc finds it)");
    py("Point.origin   # '(0, 0)': no member", "Point::member(\"origin\")");
    out(format!("{:?}", Point::member("origin")));
    assert!(Point::member("origin").is_none(), "a class attribute is no member");
    Ok(())
}

/// A continuation line of a Python block, at the `...` prompt.
fn cont(python: &str, rust: &str) {
    println!("  ... {python:<width$}{rust}", width = PYTHON_COLUMN - 4);
}
