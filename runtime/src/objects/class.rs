//! The class protocol between generated code and the runtime, and the
//! attribute algorithm.
//!
//! `#[pyclass_like]` emits, per class, only what differs between classes:
//! a `match` from slot names to fields and where the instance dict lives
//! ([`ClassImpl`]). Everything that follows CPython's attribute algorithm
//! (descriptor order, the instance dict, `__dict__`/`__weakref__`/
//! `__slots__`, error messages) is written once, here, generic over the
//! class, and monomorphised per class so the slot `match` inlines into
//! `getattr`.

use std::fmt;

use crate::error::Error;
use crate::objects::layout::Layout;
use crate::objects::layout_ref::LayoutRef;
use crate::objects::object::{Descriptor, Kwargs, Named, Object, ObjectStorage, PyClass};
use crate::storage::slot::{ItemAt, Mismatch, SetFlags, SlotValue};
use crate::values::pystr::PyStr;
use crate::values::value::{FnKind, PyFunction, Value, ValueRef};

pub use crate::objects::object::{DictView, DictViewMut, SlotDel, SlotGet, SlotGetRef, SlotSet};
pub use crate::storage::instance_dict::{
    dict_heap_size, dict_traverse, DictIf, DictSel, DictSlot, InlineValues, LazyDict, NoDict,
};
pub use crate::storage::shared_keys::{SharedKeys, NO_KEYS};

/// [`ClassImpl::slot_index`] of a name that a class attribute hides.
pub const HIDDEN: u32 = u32::MAX - 1;

/// What a read by index makes of the slot it finds:
/// [`ClassImpl::slot_read_at`], generated once per class, serves the owned
/// read ([`ReadOwned`]: a [`SlotGet`]) and the borrowed one ([`ReadRef`]:
/// a [`SlotGetRef`]), each monomorphised into the same code as a `match`
/// written for it, and [`ClassImpl::visit_slots`] (`VisitSlot`, which
/// hands the slot to a [`SlotVisitor`]). The reader is a value (a unit
/// struct but for the visitor's), passed to the arm that reads.
pub trait SlotRead: Sized {
    /// What the read returns.
    type Out<'a>;
    /// A typed slot of Rust type `T`, its set-flags and its bit.
    fn typed<'a, T: SlotValue, F: SetFlags>(self, stored: &'a T::Stored, flags: &F, bit: u32) -> Self::Out<'a>;
    /// An untyped slot.
    fn untyped<'a>(self, stored: &'a Option<Value>) -> Self::Out<'a>;
    /// No slot at that index.
    fn not_slot<'a>(self) -> Self::Out<'a>;
}

/// The owned read: [`ClassImpl::slot_get_at`].
#[derive(Debug)]
pub struct ReadOwned;

impl SlotRead for ReadOwned {
    type Out<'a> = SlotGet;
    #[inline(always)]
    fn typed<'a, T: SlotValue, F: SetFlags>(self, stored: &'a T::Stored, flags: &F, bit: u32) -> Self::Out<'a> {
        if flags.get(bit) {
            SlotGet::Found(T::load(stored))
        } else {
            SlotGet::Unset
        }
    }
    #[inline(always)]
    fn untyped(self, stored: &Option<Value>) -> SlotGet {
        match stored {
            Some(v) => SlotGet::Found(v.clone()),
            None => SlotGet::Unset,
        }
    }
    #[inline(always)]
    fn not_slot<'a>(self) -> Self::Out<'a> {
        SlotGet::NotSlot
    }
}

/// The borrowed read: [`ClassImpl::slot_get_ref_at`].
#[derive(Debug)]
pub struct ReadRef;

impl SlotRead for ReadRef {
    type Out<'a> = SlotGetRef<'a>;
    #[inline(always)]
    fn typed<'a, T: SlotValue, F: SetFlags>(self, stored: &'a T::Stored, flags: &F, bit: u32) -> SlotGetRef<'a> {
        if flags.get(bit) {
            SlotGetRef::Found(T::borrow(stored))
        } else {
            SlotGetRef::Unset
        }
    }
    #[inline(always)]
    fn untyped(self, stored: &Option<Value>) -> SlotGetRef<'_> {
        match stored {
            Some(v) => SlotGetRef::Found(ValueRef::Value(v)),
            None => SlotGetRef::Unset,
        }
    }
    #[inline(always)]
    fn not_slot<'a>(self) -> Self::Out<'a> {
        SlotGetRef::NotSlot
    }
}

/// The read a handle makes with no mark in the object's borrow flag
/// ([`ObjectStorage::getattr_plain`]): a set slot whose type's `load` is the
/// runtime's own ([`SlotValue::PLAIN`]) or an untyped one, cloned; `None`
/// for anything else (unset, not a slot, a type another crate
/// implemented), which the caller reads the marked way.
#[derive(Debug)]
pub(crate) struct ReadPlain;

impl SlotRead for ReadPlain {
    type Out<'a> = Option<Result<Value, Error>>;
    #[inline(always)]
    fn typed<'a, T: SlotValue, F: SetFlags>(self, stored: &'a T::Stored, flags: &F, bit: u32) -> Self::Out<'a> {
        if T::PLAIN.is_some() && flags.get(bit) {
            Some(Ok(T::load(stored)))
        } else {
            None
        }
    }
    #[inline(always)]
    fn untyped(self, stored: &Option<Value>) -> Self::Out<'_> {
        stored.as_ref().map(|v| Ok(v.clone()))
    }
    #[inline(always)]
    fn not_slot<'a>(self) -> Self::Out<'a> {
        None
    }
}

/// The read [`ClassImpl::visit_slots`] makes of each slot: shows it to the
/// visitor, set or not (an unset typed slot holds [`SlotValue::vacant`]).
pub(crate) struct VisitSlot<'v, V>(pub(crate) &'v mut V);

impl<V: SlotVisitor> SlotRead for VisitSlot<'_, V> {
    type Out<'a> = ();
    #[inline(always)]
    fn typed<T: SlotValue, F: SetFlags>(self, stored: &T::Stored, _: &F, _: u32) {
        self.0.typed::<T>(stored);
    }
    #[inline(always)]
    fn untyped(self, stored: &Option<Value>) {
        self.0.untyped(stored);
    }
    #[inline(always)]
    fn not_slot<'a>(self) -> Self::Out<'a> {}
}

/// What a write by index does to the slot it finds:
/// [`ClassImpl::slot_write_at`], generated once per class, serves the
/// write ([`Store`]) and the deletion ([`Delete`]), each monomorphised into
/// the same code as a `match` written for it.
pub trait SlotWrite {
    /// What the write returns.
    type Out;
    /// A typed slot of Rust type `T`, its set-flags, its bit and its name.
    fn typed<T: SlotValue, F: SetFlags>(
        self,
        stored: &mut T::Stored,
        flags: &mut F,
        bit: u32,
        attr: &'static str,
    ) -> Self::Out;
    /// An untyped slot.
    fn untyped(self, stored: &mut Option<Value>) -> Self::Out;
    /// No slot at that index.
    fn not_slot(self) -> Self::Out;
}

/// The write: [`ClassImpl::slot_set_at`]. A wrong-typed value is an error
/// and leaves the slot as it was; `cls` is the instance's class name, for
/// the message.
#[derive(Debug)]
pub struct Store {
    /// The value to write.
    pub value: Value,
    /// The instance's class name.
    pub cls: &'static str,
}

impl SlotWrite for Store {
    type Out = Result<SlotSet, Error>;
    /// Converts first, so a wrong-typed value leaves the slot as it was.
    #[inline(always)]
    fn typed<T: SlotValue, F: SetFlags>(
        self,
        stored: &mut T::Stored,
        flags: &mut F,
        bit: u32,
        attr: &'static str,
    ) -> Result<SlotSet, Error> {
        match T::convert(self.value) {
            Ok(v) => {
                *stored = v;
                flags.set(bit);
                Ok(SlotSet::Done)
            }
            Err(mismatch) => Err(mismatch_error::<T>(mismatch, self.cls, attr)),
        }
    }
    #[inline(always)]
    fn untyped(self, stored: &mut Option<Value>) -> Result<SlotSet, Error> {
        *stored = Some(self.value);
        Ok(SlotSet::Done)
    }
    #[inline(always)]
    fn not_slot(self) -> Result<SlotSet, Error> {
        Ok(SlotSet::NotSlot(self.value))
    }
}

