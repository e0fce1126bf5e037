//! `Error`: a Python exception, its type name and CPython's message.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::objects::layout::Layout;
use crate::values::pystr::{self, PyStr};

/// The Python exception types pyslots raises.
///
/// ```
/// use pyslots::prelude::*;
///
/// #[pyclass_like]
/// #[slots(n)]
/// struct Counter { n: u8 }
///
/// let mut c = Counter::new(0);
/// let e = setattr(&mut c, "n", 300).unwrap_err();
/// assert_eq!(e.kind(), pyslots::ErrorKind::OverflowError);
/// assert_eq!(getattr(&c, "m").unwrap_err().kind(), pyslots::ErrorKind::AttributeError);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `AttributeError`: a name that is not there, or cannot be written.
    AttributeError,
    /// `TypeError`: a value of the wrong type, or an operation the object
    /// does not support (`vars()` without `__dict__`, a weak reference
    /// without `__weakref__`).
    TypeError,
    /// `OverflowError`: an integer too large for a typed slot.
    OverflowError,
    /// `ValueError`: a value of the right type that is not acceptable
    /// (`int("x")`).
    ValueError,
    /// `IndexError`: a list position out of range.
    IndexError,
    /// `KeyError`: a dict key that is not there.
    KeyError,
    /// `RuntimeError`: an object borrowed in a way that conflicts with a
    /// borrow this thread already holds (`Already borrowed`), as PyO3
    /// raises it.
    RuntimeError,
    /// `RecursionError`: data nested deeper than an operation that must
    /// recurse goes (`maximum recursion depth exceeded ...`); see the
    /// README's "Deep and long data" for which operations those are.
    RecursionError,
    /// `dataclasses.FrozenInstanceError` (an `AttributeError`): writing or
    /// deleting an attribute of a `#[pyclass_like(frozen)]` object
    /// (`cannot assign to field 'x'`, `cannot delete field 'x'`).
    FrozenInstanceError,
}

impl ErrorKind {
    /// The Python exception's name, e.g. `"AttributeError"`.
    ///
    /// ```
    /// use pyslots::{Error, ErrorKind};
    /// assert_eq!(ErrorKind::KeyError.name(), "KeyError");
    /// assert_eq!(Error::key_error("k").kind().name(), "KeyError");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::AttributeError => "AttributeError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::ValueError => "ValueError",
            ErrorKind::IndexError => "IndexError",
            ErrorKind::KeyError => "KeyError",
            ErrorKind::RuntimeError => "RuntimeError",
            ErrorKind::RecursionError => "RecursionError",
            ErrorKind::FrozenInstanceError => "FrozenInstanceError",
        }
    }
}

/// A Python exception: [`exception`](Error::exception) is its type's name,
/// `Display` is CPython 3.11's message.
///
/// ```
/// use pyslots::Error;
/// let e = Error::no_attribute("Point", "z");
/// assert_eq!(e.exception(), "AttributeError");
/// assert_eq!(e.to_string(), "'Point' object has no attribute 'z'");
/// assert_eq!(e.attribute_name(), Some("z"));
/// ```
///
/// The alternate form, `{:#}`, is the whole line CPython 3.11's traceback
/// prints after the exception's name: for a failed `getattr`, the message
/// and the [`suggestion`](Error::suggestion), if there is one.
///
/// An `Error` is one pointer wide, so `Result<Value, Error>` stays small on
/// the success path; the message is formatted, and a suggestion computed,
/// only when displayed or asked for. Errors compare by exception type and
/// message.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: Message,
}

#[derive(Clone, PartialEq, Eq)]
enum Message {
    /// `'P' object has no attribute 'x'`; from `getattr`, with what its
    /// suggestion is computed from.
    NoAttribute { class: ClassName, name: PyStr, lookup: Lookup },
    /// The bare name: what CPython says when a slot is deleted twice.
    BareName(PyStr),
    /// `'P' object attribute '__slots__' is read-only`
    ReadOnly { class: ClassName, name: PyStr },
    /// Any other text.
    Text(Cow<'static, str>),
}

impl Error {
    fn new(kind: ErrorKind, message: Message) -> Error {
        Error(Box::new(Inner { kind, message }))
    }

    /// `AttributeError: 'P' object has no attribute 'x'`.
    ///
    /// ```
    /// use pyslots::{Error, ErrorKind};
    /// let e = Error::no_attribute("Point", "z");
    /// assert_eq!((e.kind(), e.to_string().as_str()), (ErrorKind::AttributeError, "'Point' object has no attribute 'z'"));
    /// assert_eq!(e.attribute_name(), Some("z"));
    /// assert_eq!(e.suggestion(), None); // only a failed `getattr` computes one
    /// ```
    pub fn no_attribute(type_name: &'static str, name: &str) -> Error {
        Error::no_attribute_of(ClassName::Static(type_name), name)
    }

