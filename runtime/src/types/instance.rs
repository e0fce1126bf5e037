//! `Instance`: an instance of a class made at run time
//! ([`Type::new`](crate::Type::new)), as compact as a compile-time one.
//!
//! A slot is a packed value, 16 bytes: `None`, a bool, an int or a
//! float inline (with "unset" as one more state, so no set-flags are
//! needed), anything else boxed. An instance of a class with at most two
//! slots, no dict and no `#[pyclass_like]` base is its class and those two
//! slots: 40 bytes, with no allocation at all (CPython's slotted `Point`
//! with two floats takes 96). An instance with a dict and nothing else is
//! its class and one allocation of the values for the keys its class has
//! learned (`LearnedValues`): a regular `Point` takes 104 bytes, CPython's
//! 136. Any other instance is its class and one pointer to the rest (the
//! slots, the dict, the embedded instance).
//!
//! Behind a handle, the cell is sized by the class: an instance with three
//! to eight slots and nothing else keeps them in the cell
//! (`Instance<3, Wide>`, `<4, Wide>`, `<8, Wide>`: `new_shared`), one
//! allocation rather than two, and a read follows no second pointer
//! (issue 24's workload, 903M -> 860M instructions). Those slots are 24
//! bytes ([`Wide`]): an object reference is kept in place, not boxed, so
//! linking objects allocates nothing and reading a link follows one
//! pointer fewer (the workload's teardown 9 -> 5.5 ms, its frees halved).
//!
//! It reads and writes through the same attribute algorithm as every
//! `#[pyclass_like]` class (`class.rs`), through [`Hooks`]: the slot name
//! table of its class replaces the generated `match`.

use std::fmt;
use std::sync::Arc;

use crate::error::Error;
use crate::handles::handle::{CellValue, Plain, PyObject};
use crate::handles::trashcan;
use crate::objects::class::{
    dict_heap_size, dict_traverse, fmt_debug, generic_attribute_methods, generic_getattr, generic_setattr,
    object_methods_over_hooks, DictView, DictViewMut, Hooks, SharedKeys, SlotDel, SlotGet, SlotGetRef, SlotSet,
};
use crate::objects::layout_ref::LayoutRef;
use crate::objects::object::{Object, ObjectStorage, PyClass};
use crate::storage::instance_dict::LearnedValues;
use crate::storage::name_key::NameKey;
use crate::types::rt_class::{object_class, unhooked, DictAt, Loc, RtClass, Type};
use crate::values::value::{Value, ValueRef};

/// How many slot values an owned instance keeps inline (`Instance`'s
/// default `N`).
const INLINE: usize = 2;

/// An instance of a class made at run time: what
/// [`Type::instantiate`](crate::Type::instantiate) puts behind a
/// [`PyObject`](crate::PyObject), or [`Instance::new`] hands over
/// owned. It is an [`Object`] like any `#[pyclass_like]` struct.
///
/// `N` is how many slot values it keeps inline, without an allocation of
/// their own: an `Instance` you make keeps two (so that it stays as small
/// as CPython's object); one made behind a handle keeps as many as its
/// class has, up to eight. Code outside pyslots only ever names
/// `Instance`.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::Instance;
///
/// let mut ns = Dict::new();
/// ns.insert("__slots__", Value::tuple(["x", "y"]));
/// let point = Type::new("Point", &[], ns)?;
/// let mut p = Instance::new(&point).unwrap();
/// p.setattr("x", Value::Float(3.0))?;
/// assert_eq!(p.getattr("x")?, Value::Float(3.0));
/// assert_eq!(p.getattr("y").unwrap_err().to_string(), "'Point' object has no attribute 'y'");
/// assert_eq!(p.dir(), ["__slots__", "x", "y"]);
/// assert_eq!(p.class(), point);
/// # Ok::<(), pyslots::Error>(())
/// ```
pub struct Instance<const N: usize = 2, S: SlotStore = Packed> {
    /// The class, kept alive by its instances: one count each, taken when
    /// the instance is made and let go when it is dropped; an access reads
    /// through it without touching the count.
    class: Arc<RtClass>,
    storage: Storage<N, S>,
}

/// The pointers fit beside `Small`'s first tag, so the enum needs no tag
/// of its own: 32 bytes.
enum Storage<const N: usize, S> {
    /// At most `N` slots and nothing else.
    Small([S; N]),
    /// More slots and nothing else: one allocation, one pointer to follow.
    Slots(Box<[S]>),
    /// A dict and nothing else: one allocation.
    Dict(LearnedValues),
    /// Slots and a dict, or an embedded `#[pyclass_like]` instance.
    Large(Box<Large<S>>),
}

impl<const N: usize, S> Storage<N, S> {
    /// The instance's own dict storage, if its class gives it one.
    #[inline(always)]
    fn dict_mut(&mut self) -> Option<&mut LearnedValues> {
        match self {
            Storage::Dict(d) => Some(d),
            Storage::Large(l) => l.dict.as_mut(),
            Storage::Small(_) | Storage::Slots(_) => None,
        }
    }
}

struct Large<S> {
    values: Box<[S]>,
    /// The instance's own dict, where its class gives it one.
    dict: Option<LearnedValues>,
    base: Option<Box<dyn Object>>,
}

