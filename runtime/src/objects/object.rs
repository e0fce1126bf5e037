//! The traits every class implements: `Object` (dynamic, object safe) and
//! `PyClass` (static: the class's `Layout`).

use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use crate::error::Error;
use crate::objects::layout::Layout;
use crate::objects::layout_ref::LayoutRef;
use crate::storage::shared_keys::{LearnedKeys, SharedKeys};
use crate::types::rt_class::Type;
use crate::values::dict::PyDict;
use crate::values::value::{Value, ValueRef};

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

/// What a slot lookup by name found.
///
/// `repr(u8)` gives it a tag of its own instead of one carved out of
/// `Value`'s niche: `getattr` then branches on one byte, and LLVM threads
/// the `Found` arm straight into the `Ok` it returns. Through the niche it
/// decoded the tag arithmetically on every call (slot getattr 3.3 -> 2.5 ns,
/// benches report).
#[derive(Debug)]
#[repr(u8)]
pub enum SlotGet {
    /// A set slot and its value.
    Found(Value),
    /// A slot of that name that is not set.
    Unset,
    /// No slot of that name in the class or its bases.
    NotSlot,
}

/// What a borrowed slot lookup by name found; a tag of its own, as
/// [`SlotGet`]'s.
#[derive(Debug)]
#[repr(u8)]
pub enum SlotGetRef<'a> {
    /// A set slot and its value, borrowed.
    Found(ValueRef<'a>),
    /// A slot of that name that is not set.
    Unset,
    /// No slot of that name in the class or its bases.
    NotSlot,
}

/// What a slot write by name did.
#[derive(Debug)]
pub enum SlotSet {
    /// The slot was written.
    Done,
    /// No slot of that name; the value comes back untouched.
    NotSlot(Value),
}

/// What a slot deletion by name did.
#[derive(Debug, PartialEq, Eq)]
pub enum SlotDel {
    /// The slot was set and is now unset.
    Done,
    /// The slot was not set.
    Unset,
    /// No slot of that name.
    NotSlot,
}

// The instance dict as the object protocol exchanges it: the views'
// behaviour lives with the dict storage (`storage::instance_dict`).
/// The live dict's place and the values, in one allocation: `V` is an
/// array, or a slice for [`LearnedValues`], whose length is known only at
/// run time.
#[derive(Debug)]
pub(crate) struct Block<V: ?Sized> {
    pub(crate) live: OnceLock<PyDict>,
    pub(crate) values: V,
}

/// An instance dict, read: inline values over a key table, or the live
/// dict once there is one (the inline values are then stale and ignored).
#[derive(Clone, Copy, Debug)]
pub struct DictView<'a> {
    pub(crate) keys: &'a SharedKeys,
    pub(crate) values: &'a [Option<Value>],
    pub(crate) live: &'a OnceLock<PyDict>,
    /// The bytes of the storage's own allocation.
    pub(crate) block: usize,
}

/// An instance dict, to write.
#[derive(Debug)]
pub struct DictViewMut<'a> {
    pub(crate) keys: &'a SharedKeys,
    pub(crate) store: Store<'a>,
}

