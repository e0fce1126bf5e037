//! The traits every class implements: `Object` (dynamic, object safe) and
//! `PyClass` (static: the class's `Layout`).

use std::fmt;

use crate::error::Error;
use crate::objects::layout::Layout;
use crate::objects::layout_ref::LayoutRef;
use crate::objects::member::Member;
use crate::values::dict::PyDict;
use crate::values::value::Value;
use crate::values::value_ref::ValueRef;

/// Only pyslots implements [`Object`]: for every `#[pyclass_like]` class
/// and for [`Instance`](crate::Instance), so that the attribute algorithm
/// and its invariants (a failed write changes nothing) hold for every
/// object a program meets.
pub(crate) mod sealed {
    /// The seal: implemented in the runtime alone.
    pub trait Sealed {}
}

/// A Python-like object: attributes read, written, deleted and listed by
/// name, with CPython's rules and messages.
///
/// `#[pyclass_like]` implements it (the trait is sealed: a class made at
/// run time's [`Instance`](crate::Instance) is the one other
/// implementation); it is object safe, so `&dyn Object` and
/// [`PyObject`](crate::PyObject) work across classes.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let mut p = Point::new(3.0, 4.0);
/// let obj: &mut dyn Object = &mut p;
/// assert_eq!(obj.getattr("x")?, Value::Float(3.0));
/// let err = obj.setattr("z", Value::Int(5)).unwrap_err();
/// assert_eq!(err.to_string(), "'Point' object has no attribute 'z'");
/// assert_eq!(obj.dir(), ["__slots__", "x", "y"]);
/// # Ok::<(), pyslots::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a #[pyclass_like] class",
    label = "not a pyslots class",
    note = "`extends` and `Py<T>` take classes made with #[pyclass_like]"
)]
pub trait Object: sealed::Sealed + ObjectStorage + fmt::Debug + Send + Sync + 'static {
    /// The class name, as `type(obj).__name__`.
    fn type_name(&self) -> &str {
        self.layout().name()
    }

    /// `getattr(obj, name)`: the class's slots, then its bases' slots,
    /// then the instance dict, then class attributes (`__slots__`).
    fn getattr(&self, name: &str) -> Result<Value, Error>;

    /// `getattr(obj, name)`, lending the value instead of cloning it: no
    /// reference count is touched for a string, a list or an object held
    /// in a slot or in the dict's inline values (see [`ValueRef`]).
    fn getattr_ref(&self, name: &str) -> Result<ValueRef<'_>, Error>;

    /// `setattr(obj, name, value)`. A failed call changes nothing.
    fn setattr(&mut self, name: &str, value: Value) -> Result<(), Error>;

    /// `delattr(obj, name)`. A failed call changes nothing.
    fn delattr(&mut self, name: &str) -> Result<(), Error>;

    /// `hasattr(obj, name)`: whether `getattr` would succeed. Builds no
    /// error on the way.
    fn hasattr(&self, name: &str) -> bool;

    /// `dir(obj)`, sorted: every slot of the class and its bases (set or
    /// not), every dict key, `__dict__` and `__weakref__` where the
    /// instance has them, `__slots__` where a class declares them. Unlike
    /// CPython it leaves out the dunder methods every Python object has.
    fn dir(&self) -> Vec<String>;

    /// The instance dict (`obj.__dict__`), if the class has one: a live,
    /// shared dict, as CPython's. What is set through it is an attribute,
    /// and attributes set later show in it. The first call makes it (until
    /// then a regular instance keeps its values inline, as CPython 3.11
    /// does); attribute access then goes through the dict.
    fn dict(&self) -> Option<PyDict>;

    /// The class's layout, lent by the object (whose class it keeps alive).
    fn layout(&self) -> LayoutRef<'_>;

    /// Heap bytes the instance owns (its dict, strings, values), not
    /// counting the instance itself; see [`total_sizeof`](crate::total_sizeof).
    fn heap_size(&self) -> usize;
}

/// What pyslots' own code reaches in any object beyond the attribute
/// protocol: its slots by index, its dict as stored, its Rust type, the
/// handles it holds. A supertrait of [`Object`], hidden: users call the
/// attribute methods, copies and the collector call these.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`Object` is sealed: `{Self}` is not a #[pyclass_like] class",
    label = "only #[pyclass_like] classes and run-time classes' `Instance`s implement `Object`",
    note = "put #[pyclass_like] on the struct (and #[slots(...)] for slots) instead of implementing `Object` by hand"
)]
pub trait ObjectStorage {
    /// Reads slot `index` of the class's slot index space (see
    /// [`Layout::slot_index`]); what [`Member::get_dyn`](crate::Member::get_dyn)
    /// uses. Not a slot: `SlotGet::NotSlot`.
    fn slot_get_at(&self, index: u32) -> crate::objects::class::SlotGet {
        let _ = index;
        crate::objects::class::SlotGet::NotSlot
    }

