//! `Layout`: what a class's instances look like, known at compile time.

use std::fmt;

/// The shape of a class: its name, its own slots, its bases and what its
/// instances carry. Every [`PyClass`](crate::PyClass) has one as an
/// associated `const`, so layouts can be compared at compile time.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::PyClass;
///
/// #[pyclass_like]
/// #[slots(x, y, __weakref__)]
/// struct Point { x: f64, y: f64 }
///
/// let layout = &Point::LAYOUT;
/// assert_eq!(layout.name(), "Point");
/// assert_eq!(layout.slots(), ["x", "y"]);
/// assert_eq!(layout.class_attrs(), []);
/// assert!(!layout.has_dict());
/// assert!(layout.has_weakref());
/// assert_eq!(layout.size(), std::mem::size_of::<Point>());
/// ```
///
/// Its fields are set by the code `#[pyclass_like]` generates (in a
/// `const`) and read through the methods of the same names.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    #[doc(hidden)]
    pub name: &'static str,
    #[doc(hidden)]
    pub module_path: &'static str,
    #[doc(hidden)]
    pub slots: &'static [&'static str],
    #[doc(hidden)]
    pub declared_slots: Option<&'static [&'static str]>,
    #[doc(hidden)]
    pub slot_docs: &'static [Option<&'static str>],
    #[doc(hidden)]
    pub class_attrs: &'static [(&'static str, Literal)],
    #[doc(hidden)]
    pub bases: &'static [&'static Layout],
    #[doc(hidden)]
    pub has_dict: bool,
    #[doc(hidden)]
    pub has_weakref: bool,
    #[doc(hidden)]
    pub size: usize,
    #[doc(hidden)]
    pub frozen: bool,
    /// The class's own properties, methods and hooks (`#[methods]`): a
    /// `MethodTable`, which the attribute algorithm reads back (a layout
    /// knows nothing of what the table holds but `method_flags`).
    #[doc(hidden)]
    pub methods: &'static (dyn std::any::Any + Send + Sync),
    /// What the class's own table has (anything, `__setattr__`,
    /// `__delattr__`), as bits.
    #[doc(hidden)]
    pub method_flags: u8,
    /// The names of the class's own properties and methods, for `dir()`
    /// and suggestions (`#[methods]`; empty without a block).
    #[doc(hidden)]
    pub method_names: &'static [&'static str],
}

/// How many slots without docs [`Layout::slot_docs`] can lend a list of
/// `None`s for: `#[pyclass_like]` writes `slot_docs: &[]` for a class of
/// up to this many slots none of which has a doc (a constant's every
/// borrowed temporary costs rustc when it evaluates the layout; issue 22).
#[doc(hidden)]
pub const NO_DOCS_MAX: usize = 64;

const NO_DOCS: &[Option<&str>; NO_DOCS_MAX] = &[None; NO_DOCS_MAX];

/// [`Layout::method_flags`]: the table has something in it.
pub const METHODS_ANY: u8 = 1;
/// [`Layout::method_flags`]: the table has `__setattr__`.
pub const METHODS_SETATTR: u8 = 2;
/// [`Layout::method_flags`]: the table has `__delattr__`.
pub const METHODS_DELATTR: u8 = 4;

impl Layout {
    /// The class name, as Python's `type(obj).__name__`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p3.name(), "Point3");
    /// ```
    #[inline]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Whether the class is `#[pyclass_like(frozen)]`: its instances
    /// refuse every `setattr` and `delattr` by name (dataclasses'
    /// `frozen=True`), and [`Py::get`](crate::Py::get) reads one through
    /// its handle with no borrow.
    #[inline]
    pub const fn frozen(&self) -> bool {
        self.frozen
    }