/// Where a [`DictViewMut`] writes: a fixed run of values and the live
/// dict's place, or the block of a class made at run time, which can grow.
#[derive(Debug)]
pub(crate) enum Store<'a> {
    Fixed {
        values: &'a mut [Option<Value>],
        live: &'a mut OnceLock<PyDict>,
        /// The bytes of the storage's own allocation.
        block: usize,
    },
    /// `LearnedValues`' block, and the table that learns the names set.
    Learned(&'a mut Box<Block<[Option<Value>]>>, &'a LearnedKeys),
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
    /// `getattr`'s answer if `name` is a set slot read by pyslots' own code
    /// alone (a look-up, then a clone or a copy: no borrow of any object,
    /// no wait, no new tracked container, no user code), else `None`. What
    /// a handle's `getattr` tries first, with no mark in the object's
    /// borrow flag (`PyCell::get_unmarked`, whose promise this keeps): a
    /// typed slot of another crate's type is `None` here, as its `load`
    /// is that crate's code ([`SlotValue::PLAIN`](crate::SlotValue)).
    #[inline(always)]
    fn getattr_plain(&self, name: &str) -> Option<Result<Value, Error>> {
        let _ = name;
        None
    }

    /// `setattr`, if `name` is a slot that holds a number or nothing and
    /// storing is all `setattr` would do (the old value needs no drop, the
    /// conversion is the runtime's own): whether it wrote it. A number is
    /// copied; what else it stores it takes, leaving `None` (a
    /// compile-time class stores only numbers here, a run-time class's
    /// instance any value). What a handle's `setattr` tries first, with no
    /// mark in the object's borrow flag (`PyCell::get_unmarked_mut`, whose
    /// promise this keeps, as [`getattr_plain`](ObjectStorage::getattr_plain)).
    #[inline(always)]
    fn setattr_plain(&mut self, name: &str, value: &mut Value) -> bool {
        let _ = (name, value);
        false
    }

    /// Reads slot `index` of the class's slot index space (see
    /// [`Layout::slot_index`]); what [`Member::get_dyn`](crate::Member::get_dyn)
    /// uses. Not a slot: `SlotGet::NotSlot`.
    fn slot_get_at(&self, index: u32) -> SlotGet {
        let _ = index;
        SlotGet::NotSlot
    }

    /// Reads slot `index`, borrowed: what [`deepcopy`](crate::deepcopy)
    /// reads, so that a value whose copy is already known costs no clone of
    /// the original.
    fn slot_get_ref_at(&self, index: u32) -> SlotGetRef<'_> {
        let _ = index;
        SlotGetRef::NotSlot
    }

    /// Writes slot `index` of the class's slot index space; what
    /// [`deepcopy`](crate::deepcopy) uses. Not a slot: the value comes back.
    fn slot_set_at(&mut self, index: u32, value: Value) -> Result<SlotSet, Error> {
        let _ = index;
        Ok(SlotSet::NotSlot(value))
    }

    /// Unsets slot `index` of the class's slot index space.
    fn slot_del_at(&mut self, index: u32) -> SlotDel {
        let _ = index;
        SlotDel::NotSlot
    }

    /// The instance dict as it is stored, without making it live (unlike
    /// [`dict`](Object::dict)); `None` without a dict.
    fn dict_view(&self) -> Option<DictView<'_>> {
        None
    }

    /// The instance dict as it is stored, to write.
    fn dict_view_mut(&mut self) -> Option<DictViewMut<'_>> {
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

    /// The stored base's instance inside this one (a subclass's
    /// `#[pyclass_like]` base, a run-time class's embedded instance): where
    /// a base's method finds its receiver. `None` by default.
    fn stored_base(&self) -> Option<&dyn Object> {
        None
    }

    /// The stored base's instance, to write.
    fn stored_base_mut(&mut self) -> Option<&mut dyn Object> {
        None
    }

    /// The method [`call_method`](crate::call_method) calls for `name`: one
    /// the class or a base defines, if the instance dict does not shadow
    /// it.
    fn method_to_call(&self, name: &str) -> Option<&'static MethodDef>;

    /// [`call_method`](crate::call_method) on this object: a
    /// `#[pyclass_like]` class calls its own methods through the generated
    /// glue, on the concrete type; everything else takes the general path
    /// ([`method_to_call`](ObjectStorage::method_to_call), then anything
    /// callable `getattr` finds).
    fn call_method_dyn(&mut self, name: &str, args: &[Value], kwargs: Kwargs<'_>) -> Result<Value, Error>;

    /// `object.__getattribute__`: the generic lookup, without the class's
    /// `__getattr__` ([`generic_getattr`](crate::generic_getattr)).
    fn generic_getattr_dyn(&self, name: &str) -> Result<Value, Error>;

    /// `object.__setattr__`, without the class's `__setattr__`.
    fn generic_setattr_dyn(&mut self, name: &str, value: Value) -> Result<(), Error>;

    /// `object.__delattr__`, without the class's `__delattr__`.
    fn generic_delattr_dyn(&mut self, name: &str) -> Result<(), Error>;

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
/// use pyslots::PyClass;
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

/// A slot of class `T` (its own or a base's), resolved once by name:
/// reading or writing through it compares no names, only jumps to the
/// slot, like CPython's member descriptor (`Point.x.__get__(p)`).
///
/// Get one with [`PyClass::member`].
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::PyClass;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point {
///     /// The horizontal coordinate.
///     x: f64,
///     y: f64,
/// }
///
/// let x = Point::member("x").expect("x is a slot");
/// assert_eq!(x.to_string(), "<member 'x' of 'Point' objects>");
/// assert_eq!(x.doc(), Some("The horizontal coordinate."));
/// let mut p = Point::new(1.0, 2.0);
/// assert_eq!(x.get(&p)?, Value::Float(1.0));
/// x.set(&mut p, 3.5)?;
/// assert_eq!(p.getattr("x")?, Value::Float(3.5));
/// x.delete(&mut p)?;
/// assert_eq!(x.get(&p).unwrap_err().to_string(), "'Point' object has no attribute 'x'");
/// assert!(Point::member("z").is_none());
/// # Ok::<(), pyslots::Error>(())
/// ```
pub struct Member<T: ?Sized> {
    /// The slot's index in `T`'s slot index space.
    pub(crate) index: u32,
    /// The slot's position among its owner's own slots.
    pub(crate) local: u32,
    /// The class that declares the slot (kept alive, if made at run time).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Across.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z)]
    /// struct Point3 { z: f64 }
    ///
    /// assert_eq!(Point3::member("x").unwrap().owner().name(), "Point");
    /// assert_eq!(Point3::member("z").unwrap().owner().name(), "Point3");
    /// ```
    pub(crate) owner: Type,
    pub(crate) class: PhantomData<fn(&T)>,
}

impl<T: ?Sized> Clone for Member<T> {
    fn clone(&self) -> Self {
        Member { index: self.index, local: self.local, owner: self.owner.clone(), class: PhantomData }
    }
}

impl<T: PyClass> Member<T> {
    /// The member `name` of class `T`, if `name` is a slot of `T` or of a
    /// base that no class attribute hides.
    pub(crate) fn resolve(name: &str) -> Option<Member<T>> {
        let layout: &'static Layout = &T::LAYOUT;
        let (index, owner, local) = layout.slot_index(name)?;
        Some(Member { index, local: local as u32, owner: Type::from_layout(owner), class: PhantomData })
    }
}

impl<T: ?Sized> Member<T> {
    /// The slot's name (after private-name mangling).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Across.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// assert_eq!(Point::member("y").unwrap().name(), "y");
    /// ```
    pub fn name(&self) -> &str {
        self.owner.layout().slot(self.local as usize)
    }

    /// The slot's doc comment (Python's `__slots__ = {'x': 'doc'}`), if the
    /// field has one.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Across.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// assert_eq!(Point::member("x").unwrap().doc(), Some("Across."));
    /// assert_eq!(Point::member("y").unwrap().doc(), None);
    /// ```
    pub fn doc(&self) -> Option<&str> {
        self.owner.layout().slot_doc(self.local as usize)
    }

    /// The class that declares the slot (a base's, for an inherited slot).
    pub fn owner(&self) -> LayoutRef<'_> {
        self.owner.layout()
    }
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
        if let SlotGet::Found(v) = obj.slot_get_at(i) {
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
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::{PyClass, WeakRefs};
///
/// #[pyclass_like]
/// #[slots(x, __weakref__)]
/// struct Node { x: i64 }
///
/// #[pyclass_like]
/// #[slots(x)]
/// struct Leaf { x: i64 }
///
/// fn supports<T: PyClass<WeakRefs = WeakRefs<true>>>() {}
/// supports::<Node>();
/// // supports::<Leaf>();   // does not compile: Leaf's WeakRefs is WeakRefs<false>
/// ```
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
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::WeakReferenceable;
///
/// #[pyclass_like]
/// #[slots(x, __weakref__)]
/// struct Node { x: i64 }
///
/// fn watch<T: WeakReferenceable>(obj: &Py<T>) -> pyslots::WeakRef<T> {
///     Py::downgrade(obj)
/// }
/// let n = Py::new(Node::new(1));
/// let w = watch(&n);
/// assert!(w.upgrade().is_some());
/// drop(n);
/// assert!(w.upgrade().is_none());
/// ```
pub trait WeakReferenceable: PyClass {}

impl<T: PyClass> WeakReferenceable for T where T::WeakRefs: WeakRefsOn {}

// ---------------------------------------------------------------------------
// Behaviour behind names: what `#[methods]` emits for a class, as data.

/// Keyword arguments: names and values, in the order given.
pub type Kwargs<'a> = &'a [(&'a str, Value)];

/// A property's getter.
pub type GetFn = fn(&dyn Object) -> Result<Value, Error>;
/// A property's setter.
pub type SetFn = fn(&mut dyn Object, Value) -> Result<(), Error>;
/// A property's deleter.
pub type DelFn = fn(&mut dyn Object) -> Result<(), Error>;
/// A method taking `&self`.
pub type RefFn = fn(&dyn Object, &[Value], Kwargs<'_>) -> Result<Value, Error>;
/// A method taking `&mut self`.
pub type MutFn = fn(&mut dyn Object, &[Value], Kwargs<'_>) -> Result<Value, Error>;
/// A static method (no receiver).
pub type StaticFn = fn(&[Value], Kwargs<'_>) -> Result<Value, Error>;
/// `__getattr__`.
pub type GetattrFn = fn(&dyn Object, &str) -> Result<Value, Error>;
/// `__setattr__`.
pub type SetattrFn = fn(&mut dyn Object, &str, Value) -> Result<(), Error>;
/// `__delattr__`.
pub type DelattrFn = fn(&mut dyn Object, &str) -> Result<(), Error>;
/// `__repr__`.
pub type ReprFn = fn(&dyn Object) -> String;
/// `__eq__`: `None` is `NotImplemented` (the other object is of no class
/// the method takes).
pub type EqFn = fn(&dyn Object, &dyn Object) -> Option<bool>;
/// `__hash__`.
pub type HashFn = fn(&dyn Object) -> i64;
/// `__copy__` and `__deepcopy__`.
pub type CopyFn = fn(&dyn Object) -> Copied;

/// What a class's `__copy__` or `__deepcopy__` gave.
#[derive(Debug)]
pub enum Copied {
    /// The object itself (an immutable object's copy, as
    /// `fractions.Fraction.__copy__` returns `self`).
    Itself,
    /// A new object.
    New(crate::handles::handle::PyObject),
    /// The object is of a subclass of the class that defines the method:
    /// the generic copy makes one of its own class.
    Generic,
}

/// What `#[methods]` emits for a class: its properties, methods and hooks.
/// A class without a `#[methods]` block has [`MethodTable::EMPTY`].
#[derive(Debug)]
pub struct MethodTable {
    /// The properties, in declaration order.
    pub properties: &'static [PropertyDef],
    /// The methods (plain and static), in declaration order.
    pub methods: &'static [MethodDef],
    /// `__getattr__`, called when the generic lookup raises `AttributeError`.
    pub getattr: Option<GetattrFn>,
    /// `__setattr__`, called instead of the generic `setattr`.
    pub setattr: Option<SetattrFn>,
    /// `__delattr__`, called instead of the generic `delattr`.
    pub delattr: Option<DelattrFn>,
    /// `__repr__`.
    pub repr: Option<ReprFn>,
    /// `__eq__`.
    pub eq: Option<EqFn>,
    /// `__hash__`.
    pub hash: Option<HashFn>,
    /// `__copy__`.
    pub copy: Option<CopyFn>,
    /// `__deepcopy__`.
    pub deepcopy: Option<CopyFn>,
}

impl MethodTable {
    /// A table with nothing in it.
    pub const EMPTY: MethodTable = MethodTable {
        properties: &[],
        methods: &[],
        getattr: None,
        setattr: None,
        delattr: None,
        repr: None,
        eq: None,
        hash: None,
        copy: None,
        deepcopy: None,
    };

    /// Whether the table has anything in it.
    pub const fn is_empty(&self) -> bool {
        self.properties.is_empty()
            && self.methods.is_empty()
            && self.getattr.is_none()
            && self.setattr.is_none()
            && self.delattr.is_none()
            && self.repr.is_none()
            && self.eq.is_none()
            && self.hash.is_none()
            && self.copy.is_none()
            && self.deepcopy.is_none()
    }

    /// The property `name`, if the table has one.
    #[inline]
    pub fn property(&self, name: &str) -> Option<&PropertyDef> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// Every property and method name, in declaration order.
    pub fn names(&'static self) -> impl Iterator<Item = &'static str> {
        self.properties.iter().map(|p| p.name).chain(self.methods.iter().map(|m| m.name))
    }

    /// The method `name`, if the table has one.
    #[inline]
    pub fn method(&self, name: &str) -> Option<&MethodDef> {
        self.methods.iter().find(|m| m.name == name)
    }
}

/// What a class's own `#[methods]` block names a name: the answer of the
/// `match` over its property and method names that `#[methods]` generates
/// (`ClassImpl::own_named`), with the entry's index in the class's
/// [`MethodTable`]. The name is compared once, in that `match`, instead of
/// by a search of the table's lists; the index then selects the generated
/// glue that calls the getter or method on the concrete type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `properties[i]` of the class's table.
    Property(usize),
    /// `methods[i]` of the class's table.
    Method(usize),
    /// No property or method of the class's own block (a base's may be).
    Nothing,
}

/// A class's own `#[methods]` block as code: its name `match` and the glue
/// that calls a getter or a method on the concrete type. One constant of
/// function pointers rather than three forwarding methods in every
/// class's `ClassImpl`, which rustc checked for each class with or
/// without a block (three method lookups through `NoMethods` each: 14%
/// of a class's compile time); the calls through it are direct once
/// monomorphised (`ClassImpl::GLUE` is a constant), and inline.
pub struct Glue<T: ?Sized> {
    /// The block's name `match`.
    pub named: fn(&str) -> Named,
    /// Reads property `i` (which has a getter).
    pub get: fn(&T, usize) -> Result<Value, Error>,
    /// Calls method `i` with the instance as its receiver.
    pub call: fn(&mut T, usize, &[Value], Kwargs<'_>) -> Result<Value, Error>,
}

impl<T: ?Sized> Glue<T> {
    /// A class without a `#[methods]` block: no name is its own, and the
    /// glue is never asked.
    pub const NONE: Glue<T> = Glue { named: |_| Named::Nothing, get: no_get::<T>, call: no_call::<T> };
}

/// A class's `#[methods]` block as `#[pyclass_like]` reads it: its table,
/// its property and method names (for `dir()` and suggestions) and its
/// glue, in one constant (`__PYSLOTS_BLOCK`), so that the class asks for
/// it once ([`ClassImpl::BLOCK`](crate::objects::class::ClassImpl::BLOCK)):
/// each lookup through the `NoMethods` fallback costs rustc a probe per
/// class.
pub struct MethodBlock<T: ?Sized> {
    /// The block's table.
    pub table: &'static MethodTable,
    /// Its properties' and methods' names.
    pub names: &'static [&'static str],
    /// Its name `match` and glue.
    pub glue: Glue<T>,
}

impl<T: ?Sized> MethodBlock<T> {
    /// A class without a `#[methods]` block.
    pub const NONE: MethodBlock<T> = MethodBlock { table: &MethodTable::EMPTY, names: &[], glue: Glue::NONE };
}

impl<T: ?Sized> fmt::Debug for MethodBlock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MethodBlock").field("names", &self.names).finish_non_exhaustive()
    }
}

impl<T: ?Sized> fmt::Debug for Glue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Glue")
    }
}

fn no_get<T: ?Sized>(_: &T, index: usize) -> Result<Value, Error> {
    Err(no_entry(index))
}

fn no_call<T: ?Sized>(_: &mut T, index: usize, _: &[Value], _: Kwargs<'_>) -> Result<Value, Error> {
    Err(no_entry(index))
}

/// What the generated glue of a `#[methods]` block answers for an index
/// that is not in its class's table: never reached (the runtime asks the
/// glue only with an index the class's own `match` gave).
#[cold]
#[inline(never)]
pub fn no_entry(index: usize) -> Error {
    Error::type_error(format!("no #[methods] entry {index} in this class's table"))
}

/// What [`Layout::method_flags`] holds for `table`, computed where the
/// class is compiled.
pub const fn method_flags(table: &MethodTable) -> u8 {
    use crate::objects::layout::{METHODS_ANY, METHODS_DELATTR, METHODS_SETATTR};
    let mut flags = 0;
    if !table.is_empty() {
        flags |= METHODS_ANY;
    }
    if table.setattr.is_some() {
        flags |= METHODS_SETATTR;
    }
    if table.delattr.is_some() {
        flags |= METHODS_DELATTR;
    }
    flags
}

static EMPTY_TABLE: MethodTable = MethodTable::EMPTY;

/// A compile-time class's own table (empty without a `#[methods]` block).
#[inline]
pub fn method_table(layout: &'static Layout) -> &'static MethodTable {
    if layout.method_flags == 0 {
        return &EMPTY_TABLE;
    }
    layout.methods.downcast_ref().unwrap_or(&EMPTY_TABLE)
}

/// What `name` finds along the MRO of a compile-time class among the
/// classes' own properties, methods, slots and class attributes: a
/// property or a method, or `None` if something else (or nothing) comes
/// first.
pub fn find_descriptor(layout: &'static Layout, name: &str) -> Option<Descriptor> {
    if !layout.has_methods() {
        return None;
    }
    layout
        .find_along_mro(|l| {
            let t = method_table(l);
            if let Some(p) = t.property(name) {
                return Some(Some(Descriptor::Property(p, l)));
            }
            if let Some(m) = t.method(name) {
                return Some(Some(Descriptor::Method(m, l)));
            }
            if l.slots().contains(&name) || l.class_attrs().iter().any(|(n, _)| *n == name) {
                return Some(None);
            }
            None
        })
        .flatten()
}

/// A property: CPython's `property(fget, fset, fdel)`, a data descriptor.
#[derive(Debug)]
pub struct PropertyDef {
    /// The attribute name.
    pub name: &'static str,
    /// `#[getter]`.
    pub get: Option<GetFn>,
    /// `#[setter]`.
    pub set: Option<SetFn>,
    /// `#[deleter]`.
    pub del: Option<DelFn>,
}

/// A method: a function of the class (it binds to an instance) or a
/// static method.
#[derive(Debug)]
pub struct MethodDef {
    /// The attribute name.
    pub name: &'static str,
    /// How its arguments bind, and its qualified name for messages.
    pub sig: Signature,
    /// The generated function.
    pub body: Body,
}

/// What a method receives.
#[derive(Clone, Copy)]
pub enum Body {
    /// `&self`.
    Ref(RefFn),
    /// `&mut self`.
    Mut(MutFn),
    /// No receiver (`#[staticmethod]`).
    Static(StaticFn),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Body::Ref(_) => "Ref",
            Body::Mut(_) => "Mut",
            Body::Static(_) => "Static",
        })
    }
}

/// A method's parameters as CPython binds them.
#[derive(Debug)]
pub struct Signature {
    /// The qualified name, `Temperature.warm`, as messages spell it.
    pub qualname: &'static str,
    /// The receiver's parameter name (`self`), counted as CPython counts
    /// it; `None` for a static method.
    pub receiver: Option<&'static str>,
    /// The other parameters' names, in order.
    pub params: &'static [&'static str],
    /// How many of `params` are required: those before the trailing run of
    /// `Option<T>` parameters, which may be omitted.
    pub required: usize,
}

/// What a name finds along a class's MRO before the instance dict is
/// consulted: a property (a data descriptor) or a method.
#[derive(Debug, Clone)]
pub enum Descriptor {
    /// A property of class `owner`.
    Property(&'static PropertyDef, &'static Layout),
    /// A method of class `owner`.
    Method(&'static MethodDef, &'static Layout),
    /// A class attribute of a class made at run time that is a function
    /// (`Value::function`), a `Value::property` or a `Value::staticmethod`.
    Value(crate::values::value::PyFunction),
}
