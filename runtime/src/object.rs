//! The traits every class implements: `Object` (dynamic, object safe) and
//! `PyClass` (static: the class's `Layout`).

use std::fmt;

use crate::dict::Dict;
use crate::error::Error;
use crate::layout::Layout;
use crate::value::Value;

/// A Python-like object: attributes read, written, deleted and listed by
/// name, with CPython's rules and messages.
///
/// `#[pyclass_like]` implements it; the trait is object safe, so
/// `&dyn Object` and [`PyObject`](crate::PyObject) work across classes.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let mut p = Point::new(3.0, 4.0);
/// let obj: &mut dyn Object = &mut p;
/// assert_eq!(obj.getattr("x")?, Value::Float(3.0));
/// let err = obj.setattr("z", Value::Int(5)).unwrap_err();
/// assert_eq!(err.to_string(), "'Point' object has no attribute 'z'");
/// assert_eq!(obj.dir(), ["__slots__", "x", "y"]);
/// # Ok::<(), pyslots::Error>(())
/// ```
pub trait Object: fmt::Debug + Send + Sync + 'static {
    /// The class name, as `type(obj).__name__`.
    fn type_name(&self) -> &'static str {
        self.layout().name
    }

    /// `getattr(obj, name)`: the class's slots, then its bases' slots,
    /// then the instance dict, then class attributes (`__slots__`).
    fn getattr(&self, name: &str) -> Result<Value, Error>;

    /// `setattr(obj, name, value)`. A failed call changes nothing.
    fn setattr(&mut self, name: &str, value: Value) -> Result<(), Error>;

    /// `delattr(obj, name)`. A failed call changes nothing.
    fn delattr(&mut self, name: &str) -> Result<(), Error>;

    /// `hasattr(obj, name)`: whether `getattr` would succeed. Builds no
    /// error on the way.
    fn hasattr(&self, name: &str) -> bool;

    /// `dir(obj)`, sorted: every slot of the class and its bases (set or
    /// not), every dict key, `__dict__` and `__weakref__` where the
    /// instance has them, `__slots__` where a class declares them. Unlike
    /// CPython it leaves out the dunder methods every Python object has.
    fn dir(&self) -> Vec<String>;

    /// The instance dict, if the class has one (Python's `__dict__`).
    fn dict(&self) -> Option<&Dict>;

    /// The instance dict, mutably.
    fn dict_mut(&mut self) -> Option<&mut Dict>;

    /// The class's layout.
    fn layout(&self) -> &'static Layout;

    /// Heap bytes the instance owns (its dict, strings, values), not
    /// counting the instance itself; see [`total_sizeof`](crate::total_sizeof).
    fn heap_size(&self) -> usize;
}

/// A class made by `#[pyclass_like]`: an [`Object`] whose [`Layout`] is
/// known at compile time.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(name, age)]
/// struct Person { name: String, age: u32 }
///
/// const SLOTS: &[&str] = Person::LAYOUT.slots;
/// assert_eq!(SLOTS, ["name", "age"]);
/// ```
pub trait PyClass: Object + Sized {
    /// The class's layout.
    const LAYOUT: Layout;
}
