//! Run-time object model of [pyslots](https://docs.rs/pyslots): values
//! (Python's built-in types), errors, the `Object`/`PyClass` traits,
//! layouts, handles, and the attribute algorithm generated code runs.
//!
//! Use it through the `pyslots` crate, which re-exports everything here and
//! adds the `#[pyclass_like]` and `#[slots]` macros.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod borrow;
pub mod builtins;
pub mod bytes;
#[doc(hidden)]
pub mod class;
pub mod dict;
pub mod error;
pub mod gc;
pub mod handle;
pub mod instance;
#[doc(hidden)]
pub mod instance_dict;
pub mod int;
pub mod layout;
pub mod layout_ref;
pub mod list;
pub mod member;
mod name_key;
pub mod object;
pub mod pystr;
mod recursion;
#[cfg(feature = "serde")]
pub mod serde_impl;
pub mod slot;
pub mod state;
mod trashcan;
pub mod tuple;
pub mod typeobject;
pub mod value;
pub mod value_ref;

pub use borrow::{PyRef, PyRefMut};
pub use builtins::{delattr, dir, getattr, getattr_ref, getsizeof, hasattr, setattr, total_sizeof, vars};
pub use bytes::PyBytes;
pub use dict::{Dict, PyDict};
pub use error::{Error, ErrorKind};
pub use handle::{Py, PyObject, WeakObject, WeakRef};
pub use instance::Instance;
pub use int::BigInt;
pub use layout::{Layout, Literal};
pub use layout_ref::LayoutRef;
pub use list::PyList;
pub use member::Member;
pub use object::{Object, PyClass, WeakReferenceable, WeakRefs};
pub use pystr::PyStr;
pub use recursion::{recursion_limit, set_recursion_limit, DEFAULT_LIMIT as DEFAULT_RECURSION_LIMIT};
pub use slot::SlotValue;
pub use state::{copy, deepcopy, getstate, setstate, slotnames};
pub use tuple::PyTuple;
pub use typeobject::{Attr, Type};
pub use value::Value;
pub use value_ref::ValueRef;

/// The `serde` crate, for the implementations `#[pyclass_like]` emits.
#[cfg(feature = "serde")]
#[doc(hidden)]
pub use serde;
