//! Typed slots: how a Rust type is stored in a slot, converted from and to a
//! [`Value`], and the set-flags that say which slots hold a value.

use std::borrow::Cow;

use crate::handle::{Py, PyObject};
use crate::object::PyClass;
use crate::pystr::PyStr;
use crate::value::Value;
use crate::value_ref::ValueRef;

/// Why a [`Value`] cannot go into a typed slot.
#[derive(Debug)]
pub enum Mismatch {
    /// The value has the wrong type (the value is given back).
    Type(Value),
    /// An integer outside the slot type's range (the integer is given
    /// back).
    Overflow(Value),
}

/// A Rust type that can be the type of a typed slot.
///
/// A typed slot stores `Self::Stored` inline in the struct, next to one bit
/// that says whether the slot is set, so a slot of `f64` costs 8 bytes and a
/// bit, and an unset slot holds [`vacant`](SlotValue::vacant), which is
/// never observable.
///
/// Implemented for `bool`, the integers up to 32 bits and `i64`, `f32`,
/// `f64`, `String` (stored as a shared [`PyStr`], so reading it is a
/// reference-count increment), `PyStr`, [`Value`] (any value), `Option<T>`
/// (`None` is Python's `None`), [`Py<T>`] and [`PyObject`]. `u64`, `usize`
/// and 128-bit integers are not: a `Value::Int` is an `i64`, and a slot
/// whose value could not be read back would break `getattr`.
///
/// Implement it for your own types to use them in typed slots:
///
/// ```
/// use std::borrow::Cow;
/// use pyslots::{Value, slot::{Mismatch, SlotValue}};
///
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// struct Celsius(f64);
///
/// impl SlotValue for Celsius {
///     type Stored = Celsius;
///     type Ref<'a> = &'a Celsius;
///     fn expected() -> Cow<'static, str> { "float".into() }
///     fn vacant() -> Celsius { Celsius(0.0) }
///     fn store(self) -> Celsius { self }
///     fn get(stored: &Celsius) -> Option<&Celsius> { Some(stored) }
///     fn load(stored: &Celsius) -> Value { Value::Float(stored.0) }
///     fn convert(value: Value) -> Result<Celsius, Mismatch> {
///         value.as_float().map(Celsius).ok_or(Mismatch::Type(value))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the type of a typed slot",
    label = "not a pyslots::SlotValue",
    note = "typed slots hold bool, i8..i64, u8..u32, f32, f64, String, PyStr, Value, Option<T>, Py<T> or PyObject; \
            u64, usize and i128 do not fit Python's `int` as pyslots stores it (an i64)",
    note = "leave the field out of the struct to make the slot untyped (any Value), or implement SlotValue for the type"
)]
pub trait SlotValue: Sized + Send + Sync + 'static {
    /// What the struct holds for the slot.
    type Stored: Send + Sync + 'static;
    /// What the typed accessor returns: `&f64` for `f64`, `&str` for
    /// `String`, `Option<&str>` for `Option<String>`.
    type Ref<'a>;
    /// The Python type the slot accepts, for error messages: `"float"`.
    fn expected() -> Cow<'static, str>;
    /// What an unset slot holds. Must not allocate.
    fn vacant() -> Self::Stored;
    /// Stores a Rust value.
    fn store(self) -> Self::Stored;
    /// The typed view of a set slot; `None` only if the slot is vacant in a
    /// way the type can tell.
    fn get(stored: &Self::Stored) -> Option<Self::Ref<'_>>;
    /// The slot's value as a [`Value`].
    fn load(stored: &Self::Stored) -> Value;
    /// The slot's value, borrowed where the slot stores something a
    /// [`ValueRef`] can lend (a number, a string, a `Value`, an object
    /// handle): what [`getattr_ref`](crate::Object::getattr_ref) returns.
    /// By default the [`load`](SlotValue::load)ed value.
    fn borrow(stored: &Self::Stored) -> ValueRef<'_> {
        ValueRef::Owned(Self::load(stored))
    }
    /// Converts a [`Value`] for storing, or says why it cannot be stored.
    fn convert(value: Value) -> Result<Self::Stored, Mismatch>;
    /// Heap bytes the stored value owns.
    fn heap_size(stored: &Self::Stored) -> usize {
        let _ = stored;
        0
    }
}

/// `None`, to lend.
static NONE: Value = Value::None;

/// Ends a `Value` that a conversion has matched as `None` or a scalar
/// (`Int`, `Float`, `Bool`), which own nothing to drop.
///
/// Letting it go out of scope instead calls `Value`'s drop glue, an
/// out-of-line function LLVM does not inline (it handles every heap
/// variant), even where the variant is known. The call then forces the
/// converted number to be spilled around it. In `setattr` of an `f64`
/// slot this was 0.3-0.5 ns of 3.2 (measured with the report).
#[inline(always)]
fn scalar_consumed(value: Value) {
    debug_assert!(matches!(value, Value::None | Value::Int(_) | Value::Float(_) | Value::Bool(_)));
    std::mem::forget(value);
}