/// The write a handle makes with no mark in the object's borrow flag
/// ([`ObjectStorage::setattr_plain`]): a number over a number, nothing
/// dropped, no code but the runtime's; `false` for anything else, which
/// the caller writes the marked way.
#[derive(Debug)]
pub(crate) struct StorePlain<'v>(pub(crate) &'v Value);

impl SlotWrite for StorePlain<'_> {
    type Out = bool;
    #[inline(always)]
    fn typed<T: SlotValue, F: SetFlags>(
        self,
        stored: &mut T::Stored,
        flags: &mut F,
        bit: u32,
        attr: &'static str,
    ) -> bool {
        let _ = attr;
        if T::PLAIN_STORE.is_none() {
            return false;
        }
        match T::convert_ref(self.0) {
            Some(v) => {
                *stored = v;
                flags.set(bit);
                true
            }
            None => false,
        }
    }
    #[inline(always)]
    fn untyped(self, stored: &mut Option<Value>) -> bool {
        let number = match self.0 {
            Value::Float(x) => Value::Float(*x),
            Value::Int(i) => Value::Int(*i),
            _ => return false,
        };
        match stored {
            None | Some(Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_)) => {
                *stored = Some(number);
                true
            }
            Some(_) => false,
        }
    }
    #[inline(always)]
    fn not_slot(self) -> bool {
        false
    }
}

/// The deletion: [`ClassImpl::slot_del_at`], which drops the value.
#[derive(Debug)]
pub struct Delete;

impl SlotWrite for Delete {
    type Out = SlotDel;
    #[inline(always)]
    fn typed<T: SlotValue, F: SetFlags>(
        self,
        stored: &mut T::Stored,
        flags: &mut F,
        bit: u32,
        _: &'static str,
    ) -> SlotDel {
        if flags.get(bit) {
            *stored = T::vacant();
            flags.clear(bit);
            SlotDel::Done
        } else {
            SlotDel::Unset
        }
    }
    #[inline(always)]
    fn untyped(self, stored: &mut Option<Value>) -> SlotDel {
        match stored.take() {
            Some(_) => SlotDel::Done,
            None => SlotDel::Unset,
        }
    }
    #[inline(always)]
    fn not_slot(self) -> SlotDel {
        SlotDel::NotSlot
    }
}

/// What [`ClassImpl::visit_slots`] shows each slot field to: one generated
/// method serves every walk over a class's fields (its heap bytes, its
/// handles for the collector).
pub trait SlotVisitor {
    /// A typed slot of Rust type `T`, as stored (set or not: an unset slot
    /// holds [`SlotValue::vacant`], which owns nothing).
    fn typed<T: SlotValue>(&mut self, stored: &T::Stored);
    /// An untyped slot.
    fn untyped(&mut self, stored: &Option<Value>);
}

/// [`ClassImpl::heap_size`]'s visitor: the slots' heap bytes, summed.
struct HeapSize(usize);

impl SlotVisitor for HeapSize {
    #[inline]
    fn typed<T: SlotValue>(&mut self, stored: &T::Stored) {
        self.0 += T::heap_size(stored);
    }
    #[inline]
    fn untyped(&mut self, stored: &Option<Value>) {
        self.0 += stored.as_ref().map_or(0, Value::heap_size);
    }
}

/// [`ClassImpl::traverse`]'s visitor: every handle the slots hold, shown
/// to the collector.
struct Traverse<'v, 'a>(&'v mut crate::handles::gc::Visit<'a>);

impl SlotVisitor for Traverse<'_, '_> {
    #[inline]
    fn typed<T: SlotValue>(&mut self, stored: &T::Stored) {
        T::traverse(stored, self.0);
    }
    #[inline]
    fn untyped(&mut self, stored: &Option<Value>) {
        if let Some(v) = stored {
            v.traverse(self.0);
        }
    }
}

