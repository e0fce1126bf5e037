//! Behaviour behind names: a class's properties, methods and attribute
//! hooks as data (`MethodTable`, which `#[methods]` emits per class), the
//! argument binding CPython does for a Python function (its messages), and
//! the conversions of arguments and results.
//!
//! What a table entry points at is a small generated function over
//! `&dyn Object`; everything else (finding the entry along the MRO, binding
//! arguments, the errors) is generic code here and in `class.rs`.

use std::borrow::Cow;

use crate::error::Error;
use crate::objects::object::{Body, Kwargs, MethodDef, Object, Signature};
use crate::storage::slot::SlotValue;
use crate::values::value::Value;

/// The arguments of the common call, every parameter given positionally
/// and no keyword: `args` itself, lent, nothing copied. `None` sends the
/// call to [`bind`].
#[inline(always)]
pub fn positional<'a, const N: usize>(args: &'a [Value], kwargs: Kwargs<'_>) -> Option<&'a [Value; N]> {
    if kwargs.is_empty() {
        args.try_into().ok()
    } else {
        None
    }
}

/// Binds `args` and `kwargs` to the `N` parameters of `sig` (the receiver,
/// if any, already bound), with CPython 3.11's checks in its order:
/// unexpected or repeated keywords, too many positional arguments,
/// missing required ones. An omitted optional parameter is `None`. Every
/// call that [`positional`] does not answer.
#[inline(never)]
pub fn bind<const N: usize>(sig: &Signature, args: &[Value], kwargs: Kwargs<'_>) -> Result<[Value; N], Error> {
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
    Ok(out.map(|v| v.unwrap_or(Value::None)))
}

#[cold]
#[inline(never)]
fn bind_slow(sig: &Signature, given: usize, kwargs: Kwargs<'_>, out: &mut [Option<Value>]) -> Result<(), Error> {
    // A keyword given twice: CPython finds it first, as it merges the
    // keywords into one dict before binding (`f(**{'x': 1}, x=2)`). Its
    // message names the function with its module (`__main__.P.m()`), which
    // a pyslots class does not have (its `repr` has none either).
    for (i, (name, _)) in kwargs.iter().enumerate() {
        if kwargs[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(Error::type_error(format!(
                "{}() got multiple values for keyword argument '{name}'",
                sig.qualname
            )));
        }
    }
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
    Error::missing_arguments(sig.qualname, &names)
}

/// Converts a bound argument to the parameter's type, as a typed slot
/// converts a write; the error names the parameter
/// (`Temperature.warm() argument 'by' must be float, not str`). A number
/// converts from the borrowed value ([`SlotValue::convert_ref`]); anything
/// else from a clone.
#[inline(always)]
pub fn arg<T: SlotValue>(value: &Value, sig: &Signature, index: usize) -> Result<T, Error> {
    let stored = match T::convert_ref(value) {
        Some(stored) => stored,
        None => match T::convert(value.clone()) {
            Ok(stored) => stored,
            Err(mismatch) => return Err(arg_mismatch::<T>(sig, index, mismatch)),
        },
    };
    match T::unstore(stored) {
        Some(v) => Ok(v),
        None => Err(arg_error::<T>(sig, index, "None")),
    }
}

/// [`arg`]'s error for a value of the wrong type, out of line (with the
/// mismatch's drop) so the conversion inlines small.
#[cold]
#[inline(never)]
fn arg_mismatch<T: SlotValue>(sig: &Signature, index: usize, mismatch: crate::storage::slot::Mismatch) -> Error {
    arg_error::<T>(sig, index, mismatch_found(&mismatch).as_ref())
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
            None => return Err(Error::not_applicable(name, cls, obj.type_name())),
        }
    }
}

/// `obj` as a `C` if it is exactly one (not a subclass's instance).
#[inline]
pub fn exact<C: 'static>(obj: &dyn Object) -> Option<&C> {
    obj.as_any()?.downcast_ref::<C>()
}

/// [`receiver`], to write.
#[inline]
pub fn receiver_mut<'a, C: 'static>(obj: &'a mut dyn Object, name: &str, cls: &str) -> Result<&'a mut C, Error> {
    if obj.as_any().is_some_and(|a| a.is::<C>()) {
        return Ok(obj.as_any_mut().and_then(|a| a.downcast_mut::<C>()).expect("checked above"));
    }
    let type_name = obj.type_name().to_owned();
    match obj.stored_base_mut() {
        Some(base) => receiver_mut::<C>(base, name, cls).map_err(|_| Error::not_applicable(name, cls, &type_name)),
        None => Err(Error::not_applicable(name, cls, &type_name)),
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
    if let Some(def) = obj.method_to_call(name) {
        return call_def_on(obj, def, args, kwargs);
    }
    let value = obj.getattr(name)?;
    value.call(args, kwargs)
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