/// The `SlotValue` methods that are one expression each (`expected`,
/// `vacant`, `store`, `get`, `load`, `borrow`, and `heap_size` where the type owns heap
/// memory), from one line a method, each `#[inline]`; then `convert`, as
/// written.
macro_rules! slot_value {
    (
        $(#[$attr:meta])*
        impl $(<$g:ident: $bound:path>)? SlotValue for $t:ty {
            type Stored = $stored:ty;
            type Ref<$a:lifetime> = $ref:ty;
            expected: $expected:expr,
            vacant: $vacant:expr,
            store($this:ident): $store:expr,
            get($get_arg:ident): $get:expr,
            load($load_arg:ident): $load:expr,
            borrow($borrow_arg:ident): $borrow:expr,
            $(heap_size($heap_arg:ident): $heap:expr,)?
            $(#[$convert_attr:meta])*
            fn convert($value:ident: Value) -> Result<$converted:ty, Mismatch> $convert:block
        }
    ) => {
        $(#[$attr])*
        impl $(<$g: $bound>)? SlotValue for $t {
            type Stored = $stored;
            type Ref<$a> = $ref;
            #[inline]
            fn expected() -> Cow<'static, str> {
                $expected.into()
            }
            #[inline]
            fn vacant() -> $stored {
                $vacant
            }
            #[inline]
            fn store($this) -> $stored {
                $store
            }
            #[inline]
            fn get($get_arg: &$stored) -> Option<Self::Ref<'_>> {
                $get
            }
            #[inline]
            fn load($load_arg: &$stored) -> Value {
                $load
            }
            #[inline]
            fn borrow($borrow_arg: &$stored) -> ValueRef<'_> {
                $borrow
            }
            $(
                #[inline]
                fn heap_size($heap_arg: &$stored) -> usize {
                    $heap
                }
            )?
            $(#[$convert_attr])*
            fn convert($value: Value) -> Result<$converted, Mismatch> $convert
        }
    };
}

macro_rules! small_int_slot {
    ($($t:ty),*) => {$(
        slot_value! {
            impl SlotValue for $t {
                type Stored = $t;
                type Ref<'a> = &'a $t;
                expected: "int",
                vacant: 0,
                store(self): self,
                get(stored): Some(stored),
                load(stored): Value::Int(i64::from(*stored)),
                borrow(stored): ValueRef::Int(i64::from(*stored)),
                #[inline]
                fn convert(value: Value) -> Result<$t, Mismatch> {
                    // A match, not `ok_or(Mismatch::Type(value))`: that moves
                    // the value into the error eagerly, a copy on the hot path.
                    let i = match value {
                        Value::Int(i) => i,
                        Value::Bool(b) => i64::from(b),
                        other => return Err(Mismatch::Type(other)),
                    };
                    scalar_consumed(value);
                    <$t>::try_from(i).map_err(|_| Mismatch::Overflow(Value::Int(i)))
                }
            }
        }
    )*};
}
small_int_slot!(i8, i16, i32, i64, u8, u16, u32);

slot_value! {
    impl SlotValue for bool {
        type Stored = bool;
        type Ref<'a> = &'a bool;
        expected: "bool",
        vacant: false,
        store(self): self,
        get(stored): Some(stored),
        load(stored): Value::Bool(*stored),
        borrow(stored): ValueRef::Bool(*stored),
        /// Only `True` and `False`, as CPython's `T_BOOL` members.
        #[inline]
        fn convert(value: Value) -> Result<bool, Mismatch> {
            let b = match value {
                Value::Bool(b) => b,
                other => return Err(Mismatch::Type(other)),
            };
            scalar_consumed(value);
            Ok(b)
        }
    }
}

slot_value! {
    impl SlotValue for f64 {
        type Stored = f64;
        type Ref<'a> = &'a f64;
        expected: "float",
        vacant: 0.0,
        store(self): self,
        get(stored): Some(stored),
        load(stored): Value::Float(*stored),
        borrow(stored): ValueRef::Float(*stored),
        /// Floats, and ints converted as Python's `float(n)`.
        #[inline]
        fn convert(value: Value) -> Result<f64, Mismatch> {
            let x = match value {
                Value::Float(x) => x,
                Value::Int(i) => i as f64,
                Value::Bool(b) => f64::from(u8::from(b)),
                other => return Err(Mismatch::Type(other)),
            };
            scalar_consumed(value);
            Ok(x)
        }
    }
}

slot_value! {
    impl SlotValue for f32 {
        type Stored = f32;
        type Ref<'a> = &'a f32;
        expected: "float",
        vacant: 0.0,
        store(self): self,
        get(stored): Some(stored),
        load(stored): Value::Float(f64::from(*stored)),
        borrow(stored): ValueRef::Float(f64::from(*stored)),
        /// Rounds to the nearest `f32`, as ctypes' `c_float` does.
        #[inline]
        fn convert(value: Value) -> Result<f32, Mismatch> {
            <f64 as SlotValue>::convert(value).map(|x| x as f32)
        }
    }
}

slot_value! {
    impl SlotValue for PyStr {
        type Stored = PyStr;
        type Ref<'a> = &'a str;
        expected: "str",
        vacant: PyStr::empty(),
        store(self): self,
        get(stored): Some(stored),
        load(stored): Value::Str(stored.clone()),
        borrow(stored): ValueRef::Str(stored),
        heap_size(stored): stored.heap_size(),
        #[inline]
        fn convert(value: Value) -> Result<PyStr, Mismatch> {
            match value {
                Value::Str(s) => Ok(s),
                other => Err(Mismatch::Type(other)),
            }
        }
    }
}

/// A `String` slot is stored as a shared [`PyStr`]: `getattr` hands out a
/// reference-count increment, not a copy, and the accessor returns `&str`.
//
// Written out, not through `slot_value!`: rustc's hint for a `&str` field
// ("the trait `SlotValue` is implemented for `String`") quotes this impl's
// header, and from a macro it would quote the macro's insides instead
// (tests/ui/slot_type_str_ref.stderr).
impl SlotValue for String {
    type Stored = PyStr;
    type Ref<'a> = &'a str;
    #[inline]
    fn expected() -> Cow<'static, str> {
        "str".into()
    }
    #[inline]
    fn vacant() -> PyStr {
        PyStr::empty()
    }
    #[inline]
    fn store(self) -> PyStr {
        PyStr::from(self)
    }
    #[inline]
    fn get(stored: &PyStr) -> Option<&str> {
        Some(stored)
    }
    #[inline]
    fn load(stored: &PyStr) -> Value {
        Value::Str(stored.clone())
    }
    #[inline]
    fn borrow(stored: &PyStr) -> ValueRef<'_> {
        ValueRef::Str(stored)
    }
    #[inline]
    fn convert(value: Value) -> Result<PyStr, Mismatch> {
        <PyStr as SlotValue>::convert(value)
    }
    #[inline]
    fn heap_size(stored: &PyStr) -> usize {
        stored.heap_size()
    }
}

