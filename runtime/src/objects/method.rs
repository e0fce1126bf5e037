//! Behaviour behind names: a class's properties, methods and attribute
//! hooks as data (`MethodTable`, which `#[methods]` emits per class), the
//! argument binding CPython does for a Python function (its messages), and
//! the conversions of arguments and results.
//!
//! What a table entry points at is a small generated function over
//! `&dyn Object`; everything else (finding the entry along the MRO, binding
//! arguments, the errors) is generic code here and in `class.rs`.

use std::borrow::Cow;
use std::fmt;

use crate::error::Error;
use crate::objects::layout::Layout;
use crate::objects::object::Object;
use crate::storage::slot::SlotValue;
use crate::values::value::Value;

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
}

impl MethodTable {
    /// A table with nothing in it.
    pub const EMPTY: MethodTable =
        MethodTable { properties: &[], methods: &[], getattr: None, setattr: None, delattr: None, repr: None };

    /// Whether the table has anything in it.
    pub const fn is_empty(&self) -> bool {
        self.properties.is_empty()
            && self.methods.is_empty()
            && self.getattr.is_none()
            && self.setattr.is_none()
            && self.delattr.is_none()
            && self.repr.is_none()
    }

    /// The property `name`, if the table has one.
    #[inline]
    pub fn property(&self, name: &str) -> Option<&PropertyDef> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// The method `name`, if the table has one.
    #[inline]
    pub fn method(&self, name: &str) -> Option<&MethodDef> {
        self.methods.iter().find(|m| m.name == name)
    }
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

/// Binds `args` and `kwargs` to the `N` parameters of `sig` (the receiver,
/// if any, already bound), with CPython 3.11's checks in its order:
/// unexpected or repeated keywords, too many positional arguments,
/// missing required ones. An omitted optional parameter is `None`.
#[inline]
pub fn bind<const N: usize>(sig: &Signature, args: &[Value], kwargs: Kwargs<'_>) -> Result<[Option<Value>; N], Error> {
    let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
    for (slot, arg) in out.iter_mut().zip(args) {
        *slot = Some(arg.clone());
    }
    if !kwargs.is_empty() || args.len() > N {
        bind_slow(sig, args.len(), kwargs, &mut out)?;
    }
    if let Some(missing) = out[..sig.required].iter().position(Option::is_none) {
        return Err(missing_error(sig, &out, missing));
    }
    Ok(out)
}

#[cold]
#[inline(never)]
fn bind_slow(sig: &Signature, given: usize, kwargs: Kwargs<'_>, out: &mut [Option<Value>]) -> Result<(), Error> {
    for (name, value) in kwargs {
        if sig.receiver == Some(*name) {
            return Err(Error::type_error(format!("{}() got multiple values for argument '{name}'", sig.qualname)));
        }
        let Some(i) = sig.params.iter().position(|p| p == name) else {
            return Err(Error::type_error(format!("{}() got an unexpected keyword argument '{name}'", sig.qualname)));
        };
        if out[i].is_some() {
            return Err(Error::type_error(format!("{}() got multiple values for argument '{name}'", sig.qualname)));
        }
        out[i] = Some(value.clone());
    }
    if given > sig.params.len() {
        let own = usize::from(sig.receiver.is_some());
        let (most, least) = (sig.params.len() + own, sig.required + own);
        let takes = if least == most {
            format!("{most} positional argument{}", if most == 1 { "" } else { "s" })
        } else {
            format!("from {least} to {most} positional arguments")
        };
        let given = given + own;
        let were = if given == 1 { "was" } else { "were" };
        return Err(Error::type_error(format!("{}() takes {takes} but {given} {were} given", sig.qualname)));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn missing_error(sig: &Signature, out: &[Option<Value>], first: usize) -> Error {
    let names: Vec<&str> = (first..sig.required).filter(|&i| out[i].is_none()).map(|i| sig.params[i]).collect();
    missing_names_error(sig.qualname, &names)
}

/// `f() missing 2 required positional arguments: 'a' and 'b'`.
pub(crate) fn missing_names_error(qualname: &str, names: &[&str]) -> Error {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let list = match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        [] => String::new(),
    };
    let n = names.len();
    let s = if n == 1 { "" } else { "s" };
    Error::type_error(format!("{qualname}() missing {n} required positional argument{s}: {list}"))
}

/// Converts a bound argument to the parameter's type, as a typed slot
/// converts a write; the error names the parameter
/// (`Temperature.warm() argument 'by' must be float, not str`).
#[inline]
pub fn arg<T: SlotValue>(value: Option<Value>, sig: &Signature, index: usize) -> Result<T, Error> {
    let value = value.unwrap_or(Value::None);
    match T::convert(value) {
        Ok(stored) => T::unstore(stored).ok_or_else(|| arg_error::<T>(sig, index, "None")),
        Err(mismatch) => Err(arg_error::<T>(sig, index, mismatch_found(&mismatch).as_ref())),
    }
}

fn mismatch_found(mismatch: &crate::storage::slot::Mismatch) -> Cow<'_, str> {
    use crate::storage::slot::Mismatch;
    match mismatch {
        Mismatch::Type(v) | Mismatch::Length(v) => Cow::Owned(v.type_name().to_owned()),
        Mismatch::Overflow(i) => Cow::Owned(format!("{i}")),
        Mismatch::Item(item) => Cow::Owned(format!("{} with an item of the wrong type", item.value.type_name())),
    }
}

#[cold]
#[inline(never)]
fn arg_error<T: SlotValue>(sig: &Signature, index: usize, found: &str) -> Error {
    Error::type_error(format!(
        "{}() argument '{}' must be {}, not {found}",
        sig.qualname,
        sig.params[index],
        T::expected()
    ))
}

/// A property setter's value converted to its parameter's type; the error
/// is the one a typed slot of that type gives.
#[inline]
pub fn setter_arg<T: SlotValue>(value: Value, cls: &str, attr: &str) -> Result<T, Error> {
    match T::convert(value) {
        Ok(stored) => T::unstore(stored).ok_or_else(|| {
            Error::type_error(format!("'{cls}' object attribute '{attr}' must be {}, not None", T::expected()))
        }),
        Err(mismatch) => Err(Error::type_error(format!(
            "'{cls}' object attribute '{attr}' must be {}, not {}",
            T::expected(),
            mismatch_found(&mismatch)
        ))),
    }
}

/// What a method may return: a value a typed slot could hold, `()` (Python's
/// `None`), or either in a `Result`.
pub trait IntoReturn {
    /// The result as a [`Value`], or the method's error.
    fn into_return(self) -> Result<Value, Error>;
}

impl<T: SlotValue> IntoReturn for T {
    #[inline]
    fn into_return(self) -> Result<Value, Error> {
        Ok(T::load(&self.store()))
    }
}

impl IntoReturn for () {
    #[inline]
    fn into_return(self) -> Result<Value, Error> {
        Ok(Value::None)
    }
}

impl<T: IntoReturn> IntoReturn for Result<T, Error> {
    #[inline]
    fn into_return(self) -> Result<Value, Error> {
        self.and_then(T::into_return)
    }
}

/// What a setter or deleter may return: `()` or `Result<(), Error>`.
pub trait IntoUnit {
    /// The setter's outcome.
    fn into_unit(self) -> Result<(), Error>;
}

impl IntoUnit for () {
    #[inline]
    fn into_unit(self) -> Result<(), Error> {
        Ok(())
    }
}

impl IntoUnit for Result<(), Error> {
    #[inline]
    fn into_unit(self) -> Result<(), Error> {
        self
    }
}

/// The `C` a method of class `C` runs on: `obj` itself, or the `C` it
/// stores as a base (a subclass's instance, a run-time subclass's embedded
/// instance). Otherwise CPython's `descriptor 'm' for 'C' objects doesn't
/// apply to a 'D' object`.
#[inline]
pub fn receiver<'a, C: 'static>(obj: &'a dyn Object, name: &str, cls: &str) -> Result<&'a C, Error> {
    let mut at = obj;
    loop {
        if let Some(c) = at.as_any().and_then(|a| a.downcast_ref::<C>()) {
            return Ok(c);
        }
        match at.stored_base() {
            Some(base) => at = base,
            None => return Err(not_applicable(name, cls, obj.type_name())),
        }
    }
}

/// [`receiver`], to write.
#[inline]
pub fn receiver_mut<'a, C: 'static>(obj: &'a mut dyn Object, name: &str, cls: &str) -> Result<&'a mut C, Error> {
    if obj.as_any().is_some_and(|a| a.is::<C>()) {
        return Ok(obj.as_any_mut().and_then(|a| a.downcast_mut::<C>()).expect("checked above"));
    }
    let type_name = obj.type_name().to_owned();
    match obj.stored_base_mut() {
        Some(base) => receiver_mut::<C>(base, name, cls).map_err(|_| not_applicable(name, cls, &type_name)),
        None => Err(not_applicable(name, cls, &type_name)),
    }
}

#[cold]
#[inline(never)]
fn not_applicable(name: &str, cls: &str, type_name: &str) -> Error {
    Error::type_error(format!("descriptor '{name}' for '{cls}' objects doesn't apply to a '{type_name}' object"))
}

/// What a name finds along a class's MRO before the instance dict is
/// consulted: a property (a data descriptor) or a method.
#[derive(Debug, Clone, Copy)]
pub enum Descriptor {
    /// A property of class `owner`.
    Property(&'static PropertyDef, &'static Layout),
    /// A method of class `owner`.
    Method(&'static MethodDef, &'static Layout),
}

/// A function a class defines, as a [`Value`]: `Value::Function`.
#[derive(Clone)]
pub struct PyFunction(std::sync::Arc<Func>);

#[derive(Clone)]
pub(crate) enum Func {
    /// A method of a compile-time class, unbound (`Temperature.warm`).
    Method(&'static MethodDef),
    /// A method bound to an object (`t.warm` through a handle).
    Bound(&'static MethodDef, crate::handles::handle::PyObject),
}

impl PyFunction {
    pub(crate) fn method(def: &'static MethodDef) -> PyFunction {
        PyFunction(std::sync::Arc::new(Func::Method(def)))
    }

    pub(crate) fn bound(def: &'static MethodDef, receiver: crate::handles::handle::PyObject) -> PyFunction {
        PyFunction(std::sync::Arc::new(Func::Bound(def, receiver)))
    }

    pub(crate) fn func(&self) -> &Func {
        &self.0
    }

    /// The Python type name: `function` (a class's function, or a static
    /// method read from it) or `method` (bound).
    pub fn type_name(&self) -> &'static str {
        match &*self.0 {
            Func::Method(_) => "function",
            Func::Bound(..) => "method",
        }
    }

    /// The function's qualified name, `Temperature.warm`.
    pub fn qualname(&self) -> &'static str {
        match &*self.0 {
            Func::Method(def) | Func::Bound(def, _) => def.sig.qualname,
        }
    }

    /// Whether `a` and `b` are the same function object.
    pub fn is(a: &PyFunction, b: &PyFunction) -> bool {
        std::sync::Arc::ptr_eq(&a.0, &b.0)
    }

    /// Python's `==` on functions: the same function, or bound methods of
    /// the same function to the same object.
    pub fn py_eq(&self, other: &PyFunction) -> bool {
        match (&*self.0, &*other.0) {
            (Func::Method(a), Func::Method(b)) => std::ptr::eq(*a, *b),
            (Func::Bound(a, x), Func::Bound(b, y)) => {
                std::ptr::eq(*a, *b) && crate::handles::handle::PyObject::is(x, y)
            }
            _ => false,
        }
    }

    /// Calls it: a bound method with its receiver (locked for reading or
    /// writing as the method needs); a function with the receiver as
    /// the first argument, which must be an object (a `Value::Object`).
    pub fn call(&self, args: &[Value], kwargs: Kwargs<'_>) -> Result<Value, Error> {
        match &*self.0 {
            Func::Bound(def, obj) => obj.call_def(def, args, kwargs),
            Func::Method(def) => match def.body {
                Body::Static(f) => f(args, kwargs),
                _ => match args.first() {
                    Some(Value::Object(obj)) => obj.call_def(def, &args[1..], kwargs),
                    Some(other) => Err(not_applicable(def.name, owner_name(def), other.type_name())),
                    None => {
                        let mut names = vec![def.sig.receiver.unwrap_or("self")];
                        names.extend(def.sig.params[..def.sig.required].iter().copied());
                        Err(missing_names_error(def.sig.qualname, &names))
                    }
                },
            },
        }
    }

    /// Writes the repr: `<bound method Temperature.warm of <repr>>`, or
    /// `<function Temperature.warm>` (CPython adds an address pyslots does
    /// not have).
    pub(crate) fn write_repr(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match &*self.0 {
            Func::Method(def) => write!(f, "<function {}>", def.sig.qualname),
            Func::Bound(def, obj) => write!(f, "<bound method {} of {}>", def.sig.qualname, Value::Object(obj.clone())),
        }
    }

    /// The object a bound method holds, for the collector.
    pub(crate) fn receiver(&self) -> Option<&crate::handles::handle::PyObject> {
        match &*self.0 {
            Func::Bound(_, obj) => Some(obj),
            Func::Method(_) => None,
        }
    }
}

fn owner_name(def: &MethodDef) -> &'static str {
    def.sig.qualname.rsplit_once('.').map_or(def.sig.qualname, |(cls, _)| cls)
}

impl fmt::Debug for PyFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_repr(&mut s)?;
        f.write_str(&s)
    }
}