/// How an instance of a run-time class stores a slot's value, with room
/// for "unset": [`Packed`], 16 bytes, anything but a number or `None`
/// boxed, or [`Wide`], 24 bytes, an object's handle in place. Only this
/// module implements it.
///
/// An owned instance, and one behind a handle that keeps at most two
/// values inline, packs them: a run-time `Point` with two floats behind a
/// handle is then no larger than CPython's. One that keeps three or more
/// in its cell (`new_shared`) has room to spare next to that, and keeps an
/// object it refers to in place: no box to allocate when the link is set,
/// to follow when it is read, or to free (issue 24's workload: a linked
/// list of 10^5 three-slot nodes, build, walks and teardown).
pub trait SlotStore: Default + Send + Sync + 'static {
    /// `value` as stored.
    fn pack(value: Value) -> Self;
    /// The value stored, `None` if unset.
    fn unpack(self) -> Option<Value>;
    /// The value, cloned.
    fn get(&self) -> SlotGet;
    /// The value, borrowed.
    fn get_ref(&self) -> SlotGetRef<'_>;
    /// The value, each kind written straight into the result (see
    /// `Object::getattr`); `None` if unset.
    fn read(&self) -> Option<Result<Value, Error>>;
    /// The value, each kind written straight into the result; `miss()`
    /// if unset (`Object::getattr`: through an `Option`, as `read` gives
    /// it, a float's read took 7 instructions more).
    fn read_or(&self, miss: impl FnOnce() -> Result<Value, Error>) -> Result<Value, Error>;
    /// The value for a read with no mark (`CellValue::getattr_fast`).
    fn plain(&self) -> Plain<'_>;
    /// Writes `value` over a number or nothing, if it is a number, `None`
    /// or a bool (or, [`Wide`], an object, taken): nothing dropped, no
    /// allocation (`CellValue::setattr_fast`).
    fn write_fast(&mut self, value: &mut Value) -> bool;
    /// Writes `value` over a number or nothing, taking any value that is
    /// not a number (`ObjectStorage::setattr_plain`).
    fn write_plain(&mut self, value: &mut Value) -> bool;
    /// Stores `value`, a number copied, any other value taken (`setattr`
    /// of a slot: what the slot held is dropped).
    fn store(&mut self, value: &mut Value);
    /// Takes the value out if it can hold references (an object, a list,
    /// a dict, a tuple), leaving the slot unset: moved, not cloned.
    fn take_reference(&mut self) -> Option<Value>;
    /// Heap bytes the slot owns: a box and what its value owns.
    fn heap_size(&self) -> usize;
    /// Visits what the value refers to.
    fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>);
}

