//! # pyslots: Python's `__slots__` object model for Rust
//!
//! A Python class keeps each instance's attributes in a per-instance dict;
//! `__slots__` swaps that dict for a fixed, compact layout: less memory,
//! faster access, and a typo such as `p.z = 5` fails with
//! `AttributeError: 'Point' object has no attribute 'z'`.
//!
//! pyslots gives Rust structs the same model. `#[pyclass_like]` turns a
//! struct into a Python-like class whose attributes are read, written,
//! deleted and listed by name at run time; `#[slots(...)]` stores them as
//! compact typed fields instead of a dict. The rules and the error messages
//! are CPython 3.11's, and the layouts CPython refuses at class creation do
//! not compile.
//!
//! ```
//! use pyslots::prelude::*;
//!
//! #[pyclass_like]                 // class RegularPerson: attributes in __dict__
//! struct RegularPerson { name: String, age: u32 }
//!
//! #[pyclass_like]
//! #[slots(name, age)]             // __slots__ = ['name', 'age']
//! struct SlottedPerson { name: String, age: u32 }
//!
//! let mut r = RegularPerson::new("Alice".to_string(), 30);
//! r.setattr("height", 170.into())?;             // a dict takes any new name
//! assert_eq!(vars(&r)?.to_string(), "{'name': 'Alice', 'age': 30, 'height': 170}");
//! assert_eq!(r.age()?, 30);                     // typed accessor of a dict entry
//! r.set_age(31);
//! r.setattr("age", "old".into())?;              // by name, any value...
//! assert_eq!(r.age().unwrap_err().exception(), "TypeError"); // ...but not as a u32
//!
//! let mut p = SlottedPerson::new("Alice".to_string(), 30);
//! assert_eq!(p.getattr("age")?, Value::Int(30));
//! assert_eq!(p.name()?, "Alice");               // typed accessor
//! let err = p.setattr("height", 170.into()).unwrap_err();
//! assert_eq!(err.to_string(), "'SlottedPerson' object has no attribute 'height'");
//! assert_eq!(err.exception(), "AttributeError");
//! # Ok::<(), pyslots::Error>(())
//! ```
//!
//! ## Declaring classes
//!
//! | Rust | Python |
//! |---|---|
//! | `#[pyclass_like] struct A { x: T }` | a regular class: `x` lives in `__dict__` |
//! | `#[pyclass_like] #[slots(x, y)] struct A { x: T, y: U }` | `__slots__ = ['x', 'y']`, typed slots |
//! | `#[slots(x, y)] struct A;` | untyped slots: each holds a [`Value`] |
//! | `#[slots("count")]` | string spelling of a slot name |
//! | `#[slots()]` | `__slots__ = []`: no attributes at all |
//! | `#[slots(x, __dict__)]` | slots, plus a dict for other names |
//! | `#[slots(x, __weakref__)]` | slots, plus weak-reference support |
//! | `#[pyclass_like(extends = Base)] #[slots(y)]` | `class A(Base): __slots__ = ['y']` |
//! | `#[pyclass_like(extends = Base)]` | `class A(Base): pass`: gets `__dict__` and `__weakref__` |
//! | `#[pyclass_like(extends(A, B))]` | `class C(A, B)`; a layout conflict does not compile |
//!
//! A name in `#[slots]` that matches a field is a typed slot of the field's
//! type ([`SlotValue`] says which types can be); a name without a field is
//! an untyped slot that holds any [`Value`]. A field missing from `#[slots]`
//! is a compile error: a slotted class has no other storage.
//!
//! ## What each class gets
//!
//! - `new(...)`: the class's own fields, in declaration order; every typed
//!   slot set, untyped slots unset. For a regular class the fields become
//!   the first dict entries, as `__init__` would set them. A subclass's
//!   bases start as `Default` makes them (every slot unset), so a base that
//!   holds no typed data is never passed.
//! - For a class with bases, `with_base(base, ...)`: the stored base's
//!   instance (see [Inheritance](#inheritance)), then the own fields.
//! - `Default`: an instance with every slot unset and an empty dict, as
//!   Python's `Point()` before `__init__` assigns anything.
//! - For each typed slot `x: T`: `x(&self) -> Result<Ref, Error>` (`&T`,
//!   or `&str` for a `String` slot; an unset slot is the `AttributeError`)
//!   and `set_x(&mut self, T)`. For each field `x: T` of a regular class:
//!   `x(&self) -> Result<T, Error>` (the dict entry as `getattr` reads it,
//!   converted as a typed slot of `T` converts a value: a deleted entry is
//!   the `AttributeError`, a value of another type the `TypeError`) and
//!   `set_x(&mut self, T)`. An accessor whose name would clash with a
//!   method pyslots already gives the class (`new`, `with_base`, `default`,
//!   the [`Object`] methods) or with another accessor is left out; the
//!   attribute is still reachable by name.
//! - [`Object`] (`getattr`, `setattr`, `delattr`, `hasattr`, `dir`,
//!   `dict`, ...), [`PyClass`] (its [`Layout`]), and `Debug`.
//! - Hidden items whose names start with `__pyslots_` (the storage fields
//!   and a name-to-slot index function): names with that prefix are
//!   reserved.
//!
//! ## Inheritance
//!
//! A subclass embeds its stored base (CPython's prefix layout over its
//! `__base__`): `new` takes the class's own fields and starts the base as
//! `Default` makes it, `with_base` takes the base's instance first; the
//! class `Deref`s to its stored base and `AsRef`s to what that base holds,
//! so `dog.name()` reaches `Animal`'s accessor. Lookups go through the class's own slots, then each
//! base's, then the one instance dict. What needs the bases' layouts is
//! checked by the compiler: `multiple bases have instance lay-out conflict`,
//! `__dict__`/`__weakref__ slot disallowed: we already got one`, and, where
//! CPython would silently keep both, a slot that repeats a base's slot.
//!
//! ```
//! use pyslots::prelude::*;
//!
//! #[pyclass_like]
//! #[slots(name, species)]
//! struct Animal { name: String, species: String }
//!
//! #[pyclass_like(extends = Animal)]
//! #[slots(breed)]                  // class Dog(Animal): __slots__ = ['breed']
//! struct Dog { breed: String }
//!
//! let mut dog = Dog::with_base(Animal::new("Buddy".into(), "Canine".into()), "Lab".into());
//! assert_eq!(dog.getattr("species")?, Value::from("Canine"));
//! assert_eq!(dog.name()?, "Buddy");
//!
//! let mut pup = Dog::new("Beagle".into());          // Dog(): the base's slots unset
//! assert_eq!(pup.breed()?, "Beagle");
//! assert!(!pup.hasattr("name"));
//! pup.set_name("Rex".into());                       // Animal's setter, through Deref
//! assert_eq!(pup.name()?, "Rex");
//! let err = dog.setattr("color", "gold".into()).unwrap_err();
//! assert_eq!(err.to_string(), "'Dog' object has no attribute 'color'");
//! # Ok::<(), pyslots::Error>(())
//! ```
//!
//! The struct's fields become private storage (a slot may be unset, and a
//! `String` slot is stored as a shared [`PyStr`]); use the accessors.
//!
//! ## Semantics
//!
//! Attribute lookup follows CPython: slots and the other data descriptors
//! (`__dict__`, `__weakref__`), then the instance dict, then class
//! attributes (`class_attrs(...)`, `__slots__`), the first class along the
//! MRO that defines a name deciding. Reading an unset slot is
//! `AttributeError: 'P' object has no attribute 'x'`, deleting it twice is
//! `AttributeError: x`, writing a wrong-typed value to a typed slot is a
//! `TypeError` that leaves the object unchanged. No failed call changes the
//! object.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use pyslots_macros::{methods, pyclass_like, slots};
pub use pyslots_runtime::{
    call_method, copy, deepcopy, delattr, dir, gc, generic_delattr, generic_getattr, generic_setattr, getattr,
    getattr_ref, getsizeof, getstate, gil, hasattr, recursion_limit, set_recursion_limit, setattr, setstate, slotnames,
    total_sizeof, vars, Attr, BigInt, Dict, Error, ErrorKind, Frozen, Instance, ItemAt, ItemMismatch, Layout,
    LayoutRef, Literal, Member, Mismatch, Object, Py, PyBytes, PyClass, PyDict, PyFunction, PyList, PyObject, PyRef,
    PyRefMut, PyStr, PyTuple, SlotValue, Type, Value, ValueRef, WeakObject, WeakRef, WeakReferenceable, WeakRefs,
    WeakRefsOn, DEFAULT_RECURSION_LIMIT,
};

