//! What a class is made of, for both kinds of class: [`Type`]'s
//! representation (a compile-time class's `&'static Layout`, or a class
//! made at run time) and [`RtClass`], a class made at run time: its layout
//! (a compile-time class's [`Layout`] fields, owned) and the tables its
//! instances are read through. Data and its small lookups only:
//! [`Type`]'s methods and `type_new`'s rules are `typeobject`'s.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crate::handles::gc;
use crate::handles::handle::{Py, PyObject};
use crate::handles::trashcan;
use crate::objects::layout::Layout;
use crate::objects::layout_ref::LayoutRef;
use crate::objects::object::{Object, PyClass};
use crate::storage::name_key::NameKey;
use crate::storage::shared_keys::LearnedKeys;
use crate::values::pystr::PyStr;
use crate::values::value::Value;

/// A class as a value: a `#[pyclass_like]` class ([`Type::of`]) or a class
/// made at run time ([`Type::new`], Python's `type(name, bases, ns)`).
/// Two `Type`s are equal when they are the same class.
///
/// A class made at run time is freed once nothing uses it: no `Type`, no
/// instance, no subclass and no handle of an instance (as CPython frees a
/// heap type whose reference count falls to zero), so a program that makes
/// and drops classes in a loop runs in bounded memory. A class in a
/// reference cycle (its namespace holding a list of its instances, or
/// itself) is freed by the cycle collector, [`gc::collect`](crate::gc::collect),
/// as CPython's collects heap types. Cloning such a
/// `Type` counts one more use (an atomic increment); a `#[pyclass_like]`
/// class's `Type` is two words copied. Its instances reach their class
/// without touching the count.
///
/// ```
/// use pyslots::prelude::*;
///
/// let mut ns = Dict::new();
/// ns.insert("__slots__", Value::tuple(["x", "y"]));
/// ns.insert("dims", 2);
/// let point = Type::new("Point", &[], ns)?;
/// assert_eq!(point.to_string(), "<class 'Point'>");
///
/// let p = point.instantiate()?;
/// p.setattr("x", 1.5)?;
/// assert_eq!(p.getattr("x")?, Value::Float(1.5));
/// assert_eq!(p.getattr("dims")?, Value::Int(2));
/// let err = p.setattr("z", 0).unwrap_err();
/// assert_eq!(err.to_string(), "'Point' object has no attribute 'z'");
///
/// let mut bad = Dict::new();
/// bad.insert("__slots__", Value::list(["x", "x y"]));
/// let err = Type::new("Bad", &[], bad).unwrap_err();
/// assert_eq!((err.exception(), err.to_string().as_str()), ("TypeError", "__slots__ must be identifiers"));
/// # Ok::<(), pyslots::Error>(())
/// ```
#[derive(Clone)]
pub struct Type(pub(crate) Repr);

#[derive(Clone)]
pub(crate) enum Repr {
    /// A `#[pyclass_like]` class; `make` is there when the class came from
    /// [`Type::of`] (a base reached through [`Type::mro`] has only its
    /// layout).
    Static { layout: &'static Layout, make: Option<&'static Make> },
    /// A class made at run time, or `object`.
    Runtime(Arc<RtClass>),
}

/// How to make an instance of a `#[pyclass_like]` class from its `Type`.
pub(crate) struct Make {
    pub(crate) new_object: fn() -> PyObject,
    pub(crate) new_embedded: fn() -> Box<dyn Object>,
}

fn new_object<T: PyClass>() -> PyObject {
    Py::new(T::default()).into_object()
}

fn new_embedded<T: PyClass>() -> Box<dyn Object> {
    Box::new(T::default())
}