/// The two kinds of slot value, each declared and implemented once.
macro_rules! slot_store {
    ($(#[$doc:meta])* $t:ident, $($object:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Default)]
        pub enum $t {
            /// Not set.
            #[default]
            Unset,
            /// `None`.
            None,
            /// A bool.
            Bool(bool),
            /// An int.
            Int(i64),
            /// A float.
            Float(f64),
            $(
                /// An object.
                $object(PyObject),
            )?
            /// Any other value.
            Boxed(Box<Value>),
        }

        impl SlotStore for $t {
            #[inline(always)]
            fn pack(value: Value) -> $t {
                match value {
                    Value::Float(x) => $t::Float(x),
                    Value::Int(i) => $t::Int(i),
                    Value::Bool(b) => $t::Bool(b),
                    Value::None => $t::None,
                    $(Value::Object(o) => $t::$object(o),)?
                    other => $t::Boxed(Box::new(other)),
                }
            }
            #[inline(always)]
            fn unpack(self) -> Option<Value> {
                Some(match self {
                    $t::Unset => return None,
                    $t::None => Value::None,
                    $t::Bool(b) => Value::Bool(b),
                    $t::Int(i) => Value::Int(i),
                    $t::Float(x) => Value::Float(x),
                    $($t::$object(o) => Value::Object(o),)?
                    $t::Boxed(v) => *v,
                })
            }
            #[inline(always)]
            fn get(&self) -> SlotGet {
                match self {
                    $t::Unset => SlotGet::Unset,
                    $t::None => SlotGet::Found(Value::None),
                    $t::Bool(b) => SlotGet::Found(Value::Bool(*b)),
                    $t::Int(i) => SlotGet::Found(Value::Int(*i)),
                    $t::Float(x) => SlotGet::Found(Value::Float(*x)),
                    $($t::$object(o) => SlotGet::Found(Value::Object(o.clone())),)?
                    $t::Boxed(v) => SlotGet::Found((**v).clone()),
                }
            }
            #[inline(always)]
            fn get_ref(&self) -> SlotGetRef<'_> {
                match self {
                    $t::Unset => SlotGetRef::Unset,
                    $t::None => SlotGetRef::Found(ValueRef::Owned(Value::None)),
                    $t::Bool(b) => SlotGetRef::Found(ValueRef::Bool(*b)),
                    $t::Int(i) => SlotGetRef::Found(ValueRef::Int(*i)),
                    $t::Float(x) => SlotGetRef::Found(ValueRef::Float(*x)),
                    $($t::$object(o) => SlotGetRef::Found(ValueRef::Object(o)),)?
                    $t::Boxed(v) => SlotGetRef::Found(ValueRef::Value(v)),
                }
            }
            #[inline(always)]
            fn read(&self) -> Option<Result<Value, Error>> {
                match self {
                    $t::Float(x) => Some(Ok(Value::Float(*x))),
                    $t::Int(x) => Some(Ok(Value::Int(*x))),
                    $t::Bool(b) => Some(Ok(Value::Bool(*b))),
                    $t::None => Some(Ok(Value::None)),
                    $($t::$object(o) => Some(Ok(Value::Object(o.clone()))),)?
                    $t::Boxed(v) => Some(cloned(v)),
                    $t::Unset => None,
                }
            }
            #[inline(always)]
            fn read_or(&self, miss: impl FnOnce() -> Result<Value, Error>) -> Result<Value, Error> {
                match self {
                    $t::Float(x) => Ok(Value::Float(*x)),
                    $t::Int(x) => Ok(Value::Int(*x)),
                    $t::Bool(b) => Ok(Value::Bool(*b)),
                    $t::None => Ok(Value::None),
                    $($t::$object(o) => Ok(Value::Object(o.clone())),)?
                    $t::Boxed(v) => cloned(v),
                    $t::Unset => miss(),
                }
            }
            #[inline(always)]
            fn plain(&self) -> Plain<'_> {
                match self {
                    $t::Float(x) => Plain::Float(*x),
                    $t::Int(x) => Plain::Int(*x),
                    $t::Bool(b) => Plain::Bool(*b),
                    $t::None => Plain::None,
                    $($t::$object(o) => Plain::Object(o),)?
                    $t::Boxed(v) => Plain::Boxed(v),
                    $t::Unset => Plain::Miss,
                }
            }
            #[inline(always)]
            fn write_fast(&mut self, value: &mut Value) -> bool {
                match self {
                    $t::Unset | $t::None | $t::Bool(_) | $t::Int(_) | $t::Float(_) => {
                        // Each kind stored in its own arm: through one
                        // temporary, a bool's byte was merged into every
                        // write (3 instructions more). What it replaces
                        // holds nothing to drop, but `*self = new` still
                        // called the drop glue out of line.
                        match value {
                            Value::Float(x) => std::mem::forget(std::mem::replace(self, $t::Float(*x))),
                            Value::Int(i) => std::mem::forget(std::mem::replace(self, $t::Int(*i))),
                            Value::None => std::mem::forget(std::mem::replace(self, $t::None)),
                            Value::Bool(b) => std::mem::forget(std::mem::replace(self, $t::Bool(*b))),
                            // Out of line: in line, its temporaries gave
                            // every write a frame (2 instructions).
                            $(Value::Object(_) => return take_object(self, value, $t::$object),)?
                            _ => return false,
                        }
                        true
                    }
                    _ => false,
                }
            }
            #[inline(always)]
            fn write_plain(&mut self, value: &mut Value) -> bool {
                match self {
                    $t::Unset | $t::None | $t::Bool(_) | $t::Int(_) | $t::Float(_) => {
                        // Read after the caller's scan, not before: held
                        // through it, the number was stored to the stack
                        // and loaded back.
                        let new = match value {
                            Value::Float(x) => $t::Float(*x),
                            Value::Int(i) => $t::Int(*i),
                            // Any other value is taken (and boxed, unless
                            // it is kept in place): the runtime's own
                            // allocation, nothing borrowed, nothing
                            // dropped (the workload's `next` link: 105
                            // instructions fewer).
                            other => $t::pack(std::mem::take(other)),
                        };
                        // What it replaces holds nothing to drop (matched
                        // above), but `*self = new` still called the drop
                        // glue out of line (12 of the run-time setattr's
                        // 90 instructions).
                        std::mem::forget(std::mem::replace(self, new));
                        true
                    }
                    _ => false,
                }
            }
            #[inline(always)]
            fn store(&mut self, value: &mut Value) {
                *self = match value {
                    Value::Float(x) => $t::Float(*x),
                    Value::Int(i) => $t::Int(*i),
                    other => $t::pack(std::mem::take(other)),
                };
            }
            #[inline(always)]
            fn take_reference(&mut self) -> Option<Value> {
                match self {
                    $($t::$object(_) => std::mem::take(self).unpack(),)?
                    $t::Boxed(v) if v.may_hold_references() => std::mem::take(self).unpack(),
                    _ => None,
                }
            }
            fn heap_size(&self) -> usize {
                match self {
                    $t::Boxed(v) => std::mem::size_of::<Value>() + v.heap_size(),
                    _ => 0,
                }
            }
            /// Only an object or a boxed value can hold a reference; an
            /// object's (in place or boxed) is reported in line, the rest
            /// by a call.
            #[inline(always)]
            fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
                match self {
                    $($t::$object(o) => o.traverse(visit),)?
                    $t::Boxed(v) => match &**v {
                        Value::Object(o) => o.traverse(visit),
                        v => v.traverse(visit),
                    },
                    _ => {}
                }
            }
        }
    };
}

slot_store!(
    /// A slot's value in 16 bytes where a [`Value`] takes 24, with room
    /// for "unset": a number or `None` inline, anything else boxed.
    Packed,
);
slot_store!(
    /// A slot's value in 24 bytes: a number, `None` or an object's handle
    /// inline, anything else boxed.
    Wide,
    Object
);

/// Takes the object `value` holds into `slot`, which holds a number or
/// nothing (nothing to drop), leaving the caller's value `None`.
#[inline(never)]
fn take_object<S>(slot: &mut S, value: &mut Value, stored: fn(PyObject) -> S) -> bool {
    if let Value::Object(o) = std::mem::take(value) {
        std::mem::forget(std::mem::replace(slot, stored(o)));
    }
    true
}

impl Instance {
    /// A new instance of a class made at run time, owned rather than
    /// behind a handle (as a `#[pyclass_like]` struct is before
    /// [`Py::new`](crate::Py::new)), every slot unset and the dict empty:
    /// Python's `object.__new__(cls)`; [`Type::instantiate`] makes one
    /// behind a handle.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Instance;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x", "y"]));
    /// let point = Type::new("Point", &[], ns)?;
    /// let mut p = Instance::new(&point)?;
    /// p.setattr("x", Value::Float(1.0))?;
    /// assert_eq!(p.getattr("x")?, Value::Float(1.0));
    /// assert_eq!(std::mem::size_of_val(&p), 40);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A `TypeError` for a `#[pyclass_like]` class, whose instances are
    /// its Rust type.
    pub fn new(class: &Type) -> Result<Instance, Error> {
        match class.runtime_class() {
            Some(c) => Ok(Instance::of_class(c)),
            None => Err(Error::type_error(format!(
                "cannot make an Instance of {class}: a #[pyclass_like] class's instances are its Rust type"
            ))),
        }
    }
}