    /// Reads slot `index`, borrowed: what [`deepcopy`](crate::deepcopy)
    /// reads, so that a value whose copy is already known costs no clone of
    /// the original.
    fn slot_get_ref_at(&self, index: u32) -> crate::objects::class::SlotGetRef<'_> {
        let _ = index;
        crate::objects::class::SlotGetRef::NotSlot
    }

    /// Writes slot `index` of the class's slot index space; what
    /// [`deepcopy`](crate::deepcopy) uses. Not a slot: the value comes back.
    fn slot_set_at(&mut self, index: u32, value: Value) -> Result<crate::objects::class::SlotSet, Error> {
        let _ = index;
        Ok(crate::objects::class::SlotSet::NotSlot(value))
    }

    /// Unsets slot `index` of the class's slot index space.
    fn slot_del_at(&mut self, index: u32) -> crate::objects::class::SlotDel {
        let _ = index;
        crate::objects::class::SlotDel::NotSlot
    }

    /// The instance dict as it is stored, without making it live (unlike
    /// [`dict`](Object::dict)); `None` without a dict.
    fn dict_view(&self) -> Option<crate::objects::class::DictView<'_>> {
        None
    }

    /// The instance dict as it is stored, to write.
    fn dict_view_mut(&mut self) -> Option<crate::objects::class::DictViewMut<'_>> {
        None
    }

    /// The instance as `Any`, to reach its Rust type
    /// ([`Instance::base_as`](crate::Instance::base_as)); `None` by default.
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }

    /// The instance as `Any`, to write.
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        None
    }

    /// Reports every handle the instance holds to the cycle collector;
    /// [`ClassImpl::traverse`](crate::objects::class::ClassImpl::traverse).
    fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        let _ = visit;
    }
}

/// A class made by `#[pyclass_like]`: an [`Object`] whose [`Layout`] is
/// known at compile time. `Default` is Python's `object.__new__`: an
/// instance with every slot unset, which every class has.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(name, age)]
/// struct Person { name: String, age: u32 }
///
/// const SLOTS: &[&str] = Person::LAYOUT.slots;
/// assert_eq!(SLOTS, ["name", "age"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a #[pyclass_like] class",
    label = "not a pyslots class",
    note = "`extends` and `Py<T>` take classes made with #[pyclass_like]"
)]
pub trait PyClass: Object + Sized + Default {
    /// The class's layout.
    const LAYOUT: Layout;

    /// The member descriptor of slot `name` (the class's own or a base's),
    /// CPython's `Point.x`; `None` if `name` is no slot.
    fn member(name: &str) -> Option<Member<Self>> {
        Member::resolve(name)
    }

    /// Whether instances support weak references, as a type:
    /// `WeakRefs<true>` or `WeakRefs<false>`. It lets
    /// [`Py::downgrade`](crate::Py::downgrade) compile only where CPython
    /// would allow `weakref.ref(obj)`.
    type WeakRefs;
}

/// Takes out of `obj` every value that holds references (an object, a
/// list, a dict, a tuple holding one): its slots that hold one are unset
/// and its dict's inline values that hold one are removed. CPython's
/// `tp_clear`, which the cycle collector calls to break a cycle, and what
/// a drop nested too deep defers (the trashcan). The object itself stays
/// where it is, its `Drop` still to run once, on it; what it keeps are its
/// plain values (numbers, strings, bytes). A live dict is left in place:
/// it is a container of its own, which the collector clears if it is
/// garbage, and whose drop the trashcan bounds.
///
/// The values come back so that the caller drops them where it chooses:
/// after releasing the object's lock, or later.
pub(crate) fn take_references(obj: &mut dyn Object) -> Vec<Value> {
    let mut taken = Vec::new();
    for i in 0..obj.layout().slot_count() {
        if let crate::objects::class::SlotGet::Found(v) = obj.slot_get_at(i) {
            if v.may_hold_references() {
                obj.slot_del_at(i);
                taken.push(v);
            }
        }
    }
    if let Some(mut dict) = obj.dict_view_mut() {
        dict.take_references(&mut taken);
    }
    taken
}

/// Weak-reference support as a type; see [`PyClass::WeakRefs`].
#[derive(Debug)]
pub struct WeakRefs<const ON: bool>;

/// Implemented by `WeakRefs<true>` only.
#[diagnostic::on_unimplemented(
    message = "cannot create weak reference to instances of a class without `__weakref__`",
    label = "this class's instances do not support weak references",
    note = "add `__weakref__` to the class's #[slots(...)], or to a base's; or call `Py::try_downgrade`, which \
            returns CPython's TypeError at run time"
)]
pub trait WeakRefsOn {}

impl WeakRefsOn for WeakRefs<true> {}

/// A `#[pyclass_like(frozen)]` class (dataclasses' `frozen=True`, PyO3's
/// `frozen`): its instances refuse every `setattr` and `delattr` by name
/// with `FrozenInstanceError`, it has no setter accessors, and
/// [`Py::get`](crate::Py::get) reads a shared one with no borrow at all.
/// Implemented by the macro only: a hand-written impl on a class that is
/// not frozen makes `Py::get` panic.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like(frozen)]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let p = Py::new(Point::new(1.0, 2.0));
/// assert_eq!(*p.get().x()?, 1.0);                  // no borrow, no lock
/// let e = p.setattr("x", 3.0).unwrap_err();
/// assert_eq!((e.exception(), e.to_string().as_str()), ("FrozenInstanceError", "cannot assign to field 'x'"));
/// assert_eq!(p.delattr("y").unwrap_err().to_string(), "cannot delete field 'y'");
/// # Ok::<(), pyslots::Error>(())
/// ```
pub trait Frozen: PyClass {}

/// A class whose instances support weak references (`__weakref__` in its
/// slots or a base's, or a class without `#[slots]`).
pub trait WeakReferenceable: PyClass {}

impl<T: PyClass> WeakReferenceable for T where T::WeakRefs: WeakRefsOn {}
