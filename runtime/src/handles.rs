//! Shared objects: the handles (`Py`, `PyObject`, weak references), the
//! borrow record that makes a same-thread conflict an error, the cycle
//! collector and deep drops (the trashcan).

pub(crate) mod borrow;
pub mod gc;
pub mod gil;
pub(crate) mod handle;
pub(crate) mod pycell;
pub(crate) mod trashcan;