impl<const N: usize, S: SlotStore> Instance<N, S> {
    /// A new instance of `class`, every slot unset: its slot values inline
    /// if the class has no more than `N` and nothing else.
    pub(crate) fn of_class(class: &Arc<RtClass>) -> Instance<N, S> {
        let n = class.value_count as usize;
        let own_dict = class.dict == DictAt::Own;
        let storage = match (own_dict, class.embedded.is_some(), n) {
            (false, false, _) if n <= N => Storage::Small(std::array::from_fn(|_| S::default())),
            (false, false, _) => Storage::Slots((0..n).map(|_| S::default()).collect()),
            (true, false, 0) => Storage::Dict(LearnedValues::new(&class.keys)),
            _ => Storage::Large(Box::new(Large {
                values: (0..n).map(|_| S::default()).collect(),
                dict: own_dict.then(|| LearnedValues::new(&class.keys)),
                base: class.embedded.map(|make| make()),
            })),
        };
        Instance { class: class.clone(), storage }
    }

    fn large(&self) -> Option<&Large<S>> {
        match &self.storage {
            Storage::Large(l) => Some(l),
            Storage::Small(_) | Storage::Slots(_) | Storage::Dict(_) => None,
        }
    }

    fn large_mut(&mut self) -> Option<&mut Large<S>> {
        match &mut self.storage {
            Storage::Large(l) => Some(l),
            Storage::Small(_) | Storage::Slots(_) | Storage::Dict(_) => None,
        }
    }

    /// The inline value of `name` in the instance's own dict, if the class
    /// has learned the name and the value is there.
    #[inline(always)]
    fn learned_value(&self, probe: NameKey, name: &str) -> Option<&Value> {
        let dict = self.own_dict()?;
        let (_, index) = self.class.keys.find_key(probe, name)?;
        dict.inline_value(index)
    }

    #[inline(always)]
    fn learned_value_mut(&mut self, probe: NameKey, name: &str) -> Option<&mut Value> {
        let Instance { class, storage } = self;
        let dict = storage.dict_mut()?;
        let (_, index) = class.keys.find_key(probe, name)?;
        dict.inline_value_mut(index)
    }

    /// The instance's own dict storage, if its class gives it one.
    fn own_dict(&self) -> Option<&LearnedValues> {
        match &self.storage {
            Storage::Dict(d) => Some(d),
            Storage::Large(l) => l.dict.as_ref(),
            Storage::Small(_) | Storage::Slots(_) => None,
        }
    }

    #[inline(always)]
    fn values(&self) -> &[S] {
        match &self.storage {
            Storage::Small(v) => v,
            Storage::Slots(v) => v,
            Storage::Dict(_) => &[],
            Storage::Large(l) => &l.values,
        }
    }

    /// [`ObjectStorage::traverse`], and the cell's own reference to the
    /// class too if `cell_class` (it is the instance's): one report of two
    /// references.
    #[inline(always)]
    fn traverse_counting_class(&self, visit: &mut crate::handles::gc::Visit<'_>, cell_class: bool) {
        // The instance's own count of its class (its cell holds another).
        if let Some(h) = self.class.gc_header() {
            if cell_class {
                visit.node_twice(h);
            } else {
                visit.node(h);
            }
        }
        // Only a boxed value can hold a reference; an object's is reported
        // in line, the rest by a call. A cell's instance with its values
        // inline (`new_shared`) has nothing else: one compare finds them.
        if N > INLINE {
            if let Storage::Small(values) = &self.storage {
                for p in values {
                    p.traverse(visit);
                }
                return;
            }
        }
        for p in self.values() {
            p.traverse(visit);
        }
        if !matches!(self.storage, Storage::Small(_) | Storage::Slots(_)) {
            dict_traverse(self.own_dict().map(|d| d.view(&self.class.keys)), visit);
            if let Some(b) = self.large().and_then(|e| e.base.as_ref()) {
                b.traverse(visit);
            }
        }
    }

    /// [`values`](Self::values) for the reads and writes with no mark: a
    /// cell's instance that keeps more than two values inline (made by
    /// [`new_shared`]) has no other storage, so its values are found with
    /// one compare, not the four-way match; the rest is left to the
    /// marked path.
    #[inline(always)]
    fn plain_values(&self) -> &[S] {
        if N > INLINE {
            return match &self.storage {
                Storage::Small(v) => v,
                _ => &[],
            };
        }
        self.values()
    }

    #[inline(always)]
    fn plain_values_mut(&mut self) -> &mut [S] {
        if N > INLINE {
            return match &mut self.storage {
                Storage::Small(v) => v,
                _ => &mut [],
            };
        }
        self.values_mut()
    }

    #[inline(always)]
    fn values_mut(&mut self) -> &mut [S] {
        match &mut self.storage {
            Storage::Small(v) => v,
            Storage::Slots(v) => v,
            Storage::Dict(_) => &mut [],
            Storage::Large(l) => &mut l.values,
        }
    }