/// Implemented by `#[pyclass_like]`: the name-to-storage glue of one class.
/// What a class has none of (slots, a dict, heap bytes) it leaves to the
/// defaults.
///
/// Every `ClassImpl` is an [`Object`] by the blanket implementation below:
/// the attribute algorithm is generic code here, monomorphised per class
/// so the generated slot `match` inlines into it.
#[diagnostic::on_unimplemented(message = "`{Self}` is not a #[pyclass_like] class", label = "not a pyslots class")]
pub trait ClassImpl: PyClass {
    /// [`PyClass::LAYOUT`], which the blanket `PyClass` reads.
    const CLASS_LAYOUT: Layout;
    /// [`PyClass::WeakRefs`], which the blanket `PyClass` reads.
    type ClassWeakRefs;
    /// How many slots an instance carries: the class's own, then its
    /// stored base's. The index space of the `slot_*_at` methods:
    /// [`Layout::slot_count`](crate::objects::layout::Layout::slot_count)
    /// of the class's layout (not generated: a constant per class is an
    /// item rustc checks per class).
    const SLOT_COUNT: u32 = Self::LAYOUT.slot_count();
    /// Whether [`slot_index`](ClassImpl::slot_index) may go from the own
    /// names straight to the stored base's
    /// ([`lookup_by_stored_base`](crate::objects::layout::lookup_by_stored_base)).
    /// Where it may not (a class attribute of a base that is not stored
    /// may hide a stored slot), it asks [`Layout::slot_index`](crate::objects::layout::Layout::slot_index), which walks
    /// the MRO.
    const LOOKUP_BY_STORED_BASE: bool = true;
    /// The class's own `#[methods]` block: its table, names and glue, one
    /// constant the macro sets (`X::__PYSLOTS_BLOCK`, or the empty one).
    const BLOCK: crate::objects::object::MethodBlock<Self> = crate::objects::object::MethodBlock::NONE;
    /// The class's own `#[methods]` table, typed (the layout holds it
    /// opaque): what the attribute algorithm searches first, as constant
    /// data it can unroll.
    const METHODS: &'static crate::objects::object::MethodTable = Self::BLOCK.table;
    /// The class's own `#[methods]` block's name `match` and glue, which
    /// [`own_named`](ClassImpl::own_named), [`own_get`](ClassImpl::own_get)
    /// and [`own_call`](ClassImpl::own_call) call.
    const GLUE: crate::objects::object::Glue<Self> = Self::BLOCK.glue;
    /// How a class that extends another reaches its stored base, and the
    /// dict when the base holds it: `Some(`[`StoredAccess::VIA_DEREF`]`)`, set by
    /// the macro for a class with bases (one constant rather than four
    /// forwarding methods per class, each an item rustc checks); `None`
    /// without bases.
    const STORED: Option<StoredAccess<Self>> = None;
    /// What the class's own `#[methods]` block names `name`: the block's
    /// generated `match` over its property and method names, with the
    /// entry's index in [`METHODS`](ClassImpl::METHODS) (the name is
    /// compared once, not searched for in the table's lists).
    #[inline(always)]
    fn own_named(name: &str) -> Named {
        (Self::GLUE.named)(name)
    }
    /// Reads the class's own property `METHODS.properties[index]`, which
    /// has a getter, calling the getter on `Self` directly (the block's
    /// generated glue: no `&dyn Object` and no downcast on the way).
    #[inline(always)]
    fn own_get(&self, index: usize) -> Result<Value, Error> {
        (Self::GLUE.get)(self, index)
    }
    /// Calls the class's own method `METHODS.methods[index]` with `self`
    /// as its receiver (a `&self` or static method too), binding and
    /// converting the arguments in the block's generated glue.
    #[inline(always)]
    fn own_call(&mut self, index: usize, args: &[Value], kwargs: Kwargs<'_>) -> Result<Value, Error> {
        (Self::GLUE.call)(self, index, args, kwargs)
    }
    /// Where slot `name` sits among [`SLOT_COUNT`](ClassImpl::SLOT_COUNT):
    /// `u32::MAX` if it is no slot, [`HIDDEN`] (or `u32::MAX`) if a class
    /// attribute found first hides it. The same index as
    /// [`Layout::slot_index`](crate::objects::layout::Layout::slot_index).
    #[inline(always)]
    fn slot_index(name: &str) -> u32 {
        let _ = name;
        u32::MAX
    }
    /// Reads slot `index`, as `R` makes of it: the one read by index a
    /// class generates, which [`slot_get_at`](ClassImpl::slot_get_at) and
    /// [`slot_get_ref_at`](ClassImpl::slot_get_ref_at) call (a generated
    /// method less per class is rustc's time saved: issue 22).
    #[inline(always)]
    fn slot_read_at<R: SlotRead>(&self, index: u32, reader: R) -> R::Out<'_> {
        let _ = index;
        reader.not_slot()
    }
    /// Does `op` to slot `index`: the one write by index a class
    /// generates, which [`slot_set_at`](ClassImpl::slot_set_at) and
    /// [`slot_del_at`](ClassImpl::slot_del_at) call.
    #[inline(always)]
    fn slot_write_at<W: SlotWrite>(&mut self, index: u32, op: W) -> W::Out {
        let _ = index;
        op.not_slot()
    }
    /// Reads slot `index`.
    #[inline(always)]
    fn slot_get_at(&self, index: u32) -> SlotGet {
        ClassImpl::slot_read_at(self, index, ReadOwned)
    }
    /// Reads slot `index`, borrowed.
    #[inline(always)]
    fn slot_get_ref_at(&self, index: u32) -> SlotGetRef<'_> {
        ClassImpl::slot_read_at(self, index, ReadRef)
    }
    /// Writes slot `index`; a wrong-typed value is an error and leaves the
    /// slot as it was. `cls` is the instance's class name, for messages.
    #[inline(always)]
    fn slot_set_at(&mut self, index: u32, value: Value, cls: &'static str) -> Result<SlotSet, Error> {
        ClassImpl::slot_write_at(self, index, Store { value, cls })
    }
    /// Unsets slot `index`.
    #[inline(always)]
    fn slot_del_at(&mut self, index: u32) -> SlotDel {
        ClassImpl::slot_write_at(self, index, Delete)
    }
    /// Reads slot `name` of this class or its bases.
    #[inline(always)]
    fn slot_get(&self, name: &str) -> SlotGet {
        ClassImpl::slot_get_at(self, Self::slot_index(name))
    }
    /// Reads slot `name`, borrowed.
    #[inline(always)]
    fn slot_get_ref(&self, name: &str) -> SlotGetRef<'_> {
        ClassImpl::slot_get_ref_at(self, Self::slot_index(name))
    }
    /// Writes slot `name`.
    #[inline(always)]
    fn slot_set(&mut self, name: &str, value: Value, cls: &'static str) -> Result<SlotSet, Error> {
        ClassImpl::slot_set_at(self, Self::slot_index(name), value, cls)
    }
    /// Unsets slot `name`.
    #[inline(always)]
    fn slot_del(&mut self, name: &str) -> SlotDel {
        ClassImpl::slot_del_at(self, Self::slot_index(name))
    }
    /// The instance dict, wherever in the chain it lives (generated for a
    /// class with a dict of its own; else the stored base's, through
    /// [`STORED`](ClassImpl::STORED), or none).
    #[inline(always)]
    fn dict(&self) -> Option<DictView<'_>> {
        match Self::STORED {
            Some(stored) => (stored.dict)(self),
            None => None,
        }
    }
    /// The instance dict, to write.
    #[inline(always)]
    fn dict_mut(&mut self) -> Option<DictViewMut<'_>> {
        match Self::STORED {
            Some(stored) => (stored.dict_mut)(self),
            None => None,
        }
    }
    /// The stored base's instance, for a class that extends another
    /// (through [`STORED`](ClassImpl::STORED)).
    #[inline(always)]
    fn stored_base(&self) -> Option<&dyn Object> {
        match Self::STORED {
            Some(stored) => Some((stored.base)(self)),
            None => None,
        }
    }
    /// The stored base's instance, to write.
    #[inline(always)]
    fn stored_base_mut(&mut self) -> Option<&mut dyn Object> {
        match Self::STORED {
            Some(stored) => Some((stored.base_mut)(self)),
            None => None,
        }
    }
    /// Shows `visitor` every slot field of this class and its stored
    /// base, typed and untyped (not the instance dict, which
    /// [`dict`](ClassImpl::dict) finds wherever it lives): what
    /// [`heap_size`](ClassImpl::heap_size) and
    /// [`traverse`](ClassImpl::traverse) are made of: each slot by index
    /// through [`slot_read_at`](ClassImpl::slot_read_at) with a
    /// `VisitSlot` reader (not generated: a generic method less per
    /// class, issue 22; the count is a constant, the loop unrolls).
    #[inline]
    fn visit_slots<V: SlotVisitor>(&self, visitor: &mut V) {
        let mut index = 0;
        while index < Self::SLOT_COUNT {
            ClassImpl::slot_read_at(self, index, VisitSlot(&mut *visitor));
            index += 1;
        }
    }
    /// Heap bytes owned by the slots and dict of this class and its bases:
    /// [`Object::heap_size`]. The slots' through
    /// [`visit_slots`](ClassImpl::visit_slots), then the dict's (an
    /// instance has one dict at most, its own or a base's).
    #[inline]
    fn heap_size(&self) -> usize {
        let mut sum = HeapSize(0);
        ClassImpl::visit_slots(self, &mut sum);
        sum.0 + dict_heap_size(ClassImpl::dict(self))
    }
    /// Reports every handle the slots and dict of this class and its bases
    /// hold to the cycle collector ([`crate::handles::gc`]): typed slots through
    /// [`SlotValue::traverse`], untyped slots and the dict's values through
    /// [`Value::traverse`]; the slots through
    /// [`visit_slots`](ClassImpl::visit_slots), as
    /// [`heap_size`](ClassImpl::heap_size).
    #[inline]
    fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        ClassImpl::visit_slots(self, &mut Traverse(visit));
        dict_traverse(ClassImpl::dict(self), visit);
    }
    /// The key table a regular class's dicts share: one `static`, so dicts
    /// can tell whether they are still over it by address.
    #[inline(always)]
    fn shared_keys() -> &'static SharedKeys {
        &NO_KEYS
    }
    /// Where `name` sits in the class's shared dict key table, found by a
    /// generated `match`, so a regular class's dict reads without scanning.
    #[inline(always)]
    fn dict_key(name: &str) -> Option<(&'static SharedKeys, usize)> {
        let _ = name;
        None
    }
}

/// How a class that extends another reaches its stored base (the field
/// its `Deref` lends) and the dict the base holds:
/// [`ClassImpl::STORED`]. Function pointers in a constant, which the
/// defaults of [`ClassImpl::stored_base`] and [`ClassImpl::dict`] call
/// directly once monomorphised, as [`ClassImpl::GLUE`].
pub struct StoredAccess<T: ?Sized> {
    /// The stored base's instance.
    pub base: fn(&T) -> &dyn Object,
    /// The stored base's instance, to write.
    pub base_mut: fn(&mut T) -> &mut dyn Object,
    /// The stored base's instance dict (the chain's, wherever it lives).
    pub dict: fn(&T) -> Option<DictView<'_>>,
    /// The stored base's instance dict, to write.
    pub dict_mut: fn(&mut T) -> Option<DictViewMut<'_>>,
}

impl<T: ?Sized> Clone for StoredAccess<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for StoredAccess<T> {}

impl<T: ?Sized> fmt::Debug for StoredAccess<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoredAccess")
    }
}

impl<T, B> StoredAccess<T>
where
    T: std::ops::DerefMut<Target = B>,
    B: ClassImpl,
{
    /// The stored base is what `T`'s `Deref` lends (the generated
    /// `Deref` of a class with bases).
    pub const VIA_DEREF: StoredAccess<T> = StoredAccess {
        base: |t| &**t,
        base_mut: |t| &mut **t,
        dict: |t| ClassImpl::dict(&**t),
        dict_mut: |t| ClassImpl::dict_mut(&mut **t),
    };
}

/// A class whose Rust value holds a `B`: itself, its stored base, that
/// base's stored base, and so on. Every class holds itself (the blanket
/// implementation below); `#[pyclass_like]` implements it, through
/// [`StoredEmbeds`] with several bases, for every class its stored base
/// holds; `AsRef<B>` and `AsMut<B>` follow it. A base that is not
/// stored (a diamond's second side, which adds no storage to the first)
/// is not held: there is no second copy of the shared base to lend.
#[diagnostic::on_unimplemented(
    message = "`{B}` is not stored here: `{Self}` holds no `{B}`",
    label = "no `{B}` to lend",
    note = "a class stores one base, CPython's `__base__` (the first base whose lay-out is the most derived); a \
            diamond's other sides add no storage and are not stored, so their shared base has one copy: reach their \
            slots through the stored base, by name, or through a member"
)]
pub trait Embeds<B> {
    /// The `B` this value holds.
    fn embedded(&self) -> &B;
    /// The `B` this value holds, to write.
    fn embedded_mut(&mut self) -> &mut B;
}