slot_value! {
    /// A slot typed `Value` takes any value, like a Python slot.
    impl SlotValue for Value {
        type Stored = Value;
        type Ref<'a> = &'a Value;
        expected: "object",
        vacant: Value::None,
        store(self): self,
        get(stored): Some(stored),
        load(stored): stored.clone(),
        borrow(stored): ValueRef::Value(stored),
        heap_size(stored): stored.heap_size(),
        #[inline]
        fn convert(value: Value) -> Result<Value, Mismatch> {
            Ok(value)
        }
    }
}

/// `Option<T>` takes `T`'s values and `None`.
impl<T: SlotValue> SlotValue for Option<T> {
    type Stored = Option<T::Stored>;
    type Ref<'a> = Option<T::Ref<'a>>;
    #[inline]
    fn expected() -> Cow<'static, str> {
        format!("{} or None", T::expected()).into()
    }
    #[inline]
    fn vacant() -> Option<T::Stored> {
        None
    }
    #[inline]
    fn store(self) -> Option<T::Stored> {
        self.map(T::store)
    }
    #[inline]
    fn get(stored: &Option<T::Stored>) -> Option<Self::Ref<'_>> {
        Some(match stored {
            Some(s) => Some(T::get(s)?),
            None => None,
        })
    }
    #[inline]
    fn load(stored: &Option<T::Stored>) -> Value {
        stored.as_ref().map_or(Value::None, T::load)
    }
    #[inline]
    fn borrow(stored: &Option<T::Stored>) -> ValueRef<'_> {
        stored.as_ref().map_or(ValueRef::Value(&NONE), T::borrow)
    }
    #[inline]
    fn convert(value: Value) -> Result<Option<T::Stored>, Mismatch> {
        match value {
            Value::None => {
                scalar_consumed(value);
                Ok(None)
            }
            other => T::convert(other).map(Some),
        }
    }
    #[inline]
    fn heap_size(stored: &Option<T::Stored>) -> usize {
        stored.as_ref().map_or(0, T::heap_size)
    }
}