    /// [`no_attribute`](Error::no_attribute) for an instance of any class,
    /// named as [`LayoutRef::error_name`](crate::objects::layout_ref::LayoutRef::error_name)
    /// names it.
    pub(crate) fn no_attribute_of(class: ClassName, name: &str) -> Error {
        Error::new(
            ErrorKind::AttributeError,
            Message::NoAttribute { class, name: PyStr::new(name), lookup: Lookup::none() },
        )
    }

    /// `AttributeError: 'P' object has no attribute 'x'` from `getattr` on
    /// an instance of `class` whose dict has `dict_keys` (`None`: no dict):
    /// it has a [`suggestion`](Error::suggestion) if the class is one the
    /// error keeps ([`ClassName::Layout`], [`ClassName::Kept`]), as
    /// CPython's `AttributeError` keeps the object (`obj`) and so its type.
    pub(crate) fn getattr_missing(class: ClassName, name: &str, dict_keys: Option<DictKeys>) -> Error {
        Error::new(
            ErrorKind::AttributeError,
            Message::NoAttribute { class, name: PyStr::new(name), lookup: Lookup::new(dict_keys) },
        )
    }

    /// `AttributeError: x`: deleting a slot that is not set.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct P { x: i64 }
    ///
    /// let mut p = P::new(1);
    /// delattr(&mut p, "x")?;
    /// let e = delattr(&mut p, "x").unwrap_err(); // CPython: AttributeError: x
    /// assert_eq!(e, pyslots::Error::unset_slot("x"));
    /// assert_eq!(format!("{e:?}"), "AttributeError: x");
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn unset_slot(name: &str) -> Error {
        Error::new(ErrorKind::AttributeError, Message::BareName(PyStr::new(name)))
    }

    /// `AttributeError: 'P' object attribute 'x' is read-only`.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct P { x: i64 }
    ///
    /// let e = setattr(&mut P::new(1), "__slots__", Value::None).unwrap_err();
    /// assert_eq!(e, pyslots::Error::read_only("P", "__slots__"));
    /// assert_eq!(e.to_string(), "'P' object attribute '__slots__' is read-only");
    /// ```
    pub fn read_only(type_name: &'static str, name: &str) -> Error {
        Error::read_only_of(ClassName::Static(type_name), name)
    }

    /// [`read_only`](Error::read_only) for an instance of any class.
    pub(crate) fn read_only_of(class: ClassName, name: &str) -> Error {
        Error::new(ErrorKind::AttributeError, Message::ReadOnly { class, name: PyStr::new(name) })
    }

