//! Typed slots: how a Rust type is stored in a slot, converted from and to a
//! [`Value`], and the set-flags that say which slots hold a value.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use crate::handles::gc::Visit;
use crate::handles::handle::{Py, PyObject};
use crate::objects::object::PyClass;
use crate::values::bytes::PyBytes;
use crate::values::pystr::PyStr;
use crate::values::tuple::PyTuple;
use crate::values::value::{Value, ValueRef};

/// Why a [`Value`] cannot go into a typed slot: what
/// [`SlotValue::convert`] returns on failure. Writing the slot turns it into
/// the exception: an `OverflowError` if the value (or, for an `Item`, the
/// innermost item) is an integer out of range, a `TypeError` otherwise.
/// Each variant gives the rejected value back.
///
/// | variant | the message's end |
/// |---|---|
/// | `Type(v)` | `must be int, not str` |
/// | `Overflow(v)` | `must be int in range of u8, not 300` |
/// | `Length(v)` | `must be tuple[int, str], not tuple (length 3)` |
/// | `Item(..)` | `must be list[int], not list (item 2 is str)`; an item out of range: `not list (item 2 is 300, out of range of u8)`; a dict's: `(item 'bob' is str)`; nested: `not list (item 1 is tuple (item 0 is str))` |
///
/// ```
/// use pyslots::{Mismatch, SlotValue, Value};
///
/// assert!(matches!(u8::convert(Value::from("x")), Err(Mismatch::Type(v)) if v == Value::from("x")));
/// assert!(matches!(u8::convert(Value::Int(300)), Err(Mismatch::Overflow(_))));
/// assert!(matches!(<(i64, String)>::convert(Value::tuple([1, 2, 3])), Err(Mismatch::Length(_))));
/// let Err(Mismatch::Item(item)) = <Vec<u8>>::convert(Value::list([1, 300])) else { unreachable!() };
/// assert_eq!((item.at.clone(), item.item_type), (pyslots::ItemAt::Index(1), "u8"));
/// ```
#[derive(Debug)]
pub enum Mismatch {
    /// The value has the wrong type (the value is given back).
    Type(Value),
    /// An integer outside the slot type's range (the integer is given
    /// back).
    Overflow(Value),
    /// A tuple whose length is not the tuple slot's (the tuple is given
    /// back).
    Length(Value),
    /// A list, tuple or dict of the right type holding an item that cannot
    /// be stored: which item and why. Boxed, so that a `Mismatch` stays the
    /// size of a [`Value`] and a tag.
    Item(Box<ItemMismatch>),
}

/// An item of a list, tuple or dict that cannot go into a typed
/// collection slot ([`Mismatch::Item`]).
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(scores)]
/// struct Team { scores: Vec<u8> }
///
/// let mut t = Team::new(vec![]);
/// let e = setattr(&mut t, "scores", Value::list([1, 2, 300])).unwrap_err();
/// assert_eq!(e.exception(), "OverflowError");
/// assert!(e.to_string().ends_with("not list (item 2 is 300, out of range of u8)"), "{e}");
/// ```
#[derive(Debug)]
pub struct ItemMismatch {
    /// The whole list, tuple or dict, given back.
    pub value: Value,
    /// Which item.
    pub at: ItemAt,
    /// The item's Rust type as [`std::any::type_name`] spells it (`u8`):
    /// the range an out-of-range item is reported against.
    pub item_type: &'static str,
    /// Why the item cannot be stored; itself an `Item` where the item is a
    /// collection.
    pub cause: Mismatch,
}

/// The Rust type an integer out of range is reported against: `u8` for a
/// slot of `u8` and of `Option<u8>` alike (`None` is no integer, so the
/// range is the inner type's), as [`std::any::type_name`] spells it.
pub fn range_type_name<T: ?Sized>() -> &'static str {
    let mut name = std::any::type_name::<T>();
    while let Some(inner) = name.strip_prefix("core::option::Option<").and_then(|n| n.strip_suffix('>')) {
        name = inner;
    }
    name
}