/// Every class holds itself. One implementation here rather than one
/// generated per class (rustc checked two methods a class for it); a
/// subclass's generated implementation for what its stored base holds
/// does not overlap it, as no class's stored base holds the class itself.
impl<T: ClassImpl> Embeds<T> for T {
    #[inline(always)]
    fn embedded(&self) -> &T {
        self
    }
    #[inline(always)]
    fn embedded_mut(&mut self) -> &mut T {
        self
    }
}

/// What a generated `CLASS_LAYOUT` leaves out of its `Layout` literal
/// (`..LAYOUT_UNSET`): no slots, docs, class attributes or bases, neither
/// `__dict__` nor `__weakref__`, not frozen; and what [`class_layout`]
/// fills in. Each `&[]` a class writes is a promoted constant rustc checks
/// in that class's constant (about 1M instructions each; issue 22).
pub const LAYOUT_UNSET: Layout = Layout {
    name: "",
    module_path: "",
    slots: &[],
    declared_slots: None,
    slot_docs: &[],
    class_attrs: &[],
    bases: &[],
    has_dict: false,
    has_weakref: false,
    size: 0,
    frozen: false,
    methods: &crate::objects::object::MethodTable::EMPTY,
    method_flags: 0,
    method_names: &[],
};

/// A class's layout, from what `#[pyclass_like]` writes of it: the size
/// and the `#[methods]` block's table, flags and names come from `T`
/// here, generic code rustc checks once rather than in each class's
/// constant (issue 22).
pub const fn class_layout<T: ClassImpl>(layout: Layout) -> Layout {
    Layout {
        size: std::mem::size_of::<T>(),
        methods: T::METHODS,
        method_flags: crate::objects::object::method_flags(T::METHODS),
        method_names: T::BLOCK.names,
        ..layout
    }
}

/// A class's bases, as a tuple of their types, `(A, B)`: their layouts
/// as one constant, `<(A, B) as Bases>::LIST`, which the generated
/// `Layout::bases` and every rule on the bases (`base_rule(..)`) read.
/// Written `&[&<A as PyClass>::LAYOUT, ..]` in each rule, the borrowed
/// array was a promoted constant rustc checked per rule (about 1.8M
/// instructions each); this constant is checked once here and evaluated
/// once per class (issue 22). Implemented for up to
/// [`BASES_MAX`] bases; `#[pyclass_like]` writes the array beyond.
#[diagnostic::on_unimplemented(
    message = "a base in `extends` is not a #[pyclass_like] class",
    label = "not a pyslots class",
    note = "`extends` and `Py<T>` take classes made with #[pyclass_like]"
)]
pub trait Bases {
    /// The bases' layouts, in order.
    const LIST: &'static [&'static Layout];
}

/// How many bases [`Bases`] is implemented for.
pub const BASES_MAX: usize = 12;

macro_rules! impl_bases {
    ($($b:ident)+) => {
        #[diagnostic::do_not_recommend]
        impl<$($b: PyClass),+> Bases for ($($b,)+) {
            const LIST: &'static [&'static Layout] = &[$(&$b::LAYOUT),+];
        }
    };
}
impl_bases!(A);
impl_bases!(A B);
impl_bases!(A B C);
impl_bases!(A B C D);
impl_bases!(A B C D E);
impl_bases!(A B C D E F);
impl_bases!(A B C D E F G);
impl_bases!(A B C D E F G H);
impl_bases!(A B C D E F G H I);
impl_bases!(A B C D E F G H I J);
impl_bases!(A B C D E F G H I J K);
impl_bases!(A B C D E F G H I J K L);

/// Which base a class stores, as a type: `StoredIf<c0, B0, StoredIf<c1,
/// B1, NoBase>>` is `B0` if `c0`, else `B1` if `c1`. The conditions are
/// constants over the bases' layouts (`best_base_index(...) == k`), which
/// only the compiler can see.
#[derive(Debug)]
pub struct StoredIf<const C: bool, A, Rest>(std::marker::PhantomData<(A, Rest)>);

/// The end of a [`StoredIf`] chain: no base.
#[derive(Debug)]
pub struct NoBase;

/// The type a [`StoredIf`] chain selects.
pub trait Stored {
    /// The stored base.
    type Type;
}

impl<A, Rest> Stored for StoredIf<true, A, Rest> {
    type Type = A;
}

impl<A, Rest: Stored> Stored for StoredIf<false, A, Rest> {
    type Type = Rest::Type;
}

/// The stored base a [`StoredIf`] chain selects holds a `B`.
#[diagnostic::on_unimplemented(
    message = "the stored base holds no `{B}`",
    note = "a class stores one base, CPython's `__base__`; a diamond's other sides are not stored"
)]
pub trait StoredEmbeds<B>: Stored {
    /// The `B` in the stored base.
    fn get(base: &Self::Type) -> &B;
    /// The `B` in the stored base, to write.
    fn get_mut(base: &mut Self::Type) -> &mut B;
}

impl<A: Embeds<B>, Rest, B> StoredEmbeds<B> for StoredIf<true, A, Rest> {
    #[inline(always)]
    fn get(base: &A) -> &B {
        base.embedded()
    }
    #[inline(always)]
    fn get_mut(base: &mut A) -> &mut B {
        base.embedded_mut()
    }
}

impl<A, Rest: StoredEmbeds<B>, B> StoredEmbeds<B> for StoredIf<false, A, Rest> {
    #[inline(always)]
    fn get(base: &Rest::Type) -> &B {
        Rest::get(base)
    }
    #[inline(always)]
    fn get_mut(base: &mut Rest::Type) -> &mut B {
        Rest::get_mut(base)
    }
}

/// What the attribute algorithm needs of an instance: its class's layout,
/// its slots by name, its dict. The one algorithm below
/// ([`generic_getattr`] and the rest) runs over these hooks for both kinds
/// of class: a `#[pyclass_like]` class reaches them through [`ClassImpl`]
/// (the blanket implementation below, all constants and a generated
/// `match`, inlined), an instance of a class made at run time
/// ([`Instance`](crate::Instance)) through its class's tables.
pub trait Hooks {
    /// The instance's class.
    fn class_layout(&self) -> LayoutRef<'_>;
    /// Whether the class or a base has class attributes (most have none:
    /// the lookup then skips the walk along the MRO).
    fn has_class_attrs(&self) -> bool;
    /// Whether the class or a base has properties, methods or attribute
    /// hooks (`#[methods]`): a class without skips their lookup.
    fn has_methods(&self) -> bool;
    /// The instance as an [`Object`], for the generated functions a
    /// property or hook points at.
    fn as_object(&self) -> &dyn Object;
    /// The instance as an [`Object`], to write.
    fn as_object_mut(&mut self) -> &mut dyn Object;
    /// Reads slot `name` of the class or its bases.
    fn find_slot(&self, name: &str) -> SlotGet;
    /// Reads slot `name`, borrowed.
    fn find_slot_ref(&self, name: &str) -> SlotGetRef<'_>;
    /// Writes slot `name`; a wrong-typed value is an error and leaves the
    /// slot as it was.
    fn store_slot(&mut self, name: &str, value: Value) -> Result<SlotSet, Error>;
    /// Unsets slot `name`.
    fn remove_slot(&mut self, name: &str) -> SlotDel;
    /// The instance dict, if the instance has one.
    fn instance_dict(&self) -> Option<DictView<'_>>;
    /// The instance dict, to write.
    fn instance_dict_mut(&mut self) -> Option<DictViewMut<'_>>;
    /// Where `name` sits in the class's shared dict key table, if it has
    /// one that holds it.
    fn known_key(&self, name: &str) -> Option<(&SharedKeys, usize)> {
        let _ = name;
        None
    }
    /// What `name` finds along the MRO: a property or a method
    /// ([`LayoutRef::find_descriptor`]).
    #[inline]
    fn find_descriptor(&self, name: &str) -> Option<Descriptor> {
        self.class_layout().find_descriptor(name)
    }
    /// A property read's fast path: if `name` is a property with a getter
    /// of the instance's own class (the first along the MRO, so nothing
    /// else can answer first but a slot, which the caller has tried), its
    /// getter's result; `None` sends the read on to the descriptor walk.
    #[inline(always)]
    fn own_property(&self, name: &str) -> Option<Result<Value, Error>> {
        let _ = name;
        None
    }
}

