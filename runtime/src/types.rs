//! Classes as values and classes made at run time: what a class is made of
//! (`rt_class`: `Type`'s representation, `RtClass`), `Type`'s methods and
//! CPython's `type_new` (`typeobject`), and `Instance`, an instance of a
//! class made at run time.

pub(crate) mod instance;
pub(crate) mod rt_class;
pub(crate) mod typeobject;
