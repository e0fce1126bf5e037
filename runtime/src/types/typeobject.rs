//! `Type`: a class as a value, and classes made at run time by CPython
//! 3.11's `type(name, bases, namespace)` with every rule its `type_new`
//! applies to the layout and the namespace (`Objects/typeobject.c`).
//!
//! A class made at run time is its layout (what a compile-time class's
//! [`Layout`] says, owned) plus the tables its instances
//! ([`Instance`]) are read through: where each slot name
//! is stored, and how the layout's slot index space maps onto that storage.
//! It is reference-counted, and freed once no instance, subclass, handle
//! or `Type` uses it; its instances hold it while they live (one count
//! each, touched when they are made and dropped, never per access).
//! The attribute algorithm is the one in `class.rs`, reached through
//! [`Hooks`](crate::objects::class::Hooks).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use pyslots_suggest::names::{is_identifier, mangle};

use crate::error::{AttributeNames, Error};
use crate::handles::handle::PyObject;
use crate::objects::layout::Layout;
use crate::objects::layout_ref::{merge_solid_bases, LayoutRef};
use crate::objects::object::Member;
use crate::objects::object::Object;
use crate::storage::shared_keys::LearnedKeys;
use crate::types::rt_class::{DictAt, Loc, Make, Repr, RtClass, SlotName, Type, HOOKED, LIVE_CLASSES};
use crate::values::dict::Dict;
use crate::values::pystr::PyStr;
use crate::values::value::Value;

/// What a failed `getattr`'s error keeps of a class made at run time.
impl AttributeNames for RtClass {
    fn class_name(&self) -> &str {
        self.name.as_str()
    }

    fn dir_names(self: Arc<Self>, dict_keys: Option<&[PyStr]>) -> Vec<String> {
        let keys = dict_keys.map(|k| k.iter().map(PyStr::as_str));
        LayoutRef::runtime(&self).dir_names(keys).into_iter().map(String::from).collect()
    }
}

impl Type {
    /// `type(name, bases, namespace)`: a new class. `__slots__` in the
    /// namespace may be any value (a `str`, a list, a tuple, a dict whose
    /// `str` values document the slots, or something else, which is an
    /// error); every other entry is a class attribute. An empty `bases` is
    /// `(object,)`. Every rule of CPython 3.11's `type_new` about the
    /// instance layout and the namespace is applied, in its order and with
    /// its exception and message:
    ///
    /// - `TypeError: multiple bases have instance lay-out conflict`;
    /// - `TypeError: 'int' object is not iterable` (`__slots__` that is no
    ///   iterable), `__slots__ items must be strings, not 'int'`,
    ///   `__slots__ must be identifiers`;
    /// - `TypeError: __dict__ slot disallowed: we already got one`, and its
    ///   `__weakref__` counterpart;
    /// - `ValueError: 'x' in __slots__ conflicts with class variable`,
    ///   after private-name mangling (`__x` in class `P` is `_P__x`);
    /// - `ValueError: type name must not contain null characters`;
    /// - `TypeError: type __qualname__ must be a str, not int`;
    /// - `TypeError: __classcell__ must be a nonlocal cell, not <class
    ///   'int'>` (no value is a cell);
    /// - `TypeError: duplicate base class P`, and the MRO error
    ///   (`Cannot create a consistent method resolution\norder (MRO) for
    ///   bases A, B`).
    ///
    /// Every combination of bases CPython accepts is accepted, compile-time
    /// classes among them or not (`IPv4Address(_BaseV4, _BaseAddress)`,
    /// bases with `__slots__ = ()`). An instance embeds the Rust instance of
    /// at most one `#[pyclass_like]` class: the first compile-time class
    /// along its line of stored bases (CPython's `__base__` chain, see
    /// [`Layout::best_base`]). Every other base adds no slots to that line
    /// (else the lay-outs conflict), so it needs no storage of its own: a
    /// compile-time class off the line is not embedded (nor reachable
    /// through [`Instance::base_as`](crate::Instance#method.base_as); its slots and dict by name are the
    /// instance's), and a dict it has, the class has as its own. The
    /// embedded class must come from [`Type::of`], which knows how to make
    /// its instances.
    pub fn new(name: &str, bases: &[Type], namespace: Dict) -> Result<Type, Error> {
        Builder::new(name, bases, namespace)?.build()
    }