/// A `#[pyclass_like]` class's hooks: its constants and generated code.
impl<T: ClassImpl> Hooks for T {
    #[inline(always)]
    fn class_layout(&self) -> LayoutRef<'_> {
        LayoutRef::of_static(&T::LAYOUT)
    }
    #[inline(always)]
    fn has_class_attrs(&self) -> bool {
        const { T::LAYOUT.has_class_attrs() }
    }
    #[inline(always)]
    fn has_methods(&self) -> bool {
        const { T::LAYOUT.has_methods() }
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
        ClassImpl::slot_get(self, name)
    }
    #[inline(always)]
    fn find_slot_ref(&self, name: &str) -> SlotGetRef<'_> {
        ClassImpl::slot_get_ref(self, name)
    }
    #[inline(always)]
    fn store_slot(&mut self, name: &str, value: Value) -> Result<SlotSet, Error> {
        ClassImpl::slot_set(self, name, value, T::LAYOUT.name)
    }
    #[inline(always)]
    fn remove_slot(&mut self, name: &str) -> SlotDel {
        ClassImpl::slot_del(self, name)
    }
    #[inline(always)]
    fn instance_dict(&self) -> Option<DictView<'_>> {
        ClassImpl::dict(self)
    }
    #[inline(always)]
    fn instance_dict_mut(&mut self) -> Option<DictViewMut<'_>> {
        ClassImpl::dict_mut(self)
    }
    #[inline(always)]
    fn known_key(&self, name: &str) -> Option<(&SharedKeys, usize)> {
        T::dict_key(name)
    }
    /// The class's own table first, as constant data; then, if a base has
    /// a table, the walk along the MRO.
    #[inline(always)]
    fn find_descriptor(&self, name: &str) -> Option<Descriptor> {
        match T::own_named(name) {
            Named::Property(i) => return Some(Descriptor::Property(&T::METHODS.properties[i], &T::LAYOUT)),
            Named::Method(i) => return Some(Descriptor::Method(&T::METHODS.methods[i], &T::LAYOUT)),
            Named::Nothing => {}
        }
        if const { bases_have_methods(&T::LAYOUT) } {
            return LayoutRef::of_static(&T::LAYOUT).find_descriptor(name);
        }
        None
    }
    /// The own class's getter, called on `T` itself: the generated `match`
    /// gives the index, the generated glue calls the getter.
    #[inline(always)]
    fn own_property(&self, name: &str) -> Option<Result<Value, Error>> {
        match T::own_named(name) {
            Named::Property(i) if T::METHODS.properties[i].get.is_some() => Some(T::own_get(self, i)),
            _ => None,
        }
    }
}

/// The [`Object`] methods that are the attribute algorithm over [`Hooks`]
/// unchanged, written once for both implementations of `Object`: the
/// blanket one below and [`Instance`](crate::Instance)'s (which adds fast
/// paths to `getattr` and `setattr` only).
macro_rules! object_methods_over_hooks {
    () => {
        #[inline]
        fn getattr_ref(&self, name: &str) -> Result<$crate::values::value::ValueRef<'_>, $crate::error::Error> {
            match $crate::objects::class::generic_getattr_ref(self, name) {
                Ok(v) => Ok(v),
                Err(e) => {
                    $crate::objects::class::getattr_hook(self, name, e).map($crate::values::value::ValueRef::Owned)
                }
            }
        }
        #[inline]
        fn delattr(&mut self, name: &str) -> Result<(), $crate::error::Error> {
            // The hook's lookup out of line: inline, it kept callers from
            // inlining `delattr` (as `setattr`'s kept `setattr`, 29 -> 57
            // instructions for a slot write).
            if $crate::objects::class::Hooks::has_methods(self) {
                return $crate::objects::class::delattr_hooked(self, name);
            }
            $crate::objects::class::generic_delattr(self, name)
        }
        #[inline]
        fn hasattr(&self, name: &str) -> bool {
            $crate::objects::class::generic_hasattr(self, name)
                || ($crate::objects::class::Hooks::has_methods(self)
                    && $crate::objects::class::hasattr_hooked(self, name))
        }
        fn dir(&self) -> Vec<String> {
            $crate::objects::class::generic_dir(self)
        }
        fn dict(&self) -> Option<$crate::values::dict::PyDict> {
            $crate::objects::class::Hooks::instance_dict(self).map(|d| d.materialize())
        }
    };
}
pub(crate) use object_methods_over_hooks;

/// `ObjectStorage`'s way to the generic algorithm from a `dyn Object`
/// (what `pyslots::generic_getattr` and friends call), the same for both
/// implementations.
macro_rules! generic_attribute_methods {
    () => {
        fn generic_getattr_dyn(&self, name: &str) -> Result<Value, Error> {
            $crate::objects::class::generic_getattr(self, name)
        }
        fn generic_setattr_dyn(&mut self, name: &str, value: Value) -> Result<(), Error> {
            $crate::objects::class::generic_setattr(self, name, value)
        }
        fn generic_delattr_dyn(&mut self, name: &str) -> Result<(), Error> {
            $crate::objects::class::generic_delattr(self, name)
        }
    };
}
pub(crate) use generic_attribute_methods;

/// Every class is an [`Object`] through the one attribute algorithm below;
/// generated code emits none of this.
/// `FrozenInstanceError: cannot assign to field 'x'`: what a frozen
/// class's `ClassImpl::slot_set` returns for every name, so that
/// `setattr` refuses it before anything else.
#[cold]
pub fn frozen_setattr(name: &str) -> Error {
    Error::frozen_assign(name)
}

/// Every class's `PyClass`, from what its generated `ClassImpl` holds: one
/// trait implementation per class fewer for rustc to check (issue 22).
#[diagnostic::do_not_recommend]
impl<T: ClassImpl> PyClass for T {
    const LAYOUT: Layout = T::CLASS_LAYOUT;
    type WeakRefs = T::ClassWeakRefs;
}

#[diagnostic::do_not_recommend]
impl<T: ClassImpl> Object for T {
    #[inline]
    fn type_name(&self) -> &str {
        T::LAYOUT.name
    }
    #[inline(always)]
    fn getattr(&self, name: &str) -> Result<Value, Error> {
        if const { T::LAYOUT.has_methods() } {
            return match generic_getattr(self, name) {
                Ok(v) => Ok(v),
                Err(e) => getattr_hook(self, name, e),
            };
        }
        generic_getattr(self, name)
    }
    #[inline(always)]
    fn setattr(&mut self, name: &str, value: Value) -> Result<(), Error> {
        if const { T::LAYOUT.has_setattr_hook() } {
            return setattr_hook(self, name, value);
        }
        generic_setattr(self, name, value)
    }
    object_methods_over_hooks!();
    #[inline]
    fn layout(&self) -> LayoutRef<'_> {
        LayoutRef::of_static(&T::LAYOUT)
    }
    fn heap_size(&self) -> usize {
        ClassImpl::heap_size(self)
    }
}

impl<T: ClassImpl> crate::objects::object::sealed::Sealed for T {}