    /// The instance's class, `type(obj)`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Instance;
    ///
    /// let point = Type::new("Point", &[], Dict::new())?;
    /// let p = Instance::new(&point)?;
    /// assert_eq!(p.class(), point);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn class(&self) -> Type {
        Type::runtime(self.class.clone())
    }

    /// The embedded instance of the `#[pyclass_like]` class the class
    /// extends, if it extends one.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Instance;
    ///
    /// #[pyclass_like]
    /// #[slots(name)]
    /// struct Named { name: String }
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["age"]));
    /// let person = Type::new("Person", &[Type::of::<Named>()], ns)?;
    /// let mut p = Instance::new(&person).unwrap();
    /// p.setattr("name", "Ada".into())?;
    /// p.setattr("age", 36.into())?;
    /// let named: &Named = p.base_as().unwrap();
    /// assert_eq!(named.name()?, "Ada");
    /// assert_eq!(p.base().unwrap().type_name(), "Named");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn base(&self) -> Option<&dyn Object> {
        self.large()?.base.as_deref()
    }

    /// The embedded instance as its Rust type, if it is a `T`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Instance;
    ///
    /// #[pyclass_like]
    /// #[slots(name)]
    /// struct Named { name: String }
    ///
    /// let person = Type::new("Person", &[Type::of::<Named>()], Dict::new())?;
    /// let mut p = Instance::new(&person)?;
    /// p.setattr("name", "Ada".into())?;
    /// let named: &Named = p.base_as().unwrap();
    /// assert_eq!(named.name()?, "Ada");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn base_as<T: PyClass>(&self) -> Option<&T> {
        self.base()?.as_any()?.downcast_ref()
    }

    /// The embedded instance as its Rust type, to write.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Instance;
    ///
    /// #[pyclass_like]
    /// #[slots(name)]
    /// struct Named { name: String }
    ///
    /// let person = Type::new("Person", &[Type::of::<Named>()], Dict::new())?;
    /// let mut p = Instance::new(&person)?;
    /// p.base_as_mut::<Named>().unwrap().set_name("Bo".into());
    /// assert_eq!(p.getattr("name")?, Value::from("Bo"));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn base_as_mut<T: PyClass>(&mut self) -> Option<&mut T> {
        self.base_mut()?.as_any_mut()?.downcast_mut()
    }

    /// The embedded `#[pyclass_like]` instance, to write.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Instance;
    ///
    /// #[pyclass_like]
    /// #[slots(name)]
    /// struct Named { name: String }
    ///
    /// let person = Type::new("Person", &[Type::of::<Named>()], Dict::new())?;
    /// let mut p = Instance::new(&person)?;
    /// p.base_mut().unwrap().setattr("name", "Cy".into())?;
    /// assert_eq!(p.getattr("name")?, Value::from("Cy"));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn base_mut(&mut self) -> Option<&mut dyn Object> {
        match self.large_mut()?.base.as_mut() {
            Some(b) => Some(&mut **b),
            None => None,
        }
    }

    #[inline(always)]
    fn read(&self, loc: Option<Loc>) -> SlotGet {
        match loc {
            Some(Loc::Value(i)) => match self.values().get(unhooked(i)) {
                Some(p) => p.get(),
                None => SlotGet::NotSlot,
            },
            Some(Loc::Embedded(i)) => match self.base() {
                Some(b) => b.slot_get_at(i),
                None => SlotGet::NotSlot,
            },
            None => SlotGet::NotSlot,
        }
    }

    #[inline(always)]
    fn read_ref(&self, loc: Option<Loc>) -> SlotGetRef<'_> {
        match loc {
            Some(Loc::Value(i)) => match self.values().get(unhooked(i)) {
                Some(p) => p.get_ref(),
                None => SlotGetRef::NotSlot,
            },
            Some(Loc::Embedded(i)) => match self.base() {
                Some(b) => b.slot_get_ref_at(i),
                None => SlotGetRef::NotSlot,
            },
            None => SlotGetRef::NotSlot,
        }
    }

    #[inline(always)]
    fn write(&mut self, loc: Option<Loc>, value: Value) -> Result<SlotSet, Error> {
        match loc {
            Some(Loc::Value(i)) => match self.values_mut().get_mut(unhooked(i)) {
                Some(slot) => {
                    *slot = S::pack(value);
                    Ok(SlotSet::Done)
                }
                None => Ok(SlotSet::NotSlot(value)),
            },
            Some(Loc::Embedded(i)) => match self.base_mut() {
                Some(b) => b.slot_set_at(i, value),
                None => Ok(SlotSet::NotSlot(value)),
            },
            None => Ok(SlotSet::NotSlot(value)),
        }
    }

    #[inline(always)]
    fn delete(&mut self, loc: Option<Loc>) -> SlotDel {
        match loc {
            Some(Loc::Value(i)) => match self.values_mut().get_mut(unhooked(i)) {
                Some(slot) => match std::mem::take(slot).unpack() {
                    Some(_) => SlotDel::Done,
                    None => SlotDel::Unset,
                },
                None => SlotDel::NotSlot,
            },
            Some(Loc::Embedded(i)) => match self.base_mut() {
                Some(b) => b.slot_del_at(i),
                None => SlotDel::NotSlot,
            },
            None => SlotDel::NotSlot,
        }
    }
}

/// An instance of `object`: what a cell holds once the cycle collector
/// or a deep drop took its contents.
impl<const N: usize, S: SlotStore> Default for Instance<N, S> {
    fn default() -> Self {
        Instance::of_class(object_class())
    }
}

