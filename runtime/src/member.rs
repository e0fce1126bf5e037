//! `Member`: a slot as its class's descriptor, CPython's member descriptor
//! (`Point.x` is `<member 'x' of 'Point' objects>`).

use std::fmt;
use std::marker::PhantomData;

use crate::class::{ClassImpl, SlotDel, SlotGet, SlotGetRef, SlotSet};
use crate::error::Error;
use crate::layout::Layout;
use crate::object::{Object, PyClass};
use crate::value::Value;
use crate::value_ref::ValueRef;

/// A slot of class `T` (its own or a base's), resolved once by name:
/// reading or writing through it compares no names, only jumps to the
/// slot, like CPython's member descriptor (`Point.x.__get__(p)`).
///
/// Get one with [`PyClass::member`].
///
/// ```
/// use pyslots::prelude::*;
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
pub struct Member<T> {
    /// The slot's index in `T`'s slot index space.
    index: u32,
    /// The slot's position among its owner's own slots.
    local: u32,
    name: &'static str,
    doc: Option<&'static str>,
    /// The class that declares the slot.
    owner: &'static Layout,
    class: PhantomData<fn(&T)>,
}

impl<T> Clone for Member<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Member<T> {}

impl<T: PyClass> Member<T> {
    /// The member `name` of class `T`, if `name` is a slot of `T` or of a
    /// base that no class attribute hides.
    pub(crate) fn resolve(name: &str) -> Option<Member<T>> {
        let layout: &'static Layout = &T::LAYOUT;
        let (index, owner, local) = layout.slot_index(name)?;
        Some(Member {
            index,
            local: local as u32,
            name: owner.slots[local],
            doc: owner.slot_docs.get(local).copied().flatten(),
            owner,
            class: PhantomData,
        })
    }
}

impl<T> Member<T> {
    /// The slot's name (after private-name mangling).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The slot's doc comment (Python's `__slots__ = {'x': 'doc'}`), if the
    /// field has one.
    pub fn doc(&self) -> Option<&'static str> {
        self.doc
    }

    /// The class that declares the slot (a base's, for an inherited slot).
    pub fn owner(&self) -> &'static Layout {
        self.owner
    }
}

impl<T: ClassImpl> Member<T> {
    /// `Point.x.__get__(p)`: the slot's value, or CPython's
    /// `AttributeError` if it is unset.
    #[inline(always)]
    pub fn get(&self, obj: &T) -> Result<Value, Error> {
        match ClassImpl::slot_get_at(obj, self.index) {
            SlotGet::Found(v) => Ok(v),
            SlotGet::Unset | SlotGet::NotSlot => Err(Error::no_attribute(T::LAYOUT.name, self.name)),
        }
    }

    /// The slot's value, lent as [`Object::getattr_ref`] lends it.
    #[inline(always)]
    pub fn get_ref<'a>(&self, obj: &'a T) -> Result<ValueRef<'a>, Error> {
        match obj.slot_get_ref_at(self.index) {
            SlotGetRef::Found(v) => Ok(v),
            SlotGetRef::Unset | SlotGetRef::NotSlot => Err(Error::no_attribute(T::LAYOUT.name, self.name)),
        }
    }

    /// `Point.x.__set__(p, value)`; a failed write changes nothing.
    #[inline(always)]
    pub fn set(&self, obj: &mut T, value: impl Into<Value>) -> Result<(), Error> {
        match obj.slot_set_at(self.index, value.into(), T::LAYOUT.name)? {
            SlotSet::Done => Ok(()),
            SlotSet::NotSlot(_) => Err(Error::no_attribute(T::LAYOUT.name, self.name)),
        }
    }

    /// `Point.x.__delete__(p)`: unsets the slot; CPython's bare-name
    /// `AttributeError` if it is unset already.
    #[inline(always)]
    pub fn delete(&self, obj: &mut T) -> Result<(), Error> {
        match obj.slot_del_at(self.index) {
            SlotDel::Done => Ok(()),
            SlotDel::Unset => Err(Error::unset_slot(self.name)),
            SlotDel::NotSlot => Err(Error::no_attribute(T::LAYOUT.name, self.name)),
        }
    }

    /// The slot's value on any object that is an instance of the slot's
    /// class or of a subclass; for any other, CPython's `TypeError:
    /// descriptor 'x' for 'Point' objects doesn't apply to a 'Other'
    /// object`.
    pub fn get_dyn(&self, obj: &dyn Object) -> Result<Value, Error> {
        let Some(offset) = obj.layout().base_offset(self.owner) else {
            return Err(Error::type_error(format!(
                "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
                self.name,
                self.owner.name,
                obj.type_name()
            )));
        };
        match obj.slot_get_at(offset + self.local) {
            SlotGet::Found(v) => Ok(v),
            SlotGet::Unset | SlotGet::NotSlot => Err(Error::no_attribute(obj.type_name(), self.name)),
        }
    }
}

/// CPython's repr: `<member 'x' of 'Point' objects>`.
impl<T> fmt::Display for Member<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<member '{}' of '{}' objects>", self.name, self.owner.name)
    }
}

impl<T> fmt::Debug for Member<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
