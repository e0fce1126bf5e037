//! `LayoutRef`: a class's layout, borrowed, whichever kind of class it is.
//!
//! A `#[pyclass_like]` class's [`Layout`] is a constant, `&'static`. A class
//! made at run time ([`Type::new`](crate::Type::new)) is freed once nothing
//! uses it, so its layout is its tables' (`RtClass`), lent for as long as
//! the [`Type`], instance or handle it was read from. `LayoutRef` answers
//! the same questions over both; for a compile-time class each answer is
//! [`Layout`]'s own, so it costs what it did.

use std::fmt;
use std::sync::Arc;

use crate::error::ClassName;
use crate::objects::layout::Layout;
use crate::objects::object::{self as object, Descriptor, MethodTable};
use crate::types::rt_class::{RtClass, Type};
use crate::values::pystr::PyStr;
use crate::values::value::{FnKind, Value};

/// A class's layout, borrowed: its name, its own slots, its bases, whether
/// its instances have a `__dict__` and weak references, and the questions
/// Python's type lookup asks along its MRO. What [`Type::layout`],
/// [`Object::layout`](crate::Object::layout) and
/// [`PyObject::layout`](crate::PyObject::layout) return.
///
/// For a `#[pyclass_like]` class it is that class's [`Layout`] constant
/// ([`as_static`](LayoutRef::as_static)); for a class made at run time it
/// is lent by what it was read from, which keeps the class alive.
///
/// ```
/// use pyslots::prelude::*;
///
/// let mut ns = Dict::new();
/// ns.insert("__slots__", Value::tuple(["x", "y", "__weakref__"]));
/// let point = Type::new("Point", &[], ns)?;
/// let layout = point.layout();
/// assert_eq!(layout.name(), "Point");
/// assert_eq!(layout.slots(), ["x", "y"]);
/// assert!(!layout.has_dict());
/// assert!(layout.has_weakref());
/// assert_eq!(layout.to_string(), "<class 'Point'>");
/// # Ok::<(), pyslots::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct LayoutRef<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Static(&'static Layout),
    Runtime(&'a Arc<RtClass>),
}

impl<'a> LayoutRef<'a> {
    /// A compile-time class's layout.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// let layout = pyslots::LayoutRef::of_static(&Point::LAYOUT);
    /// assert!(layout.same_class(Point::default().layout()));
    /// ```
    #[inline(always)]
    pub const fn of_static(layout: &'static Layout) -> LayoutRef<'static> {
        LayoutRef(Repr::Static(layout))
    }

    #[inline(always)]
    pub(crate) fn runtime(class: &'a Arc<RtClass>) -> LayoutRef<'a> {
        LayoutRef(Repr::Runtime(class))
    }

    /// The `#[pyclass_like]` class's [`Layout`] constant; `None` for a class
    /// made at run time.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// assert!(Point::new(0.0, 0.0).layout().as_static().is_some());
    /// assert!(Type::new("R", &[], Dict::new())?.layout().as_static().is_none());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline(always)]
    pub fn as_static(&self) -> Option<&'static Layout> {
        match self.0 {
            Repr::Static(l) => Some(l),
            Repr::Runtime(_) => None,
        }
    }

    /// The class as a value (keeping a class made at run time alive).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// assert_eq!(Point::new(0.0, 0.0).layout().to_type(), Type::of::<Point>());
    /// ```
    pub fn to_type(&self) -> Type {
        match self.0 {
            Repr::Static(l) => Type::from_layout(l),
            Repr::Runtime(c) => Type::runtime(c.clone()),
        }
    }

    /// The class as an error names it: by a name that lives forever or a
    /// copy of a run-time class's (an error does not keep it alive).
    pub(crate) fn error_name(&self) -> ClassName {
        match self.0 {
            Repr::Static(l) => ClassName::Static(l.name),
            Repr::Runtime(c) => ClassName::Copied(c.name.clone()),
        }
    }

    /// The class as a failed `getattr`'s error keeps it, to compute its
    /// suggestion from.
    pub(crate) fn error_class(&self) -> ClassName {
        match self.0 {
            Repr::Static(l) => ClassName::Layout(l),
            Repr::Runtime(c) => ClassName::Kept(c.clone()),
        }
    }

    /// The class name, as Python's `type(obj).__name__`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// assert_eq!(Point::new(0.0, 0.0).layout().name(), "Point");
    /// ```
    #[inline(always)]
    pub fn name(&self) -> &'a str {
        match self.0 {
            Repr::Static(l) => l.name,
            Repr::Runtime(c) => c.name.as_str(),
        }
    }

