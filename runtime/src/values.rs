//! Python's built-in values: `Value` and the types it holds (`str`,
//! `bytes`, `int` beyond 64 bits, `list`, `tuple`, `dict`), their `repr`,
//! equality and hash. The containers hold `Value`s and `Value` holds them
//! and object handles: the one import knot a recursive value type needs.

pub(crate) mod bytes;
pub(crate) mod dict;
pub(crate) mod hash;
pub(crate) mod int;
pub(crate) mod list;
pub(crate) mod pystr;
pub(crate) mod repr;
pub(crate) mod tuple;
pub(crate) mod value;