impl<T: ClassImpl> ObjectStorage for T {
    /// A slot is what `getattr` finds first (a class with properties or
    /// methods never asks: its handle takes the path that may run user
    /// code); only an untyped slot, or a typed one whose type's `load` is
    /// the runtime's own, is read here ([`ReadPlain`]).
    #[inline(always)]
    fn getattr_plain(&self, name: &str) -> Option<Result<Value, Error>> {
        ClassImpl::slot_read_at(self, T::slot_index(name), ReadPlain)
    }
    /// A number into a slot whose type says its conversion of a number and
    /// the drop of what it held are the runtime's own and own no object
    /// ([`SlotValue::PLAIN_STORE`]: the integers, the floats, `bool`), or
    /// into an untyped slot holding a number or nothing ([`StorePlain`]).
    #[inline(always)]
    fn setattr_plain(&mut self, name: &str, value: &mut Value) -> bool {
        ClassImpl::slot_write_at(self, T::slot_index(name), StorePlain(value))
    }
    #[inline]
    fn slot_get_at(&self, index: u32) -> SlotGet {
        ClassImpl::slot_get_at(self, index)
    }
    #[inline]
    fn slot_get_ref_at(&self, index: u32) -> SlotGetRef<'_> {
        ClassImpl::slot_get_ref_at(self, index)
    }
    #[inline]
    fn slot_set_at(&mut self, index: u32, value: Value) -> Result<SlotSet, Error> {
        ClassImpl::slot_set_at(self, index, value, T::LAYOUT.name)
    }
    #[inline]
    fn slot_del_at(&mut self, index: u32) -> SlotDel {
        ClassImpl::slot_del_at(self, index)
    }
    #[inline]
    fn dict_view(&self) -> Option<DictView<'_>> {
        ClassImpl::dict(self)
    }
    #[inline]
    fn dict_view_mut(&mut self) -> Option<DictViewMut<'_>> {
        ClassImpl::dict_mut(self)
    }
    fn traverse(&self, visit: &mut crate::handles::gc::Visit<'_>) {
        ClassImpl::traverse(self, visit)
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }
    #[inline]
    fn method_to_call(&self, name: &str) -> Option<&'static crate::objects::object::MethodDef> {
        if !const { T::LAYOUT.has_methods() } {
            return None;
        }
        method_to_call(self, name)
    }
    /// The class's own method, found by the generated `match` and called
    /// on `T` through the generated glue, unless the instance dict shadows
    /// it (a class without a dict has a constant `None` here); anything
    /// else takes the general path.
    #[inline(always)]
    fn call_method_dyn(&mut self, name: &str, args: &[Value], kwargs: Kwargs<'_>) -> Result<Value, Error> {
        if const { T::LAYOUT.has_methods() } {
            if let Named::Method(i) = T::own_named(name) {
                if dict_entry(self, name).is_none() {
                    return T::own_call(self, i, args, kwargs);
                }
            }
        }
        crate::objects::method::call_on_owned(self, name, args, kwargs)
    }
    generic_attribute_methods!();
    fn stored_base(&self) -> Option<&dyn Object> {
        ClassImpl::stored_base(self)
    }
    fn stored_base_mut(&mut self) -> Option<&mut dyn Object> {
        ClassImpl::stored_base_mut(self)
    }
}

/// `delattr` of a class with properties, methods or hooks: `__delattr__`
/// if the class or a base defines it, else the generic deletion.
#[inline(never)]
pub fn delattr_hooked<T: Hooks + Object + ?Sized>(obj: &mut T, name: &str) -> Result<(), Error> {
    match obj.class_layout().find_hook(|t| t.delattr) {
        Some(hook) => hook(obj.as_object_mut(), name),
        None => generic_delattr(obj, name),
    }
}

/// `hasattr` after the generic lookup found nothing, for a class with
/// properties, methods or hooks: whether `__getattr__` answers.
#[inline(never)]
pub fn hasattr_hooked<T: Hooks + ?Sized>(obj: &T, name: &str) -> bool {
    getattr_hook_slow(obj, name, Error::attribute_error("")).is_ok()
}

/// `setattr` of a class whose class or base defines `__setattr__`.
#[inline(never)]
fn setattr_hook<T: ClassImpl>(obj: &mut T, name: &str, value: Value) -> Result<(), Error> {
    match LayoutRef::of_static(&T::LAYOUT).find_hook(|t| t.setattr) {
        Some(hook) => hook(obj, name, value),
        None => generic_setattr(obj, name, value),
    }
}

/// What `getattr` does after the generic lookup failed: `__getattr__`, if
/// the class or a base defines it and the error is an `AttributeError`
/// (CPython's `slot_tp_getattr_hook`); otherwise the error.
#[inline(always)]
pub fn getattr_hook<T: Hooks + ?Sized>(obj: &T, name: &str, error: Error) -> Result<Value, Error> {
    if obj.has_methods() {
        return getattr_hook_slow(obj, name, error);
    }
    Err(error)
}

#[cold]
#[inline(never)]
fn getattr_hook_slow<T: Hooks + ?Sized>(obj: &T, name: &str, error: Error) -> Result<Value, Error> {
    if error.kind() == crate::error::ErrorKind::AttributeError {
        if let Some(hook) = obj.class_layout().find_hook(|t| t.getattr) {
            return hook(obj.as_object(), name);
        }
    }
    Err(error)
}

/// `getattr` for a class with properties or methods, after the slots: the
/// rest of CPython's `_PyObject_GenericGetAttrWithDict` (a property before
/// the instance dict, the dict before a method).
#[inline(never)]
fn getattr_described<T: Hooks + ?Sized>(obj: &T, name: &str) -> Result<Value, Error> {
    if let Some(result) = obj.own_property(name) {
        return result;
    }
    match obj.find_descriptor(name) {
        Some(Descriptor::Property(p, _)) => match p.get {
            Some(get) => get(obj.as_object()),
            None => Err(property_error(obj.class_layout(), name, "getter")),
        },
        Some(Descriptor::Method(m, _)) => {
            if let Some(v) = dict_entry(obj, name) {
                return Ok(v);
            }
            Ok(Value::Function(PyFunction::method(m)))
        }
        Some(Descriptor::Value(f)) => match f.kind() {
            FnKind::Property(..) => Err(needs_handle(obj.class_layout(), name)),
            FnKind::Static(inner) => Ok(dict_entry(obj, name).unwrap_or_else(|| inner.clone())),
            FnKind::ClassMethod(inner) => Ok(dict_entry(obj, name)
                .unwrap_or_else(|| PyFunction::bound_to_class(inner, obj.class_layout().to_type()))),
            _ => Ok(dict_entry(obj, name).unwrap_or(Value::Function(f))),
        },
        None => {
            if let (Some((keys, index)), Some(d)) = (obj.known_key(name), obj.instance_dict()) {
                if let Some(v) = d.get_known(keys, index) {
                    return Ok(v.clone());
                }
            }
            getattr_slow(obj, name)
        }
    }
}

/// The instance dict's entry `name`, if any (not for `__dict__` and
/// `__weakref__`, which the class answers).
fn dict_entry<T: Hooks + ?Sized>(obj: &T, name: &str) -> Option<Value> {
    if is_special(name) {
        return None;
    }
    obj.instance_dict()?.get(name)
}

/// A run-time class's property read, written or deleted on an owned
/// instance: its functions take the instance as a `Value`, which only a
/// handle is.
#[cold]
fn needs_handle(layout: LayoutRef<'_>, name: &str) -> Error {
    Error::type_error(format!(
        "property '{name}' of '{}' object: a run-time class's property is reached through a handle (PyObject), \
         whose functions get the object",
        layout.qualname()
    ))
}

/// Whether a base of `layout` (not the class itself) has a `#[methods]`
/// table.
const fn bases_have_methods(layout: &Layout) -> bool {
    let mut i = 0;
    while i < layout.bases().len() {
        if layout.bases()[i].has_methods() {
            return true;
        }
        i += 1;
    }
    false
}

/// The method `name` finds, unless the instance dict shadows it.
#[inline(always)]
pub(crate) fn method_to_call<T: Hooks + ?Sized>(
    obj: &T,
    name: &str,
) -> Option<&'static crate::objects::object::MethodDef> {
    match obj.find_descriptor(name) {
        Some(Descriptor::Method(m, _)) if dict_entry(obj, name).is_none() => Some(m),
        _ => None,
    }
}

/// `property 'x' of 'P' object has no setter`.
#[cold]
fn property_error(layout: LayoutRef<'_>, name: &str, what: &str) -> Error {
    // CPython names the type by its `__qualname__` here.
    Error::property_missing(layout.qualname(), name, what)
}

/// `setattr` of a name a property or method answers: the setter, or
/// CPython's error; `Ok(Some(value))` back if the name is neither (or a
/// method the instance dict may shadow).
#[inline(never)]
fn setattr_described<T: Hooks + ?Sized>(obj: &mut T, name: &str, value: Value) -> Result<Option<Value>, Error> {
    match obj.find_descriptor(name) {
        Some(Descriptor::Property(p, _)) => match p.set {
            Some(set) => set(obj.as_object_mut(), value).map(|()| None),
            None => Err(property_error(obj.class_layout(), name, "setter")),
        },
        Some(Descriptor::Value(f)) if matches!(f.kind(), FnKind::Property(..)) => {
            Err(needs_handle(obj.class_layout(), name))
        }
        Some(Descriptor::Method(..) | Descriptor::Value(_)) if obj.instance_dict().is_none() => {
            Err(Error::read_only_of(obj.class_layout().error_name(), name))
        }
        _ => Ok(Some(value)),
    }
}