    /// An `AttributeError` with any message.
    ///
    /// ```
    /// use pyslots::Error;
    /// let e = Error::attribute_error("can't set attribute");
    /// assert_eq!(format!("{e:?}"), "AttributeError: can't set attribute");
    /// assert_eq!(e.attribute_name(), None);
    /// ```
    pub fn attribute_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::AttributeError, Message::Text(message.into()))
    }

    /// A `TypeError` with any message.
    ///
    /// ```
    /// let e = pyslots::Error::type_error("unhashable type: 'list'");
    /// assert_eq!((e.exception(), e.to_string().as_str()), ("TypeError", "unhashable type: 'list'"));
    /// ```
    pub fn type_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::TypeError, Message::Text(message.into()))
    }

    /// `property 'x' of 'P' object has no setter` (`what`: `getter`,
    /// `setter`, `deleter`); `qualname` is the type's `__qualname__`, as
    /// CPython names it there.
    #[cold]
    pub(crate) fn property_missing(qualname: &str, name: &str, what: &str) -> Error {
        Error::attribute_error(format!("property '{name}' of '{qualname}' object has no {what}"))
    }

    /// CPython's `f() missing 2 required positional arguments: 'a' and 'b'`
    /// (`'a', 'b', and 'c'` for three or more).
    pub(crate) fn missing_arguments(qualname: &str, names: &[&str]) -> Error {
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

    /// CPython's `descriptor 'm' for 'C' objects doesn't apply to a 'D'
    /// object`: a method of class `C` called on what holds no `C`.
    #[cold]
    pub(crate) fn not_applicable(name: &str, cls: &str, type_name: &str) -> Error {
        Error::type_error(format!("descriptor '{name}' for '{cls}' objects doesn't apply to a '{type_name}' object"))
    }

    /// An `OverflowError` with any message.
    ///
    /// ```
    /// let e = pyslots::Error::overflow_error("int too large to convert");
    /// assert_eq!(e.kind(), pyslots::ErrorKind::OverflowError);
    /// ```
    pub fn overflow_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::OverflowError, Message::Text(message.into()))
    }

    /// A `ValueError` with any message.
    ///
    /// ```
    /// let e = pyslots::Error::value_error(format!("invalid literal for int() with base 10: {:?}", "x"));
    /// assert_eq!(e.exception(), "ValueError");
    /// ```
    pub fn value_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::ValueError, Message::Text(message.into()))
    }

    /// An `IndexError` with any message.
    ///
    /// ```
    /// let e = pyslots::Value::list([1]).as_list().unwrap().get(5).ok_or_else(|| pyslots::Error::index_error("list index out of range"));
    /// assert_eq!(e.unwrap_err().to_string(), "list index out of range");
    /// ```
    pub fn index_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::IndexError, Message::Text(message.into()))
    }

    /// A `RuntimeError` with any message.
    ///
    /// ```
    /// let e = pyslots::Error::runtime_error("Already borrowed");
    /// assert_eq!(format!("{e:?}"), "RuntimeError: Already borrowed");
    /// ```
    pub fn runtime_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::RuntimeError, Message::Text(message.into()))
    }

    /// `FrozenInstanceError: cannot assign to field 'x'`, dataclasses'
    /// error for any `setattr` on a frozen instance.
    pub(crate) fn frozen_assign(name: &str) -> Error {
        Error::new(ErrorKind::FrozenInstanceError, Message::Text(format!("cannot assign to field '{name}'").into()))
    }

    /// `FrozenInstanceError: cannot assign to a frozen instance`: a write
    /// borrow of a frozen object through its handle.
    pub(crate) fn frozen_write() -> Error {
        Error::new(ErrorKind::FrozenInstanceError, Message::Text("cannot assign to a frozen instance".into()))
    }

    /// `FrozenInstanceError: cannot delete field 'x'`, for any `delattr`.
    pub(crate) fn frozen_delete(name: &str) -> Error {
        Error::new(ErrorKind::FrozenInstanceError, Message::Text(format!("cannot delete field '{name}'").into()))
    }

    /// A `RecursionError` with CPython's message: `maximum recursion depth
    /// exceeded` and what was being done (`while calling a Python object`).
    ///
    /// ```
    /// let e = pyslots::Error::recursion_error("maximum recursion depth exceeded while calling a Python object");
    /// assert_eq!(e.kind(), pyslots::ErrorKind::RecursionError);
    /// ```
    pub fn recursion_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::RecursionError, Message::Text(message.into()))
    }

    /// A `KeyError`: CPython's message is the key's `repr`.
    ///
    /// ```
    /// let e = pyslots::Error::key_error("it's");
    /// assert_eq!(format!("{e:?}"), r#"KeyError: "it's""#);
    /// ```
    pub fn key_error(key: &str) -> Error {
        let mut repr = String::new();
        let _ = pystr::write_repr(&mut repr, key);
        Error::new(ErrorKind::KeyError, Message::Text(repr.into()))
    }

    /// The exception's type.
    ///
    /// ```
    /// use pyslots::{Error, ErrorKind};
    /// assert_eq!(Error::type_error("t").kind(), ErrorKind::TypeError);
    /// assert!(matches!(Error::unset_slot("x").kind(), ErrorKind::AttributeError));
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The exception type's Python name: `"AttributeError"`, `"TypeError"`,
    /// `"OverflowError"`.
    ///
    /// ```
    /// assert_eq!(pyslots::Error::value_error("v").exception(), "ValueError");
    /// ```
    pub fn exception(&self) -> &'static str {
        self.0.kind.name()
    }

    /// For an `AttributeError` about one attribute, its name (Python's
    /// `AttributeError.name`); the exception's own name is
    /// [`exception`](Error::exception).
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(x)]
    /// struct P { x: i64 }
    ///
    /// let e = P::new(1).getattr("y").unwrap_err();
    /// assert_eq!((e.exception(), e.attribute_name()), ("AttributeError", Some("y")));
    /// ```
    pub fn attribute_name(&self) -> Option<&str> {
        match &self.0.message {
            Message::NoAttribute { name, .. } | Message::BareName(name) | Message::ReadOnly { name, .. } => Some(name),
            Message::Text(_) => None,
        }
    }

    /// Whether this is `'P' object has no attribute 'x'`.
    #[cfg(feature = "serde")]
    pub(crate) fn is_no_attribute(&self) -> bool {
        matches!(self.0.message, Message::NoAttribute { .. })
    }

    /// The name CPython 3.11 suggests for this error, as its traceback
    /// prints it: `Did you mean: 'species'?`. Only an `AttributeError` of
    /// `getattr` has one, and only if a name of `dir(obj)` is near enough
    /// (CPython's `Python/suggestions.c`: an edit distance of at most a
    /// third of the characters involved, the first of the nearest in
    /// sorted order, fewer than 750 names); `setattr` and `delattr` errors
    /// have none, as in 3.11.
    ///
    /// The candidates are Python's whole `dir(obj)`: pyslots' [`dir`]
    /// (slots, dict keys, `__dict__`, `__weakref__`, `__slots__`) and the
    /// methods every Python object has (`__class__`, `__eq__`, ...). For an
    /// instance with a dict, its keys are those it had when `getattr`
    /// failed. The suggestion is computed at each call, not when the error
    /// is made, so a failed `getattr` stays cheap.
    ///
    /// ```
    /// use pyslots::prelude::*;
    ///
    /// #[pyclass_like]
    /// #[slots(name, species)]
    /// struct Animal { name: String, species: String }
    ///
    /// let dog = Animal::new("Rex".into(), "Canine".into());
    /// let err = getattr(&dog, "specis").unwrap_err();
    /// assert_eq!(err.suggestion(), Some("species"));
    /// assert_eq!(err.to_string(), "'Animal' object has no attribute 'specis'");
    /// assert_eq!(format!("{err:#}"), "'Animal' object has no attribute 'specis'. Did you mean: 'species'?");
    ///
    /// assert_eq!(getattr(&dog, "colour").unwrap_err().suggestion(), None);
    /// let mut dog = dog;
    /// assert_eq!(setattr(&mut dog, "specis", Value::None).unwrap_err().suggestion(), None);
    /// ```
    ///
    /// [`dir`]: crate::dir
    pub fn suggestion(&self) -> Option<&str> {
        match &self.0.message {
            Message::NoAttribute { class, name, lookup } => lookup.suggest(class, name),
            _ => None,
        }
    }
}