impl<const N: usize, S: SlotStore> Hooks for Instance<N, S> {
    #[inline(always)]
    fn class_layout(&self) -> LayoutRef<'_> {
        LayoutRef::runtime(&self.class)
    }
    #[inline(always)]
    fn has_class_attrs(&self) -> bool {
        self.class.has_class_attrs
    }
    #[inline(always)]
    fn has_methods(&self) -> bool {
        self.class.has_methods
    }
    #[inline(always)]
    fn as_object(&self) -> &dyn Object {
        self
    }
    #[inline(always)]
    fn as_object_mut(&mut self) -> &mut dyn Object {
        self
    }
    #[inline(always)]
    fn find_slot(&self, name: &str) -> SlotGet {
        self.read(self.class.find(name))
    }
    #[inline(always)]
    fn find_slot_ref(&self, name: &str) -> SlotGetRef<'_> {
        self.read_ref(self.class.find(name))
    }
    #[inline(always)]
    fn store_slot(&mut self, name: &str, value: Value) -> Result<SlotSet, Error> {
        let loc = self.class.find(name);
        self.write(loc, value)
    }
    #[inline(always)]
    fn remove_slot(&mut self, name: &str) -> SlotDel {
        let loc = self.class.find(name);
        self.delete(loc)
    }
    /// A key the class's instances' dicts have learned, and its index:
    /// the attribute algorithm reads and overwrites its inline value
    /// directly, as for a compile-time class's declared keys.
    #[inline]
    fn known_key(&self, name: &str) -> Option<(&SharedKeys, usize)> {
        match self.class.dict {
            DictAt::Own => self.class.keys.find(name),
            DictAt::None | DictAt::Embedded => None,
        }
    }
    #[inline]
    fn instance_dict(&self) -> Option<DictView<'_>> {
        match self.class.dict {
            DictAt::None => None,
            DictAt::Own => Some(self.own_dict()?.view(&self.class.keys)),
            DictAt::Embedded => self.base()?.dict_view(),
        }
    }
    #[inline]
    fn instance_dict_mut(&mut self) -> Option<DictViewMut<'_>> {
        match self.class.dict {
            DictAt::None => None,
            DictAt::Own => {
                let Instance { class, storage } = self;
                Some(storage.dict_mut()?.view_mut(&class.keys))
            }
            DictAt::Embedded => self.base_mut()?.dict_view_mut(),
        }
    }
}

impl<const N: usize, S: SlotStore> Object for Instance<N, S> {
    #[inline]
    fn type_name(&self) -> &str {
        self.class.name.as_str()
    }
    #[inline(always)]
    fn getattr(&self, name: &str) -> Result<Value, Error> {
        // A set slot of the instance's own storage answers first, as in
        // `generic_getattr`, each kind of value written straight into the
        // result. Through `SlotGet`, LLVM built every kind in one temporary
        // and copied it out with a 16-byte load over the two 8-byte stores
        // that wrote a float, which the CPU cannot forward (getattr of a
        // float slot 7.8 -> 2.x ns, benches report).
        let probe = NameKey::of(name);
        match self.class.find_key(probe, name) {
            Some(Loc::Value(i)) => {
                if let Some(slot) = self.values().get(i as usize) {
                    return slot.read_or(|| getattr_slow(self, name));
                }
            }
            // Not a slot: an inline value of the instance dict comes next
            // (no learned key is `__dict__` or `__weakref__`, the other
            // data descriptors; nor a property's name: `setattr` of it
            // calls the setter, so no instance learns it).
            None => match self.learned_value(probe, name) {
                Some(Value::Float(x)) => return Ok(Value::Float(*x)),
                Some(Value::Int(x)) => return Ok(Value::Int(*x)),
                Some(v) => return cloned(v),
                None => {}
            },
            Some(Loc::Embedded(_)) => {}
        }
        getattr_slow(self, name)
    }
    #[inline(always)]
    fn setattr(&mut self, name: &str, mut value: Value) -> Result<(), Error> {
        let result = set_in_place(self, name, &mut value);
        // Left a number or `None`: nothing to drop, and no call of the
        // drop glue.
        std::mem::forget(value);
        result
    }
    object_methods_over_hooks!();
    #[inline]
    fn layout(&self) -> LayoutRef<'_> {
        LayoutRef::runtime(&self.class)
    }
    fn heap_size(&self) -> usize {
        let held: usize = self.values().iter().map(S::heap_size).sum();
        let slots = match &self.storage {
            Storage::Slots(v) => std::mem::size_of_val(&**v),
            _ => 0,
        };
        let large = self.large().map_or(0, |e| {
            let base = e.base.as_ref().map_or(0, |b| std::mem::size_of_val(&**b) + b.heap_size());
            std::mem::size_of::<Large<S>>() + std::mem::size_of_val(&*e.values) + base
        });
        let dict = dict_heap_size(self.own_dict().map(|d| d.view(&self.class.keys)));
        held + slots + large + dict
    }
}

impl<const N: usize, S: SlotStore> crate::objects::object::sealed::Sealed for Instance<N, S> {}

impl<const N: usize, S: SlotStore> ObjectStorage for Instance<N, S> {
    /// A number written over a number in the instance's own storage drops
    /// nothing and runs no code but this.
    #[inline(always)]
    fn setattr_plain(&mut self, name: &str, value: &mut Value) -> bool {
        let Some(Loc::Value(i)) = self.class.find_key(NameKey::of(name), name) else { return false };
        self.plain_values_mut().get_mut(i as usize).is_some_and(|slot| slot.write_plain(value))
    }
    /// A set slot of the instance's own storage is what `getattr` finds
    /// first (a class with properties or methods never asks: its handle
    /// takes the path that may run user code), and what a slot holds is a
    /// `Value`, whose clone only counts references or copies. A slot of an
    /// embedded `#[pyclass_like]` base is left to the marked read.
    #[inline(always)]
    fn getattr_plain(&self, name: &str) -> Option<Result<Value, Error>> {
        match self.class.find_key(NameKey::of(name), name)? {
            Loc::Value(i) => self.own_slot(i),
            Loc::Embedded(_) => None,
        }
    }
    fn slot_get_at(&self, index: u32) -> SlotGet {
        self.read(self.class.at(index))
    }
    fn slot_get_ref_at(&self, index: u32) -> SlotGetRef<'_> {
        self.read_ref(self.class.at(index))
    }
    fn slot_set_at(&mut self, index: u32, value: Value) -> Result<SlotSet, Error> {
        let loc = self.class.at(index);
        self.write(loc, value)
    }
    fn slot_del_at(&mut self, index: u32) -> SlotDel {
        let loc = self.class.at(index);
        self.delete(loc)
    }
    fn dict_view(&self) -> Option<DictView<'_>> {
        self.instance_dict()
    }
    fn dict_view_mut(&mut self) -> Option<DictViewMut<'_>> {
        self.instance_dict_mut()
    }
    fn method_to_call(&self, name: &str) -> Option<&'static crate::objects::object::MethodDef> {
        if !self.class.has_methods {
            return None;
        }
        crate::objects::class::method_to_call(self, name)
    }
    fn call_method_dyn(
        &mut self,
        name: &str,
        args: &[Value],
        kwargs: crate::objects::object::Kwargs<'_>,
    ) -> Result<Value, Error> {
        crate::objects::method::call_on_owned(self, name, args, kwargs)
    }
    generic_attribute_methods!();
    fn stored_base(&self) -> Option<&dyn Object> {
        self.base()
    }
    fn stored_base_mut(&mut self) -> Option<&mut dyn Object> {
        self.base_mut()
    }
    fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        self.traverse_counting_class(visit, false);
    }
}