    /// How many classes made at run time ([`Type::new`]) are alive in the
    /// process: made and not yet freed. A class is freed once no `Type`,
    /// instance, subclass or handle of an instance uses it (nor an error
    /// of a failed `getattr` on one of its instances, which keeps it for
    /// its suggestion, as CPython's `AttributeError.obj` keeps the object),
    /// or, when only reference cycles use it, once the cycle collector has
    /// run ([`gc::collect`](crate::gc::collect)).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let before = Type::live_runtime_classes();
    /// let point = Type::new("Point", &[], Dict::new())?;
    /// let p = point.instantiate()?;
    /// drop(point);
    /// p.setattr("x", 1)?; // the instance keeps its class
    /// assert_eq!(Type::live_runtime_classes(), before + 1);
    /// drop(p);
    /// assert_eq!(Type::live_runtime_classes(), before);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn live_runtime_classes() -> usize {
        LIVE_CLASSES.load(Ordering::Relaxed)
    }

    /// The direct bases, `__bases__` (`(object,)` for a class without).
    ///
    /// ```
    /// use pyslots::{Dict, Type};
    /// let a = Type::new("A", &[], Dict::new())?;
    /// let b = Type::new("B", &[a.clone()], Dict::new())?;
    /// assert_eq!(b.bases(), [a]);
    /// assert_eq!(Type::new("C", &[], Dict::new())?.bases(), [Type::object()]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn bases(&self) -> Vec<Type> {
        let bases: Vec<Type> = match &self.0 {
            Repr::Static { layout, .. } => layout.bases.iter().map(|l| Type::from_layout(l)).collect(),
            Repr::Runtime(c) => c.bases.to_vec(),
        };
        if bases.is_empty() && !self.is_object() {
            return vec![Type::object()];
        }
        bases
    }

    /// The method resolution order, `__mro__`: the class, its bases by C3
    /// linearization, `object` last.
    ///
    /// ```
    /// use pyslots::{Dict, Type};
    /// let a = Type::new("A", &[], Dict::new())?;
    /// let b = Type::new("B", &[a.clone()], Dict::new())?;
    /// let c = Type::new("C", &[a.clone()], Dict::new())?;
    /// let d = Type::new("D", &[b.clone(), c.clone()], Dict::new())?;
    /// let names: Vec<String> = d.mro().iter().map(|t| t.name().to_owned()).collect();
    /// assert_eq!(names, ["D", "B", "C", "A", "object"]);
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn mro(&self) -> Vec<Type> {
        let mut out = vec![self.clone()];
        match &self.0 {
            Repr::Static { layout, .. } => {
                out.extend(layout.mro().into_iter().skip(1).map(Type::from_layout));
                out.push(Type::object());
            }
            Repr::Runtime(c) => out.extend(c.mro.iter().cloned()),
        }
        out
    }

    /// A class attribute (its own or a base's, along the MRO) or a member
    /// descriptor, as `Point.x` finds it; CPython's `AttributeError:
    /// type object 'Point' has no attribute 'z'` for neither.
    ///
    /// ```
    /// use pyslots::prelude::*;
    /// use pyslots::Attr;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::dict([("x", "the abscissa")]));
    /// ns.insert("origin", 0);
    /// let point = Type::new("Point", &[], ns)?;
    /// let Attr::Member(x) = point.attr("x")? else { unreachable!() };
    /// assert_eq!(x.to_string(), "<member 'x' of 'Point' objects>");
    /// assert_eq!(x.doc(), Some("the abscissa"));
    /// assert!(matches!(point.attr("origin")?, Attr::Value(Value::Int(0))));
    /// assert_eq!(point.attr("z").unwrap_err().to_string(), "type object 'Point' has no attribute 'z'");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn attr(&self, name: &str) -> Result<Attr, Error> {
        for class in self.mro() {
            let l = class.layout();
            if let Some((_, v)) = l.class_attrs().into_iter().find(|(n, _)| *n == name) {
                return Ok(Attr::Value(v));
            }
            if let Some(local) = (0..l.own_slot_count()).find(|&i| l.slot(i) == name) {
                return Ok(Attr::Member(Member::of_layout(l, local)));
            }
            if name == "__slots__" {
                if let Some(slots) = l.declared_slots() {
                    return Ok(Attr::Value(Value::list(slots)));
                }
            }
        }
        Err(Error::attribute_error(format!("type object '{}' has no attribute '{name}'", self.name())))
    }

    /// A new instance behind a handle, every slot unset and the dict
    /// empty: Python's `object.__new__(cls)`. [`Instance::new`](crate::Instance#method.new) makes an
    /// owned one of a class made at run time.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct Base { x: i64 }
    ///
    /// #[pyclass_like(extends = Base)]
    /// #[slots(y)]
    /// struct Sub { y: i64 }
    ///
    /// let p = Type::of::<Sub>().instantiate()?;
    /// assert!(!p.hasattr("y")?);
    /// // A base reached through `bases()` is known by its layout only.
    /// let err = Type::of::<Sub>().bases()[0].instantiate().unwrap_err();
    /// assert_eq!(err.exception(), "TypeError");
    /// assert!(Type::of::<Base>().instantiate().is_ok());
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A `TypeError` for a `#[pyclass_like]` class reached through another
    /// class's [`bases`](Type::bases) or [`mro`](Type::mro) (known by its
    /// layout, without its constructor): use `Type::of::<T>()`.
    pub fn instantiate(&self) -> Result<PyObject, Error> {
        match &self.0 {
            Repr::Static { make: Some(make), .. } => Ok((make.new_object)()),
            Repr::Static { layout, make: None } => {
                Err(Error::type_error(format!("cannot make instances of {layout}: pass Type::of::<{}>()", layout.name)))
            }
            Repr::Runtime(c) => Ok(crate::types::instance::new_shared(c)),
        }
    }

    /// Calling the class, `cls(*args, **kwargs)`: `object.__new__` (see
    /// [`instantiate`](Type::instantiate)), then the `__init__` the class or
    /// a base has in its namespace (a [`Value::function`]) with the new
    /// object first. Without one, arguments are CPython's `TypeError:
    /// Point() takes no arguments`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// let mut ns = Dict::new();
    /// ns.insert("__slots__", Value::tuple(["x"]));
    /// ns.insert("__init__", Value::function("Point.__init__", |args, _| {
    ///     args[0].as_object().unwrap().setattr("x", args[1].clone())?;
    ///     Ok(Value::None)
    /// }));
    /// let point = Type::new("Point", &[], ns)?;
    /// assert_eq!(point.call(&[Value::Int(3)], &[])?.getattr("x")?, Value::Int(3));
    ///
    /// let bare = Type::new("Bare", &[], Dict::new())?;
    /// assert_eq!(bare.call(&[Value::Int(3)], &[]).unwrap_err().to_string(), "Bare() takes no arguments");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// What `instantiate` or `__init__` raises; `__init__() should return
    /// None, not 'int'`.
    pub fn call(&self, args: &[Value], kwargs: &[(&str, Value)]) -> Result<PyObject, Error> {
        let obj = self.instantiate()?;
        let init = self
            .mro()
            .into_iter()
            .find_map(|t| t.layout().class_attrs().into_iter().find(|(n, _)| *n == "__init__").map(|(_, v)| v));
        match init {
            Some(init) => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(Value::Object(obj.clone()));
                all.extend_from_slice(args);
                let returned = init.call(&all, kwargs)?;
                if !returned.is_none() {
                    return Err(Error::type_error(format!(
                        "__init__() should return None, not '{}'",
                        returned.type_name()
                    )));
                }
                Ok(obj)
            }
            None if args.is_empty() && kwargs.is_empty() => Ok(obj),
            None => Err(Error::type_error(format!("{}() takes no arguments", self.name()))),
        }
    }

    /// Whether instances of `self` are instances of `other`
    /// (`issubclass(self, other)`).
    ///
    /// ```
    /// use pyslots::{Dict, Type};
    /// let a = Type::new("A", &[], Dict::new())?;
    /// let b = Type::new("B", &[a.clone()], Dict::new())?;
    /// assert!(b.is_subclass(&a) && b.is_subclass(&b) && !a.is_subclass(&b));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn is_subclass(&self, other: &Type) -> bool {
        self.mro().iter().any(|t| t == other)
    }

    /// The C3 linearization of this class's MRO, as `to_merge` takes it
    /// (the class first, `object` last).
    fn full_mro(&self) -> Vec<Type> {
        self.mro()
    }
}

