//! `PyBytes`: Python's immutable `bytes`.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::Deref;

use ecow::EcoBytes;

/// An immutable byte string, like Python's `bytes`, in 16 bytes: up to
/// [`PyBytes::INLINE_LIMIT`] (15) bytes inline, longer contents behind one
/// shared reference count (cloning never copies them).
///
/// `Display` and `Debug` are Python's `repr`.
///
/// ```
/// use pyslots::PyBytes;
/// let b = PyBytes::from(&b"a\x00'"[..]);
/// assert_eq!(b.to_string(), r#"b"a\x00'""#);
/// assert_eq!(&*b, b"a\x00'");
/// assert_eq!(PyBytes::from(&b"\xff\n"[..]).to_string(), r"b'\xff\n'");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PyBytes(ManuallyDrop<EcoBytes>);

/// Gives a shared buffer back out of line, as [`PyStr`](crate::PyStr)'s
/// drop does, so `Value`'s drop glue stays small.
impl Drop for PyBytes {
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
fn release(b: &mut ManuallyDrop<EcoBytes>) {
    drop(std::mem::take(&mut **b));
}

impl PyBytes {
    /// The longest contents, in bytes, kept inline.
    pub const INLINE_LIMIT: usize = 15;

    /// A `PyBytes` holding a copy of `bytes`.
    ///
    /// ```
    /// let b = pyslots::PyBytes::new(b"\x00\xff");
    /// assert_eq!(b.to_string(), r"b'\x00\xff'");
    /// ```
    pub fn new(bytes: &[u8]) -> PyBytes {
        PyBytes(ManuallyDrop::new(EcoBytes::from(bytes)))
    }

    /// The contents.
    ///
    /// ```
    /// assert_eq!(pyslots::PyBytes::new(b"ab").as_bytes(), b"ab");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// Whether the contents are stored inline: cloning copies 16 bytes and
    /// touches no reference count.
    ///
    /// ```
    /// use pyslots::PyBytes;
    /// assert!(PyBytes::new(&[0; 15]).is_inline() && !PyBytes::new(&[0; 16]).is_inline());
    /// ```
    pub fn is_inline(&self) -> bool {
        self.0.is_inline()
    }

    /// Heap bytes the contents take: none inline; otherwise the shared
    /// buffer's header (a reference count and a capacity) and its capacity.
    ///
    /// ```
    /// assert!(pyslots::PyBytes::new(&[0; 64]).heap_size() >= 64);
    /// ```
    pub fn heap_size(&self) -> usize {
        if self.is_inline() {
            0
        } else {
            2 * std::mem::size_of::<usize>() + self.0.capacity()
        }
    }
}

impl Deref for PyBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for PyBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl From<&[u8]> for PyBytes {
    fn from(bytes: &[u8]) -> PyBytes {
        PyBytes::new(bytes)
    }
}

impl<const N: usize> From<&[u8; N]> for PyBytes {
    fn from(bytes: &[u8; N]) -> PyBytes {
        PyBytes::new(bytes)
    }
}

impl From<Vec<u8>> for PyBytes {
    fn from(bytes: Vec<u8>) -> PyBytes {
        PyBytes(ManuallyDrop::new(EcoBytes::from(bytes)))
    }
}

impl From<PyBytes> for Vec<u8> {
    fn from(bytes: PyBytes) -> Vec<u8> {
        bytes.as_bytes().to_vec()
    }
}

impl fmt::Display for PyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_repr(f, self)
    }
}

impl fmt::Debug for PyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_repr(f, self)
    }
}

/// Writes Python's `repr()` of a `bytes`: `b` and single quotes, unless the
/// contents have a single quote and no double quote; `\\`, `\t`, `\n`, `\r`
/// and the quote escaped; other bytes outside printable ASCII as `\xhh`.
pub fn write_repr(f: &mut (impl fmt::Write + ?Sized), bytes: &[u8]) -> fmt::Result {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') { b'"' } else { b'\'' };
    f.write_char('b')?;
    f.write_char(char::from(quote))?;
    for &b in bytes {
        match b {
            b'\\' => f.write_str("\\\\")?,
            b'\t' => f.write_str("\\t")?,
            b'\n' => f.write_str("\\n")?,
            b'\r' => f.write_str("\\r")?,
            b if b == quote => {
                f.write_char('\\')?;
                f.write_char(char::from(b))?;
            }
            0x20..=0x7e => f.write_char(char::from(b))?,
            b => write!(f, "\\x{b:02x}")?,
        }
    }
    f.write_char(char::from(quote))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_quotes_and_escapes_like_python() {
        let repr = |b: &[u8]| PyBytes::new(b).to_string();
        assert_eq!(repr(b""), "b''");
        assert_eq!(repr(b"abc"), "b'abc'");
        assert_eq!(repr(b"it's"), "b\"it's\"");
        assert_eq!(repr(b"'\""), "b'\\'\"'");
        assert_eq!(repr(b"\\\t\n\r\x00\x7f\x80\xff"), "b'\\\\\\t\\n\\r\\x00\\x7f\\x80\\xff'");
    }

    #[test]
    fn short_contents_are_inline() {
        assert_eq!(std::mem::size_of::<PyBytes>(), 16);
        assert!(PyBytes::new(&[7; 15]).is_inline());
        assert_eq!(PyBytes::new(&[7; 15]).heap_size(), 0);
        let long = PyBytes::new(&[7; 16]);
        assert!(!long.is_inline());
        assert!(long.heap_size() >= 16 + 16);
    }
}
