//! Classes made at run time: `Type` (CPython's `type_new`, the class's
//! tables) and `Instance`, an instance of one.

pub(crate) mod instance;
pub(crate) mod typeobject;
