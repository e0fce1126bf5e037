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
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::generic_getattr;
///
/// #[pyclass_like]
/// #[slots(x)]
/// struct Lenient { x: i64 }
///
/// #[methods]
/// impl Lenient {
///     fn __getattr__(&self, name: &str) -> Result<Value, Error> {
///         Ok(Value::from(format!("no {name}, but fine")))
///     }
/// }
///
/// let o = Lenient::new(1);
/// assert_eq!(getattr(&o, "y")?, Value::from("no y, but fine"));
/// assert_eq!(generic_getattr(&o, "x")?, Value::Int(1));
/// assert_eq!(generic_getattr(&o, "y").unwrap_err().to_string(), "'Lenient' object has no attribute 'y'");
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn generic_getattr(obj: &dyn Object, name: &str) -> Result<Value, Error> {
    obj.generic_getattr_dyn(name)
}

/// `object.__setattr__(obj, name, value)`: the generic write, without the
/// class's `__setattr__`; what a `__setattr__` hook falls back to.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::generic_setattr;
///
/// #[pyclass_like]
/// #[slots(name)]
/// struct Upper { name: String }
///
/// #[methods]
/// impl Upper {
///     // Every write goes through the hook, which stores the text upper-cased.
///     fn __setattr__(&mut self, name: &str, value: Value) -> Result<(), Error> {
///         let text = value.as_str().map(str::to_uppercase).map(Value::from).unwrap_or(value);
///         generic_setattr(self, name, text)
///     }
/// }
///
/// let mut u = Upper::new("ada".into());
/// setattr(&mut u, "name", "grace")?;
/// assert_eq!(getattr(&u, "name")?, Value::from("GRACE"));
/// generic_setattr(&mut u, "name", Value::from("alan"))?;   // around the hook
/// assert_eq!(getattr(&u, "name")?, Value::from("alan"));
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn generic_setattr(obj: &mut dyn Object, name: &str, value: Value) -> Result<(), Error> {
    obj.generic_setattr_dyn(name, value)
}

/// `object.__delattr__(obj, name)`: the generic deletion, without the
/// class's `__delattr__`; what a `__delattr__` hook falls back to.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::generic_delattr;
///
/// #[pyclass_like]
/// #[slots(key)]
/// struct Pinned { key: i64 }
///
/// #[methods]
/// impl Pinned {
///     fn __delattr__(&mut self, name: &str) -> Result<(), Error> {
///         Err(Error::attribute_error(format!("{name} is pinned")))
///     }
/// }
///
/// let mut p = Pinned::new(7);
/// assert_eq!(delattr(&mut p, "key").unwrap_err().to_string(), "key is pinned");
/// generic_delattr(&mut p, "key")?;                           // around the hook
/// assert!(!hasattr(&p, "key"));
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn generic_delattr(obj: &mut dyn Object, name: &str) -> Result<(), Error> {
    obj.generic_delattr_dyn(name)
}

/// Calls method `name` of `obj` with `args` and `kwargs`: a method its
/// class defines (the instance dict may shadow it, as in Python), or
/// anything callable `getattr` finds. Arity and keyword errors are
/// CPython 3.11's, with the method's qualified name.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(count)]
/// struct Counter { count: i64 }
///
/// #[methods]
/// impl Counter {
///     fn add(&mut self, by: i64) -> Result<i64, Error> {
///         let now = self.count().copied().unwrap_or(0) + by;
///         self.set_count(now);
///         Ok(now)
///     }
/// }
///
/// let mut c = Counter::new(1);
/// assert_eq!(pyslots::call_method(&mut c, "add", &[Value::Int(2)], &[])?, Value::Int(3));
/// assert_eq!(pyslots::call_method(&mut c, "add", &[], &[("by", Value::Int(4))])?, Value::Int(7));
/// assert_eq!(
///     pyslots::call_method(&mut c, "add", &[], &[]).unwrap_err().to_string(),
///     "Counter.add() missing 1 required positional argument: 'by'"
/// );
/// # Ok::<(), pyslots::Error>(())
/// ```
#[inline]
pub fn call_method<O: Object + ?Sized>(
    obj: &mut O,
    name: &str,
    args: &[Value],
    kwargs: &[(&str, Value)],
) -> Result<Value, Error> {
    obj.call_method_dyn(name, args, kwargs)
}