/// Where an item sits in its collection: an index of a list or tuple, a key
/// of a dict (whose keys are always `str` in pyslots, so a key itself is
/// never of the wrong type).
///
/// ```
/// use pyslots::{ItemAt, Mismatch, SlotValue, Value};
/// use std::collections::HashMap;
///
/// let Err(Mismatch::Item(item)) = <HashMap<String, i64>>::convert(Value::dict([("bob", "x")])) else { unreachable!() };
/// assert_eq!(item.at, ItemAt::Key("bob".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemAt {
    /// `value[i]` of a list or tuple.
    Index(usize),
    /// `value['key']` of a dict.
    Key(PyStr),
}

impl Mismatch {
    /// The mismatch of the item `at` of the collection `value`, converted
    /// to a `T`.
    #[cold]
    fn item<T>(value: &Value, at: ItemAt, cause: Mismatch) -> Mismatch {
        Mismatch::Item(Box::new(ItemMismatch { value: value.clone(), at, item_type: range_type_name::<T>(), cause }))
    }

    /// Whether the innermost cause is an integer out of range: an
    /// `OverflowError` rather than a `TypeError`.
    ///
    /// ```
    /// use pyslots::{SlotValue, Value};
    /// assert!(<Vec<u8>>::convert(Value::list([256])).unwrap_err().is_overflow());
    /// assert!(!<Vec<u8>>::convert(Value::list(["a"])).unwrap_err().is_overflow());
    /// ```
    pub fn is_overflow(&self) -> bool {
        match self {
            Mismatch::Overflow(_) => true,
            Mismatch::Item(item) => item.cause.is_overflow(),
            Mismatch::Type(_) | Mismatch::Length(_) => false,
        }
    }
}

/// A Rust type that can be the type of a typed slot.
///
/// A typed slot stores `Self::Stored` inline in the struct, next to one bit
/// that says whether the slot is set, so a slot of `f64` costs 8 bytes and a
/// bit, and an unset slot holds [`vacant`](SlotValue::vacant), which is
/// never observable.
///
/// Implemented for
///
/// | Rust | Python | read back |
/// |---|---|---|
/// | `bool` | `bool` | |
/// | `i8` ..= `i128`, `u8` ..= `u128`, `isize`, `usize` | `int` in the type's range | `int` |
/// | `f32`, `f64` | `float` (or `int`) | `float` |
/// | `String` (stored as a shared [`PyStr`]), `PyStr` | `str` | the same string |
/// | [`PyBytes`] | `bytes` | the same bytes |
/// | `Vec<T>` | `list[T]` (a list or a tuple) | a new list |
/// | `HashMap<String, T>`, `BTreeMap<String, T>` | `dict[str, T]` | a new dict |
/// | `(A,)` ..= `(A, B, C, D, E, F)` | `tuple[A, B]` | a new tuple |
/// | `Option<T>` | `T` or `None` | |
/// | [`Py<T>`], [`PyObject`] | an object of class `T`, any object | the same object |
/// | [`Value`] | anything | the same value |
///
/// A collection slot (`Vec`, the maps, the tuples) converts every item on
/// each write and makes a new Python value on each read; an untyped slot
/// holds the shared Python list or dict itself.
///
/// Implement it for your own types to use them in typed slots:
///
/// ```
/// use std::borrow::Cow;
/// use pyslots::{Mismatch, SlotValue, Value};
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
///     fn unstore(stored: Celsius) -> Option<Celsius> { Some(stored) }
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
    note = "typed slots hold bool, i8..i128, u8..u128, isize, usize, f32, f64, String, PyStr, PyBytes, Value, \
            Py<T>, PyObject, and Option<T>, Vec<T>, HashMap<String, T>, BTreeMap<String, T> and tuples (A, B) \
            of up to 6 of those",
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
    /// The Rust value back from what [`store`](SlotValue::store) or
    /// [`convert`](SlotValue::convert) made; `None` only if `stored` is
    /// vacant in a way the type can tell. What a regular class's typed
    /// accessor returns, converting its dict entry.
    fn unstore(stored: Self::Stored) -> Option<Self>;
    /// The typed view of a set slot; `None` only if the slot is vacant in a
    /// way the type can tell.
    fn get(stored: &Self::Stored) -> Option<Self::Ref<'_>>;
    /// The slot's value as a [`Value`].
    fn load(stored: &Self::Stored) -> Value;
    /// The slot's value, borrowed where the slot stores something a
    /// [`ValueRef`] can lend (a number, a string, bytes, a `Value`, an object
    /// handle): what [`getattr_ref`](crate::Object::getattr_ref) returns.
    /// By default the [`load`](SlotValue::load)ed value.
    fn borrow(stored: &Self::Stored) -> ValueRef<'_> {
        ValueRef::Owned(Self::load(stored))
    }
    /// Converts a [`Value`] for storing, or says why it cannot be stored.
    fn convert(value: Value) -> Result<Self::Stored, Mismatch>;
    /// Converts a borrowed [`Value`] where that needs no clone and cannot
    /// fail (a number for a number); `None` leaves the decision, errors
    /// included, to [`convert`](SlotValue::convert) of a clone. What a
    /// method's argument converts through first. By default `None`.
    #[inline(always)]
    fn convert_ref(value: &Value) -> Option<Self::Stored> {
        let _ = value;
        None
    }
    /// Heap bytes the stored value owns.
    fn heap_size(stored: &Self::Stored) -> usize {
        let _ = stored;
        0
    }
    /// Reports every handle the stored value holds (objects, lists, dicts,
    /// tuples) to the cycle collector, through [`Value::traverse`] or a
    /// handle's `traverse`. The default reports nothing: right for a type
    /// that holds no handle. A type that holds one and does not report it
    /// is never part of a collected cycle: what it holds stays alive.
    fn traverse(stored: &Self::Stored, visit: &mut Visit<'_>) {
        let _ = (stored, visit);
    }
    /// Whether [`load`](SlotValue::load) is pyslots' own code that only
    /// clones or copies (no borrow of any object, no wait, no new tracked
    /// container, no user code): `Some` for the runtime's scalar, string,
    /// `Value` and handle types, which lets a handle's `getattr` read such
    /// a slot with no mark in the object's borrow flag. No other crate can
    /// make a [`Plain`], so for any other type it is `None`, the default.
    #[doc(hidden)]
    const PLAIN: Option<Plain<Self>> = None;
    /// Whether [`convert_ref`](SlotValue::convert_ref) is pyslots' own code
    /// and dropping a stored value runs nothing and owns no object: `Some`
    /// for the runtime's integers, floats and `bool` (and `Option`s of
    /// them), which lets a handle's `setattr` write a number into such a
    /// slot with no mark in the object's borrow flag. Only the runtime can
    /// make a [`Plain`]; leave it `None`.
    #[doc(hidden)]
    const PLAIN_STORE: Option<Plain<Self>> = None;
}