/// `delattr` of a name a property or method answers; `Ok(false)` if the
/// generic walk goes on.
#[inline(never)]
fn delattr_described<T: Hooks + ?Sized>(obj: &mut T, name: &str) -> Result<bool, Error> {
    match obj.find_descriptor(name) {
        Some(Descriptor::Property(p, _)) => match p.del {
            Some(del) => del(obj.as_object_mut()).map(|()| true),
            None => Err(property_error(obj.class_layout(), name, "deleter")),
        },
        Some(Descriptor::Value(f)) if matches!(f.kind(), FnKind::Property(..)) => {
            Err(needs_handle(obj.class_layout(), name))
        }
        Some(Descriptor::Method(..) | Descriptor::Value(_)) if obj.instance_dict().is_none() => {
            Err(Error::read_only_of(obj.class_layout().error_name(), name))
        }
        _ => Ok(false),
    }
}

/// `getattr`, CPython's `PyObject_GenericGetAttr` for a slotted or regular
/// class: data descriptors (slots, `__dict__`, `__weakref__`) first, then
/// the instance dict, then plain class attributes (`__slots__`).
#[inline(always)]
pub fn generic_getattr<T: Hooks + ?Sized>(obj: &T, name: &str) -> Result<Value, Error> {
    match obj.find_slot(name) {
        SlotGet::Found(v) => Ok(v),
        SlotGet::Unset => Err(getattr_missing(obj, name)),
        SlotGet::NotSlot => {
            if obj.has_methods() {
                // The class's own property inline (a generated `match` and
                // a call of the getter), the rest of the walk out of line.
                if let Some(result) = obj.own_property(name) {
                    return result;
                }
                return getattr_described(obj, name);
            }
            // A regular class's declared attribute: the generated match has
            // its position in the shared key table. No declared key is a
            // special name, so this may come before `__dict__`/`__weakref__`.
            if let (Some((keys, index)), Some(d)) = (obj.known_key(name), obj.instance_dict()) {
                if let Some(v) = d.get_known(keys, index) {
                    return Ok(v.clone());
                }
            }
            getattr_slow(obj, name)
        }
    }
}

/// The rest of [`generic_getattr`]'s walk, out of line so the hot paths
/// above stay small.
#[inline(never)]
fn getattr_slow<T: Hooks + ?Sized>(obj: &T, name: &str) -> Result<Value, Error> {
    if name == "__dict__" {
        if let Some(d) = obj.instance_dict() {
            return Ok(Value::Dict(d.materialize()));
        }
    }
    lookup_rest(obj, name).ok_or_else(|| getattr_missing(obj, name))
}

/// The `AttributeError` of a `getattr` that found nothing. It keeps what
/// [`Error::suggestion`] needs to compute CPython's "Did you mean" when
/// asked: the class's layout and, if the instance has a dict, where its
/// keys can be read back from (the key table and a bit per present value,
/// or the live dict itself, which CPython too reads when it prints the
/// error). Nothing is copied or allocated beyond the error itself.
#[cold]
#[inline(never)]
fn getattr_missing<T: Hooks + ?Sized>(obj: &T, name: &str) -> Error {
    let dict_keys = obj.instance_dict().map(|d| d.key_source());
    Error::getattr_missing(obj.class_layout().error_class(), name, dict_keys)
}

/// `getattr` lending the value: the same walk as [`generic_getattr`],
/// borrowing from the slot or the inline dict values instead of cloning.
#[inline(always)]
pub fn generic_getattr_ref<'a, T: Hooks + ?Sized>(obj: &'a T, name: &str) -> Result<ValueRef<'a>, Error> {
    match obj.find_slot_ref(name) {
        SlotGetRef::Found(v) => Ok(v),
        SlotGetRef::Unset => Err(getattr_missing(obj, name)),
        SlotGetRef::NotSlot => getattr_ref_slow(obj, name),
    }
}

#[inline(never)]
fn getattr_ref_slow<'a, T: Hooks + ?Sized>(obj: &'a T, name: &str) -> Result<ValueRef<'a>, Error> {
    if obj.has_methods() {
        return getattr_described(obj, name).map(ValueRef::Owned);
    }
    if let Some(d) = obj.instance_dict() {
        if !is_special(name) {
            if let Some(v) = d.get_ref(name, obj.known_key(name)) {
                return Ok(v);
            }
        }
    }
    getattr_slow(obj, name).map(ValueRef::Owned)
}

/// The names the instance's class answers before its dict: `__dict__`,
/// `__weakref__` (data descriptors), and what falls through to the class.
fn is_special(name: &str) -> bool {
    name == "__dict__" || name == "__weakref__"
}

/// `hasattr`: the same walk as [`generic_getattr`], without building an
/// error, and without making the dict live for `__dict__`.
#[inline(always)]
pub fn generic_hasattr<T: Hooks + ?Sized>(obj: &T, name: &str) -> bool {
    match obj.find_slot(name) {
        SlotGet::Found(_) => true,
        SlotGet::Unset => false,
        SlotGet::NotSlot if obj.has_methods() => getattr_described(obj, name).is_ok(),
        SlotGet::NotSlot => (name == "__dict__" && obj.instance_dict().is_some()) || lookup_rest(obj, name).is_some(),
    }
}

/// After the slots, and `__dict__` itself: `__weakref__`, the instance
/// dict, the class's `__slots__`.
#[inline(always)]
fn lookup_rest<T: Hooks + ?Sized>(obj: &T, name: &str) -> Option<Value> {
    let dict = obj.instance_dict();
    if name == "__weakref__" && obj.class_layout().has_weakref() {
        // No weak reference is tracked per instance (Arc counts them), so
        // this reads as CPython's does before any weakref exists.
        return Some(Value::None);
    }
    if let Some(d) = dict {
        if name != "__dict__" {
            let found = d.get(name);
            if found.is_some() {
                return found;
            }
        }
    }
    // Plain class attributes come after the instance dict (they are no
    // data descriptors); `__slots__` is one of them.
    if obj.has_class_attrs() {
        if let Some(value) = obj.class_layout().class_attr(name) {
            return Some(value);
        }
    }
    if name == "__slots__" {
        return slots_value(obj.class_layout());
    }
    None
}

/// `__slots__` as `getattr` finds it, out of line: inlined, building the
/// list made every caller of [`lookup_rest`] save more registers on every
/// call (`hasattr` of a missing name 46 -> 54 instructions).
#[cold]
#[inline(never)]
fn slots_value(layout: LayoutRef<'_>) -> Option<Value> {
    layout.slots_attr().map(Value::list)
}

/// `setattr`, CPython's `PyObject_GenericSetAttr`.
#[inline(always)]
pub fn generic_setattr<T: Hooks + ?Sized>(obj: &mut T, name: &str, value: Value) -> Result<(), Error> {
    let value = match obj.store_slot(name, value)? {
        SlotSet::Done => return Ok(()),
        SlotSet::NotSlot(v) => v,
    };
    let value = if obj.has_methods() {
        match setattr_described(obj, name, value)? {
            Some(v) => v,
            None => return Ok(()),
        }
    } else {
        value
    };
    if name == "__weakref__" && obj.class_layout().has_weakref() {
        return Err(weakref_not_writable(obj.class_layout()));
    }
    // The table's address and the index: a run-time class's table is lent
    // by the instance, which the dict view borrows next.
    let known_key = obj.known_key(name).map(|(keys, index)| (keys as *const SharedKeys, index));
    if let Some(mut d) = obj.instance_dict_mut() {
        if name == "__dict__" {
            return match value {
                Value::Dict(new) => {
                    d.replace(new);
                    Ok(())
                }
                other => Err(Error::type_error(format!(
                    "__dict__ must be set to a dictionary, not a '{}'",
                    other.type_name()
                ))),
            };
        }
        // The value goes to exactly one place. Handed to one function with
        // fast and slow paths, LLVM copied it first (a 16-byte load over
        // the two 8-byte stores that built it, which the CPU cannot
        // forward); rebuilding scalars from their parts lets it keep them
        // in registers. Dict setattr 8.6 -> 4.4-4.8 ns (benches report).
        let known = known_key.and_then(|(keys, index)| d.known_value_mut(keys, index));
        match known {
            Some(slot) => {
                *slot = match value {
                    Value::Float(x) => Value::Float(x),
                    Value::Int(i) => Value::Int(i),
                    Value::Bool(b) => Value::Bool(b),
                    other => other,
                }
            }
            None => d.set(name, value),
        }
        return Ok(());
    }
    Err(missing_for_write(obj.class_layout(), name))
}

