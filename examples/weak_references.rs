//! Weak references: the tutorial's "Pitfall 2". A slotted class's instances
//! cannot be weakly referenced unless `'__weakref__'` is in `__slots__`.
//!
//! ```text
//! cargo run --example weak_references
//! ```
//!
//! pyslots' shared handle `Py<T>` is Python's object reference; a
//! `WeakRef<T>` is `weakref.ref`. There are two ways to make one:
//!
//! - `Py::try_downgrade(&obj)` works for every class and returns CPython's
//!   `TypeError` where weak references are off;
//! - `Py::downgrade(&obj)` only compiles for classes whose instances support
//!   weak references, so the `TypeError` becomes a compile error:
//!
//! ```text
//! error[E0277]: cannot create weak reference to instances of a class without `__weakref__`
//! ```

mod common;

use pyslots::prelude::*;
use pyslots::PyClass;
use pyslots::WeakRef;

use common::*;

/// `class SlottedClass: __slots__ = ['value']`: an untyped slot, set after
/// construction as in the tutorial.
#[pyclass_like]
#[slots(value)]
struct SlottedClass;

/// `class WeakRefSlottedClass: __slots__ = ['value', '__weakref__']`.
#[pyclass_like]
#[slots(value, __weakref__)]
struct WeakRefSlottedClass;

/// A regular class (no `__slots__`): weak references work, as in Python.
#[pyclass_like]
struct RegularClass {
    value: i64,
}

/// `__slots__ = ['value', '__dict__']`: a dict does not bring weak
/// references with it.
#[pyclass_like]
#[slots(value, __dict__)]
struct DictSlottedClass {
    value: i64,
}

fn main() -> Result<(), Error> {
    heading("Pitfall 2: slotted objects can't be weak referenced by default");
    note("class SlottedClass:");
    note("    __slots__ = ['value']");
    py("obj = SlottedClass()", "let obj = Py::new(SlottedClass::new());");
    let obj = Py::new(SlottedClass::new());
    py("obj.value = 42", "setattr(&mut *obj.write(), \"value\", 42)?;");
    setattr(&mut *obj.write(), "value", 42)?;
    py("weak_ref = weakref.ref(obj)", "Py::try_downgrade(&obj)");
    let err = Py::try_downgrade(&obj).unwrap_err();
    out(raised(&err));
    assert_eq!(err.exception(), "TypeError");
    assert_eq!(err.to_string(), "cannot create weak reference to 'SlottedClass' object");
    note("# Py::downgrade(&obj) would not even compile for SlottedClass.");

    heading("Solution: add '__weakref__' to __slots__");
    note("class WeakRefSlottedClass:");
    note("    __slots__ = ['value', '__weakref__']");
    py("obj2 = WeakRefSlottedClass()", "let obj2 = Py::new(WeakRefSlottedClass::new());");
    let obj2 = Py::new(WeakRefSlottedClass::new());
    py("obj2.value = 42", "setattr(&mut *obj2.write(), \"value\", 42)?;");
    setattr(&mut *obj2.write(), "value", 42)?;
    py("weak_ref = weakref.ref(obj2)", "let weak_ref = Py::downgrade(&obj2);");
    let weak_ref = Py::downgrade(&obj2);
    assert!(Py::try_downgrade(&obj2).is_ok());
    py("weak_ref()", "let alive = weak_ref.upgrade().unwrap();");
    let alive = weak_ref.upgrade().expect("obj2 is alive");
    out(&alive);
    assert!(alive.to_string().starts_with("<WeakRefSlottedClass object at 0x"));
    py("weak_ref() is obj2", "Py::is(&alive, &obj2)");
    out(Value::Bool(Py::is(&alive, &obj2)));
    assert!(Py::is(&alive, &obj2));
    py("weak_ref().value", "getattr(&*alive.read(), \"value\")?");
    let value = getattr(&*alive.read(), "value")?;
    out(&value);
    assert_eq!(value, Value::Int(42));
    drop(alive);
    py("dir(obj2)", "dir(&*obj2.read())");
    let names = dir(&*obj2.read());
    out(py_list(&names));
    assert_eq!(names, ["__slots__", "__weakref__", "value"]);

    note("# A weak reference does not keep the object alive:");
    py("del obj2", "drop(obj2);");
    drop(obj2);
    py("weak_ref() is None", "weak_ref.upgrade().is_none()");
    out(Value::Bool(weak_ref.upgrade().is_none()));
    assert!(weak_ref.upgrade().is_none());

    plain_heading("Which classes support weak references");
    println!("  {:<48}{:<14}Py::try_downgrade", "class", "has_weakref");
    let regular = Py::new(RegularClass::new(1));
    let with_dict = Py::new(DictSlottedClass::new(1));
    support_row("RegularClass (no __slots__)", RegularClass::LAYOUT.has_weakref(), Py::try_downgrade(&regular));
    support_row("SlottedClass: ['value']", SlottedClass::LAYOUT.has_weakref(), Py::try_downgrade(&obj));
    support_row(
        "DictSlottedClass: ['value', '__dict__']",
        DictSlottedClass::LAYOUT.has_weakref(),
        Py::try_downgrade(&with_dict),
    );
    support_row(
        "WeakRefSlottedClass: ['value', '__weakref__']",
        WeakRefSlottedClass::LAYOUT.has_weakref(),
        Py::try_downgrade(&Py::new(WeakRefSlottedClass::new())),
    );
    const { assert!(RegularClass::LAYOUT.has_weakref()) };
    const { assert!(!SlottedClass::LAYOUT.has_weakref()) };
    const { assert!(!DictSlottedClass::LAYOUT.has_weakref()) };
    const { assert!(WeakRefSlottedClass::LAYOUT.has_weakref()) };
    let err = Py::try_downgrade(&with_dict).unwrap_err();
    assert_eq!(err.to_string(), "cannot create weak reference to 'DictSlottedClass' object");
    let _weak: WeakRef<RegularClass> = Py::downgrade(&regular);
    Ok(())
}

fn support_row<T: PyClass>(class: &str, has_weakref: bool, result: Result<WeakRef<T>, Error>) {
    let outcome = match result {
        Ok(_) => "Ok(WeakRef)".to_string(),
        Err(e) => e.exception().to_string(),
    };
    println!("  {class:<48}{:<14}{outcome}", Value::Bool(has_weakref).to_string());
}