/// The runtime's word that a [`SlotValue`]'s `load` is its own plain code
/// ([`SlotValue::PLAIN`]). Its field is private and only the runtime makes
/// one, for its own types: a `Plain<T>` of another crate's `T` cannot
/// exist, so no impl elsewhere can claim what the handle's unmarked read
/// (`PyCell::get_unmarked`) relies on.
#[doc(hidden)]
#[derive(Debug)]
pub struct Plain<T: ?Sized>(PhantomData<fn() -> T>);

impl<T: ?Sized> Plain<T> {
    /// The word, for one of the runtime's own types.
    const fn new() -> Plain<T> {
        Plain(PhantomData)
    }
}

/// `Some(Plain)`, for the runtime's impls below.
macro_rules! plain {
    () => {
        Some(Plain::new())
    };
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
/// `vacant`, `store`, `unstore`, `get`, `load`, `borrow`, and `heap_size` where the type owns heap
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
            unstore($unstore_arg:ident): $unstore:expr,
            get($get_arg:ident): $get:expr,
            load($load_arg:ident): $load:expr,
            borrow($borrow_arg:ident): $borrow:expr,
            $(heap_size($heap_arg:ident): $heap:expr,)?
            $(traverse($traverse_arg:ident, $visit:ident): $traverse:expr,)?
            $(convert_ref($convert_ref_arg:ident): $convert_ref:expr,)?
            $(plain: $plain:expr,)?
            $(plain_store: $plain_store:expr,)?
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
            fn unstore($unstore_arg: $stored) -> Option<Self> {
                $unstore
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
            $(
                #[inline]
                fn traverse($traverse_arg: &$stored, $visit: &mut Visit<'_>) {
                    $traverse
                }
            )?
            $(
                #[inline(always)]
                fn convert_ref($convert_ref_arg: &Value) -> Option<$stored> {
                    $convert_ref
                }
            )?
            $(const PLAIN: Option<Plain<Self>> = $plain;)?
            $(const PLAIN_STORE: Option<Plain<Self>> = $plain_store;)?
            $(#[$convert_attr])*
            fn convert($value: Value) -> Result<$converted, Mismatch> $convert
        }
    };
}

