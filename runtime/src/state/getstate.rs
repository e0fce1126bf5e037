//! An object's state: `__getstate__`, and the restoring half of `copy`'s
//! `_reconstruct` (3.11 has no `object.__setstate__`), as CPython 3.11 does
//! them (`Objects/typeobject.c`'s `object_getstate_default`,
//! `Lib/copyreg.py`'s `_slotnames`).

use crate::error::Error;
use crate::objects::class::SlotGet;
use crate::objects::layout_ref::LayoutRef;
use crate::objects::object::Object;
use crate::values::dict::{Dict, PyDict};
use crate::values::pystr::PyStr;
use crate::values::value::Value;

/// `copyreg._slotnames(type(obj))`: every slot of the class and its bases,
/// class by class along the MRO, each class's in declaration order, names
/// mangled (`__x` of class `P` is `_P__x`); `__dict__` and `__weakref__`
/// are not slots.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(__x, y)]
/// struct Base;
///
/// #[pyclass_like(extends = Base)]
/// #[slots(z, __dict__)]
/// struct Derived;
///
/// assert_eq!(pyslots::slotnames(&Derived::LAYOUT), ["z", "_Base__x", "y"]);
/// ```
pub fn slotnames<'a>(layout: impl Into<LayoutRef<'a>>) -> Vec<&'a str> {
    layout.into().all_slots()
}

/// `obj.__getstate__()` of CPython 3.11 (`object.__getstate__`):
///
/// - `None` when the instance has no dict, or an empty one, and no slot is
///   set;
/// - the instance dict itself (the live `__dict__`, not a copy) when only
///   the dict holds something;
/// - `(dict or None, {slot: value})` when a slot is set: the set slots in
///   [`slotnames`] order, unset ones left out.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y, __dict__)]
/// struct Point { x: f64 }
///
/// let mut p = Point::default();
/// assert_eq!(pyslots::getstate(&p).to_string(), "None");
/// p.setattr("x", 1.5.into())?;
/// assert_eq!(pyslots::getstate(&p).to_string(), "(None, {'x': 1.5})");
/// p.setattr("label", "a".into())?;
/// assert_eq!(pyslots::getstate(&p).to_string(), "({'label': 'a'}, {'x': 1.5})");
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn getstate<O: Object + ?Sized>(obj: &O) -> Value {
    let has_entries = obj.dict_view().is_some_and(|d| !d.keys().is_empty());
    let dict = match obj.dict() {
        Some(d) if has_entries => Value::Dict(d),
        _ => Value::None,
    };
    let slots = slot_values(obj, slotnames(obj.layout()));
    if slots.is_empty() {
        return dict;
    }
    Value::tuple([dict, Value::Dict(PyDict::from(slots.into_iter().collect::<Dict>()))])
}

/// The set slots by name, in [`slotnames`] order, each read with `getattr`
/// as CPython does (a class attribute that hides a base's slot is what it
/// reads).
pub(crate) fn slot_values<'n, O: Object + ?Sized>(obj: &O, names: Vec<&'n str>) -> Vec<(&'n str, Value)> {
    names.into_iter().filter_map(|name| Some((name, obj.getattr(name).ok()?))).collect()
}