/// A class made at run time: its layout (a compile-time class's [`Layout`]
/// fields, owned) and the tables its instances are read through.
// The collector's header first, as every node's: a dead node's registry
// entry is found by its address (`gc::unlist`).
#[repr(C)]
pub(crate) struct RtClass {
    /// The cycle collector's word (`object` is not tracked).
    pub(crate) gc: gc::Header,
    /// A number of its own, in the order classes are made (0: `object`,
    /// which is never freed nor counted among the live classes).
    pub(crate) id: u64,
    pub(crate) name: PyStr,
    /// Its own slots, after private-name mangling.
    pub(crate) slots: Box<[Box<str>]>,
    /// `__slots__` as declared, `None` without.
    pub(crate) declared: Option<Box<[Box<str>]>>,
    pub(crate) slot_docs: Box<[Option<Box<str>>]>,
    pub(crate) class_attrs: Box<[(Box<str>, Value)]>,
    pub(crate) has_dict: bool,
    pub(crate) has_weakref: bool,
    pub(crate) bases: Box<[Type]>,
    /// The MRO after the class itself, `object` last.
    pub(crate) mro: Box<[Type]>,
    /// Every slot name an instance finds, with where it is stored: the
    /// first class along the MRO that has the name as a slot, unless a
    /// class attribute comes first.
    pub(crate) slot_names: Box<[SlotName]>,
    /// Entry `i`: the key of the name that finds value `i` (if one does),
    /// if that name is eight bytes or fewer (its key is then all of it)
    /// and the class has no methods (so no hooks); else [`NameKey::NONE`].
    /// What a handle's read and write with no mark compare a name with,
    /// against the values an instance keeps inline (`Instance::getattr_fast`):
    /// a value's key sits at the value's own index, so the compares are
    /// unrolled and need no bound, and no more is needed to tell a class
    /// with methods.
    pub(crate) plain_keys: [NameKey; PLAIN_KEYS],
    /// The layout's slot index space ([`Layout::slot_index`]) onto storage.
    pub(crate) index_map: Box<[Loc]>,
    /// How many values an instance stores itself.
    pub(crate) value_count: u32,
    pub(crate) dict: DictAt,
    /// The keys its instances' own dicts share, learned from what they set.
    pub(crate) keys: LearnedKeys,
    /// The `#[pyclass_like]` class whose instance is embedded, if any.
    pub(crate) embedded: Option<fn() -> Box<dyn Object>>,
    pub(crate) has_class_attrs: bool,
    /// Whether a compile-time class along the MRO has properties, methods
    /// or hooks (`#[methods]`), or the class or a base has a function, a
    /// property or a static method in its namespace.
    pub(crate) has_methods: bool,
    /// `__qualname__` as the namespace gave it (a str), if it did.
    pub(crate) qualname: Option<PyStr>,
    /// Closes the trashcan's level when the class drops; last, so that it
    /// drops after the class's contents.
    pub(crate) _depth: trashcan::Exit,
}

/// How many values [`RtClass::plain_keys`] covers: as many as an instance
/// behind a handle keeps inline (`instance::MAX_INLINE`).
pub(crate) const PLAIN_KEYS: usize = 8;

/// [`RtClass::plain_keys`] from a class's slot name table. A hooked
/// class's indices ([`HOOKED`]) are out of its range, and its class has
/// methods anyway.
pub(crate) fn plain_keys(slot_names: &[SlotName], has_methods: bool) -> [NameKey; PLAIN_KEYS] {
    let mut keys = [NameKey::NONE; PLAIN_KEYS];
    if has_methods {
        return keys;
    }
    for entry in slot_names {
        if let Loc::Value(i) = entry.loc {
            if entry.key.is_short() {
                if let Some(key) = keys.get_mut(i as usize) {
                    *key = entry.key;
                }
            }
        }
    }
    keys
}

/// One entry of a class's slot name table.
#[derive(Debug)]
pub(crate) struct SlotName {
    pub(crate) key: NameKey,
    pub(crate) name: Box<str>,
    pub(crate) loc: Loc,
}

impl SlotName {
    pub(crate) fn new(name: &str, loc: Loc) -> SlotName {
        SlotName { key: NameKey::of(name), name: name.into(), loc }
    }
}

/// Where a slot of a run-time class's instance is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loc {
    /// The instance's own value `i`. In the name table of a class whose
    /// `setattr` goes through a `__setattr__` hook, `i` has [`HOOKED`]
    /// set: an index out of range to the by-name fast paths, which leave
    /// the name to the walk (and the walk to the hook), so that a hooked
    /// class costs the others' reads and writes no test of their own.
    Value(u32),
    /// Slot `i` of the embedded `#[pyclass_like]` instance's index space.
    Embedded(u32),
}

/// The bit of a [`Loc::Value`] index that marks a hooked class's slot.
pub(crate) const HOOKED: u32 = 1 << 31;

/// A [`Loc::Value`] index without its [`HOOKED`] mark.
#[inline(always)]
pub(crate) fn unhooked(i: u32) -> usize {
    (i & !HOOKED) as usize
}