/// What [`Type::attr`] finds: a class attribute's value, or a member
/// descriptor (a slot).
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::Attr;
///
/// let mut ns = Dict::new();
/// ns.insert("__slots__", Value::tuple(["x"]));
/// ns.insert("dims", 2);
/// let t = Type::new("P", &[], ns)?;
/// assert!(matches!(t.attr("dims")?, Attr::Value(Value::Int(2))));
/// let Attr::Member(x) = t.attr("x")? else { panic!("x is a slot") };
/// assert_eq!(x.to_string(), "<member 'x' of 'P' objects>");
/// assert_eq!(t.attr("y").unwrap_err().to_string(), "type object 'P' has no attribute 'y'");
/// # Ok::<(), pyslots::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum Attr {
    /// A class attribute.
    Value(Value),
    /// A slot's member descriptor, `<member 'x' of 'Point' objects>`; read
    /// and write instances through [`Member::get_dyn`] and the like.
    Member(Member<dyn Object>),
}

// ---------------------------------------------------------------------------
// `type_new`.

/// A class being made: the rules run in `type_new`'s order as fields fill.
struct Builder<'a> {
    name: &'a str,
    bases: &'a [Type],
    namespace: Dict,
    best: Type,
}

/// What `__slots__` declared, checked.
struct Slots {
    /// The slots after mangling, `__dict__` and `__weakref__` left out.
    names: Vec<String>,
    /// `__slots__` as declared, `None` without.
    declared: Option<Vec<String>>,
    /// The doc of each of `names` (dict-form `__slots__` with a `str` value).
    docs: Vec<Option<String>>,
    has_dict: bool,
    has_weakref: bool,
}