/// The rest of `getattr` after the instance's own set slots, out of line
/// so that the fast path inlines into its caller.
#[inline(never)]
fn getattr_slow<const N: usize, S: SlotStore>(obj: &Instance<N, S>, name: &str) -> Result<Value, Error> {
    match generic_getattr(obj, name) {
        Ok(v) => Ok(v),
        Err(e) => crate::objects::class::getattr_hook(obj, name, e),
    }
}

/// `setattr`, the value taken from where the caller left it only if it
/// is stored as it is (a number is copied out, the caller's left to drop).
///
/// A slot of the instance's own storage takes the value first, as in
/// `generic_setattr`. The value is read where it lies, never moved whole
/// before its kind is known: moved, it is copied with a 16-byte load over
/// the two 8-byte stores the caller built it with, which the CPU cannot
/// forward (a float 8.4 -> 3.x ns, benches report). A hooked class's
/// slots are out of range here (`HOOKED`); any other name of a class with
/// properties or methods takes the walk.
#[inline(always)]
fn set_in_place<const N: usize, S: SlotStore>(
    obj: &mut Instance<N, S>,
    name: &str,
    value: &mut Value,
) -> Result<(), Error> {
    let probe = NameKey::of(name);
    let loc = obj.class.find_key(probe, name);
    if loc.is_none() {
        if obj.class.has_methods {
            return setattr_hooked(obj, name, std::mem::take(value));
        }
        // An inline value of the instance dict, present: overwritten in
        // place (anything else may reorder or learn: the algorithm).
        if let Some(slot) = obj.learned_value_mut(probe, name) {
            *slot = match value {
                Value::Float(x) => Value::Float(*x),
                Value::Int(i) => Value::Int(*i),
                other => std::mem::take(other),
            };
            return Ok(());
        }
    }
    if let Some(Loc::Value(i)) = loc {
        if let Some(slot) = obj.plain_values_mut().get_mut(i as usize) {
            slot.store(value);
            return Ok(());
        }
    }
    setattr_slow(obj, name, std::mem::take(value))
}

impl<const N: usize, S: SlotStore> Instance<N, S> {
    /// What slot `i` of the instance's own storage holds, if it is set,
    /// each kind of value written straight into the result; a look and a
    /// clone (reference counts, a copy), nothing else, as
    /// [`ObjectStorage::getattr_plain`] requires. (`getattr` spells the same
    /// match out: through this `Option`, its float read took 7
    /// instructions more.)
    #[inline(always)]
    fn own_slot(&self, i: u32) -> Option<Result<Value, Error>> {
        self.plain_values().get(i as usize)?.read()
    }
}

/// `Ok(value.clone())`, an object or a string built where the caller
/// wants the result: `Value::clone` out of line writes its own temporary,
/// which `Ok` then copies with a 16-byte load over the two 8-byte stores
/// that wrote it, a stall the CPU cannot forward (in a walk along `next`
/// references, a sixth of the time).
#[inline(always)]
fn cloned(value: &Value) -> Result<Value, Error> {
    match value {
        Value::Object(o) => Ok(Value::Object(o.clone())),
        Value::Str(s) => Ok(Value::Str(s.clone())),
        other => Ok(other.clone()),
    }
}

/// The rest of `setattr`, out of line (see [`getattr_slow`]).
#[inline(never)]
fn setattr_slow<const N: usize, S: SlotStore>(obj: &mut Instance<N, S>, name: &str, value: Value) -> Result<(), Error> {
    if obj.class.has_methods {
        return setattr_hooked(obj, name, value);
    }
    generic_setattr(obj, name, value)
}

/// `setattr` of an instance whose class has properties, methods or hooks:
/// `__setattr__` if one is found along the MRO, else the generic walk.
#[inline(never)]
fn setattr_hooked<const N: usize, S: SlotStore>(
    obj: &mut Instance<N, S>,
    name: &str,
    value: Value,
) -> Result<(), Error> {
    if let Some(hook) = obj.layout().find_hook(|t| t.setattr) {
        return hook(obj, name, value);
    }
    generic_setattr(obj, name, value)
}

/// `Point { x: 3.0, y: <unset> }`, as a `#[pyclass_like]` struct's.
impl<const N: usize, S: SlotStore> fmt::Debug for Instance<N, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_debug(self, f)
    }
}

