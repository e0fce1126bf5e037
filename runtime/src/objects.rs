//! Objects and classes: the `Object` and `PyClass` traits, a class's
//! `Layout` (and `LayoutRef`, the same for both kinds of class), member
//! descriptors, CPython's one attribute algorithm (`class`) and the
//! builtins over it.

pub(crate) mod builtins;
pub(crate) mod class;
pub(crate) mod layout;
pub(crate) mod layout_ref;
pub(crate) mod member;
pub(crate) mod method;
pub(crate) mod object;