static NEXT_CLASS: AtomicU64 = AtomicU64::new(1);

impl<'a> Builder<'a> {
    /// `type_new_get_bases`: the best base, or the lay-out conflict.
    fn new(name: &'a str, bases: &'a [Type], namespace: Dict) -> Result<Builder<'a>, Error> {
        let layouts: Vec<LayoutRef<'_>> = bases.iter().map(Type::layout).collect();
        let winner = merge_solid_bases(&layouts)
            .map_err(|_| Error::type_error("multiple bases have instance lay-out conflict"))?;
        // CPython's `best_base`: the first base whose solid base is the
        // winner's.
        let best = bases
            .iter()
            .find(|b| match (b.layout().solid_base(), winner) {
                (Some(s), Some(w)) => s.same_class(w),
                (None, None) => true,
                _ => false,
            })
            .cloned()
            .unwrap_or_else(Type::object);
        Ok(Builder { name, bases, namespace, best })
    }

    fn build(self) -> Result<Type, Error> {
        // `type_new_init` checks `__slots__` before `type_new_set_attrs`
        // checks the name.
        let slots = self.slots()?;
        if self.name.contains('\0') {
            return Err(Error::value_error("type name must not contain null characters"));
        }
        if let Some(q) = self.namespace.get("__qualname__") {
            if !matches!(q, Value::Str(_)) {
                return Err(Error::type_error(format!("type __qualname__ must be a str, not {}", q.type_name())));
            }
        }
        // `type_new_set_classcell`: the compiler puts a cell there for a
        // class body whose methods use `super()`; no value is one.
        if let Some(cell) = self.namespace.get("__classcell__") {
            return Err(Error::type_error(format!(
                "__classcell__ must be a nonlocal cell, not <class '{}'>",
                cell.type_name()
            )));
        }
        let mro = self.mro()?;
        let embedded = self.embedded()?;
        Ok(self.finish(slots, mro, embedded))
    }

    /// `type_new_slots`: what `__slots__` declares, and whether instances
    /// get a dict and weak references.
    fn slots(&self) -> Result<Slots, Error> {
        let best = self.best.layout();
        let may_add_dict = !best.has_dict();
        let may_add_weak = !best.has_weakref();
        let Some(declared) = self.namespace.get("__slots__") else {
            return Ok(Slots {
                names: Vec::new(),
                declared: None,
                docs: Vec::new(),
                has_dict: true,
                has_weakref: true,
            });
        };
        let items = slot_items(declared)?;
        let (mut add_dict, mut add_weak) = (false, false);
        let mut strings = Vec::with_capacity(items.len());
        for item in &items {
            let Value::Str(s) = item else {
                return Err(Error::type_error(format!("__slots__ items must be strings, not '{}'", item.type_name())));
            };
            if !is_identifier(s.as_str()) {
                return Err(Error::type_error("__slots__ must be identifiers"));
            }
            if s.as_str() == "__dict__" {
                if !may_add_dict || add_dict {
                    return Err(Error::type_error("__dict__ slot disallowed: we already got one"));
                }
                add_dict = true;
            }
            if s.as_str() == "__weakref__" {
                if !may_add_weak || add_weak {
                    return Err(Error::type_error(
                        "__weakref__ slot disallowed: either we already got one, or __itemsize__ != 0",
                    ));
                }
                add_weak = true;
            }
            strings.push(s.as_str().to_owned());
        }
        let mut names = Vec::new();
        let mut docs = Vec::new();
        for s in &strings {
            if (add_dict && s == "__dict__") || (add_weak && s == "__weakref__") {
                continue;
            }
            let mangled = mangle(self.name, s);
            if self.namespace.contains_key(&mangled) && mangled != "__qualname__" && mangled != "__classcell__" {
                return Err(Error::value_error(format!(
                    "{} in __slots__ conflicts with class variable",
                    Value::from(mangled.as_str()).repr()
                )));
            }
            docs.push(match declared {
                Value::Dict(d) => match d.get(s) {
                    Some(Value::Str(doc)) => Some(doc.as_str().to_owned()),
                    _ => None,
                },
                _ => None,
            });
            names.push(mangled);
        }
        // Secondary bases may provide weak references or a dict.
        if self.bases.len() > 1 && ((may_add_dict && !add_dict) || (may_add_weak && !add_weak)) {
            for base in self.bases.iter().filter(|b| **b != self.best) {
                let l = base.layout();
                add_dict |= may_add_dict && l.has_dict();
                add_weak |= may_add_weak && l.has_weakref();
            }
        }
        Ok(Slots {
            names,
            declared: Some(strings),
            docs,
            has_dict: best.has_dict() || add_dict,
            has_weakref: best.has_weakref() || add_weak,
        })
    }

    /// `mro_implementation`: the class's MRO after itself, `object` last.
    fn mro(&self) -> Result<Vec<Type>, Error> {
        match self.bases {
            [] => return Ok(vec![Type::object()]),
            [base] => return Ok(base.full_mro()),
            _ => {}
        }
        // `check_duplicates`: the first base that occurs again later is
        // named (in `(A, B, B, A)`, `A`).
        for (i, b) in self.bases.iter().enumerate() {
            if self.bases[i + 1..].contains(b) {
                return Err(Error::type_error(format!("duplicate base class {}", b.name())));
            }
        }
        let mut to_merge: Vec<Vec<Type>> = self.bases.iter().map(Type::full_mro).collect();
        to_merge.push(self.bases.to_vec());
        c3_merge(&to_merge)
    }

    /// The `#[pyclass_like]` class whose Rust instance an instance embeds:
    /// the first compile-time class along the line of stored bases
    /// ([`stored_base`], CPython's `tp_base` chain), if any. Every other
    /// base adds no slots to that line (else the lay-outs would conflict):
    /// a compile-time class off it is satisfied by the embedded instance
    /// (it is a base of it) or by nothing (it adds no storage; a dict it
    /// has, the class has as its own), and is not embedded.
    fn embedded(&self) -> Result<Option<(&'static Layout, &'static Make)>, Error> {
        let mut next = stored_base(self.bases);
        while let Some(t) = next {
            match &t.0 {
                Repr::Static { layout, make: Some(make) } => return Ok(Some((layout, make))),
                Repr::Static { layout, make: None } => {
                    return Err(Error::type_error(format!(
                        "cannot make instances of {layout}: pass Type::of::<{}>()",
                        layout.name
                    )))
                }
                Repr::Runtime(c) => next = stored_base(&c.bases),
            }
        }
        Ok(None)
    }

    /// The class, its layout and its tables, freed with its last use.
    fn finish(self, slots: Slots, mro: Vec<Type>, embedded: Option<(&'static Layout, &'static Make)>) -> Type {
        let id = NEXT_CLASS.fetch_add(1, Ordering::Relaxed);
        let own: Box<[Box<str>]> = slots.names.into_iter().map(String::into_boxed_str).collect();
        let declared = slots.declared.map(|d| d.into_iter().map(String::into_boxed_str).collect());
        let slot_docs = slots.docs.into_iter().map(|d| d.map(String::into_boxed_str)).collect();
        let class_attrs: Box<[(Box<str>, Value)]> = self
            .namespace
            .iter()
            .filter(|(k, _)| *k != "__qualname__" && *k != "__classcell__")
            .map(|(k, v)| (Box::from(k), v.clone()))
            .collect();
        let has_class_attrs = !class_attrs.is_empty() || mro.iter().any(|t| t.layout().has_class_attrs());
        let has_methods = mro.iter().any(|t| t.layout().has_methods())
            || class_attrs.iter().any(|(_, v)| matches!(v, Value::Function(_)));
        let embedded_layout = embedded.map(|(layout, _)| layout);
        let setattr_hooked = mro
            .iter()
            .filter_map(|t| t.layout().as_static())
            .any(|l| crate::objects::object::method_table(l).setattr.is_some());
        let tables = Tables::new(&own, &class_attrs, self.bases, &mro, embedded_layout, setattr_hooked);
        let dict = if !slots.has_dict {
            DictAt::None
        } else if embedded_layout.is_some_and(|l| l.has_dict) {
            DictAt::Embedded
        } else {
            DictAt::Own
        };
        LIVE_CLASSES.fetch_add(1, Ordering::Relaxed);
        let class = RtClass {
            id,
            name: PyStr::new(self.name),
            slots: own,
            declared,
            slot_docs,
            class_attrs,
            has_dict: slots.has_dict,
            has_weakref: slots.has_weakref,
            bases: self.bases.to_vec().into_boxed_slice(),
            mro: mro.into_boxed_slice(),
            plain_keys: crate::types::rt_class::plain_keys(&tables.slot_names, has_methods),
            slot_names: tables.slot_names.into_boxed_slice(),
            index_map: tables.index_map.into_boxed_slice(),
            value_count: tables.value_count,
            dict,
            keys: LearnedKeys::default(),
            embedded: embedded.map(|(_, m)| m.new_embedded),
            has_class_attrs,
            has_methods,
            qualname: match self.namespace.get("__qualname__") {
                Some(Value::Str(q)) => Some(q.clone()),
                _ => None,
            },
            gc: Default::default(),
            _depth: Default::default(),
        }
        .share();
        Type::runtime(class)
    }
}

