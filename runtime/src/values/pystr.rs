//! `PyStr`: the immutable string that attribute values and dict keys use.

use std::borrow::Borrow;
use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::Deref;

use ecow::EcoString;

mod unprintable;

/// An immutable string, like Python's `str`, in 16 bytes: up to
/// [`PyStr::INLINE_LIMIT`] (15) bytes of UTF-8 inline, longer text behind
/// one shared reference count.
///
/// Cloning a short string copies 16 bytes and touches no reference count,
/// which is why reading a name or a word from a slot
/// (`getattr(&p, "name")`) costs no atomic operation; cloning a longer one
/// is a reference-count increment, never a copy of the text (CPython's
/// `getattr` of a `str` is an incref).
///
/// ```
/// use pyslots::PyStr;
/// let s = PyStr::from("Alice");
/// assert!(s.is_inline());                // 5 bytes: no allocation
/// let t = s.clone();                     // a copy of 16 bytes
/// assert_eq!(&*t, "Alice");
/// assert_eq!(format!("{s}"), "Alice");    // Display: the text itself
/// assert_eq!(format!("{s:?}"), "'Alice'"); // Debug: Python's repr
/// assert!(!PyStr::from("a longer sentence than that").is_inline());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PyStr(ManuallyDrop<EcoString>);

/// Gives a shared buffer back out of line. Inlined, its release path
/// (an atomic decrement, then a deallocation through a guard on the stack)
/// gave `Value`'s drop glue, which every caller of `getattr` runs, a stack
/// frame even for a number.
impl Drop for PyStr {
    #[inline]
    fn drop(&mut self) {
        if !self.0.is_inline() {
            release(&mut self.0);
        }
    }
}

/// Takes the contents by reference, so the caller passes one pointer and
/// needs no stack of its own. What stays behind is empty and inline:
/// nothing is left to drop (the field is `ManuallyDrop`, so the compiler's
/// own glue for it is empty too).
#[inline(never)]
fn release(s: &mut ManuallyDrop<EcoString>) {
    drop(std::mem::take(&mut **s));
}

impl PyStr {
    /// The longest text, in bytes, kept inline.
    pub const INLINE_LIMIT: usize = 15;

    /// Makes a `PyStr` holding a copy of `s`.
    ///
    /// ```
    /// let s = pyslots::PyStr::new("name");
    /// assert_eq!((s.as_str(), s.is_inline()), ("name", true));
    /// ```
    #[inline]
    pub fn new(s: &str) -> Self {
        PyStr(ManuallyDrop::new(EcoString::from(s)))
    }

    /// The empty string; allocates nothing.
    ///
    /// ```
    /// const EMPTY: pyslots::PyStr = pyslots::PyStr::empty();
    /// assert_eq!(EMPTY.as_str(), "");
    /// ```
    #[inline]
    pub const fn empty() -> Self {
        PyStr(ManuallyDrop::new(EcoString::new()))
    }

    /// The text as a `&str`.
    ///
    /// ```
    /// assert_eq!(pyslots::PyStr::from("é").as_str().len(), 2);
    /// ```
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the text is stored inline (at most
    /// [`INLINE_LIMIT`](PyStr::INLINE_LIMIT) bytes): cloning it then copies
    /// 16 bytes and touches no reference count.
    ///
    /// ```
    /// use pyslots::PyStr;
    /// assert!(PyStr::new(&"x".repeat(PyStr::INLINE_LIMIT)).is_inline());
    /// assert!(!PyStr::new(&"x".repeat(PyStr::INLINE_LIMIT + 1)).is_inline());
    /// ```
    #[inline]
    pub fn is_inline(&self) -> bool {
        self.0.is_inline()
    }

    /// Whether two `PyStr`s share one allocation (Python's `is` for long
    /// strings). Inline strings are copies and never share one.
    ///
    /// ```
    /// use pyslots::PyStr;
    /// let a = PyStr::new("a string longer than fifteen bytes");
    /// assert!(PyStr::ptr_eq(&a, &a.clone()));          // a clone shares the text
    /// assert!(!PyStr::ptr_eq(&a, &PyStr::new(a.as_str()))); // equal, not shared
    /// ```
    pub fn ptr_eq(a: &PyStr, b: &PyStr) -> bool {
        !a.is_inline() && a.0.as_ptr() == b.0.as_ptr() && a.len() == b.len()
    }

    /// Heap bytes this string's allocation takes: none for inline text; for
    /// longer text, the shared buffer's header (a reference count and a
    /// capacity) and its capacity.
    ///
    /// ```
    /// use pyslots::PyStr;
    /// assert_eq!(PyStr::new("short").heap_size(), 0);
    /// assert!(PyStr::new(&"x".repeat(100)).heap_size() >= 100);
    /// ```
    pub fn heap_size(&self) -> usize {
        if self.is_inline() {
            0
        } else {
            2 * std::mem::size_of::<usize>() + self.0.capacity()
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
        PyStr(ManuallyDrop::new(EcoString::from(s.as_str())))
    }
}

impl From<Box<str>> for PyStr {
    fn from(s: Box<str>) -> Self {
        PyStr::new(&s)
    }
}

impl From<PyStr> for String {
    fn from(s: PyStr) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for PyStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == other
    }
}

impl PartialEq<&str> for PyStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == *other
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
pub fn write_repr(f: &mut (impl fmt::Write + ?Sized), s: &str) -> fmt::Result {
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

/// Python's `str.isprintable()` for one character, for `repr`: false for
/// the Unicode categories Cc, Cf, Cs, Co, Cn (unassigned), Zl, Zp and Zs
/// other than the space, exactly as CPython 3.11 (Unicode 14.0) has them.
/// Rust's standard library has no category tables, and a crate's would
/// follow another Unicode version; the table is CPython's own answer
/// (see `pystr/unprintable.rs`).
pub fn is_printable(c: char) -> bool {
    let u = c as u32;
    if (0x20..0x7f).contains(&u) {
        return true;
    }
    // The last range starting at or before `u`.
    let i = unprintable::NOT_PRINTABLE.partition_point(|&(first, _)| first <= u);
    i == 0 || unprintable::NOT_PRINTABLE[i - 1].1 < u
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
        // Unassigned in Unicode 14.0 (CPython 3.11), astral, private use.
        assert_eq!(repr("\u{378}\u{30000}\u{8b371}\u{e000}"), "'\\u0378\u{30000}\\U0008b371\\ue000'");
        assert_eq!(repr("\u{1f3fb}\u{2e80}\u{10ffff}"), "'\u{1f3fb}\u{2e80}\\U0010ffff'");
    }

    #[test]
    fn short_strings_are_inline_and_long_ones_shared() {
        assert_eq!(std::mem::size_of::<PyStr>(), 16);
        for n in 0..=PyStr::INLINE_LIMIT {
            let s = PyStr::new(&"x".repeat(n));
            assert!(s.is_inline());
            assert_eq!(s.heap_size(), 0);
        }
        let long = PyStr::new(&"y".repeat(16));
        assert!(!long.is_inline());
        assert!(PyStr::ptr_eq(&long, &long.clone()));
        assert!(!PyStr::ptr_eq(&long, &PyStr::new(&"y".repeat(16))));
        let short = PyStr::new("Alice");
        assert!(!PyStr::ptr_eq(&short, &short.clone()));
        assert_eq!(short, short.clone());
    }
}