/// A class as an error names it. A compile-time class's name lives
/// forever; a class made at run time may be freed before the error is
/// shown, so the error owns a copy of its name or, for a failed `getattr`,
/// keeps the class itself, which the suggestion is computed from (as
/// CPython's `AttributeError.obj` keeps the object, and so its type).
#[derive(Clone)]
pub(crate) enum ClassName {
    /// A name that lives forever: a compile-time class's, or a hand-made
    /// error's.
    Static(&'static str),
    /// A run-time class's name, copied.
    Copied(PyStr),
    /// A compile-time class, kept for the suggestion.
    Layout(&'static Layout),
    /// A run-time class, kept for the suggestion.
    Kept(Arc<dyn AttributeNames>),
}

impl ClassName {
    fn as_str(&self) -> &str {
        match self {
            ClassName::Static(s) => s,
            ClassName::Copied(s) => s.as_str(),
            ClassName::Layout(l) => l.name,
            ClassName::Kept(c) => c.class_name(),
        }
    }
}

impl PartialEq for ClassName {
    fn eq(&self, other: &ClassName) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ClassName {}

/// What a failed `getattr`'s suggestion needs of a class made at run time:
/// its name and what `dir()` lists for its instances. The class implements
/// it where it is defined, so that the error, a leaf of the runtime, names
/// no class storage.
pub(crate) trait AttributeNames: Send + Sync {
    /// The class's `__name__`.
    fn class_name(&self) -> &str;
    /// pyslots' `dir()` of an instance whose dict has `dict_keys` (`None`:
    /// no dict), unsorted; by value (`Arc`), as a class is found by its
    /// handle.
    fn dir_names(self: Arc<Self>, dict_keys: Option<&[PyStr]>) -> Vec<String>;
}

/// Where a failed `getattr`'s suggestion reads the instance dict's keys
/// back from, as they were when it failed. Nothing is copied when the
/// error is made but for a run-time class's dict before it goes live.
#[derive(Clone)]
pub(crate) enum DictKeys {
    /// A compile-time class's key names, and a bit for each that had a
    /// value.
    Inline(&'static [&'static str], u64),
    /// The live dict (read when the suggestion is computed, as CPython
    /// reads it when it prints the error).
    Live(Arc<dyn LiveKeys>),
    /// The keys, copied.
    Listed(Box<[PyStr]>),
}

/// A live dict's keys, as [`DictKeys::Live`] reads them.
pub(crate) trait LiveKeys: Send + Sync {
    /// The keys, in insertion order.
    fn keys(&self) -> Vec<PyStr>;
}

impl DictKeys {
    fn keys(&self) -> Vec<PyStr> {
        match self {
            DictKeys::Inline(keys, present) => {
                keys.iter().enumerate().filter(|(i, _)| present & (1 << i) != 0).map(|(_, k)| PyStr::new(k)).collect()
            }
            DictKeys::Live(d) => d.keys(),
            DictKeys::Listed(keys) => keys.to_vec(),
        }
    }
}

/// What the suggestion of a failed `getattr` is computed from besides the
/// class: the instance dict's keys when it failed (`None`: no dict). Not
/// compared: errors are equal by exception type and message.
#[derive(Clone)]
struct Lookup {
    dict_keys: Option<DictKeys>,
    /// The suggestion, once computed.
    suggestion: OnceLock<Option<Box<str>>>,
}

/// What Python's `dir()` lists for an instance of any class beyond what
/// pyslots' `dir()` does: the attributes it has from `object` and from its
/// class (CPython 3.11's `dir(P())`, for `class P: __slots__ = ()`, less
/// `__slots__`), sorted.
const OBJECT_DIR: [&str; 25] = [
    "__class__",
    "__delattr__",
    "__dir__",
    "__doc__",
    "__eq__",
    "__format__",
    "__ge__",
    "__getattribute__",
    "__getstate__",
    "__gt__",
    "__hash__",
    "__init__",
    "__init_subclass__",
    "__le__",
    "__lt__",
    "__module__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
];

impl Lookup {
    /// An error made otherwise than by `getattr`: no suggestion.
    fn none() -> Lookup {
        Lookup { dict_keys: None, suggestion: OnceLock::new() }
    }

    fn new(dict_keys: Option<DictKeys>) -> Lookup {
        Lookup { dict_keys, suggestion: OnceLock::new() }
    }

    /// CPython's suggestion for `name` among the instance's `dir()`,
    /// computed the first time it is asked for; only a class the error
    /// keeps has one.
    fn suggest(&self, class: &ClassName, name: &str) -> Option<&str> {
        let found = self.suggestion.get_or_init(|| {
            let keys = self.dict_keys.as_ref().map(DictKeys::keys);
            let keys = keys.as_deref();
            let kept: Vec<String>;
            let mut dir: Vec<&str> = match class {
                ClassName::Layout(l) => l.dir_names(keys.map(|k| k.iter().map(PyStr::as_str))),
                ClassName::Kept(c) => {
                    kept = c.clone().dir_names(keys);
                    kept.iter().map(String::as_str).collect()
                }
                ClassName::Static(_) | ClassName::Copied(_) => return None,
            };
            dir.extend(OBJECT_DIR);
            dir.sort_unstable();
            dir.dedup();
            pyslots_suggest::suggest(name, &dir).map(Box::from)
        });
        found.as_deref()
    }
}

impl PartialEq for Lookup {
    fn eq(&self, _: &Lookup) -> bool {
        true
    }
}

impl Eq for Lookup {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.message {
            Message::NoAttribute { class, name, .. } => {
                write!(f, "'{}' object has no attribute '{name}'", class.as_str())?;
                if f.alternate() {
                    if let Some(suggestion) = self.suggestion() {
                        // CPython formats it with `%R`: the name's repr.
                        f.write_str(". Did you mean: ")?;
                        pystr::write_repr(f, suggestion)?;
                        f.write_str("?")?;
                    }
                }
                Ok(())
            }
            Message::BareName(name) => f.write_str(name),
            Message::ReadOnly { class, name } => {
                write!(f, "'{}' object attribute '{name}' is read-only", class.as_str())
            }
            Message::Text(text) => f.write_str(text),
        }
    }
}

/// `Debug` reads like Python's traceback line: `AttributeError: x`.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.exception(), self)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), 8);
        assert_eq!(std::mem::size_of::<Result<crate::Value, Error>>(), 24);
    }

    #[test]
    fn a_hand_made_error_has_no_suggestion() {
        let e = Error::no_attribute("P", "__clas__");
        assert_eq!(e.suggestion(), None);
        assert_eq!(format!("{e:#}"), "'P' object has no attribute '__clas__'");
    }

    #[test]
    fn object_dir_is_sorted() {
        assert!(OBJECT_DIR.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn messages() {
        assert_eq!(Error::unset_slot("x").to_string(), "x");
        assert_eq!(format!("{:?}", Error::unset_slot("x")), "AttributeError: x");
        assert_eq!(Error::read_only("P", "__slots__").to_string(), "'P' object attribute '__slots__' is read-only");
        assert_eq!(Error::type_error("t").exception(), "TypeError");
    }
}
