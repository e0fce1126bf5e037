//! What a [`Member`] does (a slot as its class's descriptor, CPython's
//! member descriptor: `Point.x` is `<member 'x' of 'Point' objects>`):
//! reading, writing and deleting through it. The type itself is
//! `objects::object`'s, beside `PyClass::member` that makes one.

use std::fmt;
use std::marker::PhantomData;

use crate::error::Error;
use crate::objects::class::{ClassImpl, SlotDel, SlotGet, SlotGetRef, SlotSet};
use crate::objects::layout_ref::LayoutRef;
use crate::objects::object::{Member, Object};
use crate::values::value::{Value, ValueRef};

impl Member<dyn Object> {
    /// The member of slot `local` of `owner`'s own slots, for objects of
    /// any class ([`Type::attr`](crate::Type::attr)); use it through
    /// [`get_dyn`](Member::get_dyn) and the other `_dyn` methods.
    pub(crate) fn of_layout(owner: LayoutRef<'_>, local: usize) -> Member<dyn Object> {
        Member { index: local as u32, local: local as u32, owner: owner.to_type(), class: PhantomData }
    }
}

impl<T: ClassImpl> Member<T> {
    /// `Point.x.__get__(p)`: the slot's value, or CPython's
    /// `AttributeError` if it is unset.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct Point { x: f64 }
    ///
    /// let x = Point::member("x").unwrap();
    /// assert_eq!(x.get(&Point::new(1.5))?, Value::Float(1.5));
    /// assert_eq!(x.get(&Point::default()).unwrap_err().to_string(), "'Point' object has no attribute 'x'");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline(always)]
    pub fn get(&self, obj: &T) -> Result<Value, Error> {
        match ClassImpl::slot_get_at(obj, self.index) {
            SlotGet::Found(v) => Ok(v),
            SlotGet::Unset | SlotGet::NotSlot => Err(Error::no_attribute(T::LAYOUT.name, self.name())),
        }
    }

    /// The slot's value, lent as [`Object::getattr_ref`] lends it.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(name)]
    /// struct P { name: String }
    ///
    /// let p = P::new("a name longer than fifteen bytes".into());
    /// let name = P::member("name").unwrap();
    /// assert_eq!(name.get_ref(&p)?.as_str(), Some("a name longer than fifteen bytes"));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline(always)]
    pub fn get_ref<'a>(&self, obj: &'a T) -> Result<ValueRef<'a>, Error> {
        match ClassImpl::slot_get_ref_at(obj, self.index) {
            SlotGetRef::Found(v) => Ok(v),
            SlotGetRef::Unset | SlotGetRef::NotSlot => Err(Error::no_attribute(T::LAYOUT.name, self.name())),
        }
    }

    /// `Point.x.__set__(p, value)`; a failed write changes nothing.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct Point { x: f64 }
    ///
    /// let mut p = Point::new(1.0);
    /// let x = Point::member("x").unwrap();
    /// x.set(&mut p, 2)?; // a typed f64 slot takes an int, as float(2)
    /// assert_eq!(p.getattr("x")?, Value::Float(2.0));
    /// assert!(x.set(&mut p, "two").is_err());
    /// assert_eq!(p.getattr("x")?, Value::Float(2.0)); // unchanged
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline(always)]
    pub fn set(&self, obj: &mut T, value: impl Into<Value>) -> Result<(), Error> {
        match ClassImpl::slot_set_at(obj, self.index, value.into(), T::LAYOUT.name)? {
            SlotSet::Done => Ok(()),
            SlotSet::NotSlot(_) => Err(Error::no_attribute(T::LAYOUT.name, self.name())),
        }
    }

    /// `Point.x.__delete__(p)`: unsets the slot; CPython's bare-name
    /// `AttributeError` if it is unset already.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct Point { x: f64 }
    ///
    /// let mut p = Point::new(1.0);
    /// let x = Point::member("x").unwrap();
    /// x.delete(&mut p)?;
    /// assert_eq!(x.delete(&mut p).unwrap_err().to_string(), "x");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline(always)]
    pub fn delete(&self, obj: &mut T) -> Result<(), Error> {
        match ClassImpl::slot_del_at(obj, self.index) {
            SlotDel::Done => Ok(()),
            SlotDel::Unset => Err(Error::unset_slot(self.name())),
            SlotDel::NotSlot => Err(Error::no_attribute(T::LAYOUT.name, self.name())),
        }
    }
}