/// Restores a state such as [`getstate`] returns, as `copy` and `pickle`
/// do (`copy._reconstruct`; 3.11 has no `object.__setstate__`): a
/// `(state, slotstate)` pair is split, anything else is `state`; a `state`
/// other than `None` updates the instance dict (`obj.__dict__.update(state)`),
/// then each `slotstate` item is set with `setattr`. The errors are
/// CPython's: `'P' object has no attribute '__dict__'` for a dict state
/// without a dict, `'int' object is not iterable`, `'list' object has no
/// attribute 'items'`, and whatever `setattr` raises (a missing slot, a
/// wrong type). All or nothing: on an error the object is as it was.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(x, y)]
/// struct Point { x: f64, y: f64 }
///
/// let p = Point::new(1.0, 2.0);
/// let mut q = Point::default();
/// pyslots::setstate(&mut q, pyslots::getstate(&p))?;
/// assert_eq!(q.getattr("y")?, Value::Float(2.0));
///
/// let bad = Value::tuple([Value::None, Value::dict([("x", Value::from(5.0)), ("z", Value::from(1))])]);
/// let err = pyslots::setstate(&mut q, bad).unwrap_err();
/// assert_eq!(err.to_string(), "'Point' object has no attribute 'z'");
/// assert_eq!(q.getattr("x")?, Value::Float(1.0));          // unchanged
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn setstate<O: Object + ?Sized>(obj: &mut O, state: Value) -> Result<(), Error> {
    // What the object holds now, to put back if a step fails: every slot by
    // index and the dict's entries.
    let slots: Vec<SlotGet> = (0..obj.layout().slot_count()).map(|i| obj.slot_get_at(i)).collect();
    let dict = obj.dict_view().map(|d| d.entries());
    let result = apply_state(obj, state);
    if result.is_err() {
        for (i, slot) in slots.into_iter().enumerate() {
            let restored = match slot {
                SlotGet::Found(v) => obj.slot_set_at(i as u32, v).is_ok(),
                _ => {
                    obj.slot_del_at(i as u32);
                    true
                }
            };
            debug_assert!(restored, "a slot takes back the value it held");
        }
        if let (Some(entries), Some(mut d)) = (dict, obj.dict_view_mut()) {
            drop(d.take_entries());
            for (k, v) in entries {
                d.set(&k, v);
            }
        }
    }
    result
}

/// The restoring half of `copy._reconstruct`, stopping at the first error.
fn apply_state<O: Object + ?Sized>(obj: &mut O, state: Value) -> Result<(), Error> {
    let (state, slotstate) = match state {
        Value::Tuple(t) if t.len() == 2 => (t[0].clone(), t[1].clone()),
        other => (other, Value::None),
    };
    if !state.is_none() {
        let Some(mut d) = obj.dict_view_mut() else {
            return Err(Error::no_attribute_of(obj.layout().error_name(), "__dict__"));
        };
        for (k, v) in update_items(&state)? {
            d.set(&k, v);
        }
    }
    match slotstate {
        Value::None => Ok(()),
        Value::Dict(items) => items.items().into_iter().try_for_each(|(k, v)| obj.setattr(&k, v)),
        other => Err(Error::attribute_error(format!("'{}' object has no attribute 'items'", other.type_name()))),
    }
}

/// The entries `dict.update(arg)` adds: a dict's items, or an iterable of
/// pairs, with CPython's errors for anything else. A key must be a `str`
/// (an instance dict here has string keys only; CPython would take any
/// hashable key into `__dict__`).
fn update_items(arg: &Value) -> Result<Vec<(PyStr, Value)>, Error> {
    let elements: Vec<Value> = match arg {
        Value::Dict(d) => return Ok(d.items()),
        other => iterate(other).ok_or_else(|| not_iterable(other))?,
    };
    elements
        .iter()
        .enumerate()
        .map(|(i, element)| {
            let pair = iterate(element).ok_or_else(|| {
                Error::type_error(format!("cannot convert dictionary update sequence element #{i} to a sequence"))
            })?;
            match <[Value; 2]>::try_from(pair) {
                Ok([Value::Str(k), v]) => Ok((k, v)),
                Ok([k, _]) => Err(Error::type_error(format!("attribute name must be string, not '{}'", k.type_name()))),
                Err(pair) => Err(Error::value_error(format!(
                    "dictionary update sequence element #{i} has length {}; 2 is required",
                    pair.len()
                ))),
            }
        })
        .collect()
}

/// What `iter(v)` yields, for the built-in iterables; `None` for the rest.
fn iterate(v: &Value) -> Option<Vec<Value>> {
    Some(match v {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => l.to_vec(),
        Value::Dict(d) => d.keys().into_iter().map(Value::Str).collect(),
        Value::Str(s) => s.chars().map(|c| Value::from(c.encode_utf8(&mut [0; 4]) as &str)).collect(),
        Value::Bytes(b) => b.iter().map(|&x| Value::Int(x.into())).collect(),
        _ => return None,
    })
}

fn not_iterable(v: &Value) -> Error {
    Error::type_error(format!("'{}' object is not iterable", v.type_name()))
}
