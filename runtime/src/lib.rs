//! Run-time object model of [pyslots](https://docs.rs/pyslots): values,
//! dicts, errors, the `Object`/`PyClass` traits, layouts and handles.
//!
//! Use it through the `pyslots` crate, which re-exports everything here and
//! adds the `#[pyclass_like]` and `#[slots]` macros.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod builtins;
#[doc(hidden)]
pub mod class;
pub mod dict;
pub mod error;
pub mod handle;
pub mod layout;
pub mod object;
pub mod pystr;
pub mod slot;
pub mod value;

pub use builtins::{delattr, dir, getattr, getsizeof, hasattr, setattr, total_sizeof, vars};
pub use dict::{Dict, SharedKeys};
pub use error::{Error, ErrorKind};
pub use handle::{Py, PyObject, WeakRef};
pub use layout::Layout;
pub use object::{Object, PyClass, WeakReferenceable, WeakRefs};
pub use pystr::PyStr;
pub use slot::SlotValue;
pub use value::Value;
