//! Python's attribute builtins as free functions: `getattr`, `setattr`,
//! `delattr`, `hasattr`, `dir`, `vars`, and `sys.getsizeof`.
//!
//! Each takes any [`Object`], concrete or `dyn`.

use crate::error::Error;
use crate::objects::object::Object;
use crate::values::dict::PyDict;
use crate::values::value::{Value, ValueRef};

/// `getattr(obj, name)`.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let p = Point::new(3.0, 4.0);
/// assert_eq!(getattr(&p, "x")?, Value::Float(3.0));
/// assert_eq!(getattr(&p, "z").unwrap_err().to_string(), "'Point' object has no attribute 'z'");
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn getattr<O: Object + ?Sized>(obj: &O, name: &str) -> Result<Value, Error> {
    obj.getattr(name)
}

/// `getattr(obj, name)`, lending the value: see [`Object::getattr_ref`].
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::getattr_ref;
///
/// #[pyclass_like]
/// #[slots(title)]
/// struct Book { title: String }
///
/// let b = Book::new("The Left Hand of Darkness".into());
/// assert_eq!(getattr_ref(&b, "title")?.as_str(), Some("The Left Hand of Darkness"));
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn getattr_ref<'a, O: Object + ?Sized>(obj: &'a O, name: &str) -> Result<ValueRef<'a>, Error> {
    obj.getattr_ref(name)
}

/// `setattr(obj, name, value)`, taking anything that converts into a
/// [`Value`]. A failed call leaves the object as it was.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// struct Config { host: String }
///
/// let mut c = Config::new("localhost".into());
/// setattr(&mut c, "port", 8080)?;           // a regular class takes new names
/// assert_eq!(vars(&c)?.to_string(), "{'host': 'localhost', 'port': 8080}");
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn setattr<O: Object + ?Sized>(obj: &mut O, name: &str, value: impl Into<Value>) -> Result<(), Error> {
    obj.setattr(name, value.into())
}

/// `delattr(obj, name)`. A failed call leaves the object as it was.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x)]
/// struct P { x: i64 }
///
/// let mut p = P::new(1);
/// delattr(&mut p, "x")?;
/// let again = delattr(&mut p, "x").unwrap_err();
/// assert_eq!((again.exception(), again.to_string().as_str()), ("AttributeError", "x"));
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn delattr<O: Object + ?Sized>(obj: &mut O, name: &str) -> Result<(), Error> {
    obj.delattr(name)
}

/// `hasattr(obj, name)`.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct P { x: i64 }
///
/// let p = P::default();
/// assert!(!hasattr(&p, "x")); // a slot, not set yet
/// assert!(hasattr(&P::new(1), "x"));
/// assert!(hasattr(&p, "__slots__") && !hasattr(&p, "z"));
/// ```
pub fn hasattr<O: Object + ?Sized>(obj: &O, name: &str) -> bool {
    obj.hasattr(name)
}

/// `dir(obj)`: the sorted attribute names (see [`Object::dir`]).
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(y, x, __dict__)]
/// struct P;
///
/// let mut p = P::default();
/// setattr(&mut p, "extra", 1)?;
/// assert_eq!(dir(&p), ["__dict__", "__slots__", "extra", "x", "y"]);
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn dir<O: Object + ?Sized>(obj: &O) -> Vec<String> {
    obj.dir()
}

/// `vars(obj)`: the instance dict, live and shared as
/// [`Object::dict`]'s, or CPython's `TypeError` for an instance without
/// one.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x)]
/// struct P { x: i64 }
///
/// let err = vars(&P::new(1)).unwrap_err();
/// assert_eq!(err.exception(), "TypeError");
/// assert_eq!(err.to_string(), "vars() argument must have __dict__ attribute");
/// ```
pub fn vars<O: Object + ?Sized>(obj: &O) -> Result<PyDict, Error> {
    obj.dict().ok_or_else(|| Error::type_error("vars() argument must have __dict__ attribute"))
}

/// `sys.getsizeof(obj)`: the instance's own bytes, without what it points
/// to (its dict's storage, its strings), as CPython counts.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::getsizeof;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// assert!(getsizeof(&Point::new(1.0, 2.0)) <= 24);
/// ```
pub fn getsizeof<O: Object + ?Sized>(obj: &O) -> usize {
    std::mem::size_of_val(obj)
}

/// The instance's own bytes plus every heap byte it owns: its dict, its
/// strings, the values in its slots. Objects it refers to through handles
/// are shared, not owned, and are not counted.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::{getsizeof, total_sizeof};
///
/// #[pyclass_like]
/// #[slots(name)]
/// struct P { name: String }
///
/// let p = P::new("x".repeat(100));
/// assert_eq!(getsizeof(&p), std::mem::size_of::<P>());
/// assert!(total_sizeof(&p) >= getsizeof(&p) + 100);
/// ```
pub fn total_sizeof<O: Object + ?Sized>(obj: &O) -> usize {
    std::mem::size_of_val(obj) + obj.heap_size()
}

/// `object.__getattribute__(obj, name)`: the generic attribute lookup
/// (slots and properties, the instance dict, methods and class
/// attributes), without the class's `__getattr__`. What a `__getattr__`
/// or other hook falls back to.
pub fn generic_getattr(obj: &dyn Object, name: &str) -> Result<Value, Error> {
    obj.generic_getattr_dyn(name)
}

/// `object.__setattr__(obj, name, value)`: the generic write, without the
/// class's `__setattr__`; what a `__setattr__` hook falls back to.
pub fn generic_setattr(obj: &mut dyn Object, name: &str, value: Value) -> Result<(), Error> {
    obj.generic_setattr_dyn(name, value)
}

/// `object.__delattr__(obj, name)`: the generic deletion, without the
/// class's `__delattr__`; what a `__delattr__` hook falls back to.
pub fn generic_delattr(obj: &mut dyn Object, name: &str) -> Result<(), Error> {
    obj.generic_delattr_dyn(name)
}

/// Calls method `name` of `obj` with `args` and `kwargs`: a method its
/// class defines (the instance dict may shadow it, as in Python), or
/// anything callable `getattr` finds. Arity and keyword errors are
/// CPython 3.11's, with the method's qualified name.
pub fn call_method(obj: &mut dyn Object, name: &str, args: &[Value], kwargs: &[(&str, Value)]) -> Result<Value, Error> {
    crate::objects::method::call_on_owned(obj, name, args, kwargs)
}