/// Calls method `name` of `obj` (owned): a method of its class with the
/// receiver it needs, or anything callable `getattr` finds.
pub(crate) fn call_on_owned(
    obj: &mut dyn Object,
    name: &str,
    args: &[Value],
    kwargs: Kwargs<'_>,
) -> Result<Value, Error> {
    if let Some(Descriptor::Method(def, _)) = obj.layout().find_descriptor(name) {
        if !instance_dict_has(obj, name) {
            return call_def_on(obj, def, args, kwargs);
        }
    }
    let value = obj.getattr(name)?;
    value.call(args, kwargs)
}

fn instance_dict_has(obj: &dyn Object, name: &str) -> bool {
    obj.dict_view().is_some_and(|d| d.get(name).is_some())
}

/// Calls `def` with `obj` as its receiver.
#[inline]
pub(crate) fn call_def_on(
    obj: &mut dyn Object,
    def: &MethodDef,
    args: &[Value],
    kwargs: Kwargs<'_>,
) -> Result<Value, Error> {
    match def.body {
        Body::Ref(f) => f(obj, args, kwargs),
        Body::Mut(f) => f(obj, args, kwargs),
        Body::Static(f) => f(args, kwargs),
    }
}

/// What `getattr` through a handle gives: a method the class defines,
/// found by the lookup (not a function stored in the instance dict),
/// bound to the object.
pub(crate) fn bind_found(value: Value, obj: &crate::handles::handle::PyObject, name: &str) -> Value {
    if let Value::Function(f) = &value {
        if let Func::Method(def) = f.func() {
            if !matches!(def.body, Body::Static(_)) {
                if let Some(Descriptor::Method(found, _)) = obj.layout().find_descriptor(name) {
                    if std::ptr::eq(found, *def) {
                        return Value::Function(PyFunction::bound(def, obj.clone()));
                    }
                }
            }
        }
    }
    value
}