/// An integer as [`ValueRef`] lends it: `Int` where it fits in 64 bits.
#[inline(always)]
fn int_ref(value: Value) -> ValueRef<'static> {
    match value {
        Value::Int(i) => ValueRef::Int(i),
        other => ValueRef::Owned(other),
    }
}

/// A big integer for an integer slot: out of line and cold, so the common
/// `Int` conversion stays a few instructions (inlined, this arm's
/// arithmetic and drop cost `setattr` of an `i64` slot 24 instructions).
#[cold]
#[inline(never)]
fn big_int_to<T>(n: crate::values::int::BigInt) -> Result<T, Mismatch>
where
    T: for<'a> TryFrom<&'a num_bigint::BigInt>,
{
    let fits = T::try_from(n.as_num()).ok();
    fits.ok_or(Mismatch::Overflow(Value::BigInt(n)))
}

macro_rules! int_slot {
    ($($t:ty),*) => {$(
        slot_value! {
            /// Python's `int` (`True` and `False` are `1` and `0`); one
            /// outside the type's range is an `OverflowError`. Read back as
            /// `Value::Int` where it fits in 64 bits, `Value::BigInt` beyond.
            impl SlotValue for $t {
                type Stored = $t;
                type Ref<'a> = &'a $t;
                expected: "int",
                vacant: 0,
                store(self): self,
                unstore(stored): Some(stored),
                get(stored): Some(stored),
                load(stored): Value::from(*stored),
                borrow(stored): int_ref(Value::from(*stored)),
                convert_ref(value): match value {
                    Value::Int(i) => <$t>::try_from(*i).ok(),
                    Value::Bool(b) => Some(<$t>::from(*b)),
                    _ => None,
                },
                plain: plain!(),
                plain_store: plain!(),
                #[inline]
                fn convert(value: Value) -> Result<$t, Mismatch> {
                    // A match, not `ok_or(Mismatch::Type(value))`: that moves
                    // the value into the error eagerly, a copy on the hot path.
                    let i = match value {
                        Value::Int(i) => i,
                        Value::Bool(b) => i64::from(b),
                        Value::BigInt(n) => return big_int_to::<$t>(n),
                        other => return Err(Mismatch::Type(other)),
                    };
                    scalar_consumed(value);
                    <$t>::try_from(i).map_err(|_| Mismatch::Overflow(Value::Int(i)))
                }
            }
        }
    )*};
}
int_slot!(i8, i16, i32, i64, isize, i128, u8, u16, u32, u64, usize, u128);

slot_value! {
    impl SlotValue for bool {
        type Stored = bool;
        type Ref<'a> = &'a bool;
        expected: "bool",
        vacant: false,
        store(self): self,
        unstore(stored): Some(stored),
        get(stored): Some(stored),
        load(stored): Value::Bool(*stored),
        borrow(stored): ValueRef::Bool(*stored),
        convert_ref(value): match value {
            Value::Bool(b) => Some(*b),
            _ => None,
        },
        // Written with no mark (a number over a number), but read with the
        // mark: with `PLAIN`, LLVM merged a bool's one-byte result with
        // the integers' and floats' eight-byte ones into one exit that
        // wrote every payload in four pieces, which the caller's 8-byte
        // load then waited for (a class with an `f64` and a `bool` slot:
        // `PyObject::getattr` of the `f64` in a scope 3.8 -> 5.0 ns).
        plain_store: plain!(),
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
        unstore(stored): Some(stored),
        get(stored): Some(stored),
        load(stored): Value::Float(*stored),
        borrow(stored): ValueRef::Float(*stored),
        convert_ref(value): match value {
            Value::Float(x) => Some(*x),
            Value::Int(i) => Some(*i as f64),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        },
        plain: plain!(),
        plain_store: plain!(),
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
        unstore(stored): Some(stored),
        get(stored): Some(stored),
        load(stored): Value::Float(f64::from(*stored)),
        borrow(stored): ValueRef::Float(f64::from(*stored)),
        convert_ref(value): <f64 as SlotValue>::convert_ref(value).map(|x| x as f32),
        plain: plain!(),
        plain_store: plain!(),
        /// Rounds to the nearest `f32`, as ctypes' `c_float` does.
        #[inline]
        fn convert(value: Value) -> Result<f32, Mismatch> {
            <f64 as SlotValue>::convert(value).map(|x| x as f32)
        }
    }
}