/// Where an instance's `__dict__` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DictAt {
    /// It has none.
    None,
    /// Its own.
    Own,
    /// The embedded `#[pyclass_like]` instance's.
    Embedded,
}

impl RtClass {
    /// Where slot `name` is stored, if it is one: a scan that compares
    /// each entry's length and first eight bytes as two integers, and the
    /// rest of the bytes (names over eight bytes) only where those agree.
    #[inline(always)]
    pub(crate) fn find(&self, name: &str) -> Option<Loc> {
        self.find_key(NameKey::of(name), name)
    }

    /// [`find`](Self::find), given the name's key.
    #[inline(always)]
    pub(crate) fn find_key(&self, probe: NameKey, name: &str) -> Option<Loc> {
        for entry in self.slot_names.iter() {
            if entry.key.matches(&entry.name, probe, name) {
                return Some(entry.loc);
            }
        }
        None
    }

    /// Where slot `index` of the layout's index space is stored.
    #[inline]
    pub(crate) fn at(&self, index: u32) -> Option<Loc> {
        self.index_map.get(index as usize).copied()
    }
}

impl fmt::Debug for RtClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<class '{}'>", self.name)
    }
}

/// How many classes made at run time are alive.
pub(crate) static LIVE_CLASSES: AtomicUsize = AtomicUsize::new(0);

/// A chain of classes, each a class attribute of the next (or reached
/// through one), drops as deep as it is long: past the trashcan's depth,
/// the class attributes and bases are queued instead (as a handle's cell
/// queues what its object holds).
impl Drop for RtClass {
    fn drop(&mut self) {
        if self.id != 0 {
            LIVE_CLASSES.fetch_sub(1, Ordering::Relaxed);
        }
        if trashcan::enter() {
            let held =
                (std::mem::take(&mut self.class_attrs), std::mem::take(&mut self.bases), std::mem::take(&mut self.mro));
            trashcan::defer(held);
        }
    }
}

/// The class `object`: no slots, no dict, no weak references.
pub(crate) fn object_class() -> &'static Arc<RtClass> {
    static OBJECT: OnceLock<Arc<RtClass>> = OnceLock::new();
    OBJECT.get_or_init(|| {
        Arc::new(RtClass {
            id: 0,
            name: PyStr::new("object"),
            slots: Box::new([]),
            declared: None,
            slot_docs: Box::new([]),
            class_attrs: Box::new([]),
            has_dict: false,
            has_weakref: false,
            bases: Box::new([]),
            mro: Box::new([]),
            slot_names: Box::new([]),
            plain_keys: [NameKey::NONE; PLAIN_KEYS],
            index_map: Box::new([]),
            value_count: 0,
            dict: DictAt::None,
            keys: LearnedKeys::default(),
            embedded: None,
            has_class_attrs: false,
            has_methods: false,
            qualname: None,
            gc: gc::Header::new(),
            _depth: trashcan::Exit,
        })
    })
}

/// A class made at run time as a node of the cycle collector (CPython's
/// heap types are tracked too): it holds its class attributes, its bases
/// and its MRO, and its instances hold it, so a cycle can pass through it
/// (`C.registry = [C()]`, `C.me = [C]`).
///
/// It is immutable: nothing it holds changes after `type_new`, so it is
/// read without a lock (its instances' attribute reads stay as they are)
/// and never cleared. It need not be: what it holds is older than it, so
/// every cycle through a class also passes through a node changed after
/// the class was made (a list, a dict, an object), which the collector
/// clears; the class is then freed by reference counting, as a tuple is.
impl gc::Node for RtClass {
    fn header(&self) -> &gc::Header {
        &self.gc
    }
    fn try_traverse(&self, visit: &mut gc::Visit<'_>) -> bool {
        for (_, v) in self.class_attrs.iter() {
            v.traverse(visit);
        }
        for t in self.bases.iter().chain(self.mro.iter()) {
            t.traverse(visit);
        }
        true
    }
    fn try_lock(&self) -> Option<Box<dyn gc::Locked + '_>> {
        Some(Box::new(gc::Unlocked(self)))
    }
    fn clear(&self) {}
    fn immutable(&self) -> bool {
        true
    }
}