    /// The Rust module the class is defined in; with `name` it identifies
    /// the class.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p.module_path(), module_path!());
    /// ```
    #[inline]
    pub const fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The class's own slots, in declaration order, after private-name
    /// mangling (`__x` in class `P` is `_P__x`); `__dict__` and
    /// `__weakref__` are not slots.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!((p.slots(), p3.slots()), (&["x", "y"][..], &["z"][..]));
    /// ```
    #[inline]
    pub const fn slots(&self) -> &'static [&'static str] {
        self.slots
    }

    /// `__slots__` as the class declares it, `__dict__` and `__weakref__`
    /// included; `None` for a class without `#[slots]`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p3.declared_slots(), Some(&["z", "__weakref__"][..]));
    /// ```
    #[inline]
    pub const fn declared_slots(&self) -> Option<&'static [&'static str]> {
        match self.declared_slots {
            // The expansion's short form where `__slots__` is `slots`.
            Some([]) => Some(self.slots),
            declared => declared,
        }
    }

    /// The doc comment of each of `slots` (a typed slot's field's doc
    /// comment; Python's `__slots__ = {'x': 'doc'}`), `None` where there
    /// is none.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p.slot_docs(), [Some("Horizontal."), None]);
    /// ```
    #[inline]
    pub const fn slot_docs(&self) -> &'static [Option<&'static str>] {
        if self.slot_docs.is_empty() && self.slots.len() <= NO_DOCS_MAX {
            // The expansion's short form where no slot has a doc.
            NO_DOCS.split_at(self.slots.len()).0
        } else {
            self.slot_docs
        }
    }

    /// The class's own class attributes (`#[pyclass_like(class_attrs(...))]`),
    /// after private-name mangling, in declaration order.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p.class_attrs().len(), 1);
    /// assert_eq!(p.class_attrs()[0].1.to_value(), Value::Int(2));
    /// ```
    #[inline]
    pub const fn class_attrs(&self) -> &'static [(&'static str, Literal)] {
        self.class_attrs
    }

    /// The direct bases, in the order of `extends`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p3.bases()[0].same_class(p));
    /// ```
    #[inline]
    pub const fn bases(&self) -> &'static [&'static Layout] {
        self.bases
    }

    /// Whether instances have a `__dict__` (their own or a base's).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(!p3.has_dict());
    /// ```
    #[inline]
    pub const fn has_dict(&self) -> bool {
        self.has_dict
    }

    /// Whether instances can be weakly referenced (their own `__weakref__`
    /// or a base's).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p3.has_weakref() && !p.has_weakref());
    /// ```
    #[inline]
    pub const fn has_weakref(&self) -> bool {
        self.has_weakref
    }

    /// The instance size in bytes, `size_of` the struct.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p.size(), std::mem::size_of::<Point>());
    /// ```
    #[inline]
    pub const fn size(&self) -> usize {
        self.size
    }

    /// Whether the class declares `__slots__` (has `#[slots]`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p.declares_slots());
    /// ```
    pub const fn declares_slots(&self) -> bool {
        self.declared_slots.is_some()
    }

    /// The method resolution order: this class, then its bases, each class
    /// once, by C3 linearization as Python computes `__mro__` (without
    /// `object`).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// let names: Vec<&str> = p3.mro().iter().map(|l| l.name()).collect();
    /// assert_eq!(names, ["Point3", "Point"]);
    /// ```
    pub fn mro(&'static self) -> Vec<&'static Layout> {
        // A line of single bases, the common case however deep, is its
        // own MRO; C3 is needed from the first class with several bases.
        let mut line = vec![self];
        let mut top = self;
        while let [base] = top.bases {
            top = base;
            line.push(top);
        }
        if top.bases.is_empty() {
            return line;
        }
        line.pop();
        line.extend(c3_mro(top));
        line
    }

    /// The class attribute `name` that an instance finds: the first class
    /// along the MRO that defines it, as Python's type lookup.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p3.class_attr("dims").map(|l| l.to_value()), Some(Value::Int(2)));
    /// ```
    pub fn class_attr(&'static self, name: &str) -> Option<Literal> {
        // Most classes have none: no MRO to build (it allocates) for them.
        if !self.has_class_attrs() {
            return None;
        }
        for l in self.mro() {
            if let Some((_, v)) = l.class_attrs.iter().find(|(n, _)| *n == name) {
                return Some(*v);
            }
            // A class that declares `__slots__` answers `__slots__` itself
            // (see `slots_attr`), before any class after it in the MRO.
            if name == "__slots__" && l.declared_slots.is_some() {
                return None;
            }
        }
        None
    }

    /// Whether the class or a base has a class attribute.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p3.has_class_attrs());
    /// ```
    pub const fn has_class_attrs(&self) -> bool {
        if !self.class_attrs.is_empty() {
            return true;
        }
        let mut i = 0;
        while i < self.bases.len() {
            if self.bases[i].has_class_attrs() {
                return true;
            }
            i += 1;
        }
        false
    }

    /// Every class attribute of the class and its bases, names once, the
    /// first along the MRO winning.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p3.all_class_attrs().len(), 1);
    /// ```
    pub fn all_class_attrs(&'static self) -> Vec<(&'static str, Literal)> {
        let mut out: Vec<(&'static str, Literal)> = Vec::new();
        for l in self.mro() {
            for (n, v) in l.class_attrs {
                if !out.iter().any(|(m, _)| m == n) {
                    out.push((n, *v));
                }
            }
        }
        out
    }

    /// How many slots an instance carries, bases' included: its own, then
    /// its stored base's ([`best_base`](Layout::best_base)), each slot
    /// once, a diamond's shared base too: the size of the index space of
    /// [`slot_index`](Layout::slot_index); `ClassImpl::SLOT_COUNT`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z)]
    /// struct Point3 { z: f64 }
    ///
    /// assert_eq!(Point3::LAYOUT.slot_count(), 3);
    /// ```
    pub const fn slot_count(&self) -> u32 {
        let mut n = self.slots.len() as u32;
        let mut class = self.best_base();
        while let Some(c) = class {
            n += c.slots.len() as u32;
            class = c.best_base();
        }
        n
    }

    /// Where slot `name` sits in the instance: its index (the class's own
    /// slots first, then its stored base's, recursively), the class that
    /// declares it, and its position among that class's own slots. `None`
    /// if the name is no slot, or if a class attribute, property or method
    /// comes before the slot along the MRO (Python's type lookup finds that
    /// first). The
    /// generated `ClassImpl::slot_index` gives the same index.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// let (_, owner, local) = p3.slot_index("y").unwrap();
    /// assert_eq!((owner.name(), local), ("Point", 1));
    /// ```
    pub fn slot_index(&'static self, name: &str) -> Option<(u32, &'static Layout, usize)> {
        if let Some(local) = self.slots.iter().position(|s| *s == name) {
            return Some((local as u32, self, local));
        }
        if self.bases.is_empty() {
            return None;
        }
        for class in self.mro() {
            if let Some(local) = class.slots.iter().position(|s| *s == name) {
                return Some((self.base_offset(class)? + local as u32, class, local));
            }
            // A class attribute, property or method of a class before the
            // slot's along the MRO is what Python's type lookup finds.
            if class.class_attrs.iter().any(|(n, _)| *n == name) || class.method_names.contains(&name) {
                return None;
            }
        }
        None
    }

    /// Where the part of an instance that is a `class` starts in this
    /// class's slot index space (0 for the class itself), if `class` is
    /// this class or one along its line of stored bases. Every class with
    /// slots of its own that this class inherits from is on that line
    /// (else the bases' lay-outs would conflict); a class off it adds no
    /// slots, and its instances' part is not stored apart.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p3.base_offset(p).is_some() && p.base_offset(p3).is_none());
    /// ```
    pub fn base_offset(&'static self, class: &Layout) -> Option<u32> {
        let mut offset = 0;
        let mut at = self;
        while !at.same_class(class) {
            offset += at.slots.len() as u32;
            at = at.best_base()?;
        }
        Some(offset)
    }

    /// Every slot of the class and its bases, in MRO order.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p3.all_slots(), ["z", "x", "y"]);
    /// ```
    pub fn all_slots(&'static self) -> Vec<&'static str> {
        self.mro().iter().flat_map(|l| l.slots.iter().copied()).collect()
    }

    /// What `dir()` lists for an instance of this class whose dict has
    /// `dict_keys` (`None`: the instance has no dict), unsorted and perhaps
    /// repeating a name: every slot of the class and its bases, the dict's
    /// keys and `__dict__`, `__weakref__` where instances have it,
    /// `__slots__` where a class declares them. Not the dunder methods
    /// every Python object has.
    pub fn dir_names<'a>(&'static self, dict_keys: Option<impl IntoIterator<Item = &'a str>>) -> Vec<&'a str> {
        let mut names = self.all_slots();
        if let Some(keys) = dict_keys {
            names.extend(keys);
            names.push("__dict__");
        }
        if self.has_weakref {
            names.push("__weakref__");
        }
        if self.has_slots_attr() {
            names.push("__slots__");
        }
        names.extend(self.all_class_attrs().into_iter().map(|(n, _)| n));
        if self.has_methods() {
            names.extend(self.mro().into_iter().flat_map(|l| l.method_names.iter().copied()));
        }
        names
    }

    /// Whether the class or a base has a `#[methods]` block with anything
    /// in it: a class without one never looks for properties or methods.
    pub const fn has_methods(&self) -> bool {
        self.any_method_flag(METHODS_ANY)
    }

    /// Whether the class or a base defines `__setattr__`.
    pub const fn has_setattr_hook(&self) -> bool {
        self.any_method_flag(METHODS_SETATTR)
    }

    /// Whether the class or a base defines `__delattr__`.
    pub const fn has_delattr_hook(&self) -> bool {
        self.any_method_flag(METHODS_DELATTR)
    }

    const fn any_method_flag(&self, flag: u8) -> bool {
        if self.method_flags & flag != 0 {
            return true;
        }
        let mut i = 0;
        while i < self.bases.len() {
            if self.bases[i].any_method_flag(flag) {
                return true;
            }
            i += 1;
        }
        false
    }

    /// Calls `f` on each class of the MRO in order until it returns
    /// something; a line of single bases walks without building the MRO.
    pub fn find_along_mro<R>(&'static self, mut f: impl FnMut(&'static Layout) -> Option<R>) -> Option<R> {
        let mut at = self;
        loop {
            match at.bases {
                [] => return f(at),
                [base] => {
                    if let Some(r) = f(at) {
                        return Some(r);
                    }
                    at = base;
                }
                _ => return at.mro().into_iter().find_map(f),
            }
        }
    }

    /// What `getattr(obj, "__slots__")` finds: the `__slots__` of the first
    /// class in the MRO that declares them.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert_eq!(p3.slots_attr(), Some(&["z", "__weakref__"][..]));
    /// ```
    pub fn slots_attr(&'static self) -> Option<&'static [&'static str]> {
        let declares = if self.declared_slots.is_some() {
            self
        } else {
            self.mro().iter().copied().find(|l| l.declared_slots.is_some())?
        };
        declares.declared_slots()
    }

    /// Whether [`slots_attr`](Layout::slots_attr) finds a `__slots__`.
    #[inline]
    pub(crate) fn has_slots_attr(&'static self) -> bool {
        self.declared_slots.is_some() || self.mro().iter().any(|l| l.declared_slots.is_some())
    }

    /// The base CPython builds the instance on (`tp_base`): the first base
    /// whose solid base is the most derived among the bases' solid bases.
    /// It is the one base an instance stores: every other base adds no
    /// slots to it (else the lay-outs would conflict), so a diamond's
    /// shared base is stored once.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p3.best_base().is_some_and(|b| b.same_class(p)));
    /// assert!(p.best_base().is_none());
    /// ```
    pub const fn best_base(&self) -> Option<&'static Layout> {
        if self.bases.is_empty() {
            return None;
        }
        Some(self.bases[best_base_index(self.bases)])
    }

    /// The class whose `__weakref__` descriptor an instance finds (it is
    /// named in CPython's "not writable" message): the first class along
    /// the MRO that has a descriptor of its own, which need not be on the
    /// line of best bases (in `class C(A, B)` where `B` is the best base,
    /// `A`'s comes first). A class gets its own descriptor when it adds
    /// weak references, which its best base does not support: it declares
    /// `__weakref__`, has no `__slots__`, or inherits weak references only
    /// from a secondary base.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p3.weakref_owner().is_some_and(|o| o.same_class(p3)));
    /// ```
    pub fn weakref_owner(&'static self) -> Option<&'static Layout> {
        if !self.has_weakref {
            return None;
        }
        self.mro().into_iter().find(|l| l.has_weakref && !l.best_base().is_some_and(|b| b.has_weakref))
    }

    /// Whether two layouts are the same class (same module path and name).
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::PyClass;
    ///
    /// #[pyclass_like(class_attrs(dims = 2))]
    /// #[slots(x, y)]
    /// struct Point {
    ///     /// Horizontal.
    ///     x: f64,
    ///     y: f64,
    /// }
    ///
    /// #[pyclass_like(extends = Point)]
    /// #[slots(z, __weakref__)]
    /// struct Point3 { z: f64 }
    ///
    /// let (p, p3) = (&Point::LAYOUT, &Point3::LAYOUT);
    /// assert!(p.same_class(&Point::LAYOUT) && !p.same_class(p3));
    /// ```
    pub const fn same_class(&self, other: &Layout) -> bool {
        const_str_eq(self.name, other.name) && const_str_eq(self.module_path, other.module_path)
    }
}

/// A class attribute's value, as `#[pyclass_like(class_attrs(...))]`
/// declares it: a literal, known at compile time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    /// `None`.
    None,
    /// `True` / `False` (`true` / `false` in Rust).
    Bool(bool),
    /// An `int`.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(&'static str),
    /// Any value that lives as long as the program. (A class made at run
    /// time, [`Type::new`](crate::Type::new), owns its class attributes
    /// and frees them with itself; its layout is a
    /// [`LayoutRef`](crate::LayoutRef), not a `Layout`.)
    Value(&'static crate::Value),
}

impl Literal {
    /// The literal as a [`Value`](crate::Value).
    ///
    /// ```
    /// use pyslots::{Literal, Value};
    /// assert_eq!(Literal::Str("a").to_value(), Value::from("a"));
    /// ```
    pub fn to_value(self) -> crate::Value {
        match self {
            Literal::None => crate::Value::None,
            Literal::Bool(b) => crate::Value::Bool(b),
            Literal::Int(i) => crate::Value::Int(i),
            Literal::Float(x) => crate::Value::Float(x),
            Literal::Str(s) => crate::Value::from(s),
            Literal::Value(v) => v.clone(),
        }
    }
}

impl fmt::Display for Layout {
    /// Python's `repr` of the class: `<class 'Point'>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<class '{}'>", self.name)
    }
}

/// The C3 linearization of `root` (Python's `__mro__`, without `object`),
/// each ancestor's computed once, in post-order on an explicit stack: no
/// recursion, whatever the depth of the hierarchy.
fn c3_mro(root: &'static Layout) -> Vec<&'static Layout> {
    let key = |l: &'static Layout| l as *const Layout as usize;
    let mut mros: std::collections::HashMap<usize, Vec<&'static Layout>> = std::collections::HashMap::new();
    let mut stack: Vec<(&'static Layout, bool)> = vec![(root, false)];
    while let Some((l, bases_done)) = stack.pop() {
        if mros.contains_key(&key(l)) {
            continue;
        }
        if !bases_done {
            stack.push((l, true));
            stack.extend(l.bases.iter().filter(|b| !mros.contains_key(&key(b))).map(|b| (*b, false)));
            continue;
        }
        let mut seqs: Vec<&[&'static Layout]> = l.bases.iter().map(|b| mros[&key(b)].as_slice()).collect();
        seqs.push(l.bases);
        let mut out = vec![l];
        loop {
            seqs.retain(|s| !s.is_empty());
            if seqs.is_empty() {
                break;
            }
            // The first head that is in no other sequence's tail. Layouts
            // that compile are consistent; should none qualify, take the
            // first head rather than loop forever.
            let head = seqs
                .iter()
                .map(|s| s[0])
                .find(|h| !seqs.iter().any(|s| s[1..].iter().any(|x| x.same_class(h))))
                .unwrap_or(seqs[0][0]);
            out.push(head);
            for s in &mut seqs {
                if s[0].same_class(head) {
                    *s = &s[1..];
                }
            }
        }
        mros.insert(key(l), out);
    }
    mros.remove(&key(root)).unwrap_or_else(|| vec![root])
}

/// String equality usable in `const` code.
pub const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The class whose slots lay out an instance (CPython's `solid_base`):
/// the nearest class in the chain that declares slots of its own;
/// `__dict__` and `__weakref__` do not count. `None` is `object`.
pub const fn solid_base(layout: &'static Layout) -> Option<&'static Layout> {
    if !layout.slots.is_empty() {
        return Some(layout);
    }
    match merge_solid_bases(layout.bases) {
        Ok(solid) => solid,
        // A conflicting class does not compile, so this is not reached.
        Err(LayoutConflict) => None,
    }
}

/// Whether `sub` is `sup` or inherits from it.
pub const fn is_subclass(sub: &'static Layout, sup: &'static Layout) -> bool {
    if sub.same_class(sup) {
        return true;
    }
    let mut i = 0;
    while i < sub.bases.len() {
        if is_subclass(sub.bases[i], sup) {
            return true;
        }
        i += 1;
    }
    false
}

/// Which of `bases` an instance of a class with these bases stores: the
/// index of CPython's `best_base` (the first base whose solid base is the
/// most derived among the bases' solid bases); 0 if they conflict (the
/// class does not compile then). Every other base adds no slots to it.
pub const fn best_base_index(bases: &[&'static Layout]) -> usize {
    let winner = match merge_solid_bases(bases) {
        Ok(w) => w,
        Err(LayoutConflict) => return 0,
    };
    let mut i = 0;
    while i < bases.len() {
        let matches = match (solid_base(bases[i]), winner) {
            (Some(s), Some(w)) => s.same_class(w),
            (None, None) => true,
            _ => false,
        };
        if matches {
            return i;
        }
        i += 1;
    }
    0
}

/// Whether the stored base of a class with these bases has a `__dict__`.
/// When it has none and another base has one, the class stores a dict of
/// its own (CPython: "secondary bases may provide weakrefs or dict").
pub const fn best_base_has_dict(bases: &'static [&'static Layout]) -> bool {
    !bases.is_empty() && bases[best_base_index(bases)].has_dict
}

/// Whether the class's own dict storage must exist: a slotted class whose
/// stored base has no dict while another base has one.
pub const fn secondary_dict(bases: &'static [&'static Layout]) -> bool {
    any_has_dict(bases) && !best_base_has_dict(bases)
}

/// Whether a class's slot lookup may go from its own names straight to its
/// stored base's lookup: true unless a class it inherits from other than
/// through its stored base has class attributes, properties or methods
/// (such a class has no slots of its own, but its attribute may come
/// before a stored slot along the MRO and hide it). Where it is false, generated code asks
/// [`Layout::slot_index`], which walks the MRO.
pub const fn lookup_by_stored_base(layout: &'static Layout) -> bool {
    match layout.best_base() {
        None => true,
        Some(stored) => attrs_only_within(layout.bases, stored),
    }
}

/// Whether every class among `classes` and their ancestors that has class
/// attributes is `stored` or a class `stored` inherits from.
const fn attrs_only_within(classes: &'static [&'static Layout], stored: &'static Layout) -> bool {
    let mut i = 0;
    while i < classes.len() {
        let c = classes[i];
        let has_attrs = !c.class_attrs.is_empty() || !c.method_names.is_empty();
        if !is_subclass(stored, c) && (has_attrs || !attrs_only_within(c.bases, stored)) {
            return false;
        }
        i += 1;
    }
    true
}

/// The solid base of a class with these bases, or `Err` when the bases'
/// layouts do not form one line of descent: CPython's `TypeError: multiple
/// bases have instance lay-out conflict`.
pub const fn merge_solid_bases(bases: &[&'static Layout]) -> Result<Option<&'static Layout>, LayoutConflict> {
    let mut winner: Option<&'static Layout> = None;
    let mut i = 0;
    while i < bases.len() {
        if let Some(s) = solid_base(bases[i]) {
            winner = match winner {
                None => Some(s),
                Some(w) => {
                    if is_subclass(w, s) {
                        Some(w)
                    } else if is_subclass(s, w) {
                        Some(s)
                    } else {
                        return Err(LayoutConflict);
                    }
                }
            };
        }
        i += 1;
    }
    Ok(winner)
}

/// Bases whose slot layouts do not form one line of descent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutConflict;

/// A rule on the bases' layouts, in the `const _` a subclass's expansion
/// checks it in: panics (a compile error, blamed on the caller's tokens)
/// with `message` unless `ok`. One function rather than an `assert!` in
/// each constant: the panic's formatting is compiled once, here, not per
/// rule (issue 22).
#[track_caller]
pub const fn base_rule(ok: bool, message: &'static str) {
    if !ok {
        panic!("{}", message);
    }
}

/// Whether any of the bases is frozen.
pub const fn any_frozen(bases: &'static [&'static Layout]) -> bool {
    let mut i = 0;
    while i < bases.len() {
        if bases[i].frozen {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether every base is frozen.
pub const fn all_frozen(bases: &'static [&'static Layout]) -> bool {
    let mut i = 0;
    while i < bases.len() {
        if !bases[i].frozen {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether the bases' layouts conflict (see `merge_solid_bases`).
pub const fn layout_conflict(bases: &'static [&'static Layout]) -> bool {
    merge_solid_bases(bases).is_err()
}

/// Whether listing these bases in this order makes Python's C3
/// linearization fail: a base listed before one of its own subclasses
/// (`class C(A, A2)` with `A2(A)`), CPython's `TypeError: Cannot create a
/// consistent method resolution order (MRO)`.
pub const fn mro_conflict(bases: &'static [&'static Layout]) -> bool {
    let mut i = 0;
    while i < bases.len() {
        let mut j = i + 1;
        while j < bases.len() {
            if is_subclass(bases[j], bases[i]) && !bases[j].same_class(bases[i]) {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}

/// Whether any of these classes, or a class they inherit from, has a slot
/// named `name`.
pub const fn any_has_slot(bases: &'static [&'static Layout], name: &str) -> bool {
    let mut i = 0;
    while i < bases.len() {
        let l = bases[i];
        let mut j = 0;
        while j < l.slots.len() {
            if const_str_eq(l.slots[j], name) {
                return true;
            }
            j += 1;
        }
        if any_has_slot(l.bases, name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether any of these classes' instances have a `__dict__`.
pub const fn any_has_dict(bases: &'static [&'static Layout]) -> bool {
    let mut i = 0;
    while i < bases.len() {
        if bases[i].has_dict {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether any of these classes' instances support weak references.
pub const fn any_has_weakref(bases: &'static [&'static Layout]) -> bool {
    let mut i = 0;
    while i < bases.len() {
        if bases[i].has_weakref {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `name` is one of `layout`'s own slots (not a base's): a
/// `#[methods]` name that is one conflicts with it, as CPython's
/// `'x' in __slots__ conflicts with class variable`.
pub const fn has_own_slot(layout: &Layout, name: &str) -> bool {
    let mut i = 0;
    while i < layout.slots.len() {
        if str_eq(layout.slots[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
