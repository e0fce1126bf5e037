//! Run-time object model of [pyslots](https://docs.rs/pyslots): values
//! (Python's built-in types), errors, the `Object`/`PyClass` traits,
//! layouts, handles, and the attribute algorithm generated code runs.
//!
//! Use it through the `pyslots` crate, which re-exports everything here and
//! adds the `#[pyclass_like]` and `#[slots]` macros.
#![deny(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

// The folders are the architecture (ARCHITECTURE.md has the table of who
// may use whom, which tests/architecture.rs checks); every public item has
// one path, at the crate root, and what only generated code uses is in
// `__private`.
mod error;
mod handles;
mod objects;
mod state;
mod storage;
mod types;
mod values;

pub use error::{Error, ErrorKind};
pub use handles::borrow::{PyRef, PyRefMut};
pub use handles::gc;
pub use handles::gil;
pub use handles::handle::{Py, PyObject, WeakObject, WeakRef};
pub use objects::builtins::{
    call_method, delattr, dir, generic_delattr, generic_getattr, generic_setattr, getattr, getattr_ref, getsizeof,
    hasattr, setattr, total_sizeof, vars,
};
pub use objects::layout::{Layout, Literal};
pub use objects::layout_ref::LayoutRef;
pub use objects::object::Member;
pub use objects::object::{Frozen, Object, PyClass, WeakReferenceable, WeakRefs, WeakRefsOn};
pub use state::copy::{copy, deepcopy};
pub use state::getstate::{getstate, setstate, slotnames};
pub use state::recursion::{recursion_limit, set_recursion_limit, DEFAULT_LIMIT as DEFAULT_RECURSION_LIMIT};
pub use storage::slot::{ItemAt, ItemMismatch, Mismatch, SlotValue};
pub use types::instance::Instance;
pub use types::rt_class::Type;
pub use types::typeobject::Attr;
pub use values::bytes::PyBytes;
pub use values::dict::{Dict, PyDict};
pub use values::int::BigInt;
pub use values::list::PyList;
pub use values::pystr::PyStr;
pub use values::tuple::PyTuple;
pub use values::value::ValueRef;
pub use values::value::{PyFunction, Value};

/// What generated code names (through the facade's `__private`), and
/// nothing else does: PyO3's `impl_`. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::handles::borrow::testing as borrow_testing;
    pub use crate::handles::gc::Visit;
    pub use crate::objects::class::*;
    pub use crate::objects::layout::{
        all_frozen, any_frozen, any_has_dict, any_has_slot, any_has_weakref, base_rule, best_base_has_dict,
        best_base_index, has_own_slot, layout_conflict, lookup_by_stored_base, mro_conflict, secondary_dict,
    };
    pub use crate::objects::method::{
        arg, bind, exact, positional, receiver, receiver_mut, setter_arg, IntoReturn, IntoUnit,
    };
    pub use crate::objects::object::{
        method_flags, no_entry, Body, Copied, Glue, Kwargs, MethodBlock, MethodDef, MethodTable, Named, ObjectStorage,
        PropertyDef, Signature,
    };
    pub use crate::values::list::testing as list_testing;

    /// The fallback `#[pyclass_like]` reads a class's block through: a
    /// class without a `#[methods]` block gets [`MethodBlock::NONE`] (an
    /// empty table, no names, no glue); one with a block has an inherent
    /// constant of the same name, which shadows this one.
    pub trait NoMethods {
        /// No `#[methods]` block.
        const __PYSLOTS_BLOCK: MethodBlock<Self> = MethodBlock::NONE;
    }
    impl<T: ?Sized> NoMethods for T {}
    #[cfg(feature = "serde")]
    pub use crate::state::serde_impl::{deserialize_object, serialize_object};
    pub use crate::storage::instance_dict::LearnedValues;
    pub use crate::storage::shared_keys::{LearnedKeys, LEARNED_KEYS_MAX};
    pub use crate::storage::slot::{range_type_name, SetFlags};
    pub use crate::{Error, Frozen, Layout, Literal, Object, Py, PyClass, SlotValue, Type, Value, WeakRefs};
    #[cfg(feature = "serde")]
    pub use serde;
}

/// The `serde` crate, for the implementations `#[pyclass_like]` emits.
#[cfg(feature = "serde")]
#[doc(hidden)]
pub use serde;