/// The immutable shared types, [`PyStr`] and [`PyBytes`]: taken only from
/// their own variant, lent by reference.
macro_rules! shared_slot {
    ($($(#[$attr:meta])* $t:ident: $variant:ident, $ref:ty, $expected:literal, $vacant:expr;)*) => {$(
        slot_value! {
            $(#[$attr])*
            impl SlotValue for $t {
                type Stored = $t;
                type Ref<'a> = $ref;
                expected: $expected,
                vacant: $vacant,
                store(self): self,
                unstore(stored): Some(stored),
                get(stored): Some(stored),
                load(stored): Value::$variant(stored.clone()),
                borrow(stored): ValueRef::$variant(stored),
                heap_size(stored): stored.heap_size(),
                plain: plain!(),
                #[inline]
                fn convert(value: Value) -> Result<$t, Mismatch> {
                    match value {
                        Value::$variant(s) => Ok(s),
                        other => Err(Mismatch::Type(other)),
                    }
                }
            }
        }
    )*};
}
shared_slot! {
    /// Python's `str`; the accessor returns `&str`.
    PyStr: Str, &'a str, "str", PyStr::empty();
    /// Python's `bytes`, and only `bytes`: a `str` or a list of ints is a
    /// `TypeError`. Up to 15 bytes inline, longer contents shared, so a read
    /// copies nothing; [`getattr_ref`](crate::Object::getattr_ref) lends
    /// them ([`ValueRef::Bytes`]) and the accessor returns `&[u8]`.
    PyBytes: Bytes, &'a [u8], "bytes", PyBytes::default();
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
    const PLAIN: Option<Plain<Self>> = plain!();
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
    fn unstore(stored: PyStr) -> Option<String> {
        Some(String::from(&*stored))
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
        unstore(stored): Some(stored),
        get(stored): Some(stored),
        load(stored): stored.clone(),
        borrow(stored): ValueRef::Value(stored),
        heap_size(stored): stored.heap_size(),
        traverse(stored, visit): stored.traverse(visit),
        plain: plain!(),
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
    const PLAIN: Option<Plain<Self>> = match T::PLAIN {
        Some(_) => plain!(),
        None => None,
    };
    const PLAIN_STORE: Option<Plain<Self>> = match T::PLAIN_STORE {
        Some(_) => plain!(),
        None => None,
    };
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
    fn unstore(stored: Option<T::Stored>) -> Option<Option<T>> {
        Some(match stored {
            Some(s) => Some(T::unstore(s)?),
            None => None,
        })
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
    #[inline]
    fn traverse(stored: &Option<T::Stored>, visit: &mut Visit<'_>) {
        if let Some(s) = stored {
            T::traverse(s, visit);
        }
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
        unstore(stored): stored,
        get(stored): stored.as_ref(),
        load(stored): stored.as_ref().map_or(Value::None, |p| Value::from(p.clone())),
        borrow(stored): ValueRef::Owned(Self::load(stored)),
        traverse(stored, visit): if let Some(p) = stored { p.traverse(visit) },
        plain: plain!(),
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
        unstore(stored): stored,
        get(stored): stored.as_ref(),
        load(stored): stored.clone().map_or(Value::None, Value::Object),
        borrow(stored): stored.as_ref().map_or(ValueRef::Value(&NONE), ValueRef::Object),
        traverse(stored, visit): if let Some(o) = stored { o.traverse(visit) },
        plain: plain!(),
        #[inline]
        fn convert(value: Value) -> Result<Option<PyObject>, Mismatch> {
            match value {
                Value::Object(o) => Ok(Some(o)),
                other => Err(Mismatch::Type(other)),
            }
        }
    }
}

/// Converts the item `at` of the collection `value` to a `T`, or says
/// which item could not be.
#[inline]
fn convert_item<T: SlotValue>(value: &Value, at: impl FnOnce() -> ItemAt, item: Value) -> Result<T::Stored, Mismatch> {
    T::convert(item).map_err(|cause| Mismatch::item::<T>(value, at(), cause))
}

/// Converts the items of a list or a tuple, each to a `T`. Works on a copy
/// of the list's items, so no lock is held while a conversion runs.
fn convert_items<T: SlotValue>(value: Value) -> Result<Vec<T::Stored>, Mismatch> {
    let items = match &value {
        Value::List(l) => l.to_vec(),
        Value::Tuple(t) => t.to_vec(),
        _ => return Err(Mismatch::Type(value)),
    };
    let mut stored = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        stored.push(convert_item::<T>(&value, || ItemAt::Index(i), item)?);
    }
    Ok(stored)
}

slot_value! {
    /// A list of `T`s: Python's `list[int]` for `Vec<i64>`. Takes a `list`
    /// or a `tuple` (as PyO3's `Vec<T>` takes a sequence), each item
    /// converted as a slot of `T` converts it; a `bytes` is not a list of
    /// ints here (a [`PyBytes`] slot takes it). An item of the wrong type is
    /// a `TypeError` and one out of range an `OverflowError`, both saying
    /// which item ([`Mismatch::Item`]).
    ///
    /// The slot holds the converted items, not the list: a write copies the
    /// items in and every read makes a new list, as PyO3's `Vec<T>`
    /// converts, so changing a list read or written changes nothing in the
    /// slot. An untyped slot, by contrast, holds the Python list itself,
    /// shared with whoever else holds it.
    ///
    /// The accessor lends the stored items, `&[T::Stored]`: `&[i64]` for
    /// `Vec<i64>`, `&[PyStr]` for `Vec<String>` (each derefs to `&str`),
    /// `&[Option<Py<U>>]` for `Vec<Py<U>>` (each `Some`).
    impl<T: SlotValue> SlotValue for Vec<T> {
        type Stored = Vec<T::Stored>;
        type Ref<'a> = &'a [T::Stored];
        expected: format!("list[{}]", T::expected()),
        vacant: Vec::new(),
        store(self): self.into_iter().map(T::store).collect(),
        unstore(stored): stored.into_iter().map(T::unstore).collect(),
        get(stored): Some(stored),
        load(stored): Value::List(stored.iter().map(T::load).collect()),
        borrow(stored): ValueRef::Owned(Self::load(stored)),
        heap_size(stored): stored.capacity() * std::mem::size_of::<T::Stored>() + stored.iter().map(T::heap_size).sum::<usize>(),
        traverse(stored, visit): stored.iter().for_each(|s| T::traverse(s, visit)),
        fn convert(value: Value) -> Result<Vec<T::Stored>, Mismatch> {
            convert_items::<T>(value)
        }
    }
}

/// Converts a dict's values, each to a `T`, into a map with its keys. Works
/// on a copy of the entries, so no lock is held while a conversion runs.
fn convert_entries<T: SlotValue, M: FromIterator<(PyStr, T::Stored)>>(value: Value) -> Result<M, Mismatch> {
    let Value::Dict(d) = &value else {
        return Err(Mismatch::Type(value));
    };
    let entries = d.items();
    let mut stored = Vec::with_capacity(entries.len());
    for (key, item) in entries {
        let item = convert_item::<T>(&value, || ItemAt::Key(key.clone()), item)?;
        stored.push((key, item));
    }
    Ok(stored.into_iter().collect())
}

/// Heap bytes of a std `HashMap`'s table of `capacity` (as the map reports
/// it) entries of `entry` bytes: hashbrown's buckets, a power of two with
/// one in eight left free, each an entry and a control byte, and a group
/// of control bytes more.
fn hash_table_size(capacity: usize, entry: usize) -> usize {
    const GROUP: usize =
        if cfg!(all(target_feature = "sse2", any(target_arch = "x86", target_arch = "x86_64"))) { 16 } else { 8 };
    if capacity == 0 {
        return 0;
    }
    let buckets = (capacity * 8 / 7).next_power_of_two().max(4);
    (buckets * entry).next_multiple_of(GROUP) + buckets + GROUP
}

/// Heap bytes of a std `BTreeMap` of `len` entries of `K` and `V` built
/// from sorted entries, as `collect` builds one: leaves of 11 entries and
/// one that moves up into the parent for each (internal nodes, with 12
/// edges, likewise), the layout of `alloc::collections::btree::node`.
fn btree_size<K, V>(len: usize) -> usize {
    use std::mem::{align_of, size_of};
    const CAPACITY: usize = 11;
    if len == 0 {
        return 0;
    }
    let align = align_of::<K>().max(align_of::<V>()).max(align_of::<usize>());
    let leaf = (size_of::<usize>() + 4 + CAPACITY * (size_of::<K>() + size_of::<V>())).next_multiple_of(align);
    let internal = (leaf + (CAPACITY + 1) * size_of::<usize>()).next_multiple_of(align);
    let mut nodes = len / (CAPACITY + 1) + 1;
    let mut bytes = nodes * leaf;
    while nodes > 1 {
        nodes = (nodes - 1) / (CAPACITY + 1) + 1;
        bytes += nodes * internal;
    }
    bytes
}

macro_rules! map_slot {
    ($($map:ident ($order:literal): $size:expr;)*) => {$(
        #[doc = concat!(
            "A `dict` with `str` keys and values of `T`: Python's `dict[str, int]` for `",
            stringify!($map), "<String, i64>`. Each value is converted as a slot of `T` converts it; ",
            "one of the wrong type is a `TypeError` and one out of range an `OverflowError`, both naming ",
            "its key ([`Mismatch::Item`]). (A dict's keys are always `str` in pyslots.)\n\n",
            "Stored as a `", stringify!($map), "<PyStr, T::Stored>`, which the accessor lends ",
            "(look keys up by `&str`). Like `Vec<T>`, the slot holds the converted entries, not the dict: ",
            "every read makes a new dict, ", $order, ", and changing it changes nothing in the slot; ",
            "an untyped slot holds the shared dict itself."
        )]
        impl<T: SlotValue> SlotValue for $map<String, T> {
            type Stored = $map<PyStr, T::Stored>;
            type Ref<'a> = &'a $map<PyStr, T::Stored>;
            #[inline]
            fn expected() -> Cow<'static, str> {
                format!("dict[str, {}]", T::expected()).into()
            }
            #[inline]
            fn vacant() -> Self::Stored {
                $map::new()
            }
            fn store(self) -> Self::Stored {
                self.into_iter().map(|(k, v)| (PyStr::from(k), v.store())).collect()
            }
            fn unstore(stored: Self::Stored) -> Option<Self> {
                stored.into_iter().map(|(k, v)| Some((String::from(&*k), T::unstore(v)?))).collect()
            }
            #[inline]
            fn get(stored: &Self::Stored) -> Option<Self::Ref<'_>> {
                Some(stored)
            }
            fn load(stored: &Self::Stored) -> Value {
                Value::Dict(stored.iter().map(|(k, v)| (k.clone(), T::load(v))).collect())
            }
            fn convert(value: Value) -> Result<Self::Stored, Mismatch> {
                convert_entries::<T, Self::Stored>(value)
            }
            fn heap_size(stored: &Self::Stored) -> usize {
                let size: fn(&Self::Stored) -> usize = $size;
                size(stored) + stored.iter().map(|(k, v)| k.heap_size() + T::heap_size(v)).sum::<usize>()
            }
            fn traverse(stored: &Self::Stored, visit: &mut Visit<'_>) {
                stored.values().for_each(|v| T::traverse(v, visit));
            }
        }
    )*};
}
map_slot! {
    HashMap ("in the map's iteration order (arbitrary, but the same for every read of an unchanged slot)"):
        |m| hash_table_size(m.capacity(), std::mem::size_of::<(PyStr, T::Stored)>());
    BTreeMap ("in the map's order (sorted by key)"): |m| btree_size::<PyStr, T::Stored>(m.len());
}

