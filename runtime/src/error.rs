//! `Error`: a Python exception, its type name and CPython's message.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::objects::layout::Layout;
use crate::objects::layout_ref::{Kind, LayoutRef};
use crate::storage::instance_dict::KeySource;
use crate::types::typeobject::RtClass;
use crate::values::pystr::{self, PyStr};

/// The Python exception types pyslots raises.
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
    NoAttribute { type_name: &'static str, name: Box<str>, lookup: Lookup },
    /// The same for an instance of a class made at run time, which the
    /// error names by a copy of its name or (from `getattr`) keeps.
    NoAttributeOf { class: ClassName, name: Box<str>, lookup: Lookup },
    /// The bare name: what CPython says when a slot is deleted twice.
    BareName(Box<str>),
    /// `'P' object attribute '__slots__' is read-only`
    ReadOnly { type_name: &'static str, name: Box<str> },
    /// The same for an instance of a class made at run time.
    ReadOnlyOf { type_name: PyStr, name: Box<str> },
    /// Any other text.
    Text(Cow<'static, str>),
}

impl Error {
    fn new(kind: ErrorKind, message: Message) -> Error {
        Error(Box::new(Inner { kind, message }))
    }

    /// `AttributeError: 'P' object has no attribute 'x'`.
    pub fn no_attribute(type_name: &'static str, name: &str) -> Error {
        Error::new(
            ErrorKind::AttributeError,
            Message::NoAttribute { type_name, name: name.into(), lookup: Lookup::none() },
        )
    }

    /// [`no_attribute`](Error::no_attribute) for an instance of any class:
    /// the error owns the class name (a class made at run time may be gone
    /// by the time it is shown).
    pub(crate) fn no_attribute_of(layout: LayoutRef<'_>, name: &str) -> Error {
        let message = match layout.kind() {
            Kind::Static(l) => Message::NoAttribute { type_name: l.name, name: name.into(), lookup: Lookup::none() },
            Kind::Runtime(c) => Message::NoAttributeOf {
                class: ClassName::Copied(c.name.clone()),
                name: name.into(),
                lookup: Lookup::none(),
            },
        };
        Error::new(ErrorKind::AttributeError, message)
    }

    /// `AttributeError: 'P' object has no attribute 'x'` from `getattr` on
    /// an instance of `layout`'s class whose dict has `dict_keys` (`None`:
    /// no dict): it has a [`suggestion`](Error::suggestion).
    ///
    /// It keeps the class for the suggestion, as CPython's `AttributeError`
    /// keeps the object (`obj`) and so its type.
    pub(crate) fn getattr_missing(layout: &'static Layout, name: &str, dict_keys: Option<KeySource>) -> Error {
        let lookup = Lookup::new(Some(layout), dict_keys);
        Error::new(
            ErrorKind::AttributeError,
            Message::NoAttribute { type_name: layout.name, name: name.into(), lookup },
        )
    }

    /// [`getattr_missing`](Error::getattr_missing) on an instance of a
    /// class made at run time, which the error keeps.
    pub(crate) fn getattr_missing_of(class: &Arc<RtClass>, name: &str, dict_keys: Option<KeySource>) -> Error {
        let lookup = Lookup::new(None, dict_keys);
        Error::new(
            ErrorKind::AttributeError,
            Message::NoAttributeOf { class: ClassName::Kept(class.clone()), name: name.into(), lookup },
        )
    }

    /// `AttributeError: x`: deleting a slot that is not set.
    pub fn unset_slot(name: &str) -> Error {
        Error::new(ErrorKind::AttributeError, Message::BareName(name.into()))
    }

    /// `AttributeError: 'P' object attribute 'x' is read-only`.
    pub fn read_only(type_name: &'static str, name: &str) -> Error {
        Error::new(ErrorKind::AttributeError, Message::ReadOnly { type_name, name: name.into() })
    }

    /// [`read_only`](Error::read_only) for an instance of any class.
    pub(crate) fn read_only_of(layout: LayoutRef<'_>, name: &str) -> Error {
        Error::new(
            ErrorKind::AttributeError,
            match layout.kind() {
                Kind::Static(l) => Message::ReadOnly { type_name: l.name, name: name.into() },
                Kind::Runtime(c) => Message::ReadOnlyOf { type_name: c.name.clone(), name: name.into() },
            },
        )
    }

    /// An `AttributeError` with any message.
    pub fn attribute_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::AttributeError, Message::Text(message.into()))
    }

    /// A `TypeError` with any message.
    pub fn type_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::TypeError, Message::Text(message.into()))
    }

    /// An `OverflowError` with any message.
    pub fn overflow_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::OverflowError, Message::Text(message.into()))
    }

    /// A `ValueError` with any message.
    pub fn value_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::ValueError, Message::Text(message.into()))
    }

    /// An `IndexError` with any message.
    pub fn index_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::IndexError, Message::Text(message.into()))
    }

    /// A `RuntimeError` with any message.
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
    pub fn recursion_error(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::RecursionError, Message::Text(message.into()))
    }

    /// A `KeyError`: CPython's message is the key's `repr`.
    pub fn key_error(key: &str) -> Error {
        let mut repr = String::new();
        let _ = pystr::write_repr(&mut repr, key);
        Error::new(ErrorKind::KeyError, Message::Text(repr.into()))
    }

    /// The exception's type.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The exception type's Python name: `"AttributeError"`, `"TypeError"`,
    /// `"OverflowError"`.
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
            Message::NoAttribute { name, .. }
            | Message::NoAttributeOf { name, .. }
            | Message::BareName(name)
            | Message::ReadOnly { name, .. }
            | Message::ReadOnlyOf { name, .. } => Some(name),
            Message::Text(_) => None,
        }
    }

    /// Whether this is `'P' object has no attribute 'x'`.
    #[cfg(feature = "serde")]
    pub(crate) fn is_no_attribute(&self) -> bool {
        matches!(self.0.message, Message::NoAttribute { .. } | Message::NoAttributeOf { .. })
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
            Message::NoAttribute { name, lookup, .. } => lookup.suggest(LayoutRef::of_static(lookup.layout?), name),
            Message::NoAttributeOf { class: ClassName::Kept(c), name, lookup } => {
                lookup.suggest(LayoutRef::runtime(c), name)
            }
            _ => None,
        }
    }
}