/// What a first program needs: `use pyslots::prelude::*;`.
///
/// The attributes, Python's attribute builtins, the values, the error, the
/// handles, [`Object`] (whose methods are the builtins on a value), and
/// what a class made at run time takes ([`Type`], [`Dict`]). The
/// [`PyClass`] trait, named in generic bounds and for
/// [`PyClass::member`], is imported by its path.
pub mod prelude {
    pub use crate::{
        delattr, dir, getattr, hasattr, methods, pyclass_like, setattr, slots, vars, Dict, Error, Object, Py, PyObject,
        Type, Value,
    };
}

/// What generated code names, by absolute path; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use core::default::Default;
    pub use core::mem::size_of;
    pub use core::option::Option::{self, None, Some};
    pub use core::primitive::{bool, f64, str, u128, u16, u32, u64, u8, usize};
    pub use core::result::Result::{self, Err, Ok};
    pub use core::{fmt, module_path};
    pub use pyslots_runtime::__private::*;
    pub use std::string::ToString;

    pub use crate::__pyslots_impl_serde as impl_serde;
}

/// `Serialize` and `Deserialize` for a class, with the `serde` feature:
/// `#[pyclass_like]` emits `::pyslots::__private::impl_serde!(Class);`,
/// and whether this crate has the feature decides what it expands to (a
/// `#[cfg]` in the expansion would test the user's crate instead).
#[cfg(feature = "serde")]
#[doc(hidden)]
#[macro_export]
macro_rules! __pyslots_impl_serde {
    ($class:ident) => {
        impl ::pyslots::__private::serde::Serialize for $class {
            fn serialize<__PyslotsS: ::pyslots::__private::serde::Serializer>(
                &self,
                __pyslots_s: __PyslotsS,
            ) -> ::core::result::Result<__PyslotsS::Ok, __PyslotsS::Error> {
                ::pyslots::__private::serialize_object(self, __pyslots_s)
            }
        }
        impl<'__pyslots_de> ::pyslots::__private::serde::Deserialize<'__pyslots_de> for $class {
            fn deserialize<__PyslotsD: ::pyslots::__private::serde::Deserializer<'__pyslots_de>>(
                __pyslots_d: __PyslotsD,
            ) -> ::core::result::Result<Self, __PyslotsD::Error> {
                ::pyslots::__private::deserialize_object(__pyslots_d)
            }
        }
    };
}

/// Without the `serde` feature: nothing.
#[cfg(not(feature = "serde"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __pyslots_impl_serde {
    ($class:ident) => {};
}
