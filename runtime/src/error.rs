//! `Error`: a Python exception, its type name and CPython's message.

use std::borrow::Cow;
use std::fmt;

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
/// assert_eq!(e.name(), Some("z"));
/// ```
///
/// An `Error` is one pointer wide, so `Result<Value, Error>` stays small on
/// the success path; the message is formatted only when displayed.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: Message,
}

#[derive(Clone, PartialEq, Eq)]
enum Message {
    /// `'P' object has no attribute 'x'`
    NoAttribute { type_name: &'static str, name: Box<str> },
    /// The bare name: what CPython says when a slot is deleted twice.
    BareName(Box<str>),
    /// `'P' object attribute '__slots__' is read-only`
    ReadOnly { type_name: &'static str, name: Box<str> },
    /// Any other text.
    Text(Cow<'static, str>),
}

impl Error {
    fn new(kind: ErrorKind, message: Message) -> Error {
        Error(Box::new(Inner { kind, message }))
    }

    /// `AttributeError: 'P' object has no attribute 'x'`.
    pub fn no_attribute(type_name: &'static str, name: &str) -> Error {
        Error::new(ErrorKind::AttributeError, Message::NoAttribute { type_name, name: name.into() })
    }

    /// `AttributeError: x`: deleting a slot that is not set.
    pub fn unset_slot(name: &str) -> Error {
        Error::new(ErrorKind::AttributeError, Message::BareName(name.into()))
    }

    /// `AttributeError: 'P' object attribute 'x' is read-only`.
    pub fn read_only(type_name: &'static str, name: &str) -> Error {
        Error::new(ErrorKind::AttributeError, Message::ReadOnly { type_name, name: name.into() })
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

    /// A `KeyError`: CPython's message is the key's `repr`.
    pub fn key_error(key: &str) -> Error {
        let mut repr = String::new();
        let _ = crate::pystr::write_repr(&mut repr, key);
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
    /// `AttributeError.name`).
    pub fn name(&self) -> Option<&str> {
        match &self.0.message {
            Message::NoAttribute { name, .. } | Message::BareName(name) | Message::ReadOnly { name, .. } => Some(name),
            Message::Text(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.message {
            Message::NoAttribute { type_name, name } => {
                write!(f, "'{type_name}' object has no attribute '{name}'")
            }
            Message::BareName(name) => f.write_str(name),
            Message::ReadOnly { type_name, name } => {
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
    fn messages() {
        assert_eq!(Error::unset_slot("x").to_string(), "x");
        assert_eq!(format!("{:?}", Error::unset_slot("x")), "AttributeError: x");
        assert_eq!(Error::read_only("P", "__slots__").to_string(), "'P' object attribute '__slots__' is read-only");
        assert_eq!(Error::type_error("t").exception(), "TypeError");
    }
}