/// A shared instance keeps its class as one pointer (a `Type` is two
/// words): the cell of a run-time `Point` with two floats is no larger
/// than CPython's object.
impl<const N: usize, S: SlotStore> CellValue for Instance<N, S> {
    const FROZEN: bool = false;
    type Class = Arc<RtClass>;
    fn class_of(&self) -> Arc<RtClass> {
        self.class.clone()
    }
    fn layout_of(class: &Arc<RtClass>) -> LayoutRef<'_> {
        LayoutRef::runtime(class)
    }
    fn instantiate(class: &Arc<RtClass>) -> PyObject {
        new_shared(class)
    }
    fn type_of(class: &Arc<RtClass>) -> Type {
        Type::runtime(class.clone())
    }
    const PARTIAL_FAST: bool = true;
    #[inline(always)]
    fn has_methods(class: &Arc<RtClass>) -> bool {
        class.has_methods
    }
    #[inline(always)]
    fn traverses_plainly(class: &Arc<RtClass>) -> bool {
        class.embedded.is_none()
    }
    /// Out of line, unlike a compile-time class's: the cell of every
    /// run-time class shares it, and the value stays where the handle's
    /// caller built it.
    #[inline(never)]
    fn setattr_shared(&mut self, name: &str, value: &mut Value) -> Result<(), Error> {
        set_in_place(self, name, value)
    }
    /// A set slot among the values the instance keeps inline, found by the
    /// name's key among its class's [`plain_keys`](RtClass::plain_keys),
    /// one compare of the length and one of the word per value, unrolled
    /// (`N` is known): no scan of the name table (its length, its stride,
    /// the kind of each location, a bound), and no test for methods (a
    /// class with methods has no keys there). A long name, a slot past the
    /// eighth or of other storage, a boxed value other than an object or
    /// a string are left to `getattr_plain` (`PARTIAL_FAST`). In a scope,
    /// with the handle's own function now framed by nothing (see
    /// `ErasedCell::getattr_in_scope`): `type/gil/object_getattr` 128 ->
    /// 90 instructions.
    #[inline(always)]
    fn getattr_fast(&self, _: &str, probe: NameKey) -> Plain<'_> {
        let Storage::Small(values) = &self.storage else { return Plain::Miss };
        for (key, value) in self.class.plain_keys.iter().zip(values) {
            if *key == probe {
                return value.plain();
            }
        }
        Plain::Miss
    }
    /// A number or `None` (or an object, kept in place) written over a
    /// number or nothing among the values the instance keeps inline, found
    /// as [`getattr_fast`](CellValue::getattr_fast) finds them; anything
    /// else is left to `setattr_plain` (boxing a value is an allocation, a
    /// call). `type/gil/object_setattr` 124 -> 86.
    #[inline(always)]
    fn setattr_fast(&mut self, _: &str, probe: NameKey, value: &mut Value) -> bool {
        let Storage::Small(values) = &mut self.storage else { return false };
        for (key, slot) in self.class.plain_keys.iter().zip(values) {
            if *key == probe {
                return slot.write_fast(value);
            }
        }
        false
    }
    fn class_node(class: &Arc<RtClass>) -> Option<&crate::handles::gc::Header> {
        class.gc_header()
    }
    /// The values kept inline moved out as they are, not cloned and then
    /// deleted (two atomic operations an object).
    fn defer_references(&mut self) {
        match &mut self.storage {
            Storage::Small(values) => {
                let held: Vec<Value> = values.iter_mut().filter_map(S::take_reference).collect();
                if !held.is_empty() {
                    trashcan::defer(held);
                }
            }
            _ => crate::handles::handle::defer_references(self),
        }
    }
    #[inline(always)]
    fn traverse_in_cell(&self, class: &Arc<RtClass>, visit: &mut crate::handles::gc::Visit<'_>) {
        if Arc::ptr_eq(class, &self.class) {
            self.traverse_counting_class(visit, true);
        } else {
            self.traverse_counting_class(visit, false);
            if let Some(h) = class.gc_header() {
                visit.node(h);
            }
        }
    }
}

/// An instance of a class made at run time, behind a new handle; the
/// cycle collector tracks it from now on. Its slot values move into the
/// cell if its class has at most eight and nothing else (see
/// `new_shared`).
impl From<Instance> for PyObject {
    fn from(obj: Instance) -> PyObject {
        let Instance { class, storage } = obj;
        match storage {
            Storage::Slots(values) => match values.len() {
                3 => inlined::<3>(class, values),
                4 => inlined::<4>(class, values),
                5..=MAX_INLINE => inlined::<MAX_INLINE>(class, values),
                _ => PyObject::new_cell(Instance::<INLINE> { class, storage: Storage::Slots(values) }),
            },
            storage => PyObject::new_cell(Instance::<INLINE> { class, storage }),
        }
    }
}

/// The most slot values an instance behind a handle keeps in its cell.
const MAX_INLINE: usize = 8;

/// A new instance of `class` behind a handle, every slot unset: Python's
/// `object.__new__(cls)`. The cell is sized by the class: up to
/// [`MAX_INLINE`] slot values (and nothing else: no dict, no embedded
/// instance) lie in the cell itself, so a read follows no second pointer
/// and the object is one allocation (an owned [`Instance`] keeps two
/// inline, so that its size stays that of CPython's object; its cell
/// sizes are 3, 4 and 8 values, three copies of the code, not eight).
pub(crate) fn new_shared(class: &Arc<RtClass>) -> PyObject {
    if class.dict != DictAt::Own && class.embedded.is_none() {
        match class.value_count as usize {
            3 => return PyObject::new_cell(Instance::<3, Wide>::of_class(class)),
            4 => return PyObject::new_cell(Instance::<4, Wide>::of_class(class)),
            5..=MAX_INLINE => return PyObject::new_cell(Instance::<MAX_INLINE, Wide>::of_class(class)),
            _ => {}
        }
    }
    PyObject::new_cell(Instance::<INLINE>::of_class(class))
}

/// `values` moved into an instance that keeps `K` inline, behind a handle.
fn inlined<const K: usize>(class: Arc<RtClass>, values: Box<[Packed]>) -> PyObject {
    let mut inline: [Wide; K] = std::array::from_fn(|_| Wide::Unset);
    for (to, from) in inline.iter_mut().zip(values.into_vec()) {
        if let Some(value) = from.unpack() {
            *to = Wide::pack(value);
        }
    }
    PyObject::new_cell(Instance::<K, Wide> { class, storage: Storage::Small(inline) })
}