    /// The class's qualified name, `__qualname__`: a run-time class's as
    /// its namespace gave it, else its name.
    pub fn qualname(&self) -> &'a str {
        match self.0 {
            Repr::Static(l) => l.name,
            Repr::Runtime(c) => c.qualname.as_ref().map_or(c.name.as_str(), PyStr::as_str),
        }
    }

    /// The class's own slots, in declaration order, after private-name
    /// mangling (see [`Layout::slots`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!((base.layout().slots(), sub.layout().slots()), (vec!["x"], vec!["z"]));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn slots(&self) -> Vec<&'a str> {
        match self.0 {
            Repr::Static(l) => l.slots.to_vec(),
            Repr::Runtime(c) => c.slots.iter().map(|s| &**s).collect(),
        }
    }

    /// How many slots of its own the class has.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().own_slot_count(), 1);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn own_slot_count(&self) -> usize {
        match self.0 {
            Repr::Static(l) => l.slots.len(),
            Repr::Runtime(c) => c.slots.len(),
        }
    }

    /// The class's own slot `local` (below [`own_slot_count`](Self::own_slot_count)).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().slot(0), "z");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn slot(&self, local: usize) -> &'a str {
        match self.0 {
            Repr::Static(l) => l.slots[local],
            Repr::Runtime(c) => &c.slots[local],
        }
    }

    /// The doc of the class's own slot `local`, if it has one.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// let p = Point::default();
    /// let layout = p.layout();
    /// assert_eq!((layout.slot_doc(0), layout.slot_doc(1)), (Some("Horizontal."), None));
    /// ```
    pub fn slot_doc(&self, local: usize) -> Option<&'a str> {
        match self.0 {
            Repr::Static(l) => l.slot_docs().get(local).copied().flatten(),
            Repr::Runtime(c) => c.slot_docs.get(local)?.as_deref(),
        }
    }

    /// `__slots__` as the class declares it (see [`Layout::declared_slots`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().declared_slots(), Some(vec!["z"]));
    /// assert_eq!(Type::new("NoSlots", &[], Dict::new())?.layout().declared_slots(), None);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn declared_slots(&self) -> Option<Vec<&'a str>> {
        match self.0 {
            Repr::Static(l) => l.declared_slots().map(<[_]>::to_vec),
            Repr::Runtime(c) => c.declared.as_ref().map(|d| d.iter().map(|s| &**s).collect()),
        }
    }

    /// The class's own class attributes, in declaration order.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(base.layout().class_attrs(), [("__slots__", Value::tuple(["x"])), ("dims", Value::Int(2))]);
    /// assert_eq!(sub.layout().class_attrs().len(), 1); // its `__slots__`
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn class_attrs(&self) -> Vec<(&'a str, Value)> {
        match self.0 {
            Repr::Static(l) => l.class_attrs.iter().map(|(n, v)| (*n, v.to_value())).collect(),
            Repr::Runtime(c) => c.class_attrs.iter().map(|(n, v)| (&**n, v.clone())).collect(),
        }
    }

    /// The class's own class attribute `name`.
    fn own_class_attr(&self, name: &str) -> Option<Value> {
        match self.0 {
            Repr::Static(l) => l.class_attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_value()),
            Repr::Runtime(c) => c.class_attrs.iter().find(|(n, _)| &**n == name).map(|(_, v)| v.clone()),
        }
    }

    /// Whether instances have a `__dict__` (their own or a base's).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(!sub.layout().has_dict());
    /// assert!(Type::new("Regular", &[], Dict::new())?.layout().has_dict());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline(always)]
    pub fn has_dict(&self) -> bool {
        match self.0 {
            Repr::Static(l) => l.has_dict,
            Repr::Runtime(c) => c.has_dict,
        }
    }

    /// Whether the class is frozen (a run-time class never is).
    #[inline(always)]
    pub fn frozen(&self) -> bool {
        match self.0 {
            Repr::Static(l) => l.frozen,
            Repr::Runtime(_) => false,
        }
    }

    /// Whether instances can be weakly referenced.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(!sub.layout().has_weakref());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline(always)]
    pub fn has_weakref(&self) -> bool {
        match self.0 {
            Repr::Static(l) => l.has_weakref,
            Repr::Runtime(c) => c.has_weakref,
        }
    }

    /// The instance size in bytes.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// assert_eq!(Point::default().layout().size(), std::mem::size_of::<Point>());
    /// ```
    #[inline]
    pub fn size(&self) -> usize {
        match self.0 {
            Repr::Static(l) => l.size,
            Repr::Runtime(_) => std::mem::size_of::<crate::Instance>(),
        }
    }

    /// The direct bases (without `object`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(sub.layout().bases()[0].same_class(base.layout()));
    /// assert!(base.layout().bases().is_empty());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn bases(&self) -> Vec<LayoutRef<'a>> {
        match self.0 {
            Repr::Static(l) => l.bases.iter().map(|b| LayoutRef::of_static(b)).collect(),
            Repr::Runtime(c) => c.bases.iter().filter(|b| !b.is_object()).map(Type::layout).collect(),
        }
    }

    /// The method resolution order: this class, then its bases by C3
    /// linearization (without `object`), as [`Layout::mro`].
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// let names: Vec<&str> = sub.layout().mro().iter().map(|l| l.name()).collect();
    /// assert_eq!(names, ["Sub", "Base"]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn mro(&self) -> Vec<LayoutRef<'a>> {
        match self.0 {
            Repr::Static(l) => l.mro().into_iter().map(LayoutRef::of_static).collect(),
            Repr::Runtime(c) => {
                std::iter::once(*self).chain(c.mro.iter().filter(|t| !t.is_object()).map(Type::layout)).collect()
            }
        }
    }

    /// The class attribute an instance finds (see [`Layout::class_attr`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().class_attr("dims"), Some(Value::Int(2)));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn class_attr(&self, name: &str) -> Option<Value> {
        match self.0 {
            Repr::Static(l) => l.class_attr(name).map(|v| v.to_value()),
            Repr::Runtime(c) if !c.has_class_attrs => None,
            Repr::Runtime(_) => self.runtime_class_attr(name),
        }
    }

    #[inline(never)]
    fn runtime_class_attr(&self, name: &str) -> Option<Value> {
        for l in self.mro() {
            if let Some(v) = l.own_class_attr(name) {
                return Some(v);
            }
            if name == "__slots__" && l.declares_slots() {
                return None;
            }
        }
        None
    }

    /// Whether the class declares `__slots__`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(sub.layout().declares_slots());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn declares_slots(&self) -> bool {
        match self.0 {
            Repr::Static(l) => l.declares_slots(),
            Repr::Runtime(c) => c.declared.is_some(),
        }
    }

    /// Whether the class or a base has a class attribute.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(sub.layout().has_class_attrs());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn has_class_attrs(&self) -> bool {
        match self.0 {
            Repr::Static(l) => l.has_class_attrs(),
            Repr::Runtime(c) => c.has_class_attrs,
        }
    }

    /// Every class attribute of the class and its bases, names once, the
    /// first along the MRO winning.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// // `__slots__` is a class attribute too, in CPython's `Base.__dict__`.
    /// assert_eq!(sub.layout().all_class_attrs(), [("__slots__", Value::tuple(["z"])), ("dims", Value::Int(2))]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn all_class_attrs(&self) -> Vec<(&'a str, Value)> {
        let mut out: Vec<(&'a str, Value)> = Vec::new();
        for l in self.mro() {
            for (n, v) in l.class_attrs() {
                if !out.iter().any(|(m, _)| *m == n) {
                    out.push((n, v));
                }
            }
        }
        out
    }

    /// The size of the slot index space (see [`Layout::slot_count`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().slot_count(), 2);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn slot_count(&self) -> u32 {
        match self.0 {
            Repr::Static(l) => l.slot_count(),
            Repr::Runtime(_) => self.runtime_slot_count(),
        }
    }

    /// Own slots, then the stored base's ([`best_base`](LayoutRef::best_base)),
    /// down the line, in a loop.
    #[inline(never)]
    fn runtime_slot_count(&self) -> u32 {
        let mut n = self.own_slot_count() as u32;
        let mut class = self.best_base();
        while let Some(c) = class {
            if let Repr::Static(l) = c.0 {
                return n + l.slot_count();
            }
            n += c.own_slot_count() as u32;
            class = c.best_base();
        }
        n
    }

    /// Where slot `name` sits in the instance (see [`Layout::slot_index`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// let (_, owner, local) = sub.layout().slot_index("x").unwrap();
    /// assert_eq!((owner.name(), local), ("Base", 0));
    /// assert!(sub.layout().slot_index("dims").is_none());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn slot_index(&self, name: &str) -> Option<(u32, LayoutRef<'a>, usize)> {
        if let Repr::Static(l) = self.0 {
            return l.slot_index(name).map(|(i, owner, local)| (i, LayoutRef::of_static(owner), local));
        }
        for class in self.mro() {
            if let Some(local) = (0..class.own_slot_count()).find(|&i| class.slot(i) == name) {
                return Some((self.base_offset(class)? + local as u32, class, local));
            }
            if class.own_class_attr(name).is_some() || class.as_static().is_some_and(|l| l.method_names.contains(&name))
            {
                return None;
            }
        }
        None
    }

    /// Where the part of an instance that is a `class` starts in this
    /// class's slot index space (see [`Layout::base_offset`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(sub.layout().base_offset(base.layout()).is_some());
    /// assert!(base.layout().base_offset(sub.layout()).is_none());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn base_offset(&self, class: LayoutRef<'_>) -> Option<u32> {
        match (self.0, class.0) {
            (Repr::Static(l), Repr::Static(c)) => l.base_offset(c),
            (Repr::Static(_), Repr::Runtime(_)) => None,
            (Repr::Runtime(_), _) => {
                // Along the line of stored bases, as `Layout::base_offset`.
                let mut offset = 0;
                let mut at = *self;
                while !at.same_class(class) {
                    if let (Repr::Static(l), Repr::Static(c)) = (at.0, class.0) {
                        return Some(offset + l.base_offset(c)?);
                    }
                    offset += at.own_slot_count() as u32;
                    at = at.best_base()?;
                }
                Some(offset)
            }
        }
    }

    /// Every slot of the class and its bases, in MRO order.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().all_slots(), ["z", "x"]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn all_slots(&self) -> Vec<&'a str> {
        match self.0 {
            Repr::Static(l) => l.all_slots(),
            Repr::Runtime(_) => self.runtime_all_slots(),
        }
    }

    #[inline(never)]
    fn runtime_all_slots(&self) -> Vec<&'a str> {
        self.mro().iter().flat_map(|l| l.slots()).collect()
    }

    /// What `dir()` lists for an instance (see [`Layout::dir_names`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// let mut names = sub.layout().dir_names(None::<[&str; 0]>);
    /// names.sort();
    /// names.dedup(); // `__slots__`: an attribute and the class's slots
    /// assert_eq!(names, ["__slots__", "dims", "x", "z"]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn dir_names<'k>(&self, dict_keys: Option<impl IntoIterator<Item = &'k str>>) -> Vec<&'k str>
    where
        'a: 'k,
    {
        if let Repr::Static(l) = self.0 {
            return l.dir_names(dict_keys);
        }
        let mut names: Vec<&'k str> = self.all_slots();
        if let Some(keys) = dict_keys {
            names.extend(keys);
            names.push("__dict__");
        }
        if self.has_weakref() {
            names.push("__weakref__");
        }
        if self.slots_attr().is_some() {
            names.push("__slots__");
        }
        names.extend(self.all_class_attrs().into_iter().map(|(n, _)| n));
        for l in self.mro() {
            if let Some(l) = l.as_static() {
                names.extend(l.method_names.iter().copied());
            }
        }
        names
    }

    /// Whether the class or a base has properties, methods or hooks.
    #[inline(always)]
    pub fn has_methods(&self) -> bool {
        match self.0 {
            Repr::Static(l) => l.has_methods(),
            Repr::Runtime(c) => c.has_methods,
        }
    }

    /// What `name` finds along the MRO: a property or a method, or a
    /// function-like class attribute of a class made at run time; `None`
    /// if a slot or a plain class attribute (or nothing) comes first.
    #[doc(hidden)]
    pub fn find_descriptor(&self, name: &str) -> Option<Descriptor> {
        match self.0 {
            Repr::Static(l) => object::find_descriptor(l, name),
            Repr::Runtime(c) if !c.has_methods => None,
            Repr::Runtime(_) => {
                // The first class along the MRO that has the name decides:
                // a slot or class attribute of a run-time class hides a
                // base's property or method, as in CPython's type lookup.
                for l in self.mro() {
                    match l.as_static() {
                        Some(s) => {
                            let table = object::method_table(s);
                            if let Some(p) = table.property(name) {
                                return Some(Descriptor::Property(p, s));
                            }
                            if let Some(m) = table.method(name) {
                                return Some(Descriptor::Method(m, s));
                            }
                            if s.slots().contains(&name) || s.class_attrs().iter().any(|(n, _)| *n == name) {
                                return None;
                            }
                        }
                        None => {
                            if l.slots().contains(&name) {
                                return None;
                            }
                            match l.own_class_attr(name) {
                                Some(Value::Function(f)) if !matches!(f.kind(), FnKind::Plain) => {
                                    return Some(Descriptor::Value(f));
                                }
                                Some(_) => return None,
                                None => {}
                            }
                        }
                    }
                }
                None
            }
        }
    }

    /// The first hook along the MRO that `pick` finds in a class's table.
    #[doc(hidden)]
    pub fn find_hook<R>(&self, pick: impl Fn(&'static MethodTable) -> Option<R>) -> Option<R> {
        if !self.has_methods() {
            return None;
        }
        match self.0 {
            Repr::Static(l) => l.find_along_mro(|l| pick(object::method_table(l))),
            Repr::Runtime(_) => self.mro().into_iter().find_map(|l| pick(object::method_table(l.as_static()?))),
        }
    }

    /// What `getattr(obj, "__slots__")` finds (see [`Layout::slots_attr`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().slots_attr(), Some(vec!["z"]));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn slots_attr(&self) -> Option<Vec<&'a str>> {
        match self.0 {
            Repr::Static(l) => l.slots_attr().map(<[_]>::to_vec),
            Repr::Runtime(_) => self.runtime_slots_attr(),
        }
    }

    #[inline(never)]
    fn runtime_slots_attr(&self) -> Option<Vec<&'a str>> {
        self.mro().iter().find_map(LayoutRef::declared_slots)
    }

    /// The class's solid base (CPython's `solid_base`): the nearest class
    /// that declares slots of its own; `None` is `object`.
    pub(crate) fn solid_base(&self) -> Option<LayoutRef<'a>> {
        match self.0 {
            Repr::Static(l) => crate::objects::layout::solid_base(l).map(LayoutRef::of_static),
            Repr::Runtime(_) if self.own_slot_count() > 0 => Some(*self),
            Repr::Runtime(_) => merge_solid_bases(&self.bases()).ok().flatten(),
        }
    }

    /// Whether `self` is `other` or inherits from it.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(sub.layout().is_subclass(base.layout()) && !base.layout().is_subclass(sub.layout()));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn is_subclass(&self, other: LayoutRef<'_>) -> bool {
        match (self.0, other.0) {
            (Repr::Static(a), Repr::Static(b)) => crate::objects::layout::is_subclass(a, b),
            (Repr::Static(_), Repr::Runtime(_)) => false,
            // The MRO is kept: no walk over the bases (exponential in a
            // lattice, and as deep as the hierarchy).
            (Repr::Runtime(_), _) => self.mro().iter().any(|c| c.same_class(other)),
        }
    }

    /// The base CPython builds the instance on (see [`Layout::best_base`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert_eq!(sub.layout().best_base().map(|l| l.name()), Some("Base"));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn best_base(&self) -> Option<LayoutRef<'a>> {
        if let Repr::Static(l) = self.0 {
            return l.best_base().map(LayoutRef::of_static);
        }
        let bases = self.bases();
        let winner = match merge_solid_bases(&bases) {
            Ok(w) => w,
            Err(()) => return bases.first().copied(),
        };
        bases.into_iter().find(|b| match (b.solid_base(), winner) {
            (Some(s), Some(w)) => s.same_class(w),
            (None, None) => true,
            _ => false,
        })
    }

    /// The class whose `__weakref__` descriptor an instance finds (see
    /// [`Layout::weakref_owner`]).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["__weakref__"]));
    /// let base = Type::new("Base", &[], ns)?;
    /// let sub = Type::new("Sub", &[base.clone()], Dict::new())?;
    /// assert_eq!(sub.layout().weakref_owner().map(|l| l.name()), Some("Base"));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn weakref_owner(&self) -> Option<LayoutRef<'a>> {
        match self.0 {
            Repr::Static(l) => l.weakref_owner().map(LayoutRef::of_static),
            Repr::Runtime(_) => self.runtime_weakref_owner(),
        }
    }

    #[inline(never)]
    fn runtime_weakref_owner(&self) -> Option<LayoutRef<'a>> {
        if !self.has_weakref() {
            return None;
        }
        self.mro().into_iter().find(|l| l.has_weakref() && !l.best_base().is_some_and(|b| b.has_weakref()))
    }

    /// Whether two layouts are the same class.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("dims", 2);
    /// let base = Type::new("Base", &[], ns)?;
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["z"]));
    /// let sub = Type::new("Sub", &[base.clone()], ns)?;
    ///
    /// assert!(sub.layout().same_class(sub.layout()) && !sub.layout().same_class(base.layout()));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn same_class(&self, other: LayoutRef<'_>) -> bool {
        match (self.0, other.0) {
            (Repr::Static(a), Repr::Static(b)) => a.same_class(b),
            (Repr::Runtime(a), Repr::Runtime(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// The solid base of a class with these bases, or `Err` when their layouts
/// conflict (see [`crate::objects::layout::merge_solid_bases`]).
pub(crate) fn merge_solid_bases<'a>(bases: &[LayoutRef<'a>]) -> Result<Option<LayoutRef<'a>>, ()> {
    let mut winner: Option<LayoutRef<'a>> = None;
    for base in bases {
        if let Some(s) = base.solid_base() {
            winner = match winner {
                None => Some(s),
                Some(w) if w.is_subclass(s) => Some(w),
                Some(w) if s.is_subclass(w) => Some(s),
                Some(_) => return Err(()),
            };
        }
    }
    Ok(winner)
}

impl From<&'static Layout> for LayoutRef<'static> {
    fn from(layout: &'static Layout) -> LayoutRef<'static> {
        LayoutRef::of_static(layout)
    }
}

/// Python's `repr` of the class: `<class 'Point'>`.
impl fmt::Display for LayoutRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<class '{}'>", self.name())
    }
}

impl fmt::Debug for LayoutRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Repr::Static(l) => fmt::Debug::fmt(l, f),
            Repr::Runtime(c) => fmt::Debug::fmt(&**c, f),
        }
    }
}