slot_value! {
    /// A slot holding another object of class `T`, shared as in Python.
    impl<T: PyClass> SlotValue for Py<T> {
        type Stored = Option<Py<T>>;
        type Ref<'a> = &'a Py<T>;
        expected: T::LAYOUT.name,
        vacant: None,
        store(self): Some(self),
        get(stored): stored.as_ref(),
        load(stored): stored.as_ref().map_or(Value::None, |p| Value::from(p.clone())),
        borrow(stored): ValueRef::Owned(Self::load(stored)),
        #[inline]
        fn convert(value: Value) -> Result<Option<Py<T>>, Mismatch> {
            match value {
                Value::Object(o) => match o.downcast::<T>() {
                    Ok(p) => Ok(Some(p)),
                    Err(o) => Err(Mismatch::Type(Value::Object(o))),
                },
                other => Err(Mismatch::Type(other)),
            }
        }
    }
}

slot_value! {
    /// A slot holding an object of any class.
    impl SlotValue for PyObject {
        type Stored = Option<PyObject>;
        type Ref<'a> = &'a PyObject;
        expected: "object",
        vacant: None,
        store(self): Some(self),
        get(stored): stored.as_ref(),
        load(stored): stored.clone().map_or(Value::None, Value::Object),
        borrow(stored): stored.as_ref().map_or(ValueRef::Value(&NONE), ValueRef::Object),
        #[inline]
        fn convert(value: Value) -> Result<Option<PyObject>, Mismatch> {
            match value {
                Value::Object(o) => Ok(Some(o)),
                other => Err(Mismatch::Type(other)),
            }
        }
    }
}

/// The set-flags of a class's typed slots: one bit a slot, in the smallest
/// unsigned integer that fits them (`u8` up to 8 typed slots), or an array
/// of `u64` past 128.
pub trait SetFlags: Copy + Default + Send + Sync + 'static {
    /// Whether slot `i` is set.
    fn get(&self, i: u32) -> bool;
    /// Marks slot `i` set.
    fn set(&mut self, i: u32);
    /// Marks slot `i` unset.
    fn clear(&mut self, i: u32);
    /// All of the first `n` slots set.
    fn all(n: u32) -> Self;
}

macro_rules! int_flags {
    ($($t:ty),*) => {$(
        impl SetFlags for $t {
            #[inline]
            fn get(&self, i: u32) -> bool { *self & (1 << i) != 0 }
            #[inline]
            fn set(&mut self, i: u32) { *self |= 1 << i }
            #[inline]
            fn clear(&mut self, i: u32) { *self &= !(1 << i) }
            fn all(n: u32) -> Self {
                if n >= <$t>::BITS { <$t>::MAX } else { (1 << n) - 1 }
            }
        }
    )*};
}
int_flags!(u8, u16, u32, u64, u128);

impl<const N: usize> SetFlags for [u64; N]
where
    [u64; N]: Default,
{
    #[inline]
    fn get(&self, i: u32) -> bool {
        self[(i / 64) as usize] & (1 << (i % 64)) != 0
    }
    #[inline]
    fn set(&mut self, i: u32) {
        self[(i / 64) as usize] |= 1 << (i % 64)
    }
    #[inline]
    fn clear(&mut self, i: u32) {
        self[(i / 64) as usize] &= !(1 << (i % 64))
    }
    fn all(n: u32) -> Self {
        let mut flags = [0u64; N];
        for i in 0..n.min(N as u32 * 64) {
            flags.set(i);
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        let mut f = <u8 as SetFlags>::all(3);
        assert_eq!(f, 0b111);
        f.clear(1);
        assert!(f.get(0) && !f.get(1) && f.get(2));
        assert_eq!(<u8 as SetFlags>::all(8), 0xff);
        let mut big = <[u64; 3] as SetFlags>::all(130);
        assert!(big.get(129) && !big.get(130));
        big.clear(64);
        assert!(!big.get(64) && big.get(63) && big.get(65));
    }

    #[test]
    fn conversions() {
        assert!(matches!(<u8 as SlotValue>::convert(Value::Int(300)), Err(Mismatch::Overflow(Value::Int(300)))));
        assert_eq!(<i64 as SlotValue>::convert(Value::Bool(true)).ok(), Some(1));
        assert_eq!(<f64 as SlotValue>::convert(Value::Int(2)).ok(), Some(2.0));
        assert!(matches!(<bool as SlotValue>::convert(Value::Int(1)), Err(Mismatch::Type(_))));
        assert!(matches!(<String as SlotValue>::convert(Value::Int(1)), Err(Mismatch::Type(_))));
        assert_eq!(<Option<i32> as SlotValue>::convert(Value::None).ok(), Some(None));
        assert_eq!(<Option<i32> as SlotValue>::expected(), "int or None");
    }
}