impl RtClass {
    /// Shares a new class and tracks it (its `Drop` is how it leaves the
    /// collector's registry).
    pub(crate) fn share(self) -> Arc<RtClass> {
        let class = Arc::new(self);
        gc::track(&class);
        class
    }

    /// The collector's word of a class it tracks: not `object`'s.
    #[inline]
    pub(crate) fn gc_header(&self) -> Option<&gc::Header> {
        (self.id != 0).then_some(&self.gc)
    }
}

/// What a `Type` is, read without `type_new`: the classes the value
/// knot names (a handle's class, a layout's bases) go no further.
impl Type {
    /// The class of a `#[pyclass_like]` type.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x, y)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let t = Type::of::<Point>();
    /// assert_eq!(t.name(), "Point");
    /// assert_eq!(t.to_string(), "<class 'Point'>");
    /// assert_eq!(t.instantiate()?.type_name(), "Point");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn of<T: PyClass>() -> Type {
        Type(Repr::Static {
            layout: &T::LAYOUT,
            make: Some(const { &Make { new_object: new_object::<T>, new_embedded: new_embedded::<T> } }),
        })
    }

    /// The class `object`, every class's last base.
    ///
    /// ```
    /// use pyslots::Type;
    /// let object = Type::object();
    /// assert_eq!(object.to_string(), "<class 'object'>");
    /// let p = Type::new("P", &[], pyslots::Dict::new())?;
    /// assert_eq!(p.mro().last(), Some(&object));
    /// assert!(p.is_subclass(&object));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn object() -> Type {
        Type(Repr::Runtime(object_class().clone()))
    }

    /// The class name, `__name__`.
    ///
    /// ```
    /// assert_eq!(pyslots::Type::new("Point", &[], pyslots::Dict::new())?.name(), "Point");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        self.layout().name()
    }

    /// The class's layout: its own slots, its bases, whether instances
    /// have a `__dict__` and weak references; lent by the `Type`, which
    /// keeps a class made at run time alive.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x", "__weakref__"]));
    /// let t = Type::new("P", &[], ns)?;
    /// let layout = t.layout();
    /// assert_eq!((layout.slots(), layout.has_dict(), layout.has_weakref()), (vec!["x"], false, true));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    #[inline]
    pub fn layout(&self) -> LayoutRef<'_> {
        match &self.0 {
            Repr::Static { layout, .. } => LayoutRef::of_static(layout),
            Repr::Runtime(c) => LayoutRef::runtime(c),
        }
    }

    /// The run-time class, if this is one (for [`Instance::new`]).
    pub(crate) fn runtime_class(&self) -> Option<&Arc<RtClass>> {
        match &self.0 {
            Repr::Runtime(c) => Some(c),
            Repr::Static { .. } => None,
        }
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(&self.0, Repr::Runtime(c) if c.id == 0)
    }

    pub(crate) fn from_layout(layout: &'static Layout) -> Type {
        Type(Repr::Static { layout, make: None })
    }

    /// The type of a class's instance from its layout and the class data
    /// behind it, if it is a run-time class's.
    pub(crate) fn runtime(class: Arc<RtClass>) -> Type {
        Type(Repr::Runtime(class))
    }

    /// Reports the class to the cycle collector, if it is a class made at
    /// run time (the one count this `Type` holds): what a class attribute,
    /// a base or a class as a value held by a tracked node calls.
    #[inline]
    pub(crate) fn traverse(&self, visit: &mut gc::Visit<'_>) {
        if let Repr::Runtime(c) = &self.0 {
            if let Some(h) = c.gc_header() {
                visit.node(h);
            }
        }
    }

    /// Whether the type is a class the collector tracks (made at run time).
    #[inline]
    pub(crate) fn is_tracked(&self) -> bool {
        matches!(&self.0, Repr::Runtime(c) if c.id != 0)
    }
}

impl PartialEq for Type {
    fn eq(&self, other: &Type) -> bool {
        match (&self.0, &other.0) {
            (Repr::Runtime(a), Repr::Runtime(b)) => Arc::ptr_eq(a, b),
            (Repr::Static { layout: a, .. }, Repr::Static { layout: b, .. }) => a.same_class(b),
            _ => false,
        }
    }
}

impl Eq for Type {}

/// Python's `repr` of a class: `<class 'Point'>`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<class '{}'>", self.name())
    }
}

impl fmt::Debug for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