/// The base whose part an instance stores ([`Layout::best_base`]): among
/// the bases other than `object`, the first whose solid base is the most
/// derived of theirs.
fn stored_base(bases: &[Type]) -> Option<Type> {
    let bases: Vec<&Type> = bases.iter().filter(|b| !b.is_object()).collect();
    let layouts: Vec<LayoutRef<'_>> = bases.iter().map(|b| b.layout()).collect();
    let Ok(winner) = merge_solid_bases(&layouts) else { return bases.first().map(|b| (*b).clone()) };
    bases
        .iter()
        .find(|b| match (b.layout().solid_base(), winner) {
            (Some(s), Some(w)) => s.same_class(w),
            (None, None) => true,
            _ => false,
        })
        .map(|b| (*b).clone())
}

/// The items of a `__slots__` value, as `PySequence_Tuple` iterates it: a
/// `str` is one name, a dict its keys, `bytes` its byte values.
fn slot_items(declared: &Value) -> Result<Vec<Value>, Error> {
    Ok(match declared {
        Value::Str(_) => vec![declared.clone()],
        Value::List(l) => l.to_vec(),
        Value::Tuple(t) => t.as_slice().to_vec(),
        Value::Dict(d) => d.keys().into_iter().map(Value::Str).collect(),
        Value::Bytes(b) => b.as_bytes().iter().map(|&x| Value::Int(i64::from(x))).collect(),
        other => return Err(Error::type_error(format!("'{}' object is not iterable", other.type_name()))),
    })
}