/// A class made at run time as an error names it: a copy of its name
/// (the class may be freed before the error is shown), or, for the error of
/// a failed `getattr`, the class itself, which its suggestion is computed
/// from (kept alive by the error, as CPython's `AttributeError.obj` keeps
/// the object).
#[derive(Clone)]
enum ClassName {
    Copied(PyStr),
    Kept(Arc<RtClass>),
}

impl ClassName {
    fn as_str(&self) -> &str {
        match self {
            ClassName::Copied(s) => s.as_str(),
            ClassName::Kept(c) => c.name.as_str(),
        }
    }
}

impl PartialEq for ClassName {
    fn eq(&self, other: &ClassName) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ClassName {}

impl fmt::Display for ClassName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the suggestion of a failed `getattr` is computed from: a
/// compile-time class (`None`: an error made otherwise, or a run-time
/// class's, which the error keeps), and the instance dict's keys when it
/// failed (`None`: no dict). Not compared: errors are equal by exception
/// type and message.
#[derive(Clone)]
struct Lookup {
    layout: Option<&'static Layout>,
    dict_keys: Option<KeySource>,
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
        Lookup { layout: None, dict_keys: None, suggestion: OnceLock::new() }
    }

    fn new(layout: Option<&'static Layout>, dict_keys: Option<KeySource>) -> Lookup {
        Lookup { layout, dict_keys, suggestion: OnceLock::new() }
    }

    /// CPython's suggestion for `name` among the instance's `dir()`,
    /// computed the first time it is asked for.
    fn suggest(&self, layout: LayoutRef<'_>, name: &str) -> Option<&str> {
        let found = self.suggestion.get_or_init(|| {
            let keys = self.dict_keys.as_ref().map(KeySource::keys);
            let mut dir = layout.dir_names(keys.as_deref().map(|k| k.iter().map(PyStr::as_str)));
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
            Message::NoAttribute { name, .. } | Message::NoAttributeOf { name, .. } => {
                let type_name = match &self.0.message {
                    Message::NoAttributeOf { class, .. } => class.as_str(),
                    Message::NoAttribute { type_name, .. } => type_name,
                    _ => unreachable!("matched above"),
                };
                write!(f, "'{type_name}' object has no attribute '{name}'")?;
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
            Message::ReadOnly { type_name, name } => {
                write!(f, "'{type_name}' object attribute '{name}' is read-only")
            }
            Message::ReadOnlyOf { type_name, name } => {
                write!(f, "'{type_name}' object attribute '{name}' is read-only")
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