/// `delattr`, CPython's `PyObject_GenericSetAttr` with no value.
#[inline(always)]
pub fn generic_delattr<T: Hooks + ?Sized>(obj: &mut T, name: &str) -> Result<(), Error> {
    if obj.class_layout().frozen() {
        return Err(Error::frozen_delete(name));
    }
    match obj.remove_slot(name) {
        SlotDel::Done => return Ok(()),
        SlotDel::Unset => return Err(Error::unset_slot(name)),
        SlotDel::NotSlot => {}
    }
    if obj.has_methods() && delattr_described(obj, name)? {
        return Ok(());
    }
    if name == "__weakref__" && obj.class_layout().has_weakref() {
        return Err(weakref_not_writable(obj.class_layout()));
    }
    if let Some(mut d) = obj.instance_dict_mut() {
        if name == "__dict__" {
            // CPython lets go of the dict; the next access makes a new,
            // empty one, and whoever holds the old one keeps it.
            d.reset();
            return Ok(());
        }
        return match d.remove(name) {
            Some(_) => Ok(()),
            None => Err(Error::no_attribute_of(obj.class_layout().error_name(), name)),
        };
    }
    Err(missing_for_write(obj.class_layout(), name))
}

/// The error for writing or deleting a name an instance without a dict
/// cannot hold: a class attribute is read-only, anything else is missing.
#[inline]
fn missing_for_write(layout: LayoutRef<'_>, name: &str) -> Error {
    match layout.as_static() {
        Some(layout) => missing_for_write_static(layout, name),
        None => missing_for_write_runtime(layout, name),
    }
}

fn missing_for_write_static(layout: &'static Layout, name: &str) -> Error {
    if (name == "__slots__" && layout.slots_attr().is_some()) || layout.class_attr(name).is_some() {
        Error::read_only(layout.name, name)
    } else {
        Error::no_attribute(layout.name, name)
    }
}

fn missing_for_write_runtime(layout: LayoutRef<'_>, name: &str) -> Error {
    if (name == "__slots__" && layout.slots_attr().is_some()) || layout.class_attr(name).is_some() {
        Error::read_only_of(layout.error_name(), name)
    } else {
        Error::no_attribute_of(layout.error_name(), name)
    }
}

fn weakref_not_writable(layout: LayoutRef<'_>) -> Error {
    // CPython names the class whose `__weakref__` descriptor is found.
    let owner = layout.weakref_owner().map_or(layout.name(), |l| l.name());
    Error::attribute_error(format!("attribute '__weakref__' of '{owner}' objects is not writable"))
}

/// `dir(obj)` over the layout chain and the dict. Inlined into each
/// class's `dir` (left to LLVM, it was inlined or not by the size of
/// unrelated code in the caller's crate: 7 instructions of a call).
#[inline(always)]
pub fn generic_dir<T: Hooks + ?Sized>(obj: &T) -> Vec<String> {
    let keys = obj.instance_dict().map(|d| d.keys());
    let names = obj.class_layout().dir_names(keys.as_deref().map(|k| k.iter().map(PyStr::as_str)));
    let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `Debug` of a class instance: `Point { x: 3.0, y: <unset> }`, then the
/// dict's entries, if any, under `__dict__`.
pub fn fmt_debug<T: Hooks + ?Sized>(obj: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    struct Repr(Option<Value>);
    impl fmt::Debug for Repr {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match &self.0 {
                Some(v) => fmt::Display::fmt(v, f),
                None => f.write_str("<unset>"),
            }
        }
    }
    let layout = obj.class_layout();
    let mut s = f.debug_struct(layout.name());
    for name in layout.all_slots() {
        let v = match obj.find_slot(name) {
            SlotGet::Found(v) => Some(v),
            _ => None,
        };
        s.field(name, &Repr(v));
    }
    if let Some(d) = obj.instance_dict() {
        s.field("__dict__", &Value::dict(d.entries()));
    }
    s.finish()
}

/// The exception of a failed write to a typed slot of `T` (see
/// [`Mismatch`] for the messages). Out of line: only the error path pays
/// for the formatting.
#[cold]
#[inline(never)]
fn mismatch_error<T: SlotValue>(mismatch: Mismatch, cls: &str, attr: &str) -> Error {
    let expected = T::expected();
    match mismatch {
        Mismatch::Overflow(i) => Error::overflow_error(format!(
            "'{cls}' object attribute '{attr}' must be {expected} in range of {}, not {i}",
            crate::storage::slot::range_type_name::<T>()
        )),
        mismatch => {
            let message = format!("'{cls}' object attribute '{attr}' must be {expected}, not {}", found(&mismatch, ""));
            if mismatch.is_overflow() {
                Error::overflow_error(message)
            } else {
                Error::type_error(message)
            }
        }
    }
}

/// What a mismatched write gave instead of what the slot expects: `str`,
/// `tuple (length 3)`, `list (item 2 is str)`, `dict (item 'k' is 300, out
/// of range of u8)`. `item_type` is the Rust type an `Overflow` item was
/// converted to.
fn found(mismatch: &Mismatch, item_type: &str) -> String {
    match mismatch {
        Mismatch::Type(v) => v.type_name().to_owned(),
        Mismatch::Overflow(i) => format!("{i}, out of range of {item_type}"),
        Mismatch::Length(v) => {
            let len = match v {
                Value::Tuple(t) => t.len(),
                Value::List(l) => l.len(),
                Value::Dict(d) => d.len(),
                other => return other.type_name().to_owned(),
            };
            format!("{} (length {len})", v.type_name())
        }
        Mismatch::Item(item) => {
            let at = match &item.at {
                ItemAt::Index(i) => i.to_string(),
                ItemAt::Key(k) => format!("{k:?}"),
            };
            format!("{} (item {at} is {})", item.value.type_name(), found(&item.cause, item.item_type))
        }
    }
}

/// A regular class's typed accessor of field `attr`: `getattr(obj, attr)`
/// converted to a `T` as a typed slot of `T` converts a write (an unset or
/// deleted entry is the `AttributeError` of `getattr`, a value of another
/// type the slot's `TypeError` or `OverflowError`).
#[inline]
pub fn dict_typed<T: SlotValue, C: Object + ?Sized>(
    obj: &C,
    cls: &'static str,
    attr: &'static str,
) -> Result<T, Error> {
    let value = obj.getattr(attr)?;
    match T::convert(value) {
        Ok(stored) => T::unstore(stored).ok_or_else(|| Error::no_attribute(cls, attr)),
        Err(mismatch) => Err(mismatch_error::<T>(mismatch, cls, attr)),
    }
}

/// A regular class's typed setter of field `attr`: the dict entry, as
/// `new` sets it.
#[inline]
pub fn dict_set<C: ClassImpl>(obj: &mut C, attr: &'static str, value: Value) {
    if let Some(mut d) = obj.dict_mut() {
        d.set(attr, value);
    }
}

/// The typed accessor of a slot: a reference, or the `AttributeError` an
/// unset slot gives.
#[inline(always)]
pub fn typed_ref<'a, T: SlotValue, F: SetFlags>(
    stored: &'a T::Stored,
    flags: &F,
    bit: u32,
    cls: &'static str,
    attr: &'static str,
) -> Result<T::Ref<'a>, Error> {
    if flags.get(bit) {
        if let Some(r) = T::get(stored) {
            return Ok(r);
        }
    }
    Err(Error::no_attribute(cls, attr))
}

/// The typed setter of a slot.
#[inline(always)]
pub fn set_typed<T: SlotValue, F: SetFlags>(stored: &mut T::Stored, flags: &mut F, bit: u32, value: T) {
    *stored = value.store();
    flags.set(bit);
}