/// CPython's `pmerge`: the C3 merge of the bases' MROs and the bases, or
/// the error naming the heads left when no head can come next.
fn c3_merge(to_merge: &[Vec<Type>]) -> Result<Vec<Type>, Error> {
    let mut remain = vec![0usize; to_merge.len()];
    let mut out = Vec::new();
    'again: loop {
        let mut empty = 0;
        for (i, list) in to_merge.iter().enumerate() {
            let Some(candidate) = list.get(remain[i]) else {
                empty += 1;
                continue;
            };
            let in_a_tail = to_merge.iter().zip(&remain).any(|(l, &r)| l.iter().skip(r + 1).any(|t| t == candidate));
            if in_a_tail {
                continue;
            }
            out.push(candidate.clone());
            for (l, r) in to_merge.iter().zip(remain.iter_mut()) {
                if l.get(*r) == Some(candidate) {
                    *r += 1;
                }
            }
            continue 'again;
        }
        if empty == to_merge.len() {
            return Ok(out);
        }
        let mut heads: Vec<Type> = Vec::new();
        for (l, &r) in to_merge.iter().zip(&remain) {
            if let Some(h) = l.get(r) {
                if !heads.contains(h) {
                    heads.push(h.clone());
                }
            }
        }
        let names: Vec<&str> = heads.iter().map(Type::name).collect();
        return Err(Error::type_error(format!(
            "Cannot create a consistent method resolution\norder (MRO) for bases {}",
            names.join(", ")
        )));
    }
}