macro_rules! tuple_slot {
    ($($len:literal: ($($t:ident $i:tt),+);)*) => {$(
        /// A tuple of slot types: Python's `tuple[int, str]` for
        /// `(i64, String)`. Takes a `tuple` of exactly this length, each item
        /// converted as a slot of its type converts it; as PyO3's tuples, not
        /// a list (a `TypeError`, as is a tuple of another length). Every
        /// read makes a new tuple. The accessor gives a tuple of the items'
        /// typed views: `(&i64, &str)`.
        impl<$($t: SlotValue),+> SlotValue for ($($t,)+) {
            type Stored = ($($t::Stored,)+);
            type Ref<'a> = ($($t::Ref<'a>,)+);
            fn expected() -> Cow<'static, str> {
                format!("tuple[{}]", [$($t::expected()),+].join(", ")).into()
            }
            #[inline]
            fn vacant() -> Self::Stored {
                ($($t::vacant(),)+)
            }
            #[inline]
            fn store(self) -> Self::Stored {
                ($(self.$i.store(),)+)
            }
            #[inline]
            fn unstore(stored: Self::Stored) -> Option<Self> {
                Some(($($t::unstore(stored.$i)?,)+))
            }
            #[inline]
            fn get(stored: &Self::Stored) -> Option<Self::Ref<'_>> {
                Some(($($t::get(&stored.$i)?,)+))
            }
            fn load(stored: &Self::Stored) -> Value {
                Value::Tuple(PyTuple::new(vec![$($t::load(&stored.$i)),+]))
            }
            fn convert(value: Value) -> Result<Self::Stored, Mismatch> {
                let Value::Tuple(t) = &value else {
                    return Err(Mismatch::Type(value));
                };
                if t.len() != $len {
                    return Err(Mismatch::Length(value));
                }
                Ok(($(convert_item::<$t>(&value, || ItemAt::Index($i), t[$i].clone())?,)+))
            }
            #[inline]
            fn heap_size(stored: &Self::Stored) -> usize {
                0 $(+ $t::heap_size(&stored.$i))+
            }
            #[inline]
            fn traverse(stored: &Self::Stored, visit: &mut Visit<'_>) {
                $($t::traverse(&stored.$i, visit);)+
            }
        }
    )*};
}
tuple_slot! {
    1: (A 0);
    2: (A 0, B 1);
    3: (A 0, B 1, C 2);
    4: (A 0, B 1, C 2, D 3);
    5: (A 0, B 1, C 2, D 3, E 4);
    6: (A 0, B 1, C 2, D 3, E 4, F 5);
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
        assert_eq!(<u64 as SlotValue>::convert(Value::from(u64::MAX)).ok(), Some(u64::MAX));
        assert!(matches!(
            <i64 as SlotValue>::convert(Value::from(u64::MAX)),
            Err(Mismatch::Overflow(Value::BigInt(_)))
        ));
        assert_eq!(<Vec<Option<u8>> as SlotValue>::expected(), "list[int or None]");
        assert_eq!(<BTreeMap<String, (f64, bool)> as SlotValue>::expected(), "dict[str, tuple[float, bool]]");
        assert_eq!(<(PyBytes,) as SlotValue>::expected(), "tuple[bytes]");
        let Err(Mismatch::Item(item)) = <HashMap<String, u8> as SlotValue>::convert(Value::dict([("k", -1)])) else {
            panic!("not an item mismatch");
        };
        assert_eq!((&item.at, item.item_type), (&ItemAt::Key(PyStr::new("k")), "u8"));
        assert!(matches!(item.cause, Mismatch::Overflow(Value::Int(-1))) && item.value.as_dict().is_some());
    }

    #[test]
    fn an_optional_integer_is_in_range_of_its_inner_type() {
        assert_eq!(range_type_name::<Option<u8>>(), "u8");
        assert_eq!(range_type_name::<Option<Option<i16>>>(), "i16");
        assert_eq!(range_type_name::<u64>(), "u64");
        let Err(Mismatch::Item(item)) = <Vec<Option<u8>> as SlotValue>::convert(Value::list([Value::Int(300)])) else {
            panic!("not an item mismatch");
        };
        assert_eq!(item.item_type, "u8");
    }

    #[test]
    fn a_mismatch_is_a_value_and_a_tag() {
        assert_eq!(std::mem::size_of::<Mismatch>(), std::mem::size_of::<Value>() + 8);
    }
}
