//! State and copies: `getstate`/`setstate`, `copy`/`deepcopy`, serde, and
//! the depth limit of the operations that must recurse on data.

pub(crate) mod copy;
pub(crate) mod getstate;
pub(crate) mod recursion;
#[cfg(feature = "serde")]
pub(crate) mod serde_impl;