/// A run-time class's slot tables, built from its bases'.
struct Tables {
    slot_names: Vec<SlotName>,
    index_map: Vec<Loc>,
    value_count: u32,
}

impl Tables {
    fn new(
        own: &[Box<str>],
        own_attrs: &[(Box<str>, Value)],
        bases: &[Type],
        mro: &[Type],
        embedded: Option<&'static Layout>,
        setattr_hooked: bool,
    ) -> Tables {
        // Storage: each run-time class's own slots once, in MRO order (the
        // class itself first); the embedded instance holds the rest.
        // Maps and sets, not vectors searched: a hierarchy a thousand
        // classes deep is built in linear time per class, not cubic.
        let mut starts: std::collections::HashMap<*const RtClass, u32> = std::collections::HashMap::new();
        let mut value_count = own.len() as u32;
        for t in mro {
            if let Repr::Runtime(c) = &t.0 {
                starts.insert(Arc::as_ptr(c), value_count);
                value_count += c.slots.len() as u32;
            }
        }
        let start_of = |c: &RtClass| starts.get(&(c as *const RtClass)).copied().unwrap_or(0);
        let embedded_at = |l: &'static Layout| embedded.and_then(|e| e.base_offset(l)).unwrap_or(0);

        // The layout's index space: own slots, then the stored base's
        // space ([`Layout::slot_count`]), and so on down the line.
        let mut index_map: Vec<Loc> = (0..own.len() as u32).map(Loc::Value).collect();
        let mut next = stored_base(bases);
        while let Some(t) = next {
            match &t.0 {
                Repr::Runtime(c) => {
                    let start = start_of(c);
                    index_map.extend((0..c.slots.len() as u32).map(|i| Loc::Value(start + i)));
                    next = stored_base(&c.bases);
                }
                Repr::Static { layout, .. } => {
                    let start = embedded_at(layout);
                    index_map.extend((0..layout.slot_count()).map(|i| Loc::Embedded(start + i)));
                    next = None;
                }
            }
        }

        // Names: the first class along the MRO that has the name as a slot
        // or a class attribute (a compile-time class's properties and
        // methods included) decides. With a `__setattr__` hook along the
        // MRO, the own values are marked so that `setattr`'s fast path
        // leaves them to the hook.
        let mut slot_names: Vec<SlotName> = Vec::new();
        let mut decided: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let own_names = (own.iter().map(|s| &**s).collect(), own_attrs.iter().map(|(n, _)| &**n).collect());
        let classes = std::iter::once((None, own_names)).chain(mro.iter().map(|t| {
            let l = t.layout();
            let described = l.as_static().into_iter().flat_map(|l| crate::objects::object::method_table(l).names());
            (
                Some(t),
                (
                    l.slots(),
                    l.class_attrs()
                        .into_iter()
                        .map(|(n, _)| n)
                        .chain(described.map(|n| n as &str))
                        .collect::<Vec<&str>>(),
                ),
            )
        }));
        for (t, (slots, attrs)) in classes {
            for (local, name) in slots.into_iter().enumerate() {
                if !decided.insert(name) {
                    continue;
                }
                let own_value = |i: u32| Loc::Value(if setattr_hooked { i | HOOKED } else { i });
                let loc = match t.map(|t| &t.0) {
                    None => own_value(local as u32),
                    Some(Repr::Runtime(c)) => own_value(start_of(c) + local as u32),
                    Some(Repr::Static { layout, .. }) => Loc::Embedded(embedded_at(layout) + local as u32),
                };
                slot_names.push(SlotName::new(name, loc));
            }
            decided.extend(attrs);
        }
        Tables { slot_names, index_map, value_count }
    }
}
