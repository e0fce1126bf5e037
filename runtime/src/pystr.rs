//! `PyStr`: the immutable, shared string that attribute values and dict keys use.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock};

/// An immutable, reference-counted string, like Python's `str`.
///
/// Cloning a `PyStr` is a reference-count increment, never a copy, which is
/// why reading a string slot (`getattr(&p, "name")`) costs no allocation:
/// CPython's `getattr` of a `str` is an incref too.
///
/// ```
/// use pyslots::PyStr;
/// let s = PyStr::from("Alice");
/// let t = s.clone();                 // no copy of the bytes
/// assert_eq!(&*t, "Alice");
/// assert_eq!(format!("{s}"), "Alice");    // Display: the text itself
/// assert_eq!(format!("{s:?}"), "'Alice'"); // Debug: Python's repr
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PyStr(Arc<str>);

/// One shared empty string, so that vacant string slots never allocate.
static EMPTY: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));

impl PyStr {
    /// Makes a `PyStr` holding a copy of `s`.
    pub fn new(s: &str) -> Self {
        if s.is_empty() {
            Self::empty()
        } else {
            PyStr(Arc::from(s))
        }
    }

    /// The empty string; shares one allocation across the whole program.
    pub fn empty() -> Self {
        PyStr(EMPTY.clone())
    }

    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two `PyStr`s share one allocation (Python's `is`).
    pub fn ptr_eq(a: &PyStr, b: &PyStr) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// Heap bytes this handle's allocation takes: two reference counts plus
    /// the text, padded to the allocation's alignment. The shared empty
    /// string counts as zero: no instance owns it.
    pub fn heap_size(&self) -> usize {
        if Arc::ptr_eq(&self.0, &EMPTY) {
            0
        } else {
            (2 * std::mem::size_of::<usize>() + self.0.len()).next_multiple_of(std::mem::align_of::<usize>())
        }
    }
}

impl Default for PyStr {
    fn default() -> Self {
        Self::empty()
    }
}

impl Deref for PyStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for PyStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for PyStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for PyStr {
    fn from(s: &str) -> Self {
        PyStr::new(s)
    }
}

impl From<&String> for PyStr {
    fn from(s: &String) -> Self {
        PyStr::new(s)
    }
}

impl From<String> for PyStr {
    fn from(s: String) -> Self {
        if s.is_empty() {
            Self::empty()
        } else {
            PyStr(Arc::from(s))
        }
    }
}

impl From<Box<str>> for PyStr {
    fn from(s: Box<str>) -> Self {
        PyStr::from(String::from(s))
    }
}

impl From<PyStr> for String {
    fn from(s: PyStr) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for PyStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for PyStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl fmt::Display for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Debug` is Python's `repr`, quotes and escapes included.
impl fmt::Debug for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_repr(f, &self.0)
    }
}

/// Writes Python's `repr()` of a `str`: single quotes unless the text has a
/// single quote and no double quote, backslash escapes for `\\`, `\n`,
/// `\r`, `\t`, and `\x`/`\u`/`\U` escapes for characters Python does not
/// print (see [`is_printable`]).
pub fn write_repr(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    f.write_char(quote)?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c == quote => {
                f.write_char('\\')?;
                f.write_char(c)?;
            }
            c if is_printable(c) => f.write_char(c)?,
            c if (c as u32) < 0x100 => write!(f, "\\x{:02x}", c as u32)?,
            c if (c as u32) < 0x10000 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "\\U{:08x}", c as u32)?,
        }
    }
    f.write_char(quote)
}

/// Python's `str.isprintable()` for one character, for `repr`.
///
/// Python escapes the Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs
/// (except the space). Rust's standard library has no category tables, so
/// this covers every character of Cc, Zl, Zp, Zs and Co, and the Cf
/// characters in use; unassigned code points (Cn) print as themselves.
pub fn is_printable(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() {
        return false; // Cc
    }
    !matches!(u,
        // Zs (space separators other than ' '), Zl, Zp
        0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
        // Cf (format characters)
        | 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890 | 0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F
        // Co (private use)
        | 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD
        // Cn: noncharacters
        | 0xFDD0..=0xFDEF | 0xFFFE | 0xFFFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(s: &str) -> String {
        let mut out = String::new();
        write_repr(&mut out, s).unwrap();
        out
    }

    #[test]
    fn repr_quotes_like_python() {
        assert_eq!(repr("Alice"), "'Alice'");
        assert_eq!(repr("it's"), "\"it's\"");
        assert_eq!(repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(repr("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(repr("nul\0"), "'nul\\x00'");
        assert_eq!(repr("é中😀"), "'é中😀'");
        assert_eq!(repr("\u{200b}"), "'\\u200b'");
        assert_eq!(repr("\u{7f}"), "'\\x7f'");
    }

    #[test]
    fn empty_strings_share_one_allocation() {
        let a = PyStr::new("");
        let b = PyStr::from(String::new());
        assert!(PyStr::ptr_eq(&a, &b));
        assert_eq!(a.heap_size(), 0);
        assert_eq!(PyStr::new("Alice").heap_size(), 24);
    }
}