/// Any object, checked at run time: what a member found through
/// [`Type::attr`](crate::Type::attr) offers.
impl<T: ?Sized> Member<T> {
    /// The slot's value on any object that is an instance of the slot's
    /// class or of a subclass; for any other, CPython's `TypeError:
    /// descriptor 'x' for 'Point' objects doesn't apply to a 'Other'
    /// object`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Attr;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct Point { x: f64 }
    ///
    /// #[pyclass_like]
    /// #[slots(y)]
    /// struct Other { y: f64 }
    ///
    /// let Attr::Member(x) = Type::of::<Point>().attr("x")? else { unreachable!() };
    /// assert_eq!(x.get_dyn(&Point::new(1.0))?, Value::Float(1.0));
    /// let e = x.get_dyn(&Other::new(1.0)).unwrap_err();
    /// assert_eq!(e.to_string(), "descriptor 'x' for 'Point' objects doesn't apply to a 'Other' object");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn get_dyn(&self, obj: &dyn Object) -> Result<Value, Error> {
        match obj.slot_get_at(self.index_in(obj)?) {
            SlotGet::Found(v) => Ok(v),
            SlotGet::Unset | SlotGet::NotSlot => Err(Error::no_attribute_of(obj.layout().error_name(), self.name())),
        }
    }

    /// Where the slot sits in `obj`, or CPython's `TypeError` for an object
    /// that is no instance of the slot's class.
    fn index_in(&self, obj: &dyn Object) -> Result<u32, Error> {
        match obj.layout().base_offset(self.owner.layout()) {
            Some(offset) => Ok(offset + self.local),
            None => Err(Error::type_error(format!(
                "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
                self.name(),
                self.owner.name(),
                obj.type_name()
            ))),
        }
    }

    /// `Point.x.__set__(obj, value)` on any object, checked as
    /// [`get_dyn`](Member::get_dyn) is; a failed write changes nothing.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Attr;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct Point { x: f64 }
    ///
    /// let Attr::Member(x) = Type::of::<Point>().attr("x")? else { unreachable!() };
    /// let mut p = Point::new(1.0);
    /// x.set_dyn(&mut p, 3.0)?;
    /// assert_eq!(p.getattr("x")?, Value::Float(3.0));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn set_dyn(&self, obj: &mut dyn Object, value: impl Into<Value>) -> Result<(), Error> {
        let index = self.index_in(obj)?;
        match obj.slot_set_at(index, value.into())? {
            SlotSet::Done => Ok(()),
            SlotSet::NotSlot(_) => Err(Error::no_attribute_of(obj.layout().error_name(), self.name())),
        }
    }

    /// `Point.x.__delete__(obj)` on any object, checked as
    /// [`get_dyn`](Member::get_dyn) is.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Attr;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct Point { x: f64 }
    ///
    /// let Attr::Member(x) = Type::of::<Point>().attr("x")? else { unreachable!() };
    /// let mut p = Point::new(1.0);
    /// x.delete_dyn(&mut p)?;
    /// assert!(!p.hasattr("x"));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn delete_dyn(&self, obj: &mut dyn Object) -> Result<(), Error> {
        let index = self.index_in(obj)?;
        match obj.slot_del_at(index) {
            SlotDel::Done => Ok(()),
            SlotDel::Unset => Err(Error::unset_slot(self.name())),
            SlotDel::NotSlot => Err(Error::no_attribute_of(obj.layout().error_name(), self.name())),
        }
    }
}

/// CPython's repr: `<member 'x' of 'Point' objects>`.
impl<T: ?Sized> fmt::Display for Member<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<member '{}' of '{}' objects>", self.name(), self.owner.name())
    }
}

impl<T: ?Sized> fmt::Debug for Member<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
