//! Python's `repr()` of every value (`Display` and `Debug` of [`Value`]
//! and of the containers): an explicit stack of frames, so that data nested
//! to any depth prints without recursion, and `[...]` for a container met
//! inside itself, as CPython's `Py_ReprEnter` prints it.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use crate::values::bytes;
use crate::values::dict::{Dict, PyDict};
use crate::values::list::PyList;
use crate::values::pystr::{self, PyStr};
use crate::values::tuple::PyTuple;
use crate::values::value::Value;

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            // Honour `{:<14}` and friends: format, then pad as a str.
            return f.pad(&self.repr());
        }
        self.write_repr(f)
    }
}

impl Value {
    /// Python's `repr()` of the value, as a `String`.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        let _ = self.write_repr(&mut out);
        out
    }

    fn write_repr(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Value::Tuple(_) | Value::List(_) | Value::Dict(_) => Repr::default().write(f, self),
            scalar => write_scalar_repr(f, scalar),
        }
    }
}

/// The repr of a value that holds no other values.
fn write_scalar_repr(f: &mut dyn fmt::Write, value: &Value) -> fmt::Result {
    match value {
        Value::None => f.write_str("None"),
        Value::Bool(true) => f.write_str("True"),
        Value::Bool(false) => f.write_str("False"),
        Value::Int(i) => write!(f, "{i}"),
        Value::BigInt(n) => write!(f, "{n}"),
        Value::Float(x) => write_float_repr(f, *x),
        Value::Str(s) => pystr::write_repr(f, s),
        Value::Bytes(b) => bytes::write_repr(f, b),
        Value::Object(o) => write!(f, "{o}"),
        Value::Function(func) => func.write_repr(f),
        Value::Tuple(_) | Value::List(_) | Value::Dict(_) => unreachable!("a container is no scalar"),
    }
}

thread_local! {
    /// The containers whose repr is being written on this thread, as
    /// CPython's `Py_ReprEnter`: one met again inside itself is `[...]`.
    static REPR_ACTIVE: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
}

/// A container's repr being written: its items (a snapshot for a list or a
/// dict, so that no lock is held while they write themselves) and how far.
enum Frame {
    Items { items: Items, next: usize, close: &'static str, id: Option<usize> },
    Entries { entries: Vec<(PyStr, Value)>, next: usize, id: Option<usize> },
}

enum Items {
    List(Vec<Value>),
    Tuple(PyTuple),
}

impl Items {
    fn as_slice(&self) -> &[Value] {
        match self {
            Items::List(v) => v,
            Items::Tuple(t) => t,
        }
    }
}

/// Writes reprs of nested containers without recursion: one [`Frame`] per
/// container open, on a vector, so a list nested a million deep is written
/// whole on any stack (CPython raises `RecursionError` past its limit).
/// Containers it entered leave [`REPR_ACTIVE`] when it is dropped, even
/// after a write error.
#[derive(Default)]
struct Repr {
    stack: Vec<Frame>,
}

impl Drop for Repr {
    fn drop(&mut self) {
        let ids: Vec<usize> = self
            .stack
            .iter()
            .filter_map(|frame| match frame {
                Frame::Items { id, .. } | Frame::Entries { id, .. } => *id,
            })
            .collect();
        if !ids.is_empty() {
            let _ = REPR_ACTIVE.try_with(|a| {
                let mut a = a.borrow_mut();
                for id in ids {
                    a.remove(&id);
                }
            });
        }
    }
}

impl Repr {
    /// Writes `value`'s repr.
    fn write(mut self, f: &mut dyn fmt::Write, value: &Value) -> fmt::Result {
        self.open(f, value)?;
        self.run(f)
    }

    /// Writes `Dict`'s entries as a dict's repr (an unshared dict has no
    /// identity to guard).
    fn write_entries(mut self, f: &mut dyn fmt::Write, entries: Vec<(PyStr, Value)>) -> fmt::Result {
        f.write_str("{")?;
        self.stack.push(Frame::Entries { entries, next: 0, id: None });
        self.run(f)
    }

    /// Marks container `id` as being written; false if it already is.
    fn enter(id: usize) -> bool {
        REPR_ACTIVE.with(|a| a.borrow_mut().insert(id))
    }

    /// Writes a scalar, or opens a container: its opening bracket, and a
    /// frame for its items; a container already open further up is `[...]`.
    fn open(&mut self, f: &mut dyn fmt::Write, value: &Value) -> fmt::Result {
        match value {
            Value::List(l) => {
                if !Repr::enter(l.id()) {
                    return f.write_str("[...]");
                }
                self.stack.push(Frame::Items { items: Items::List(l.to_vec()), next: 0, close: "]", id: Some(l.id()) });
                f.write_str("[")
            }
            Value::Tuple(t) => {
                if !Repr::enter(t.id()) {
                    return f.write_str("(...)");
                }
                let close = if t.len() == 1 { ",)" } else { ")" };
                self.stack.push(Frame::Items { items: Items::Tuple(t.clone()), next: 0, close, id: Some(t.id()) });
                f.write_str("(")
            }
            Value::Dict(d) => {
                if !Repr::enter(d.id()) {
                    return f.write_str("{...}");
                }
                self.stack.push(Frame::Entries { entries: d.items(), next: 0, id: Some(d.id()) });
                f.write_str("{")
            }
            scalar => write_scalar_repr(f, scalar),
        }
    }

    /// Writes the open containers' items, innermost first, until all are
    /// closed.
    fn run(&mut self, f: &mut dyn fmt::Write) -> fmt::Result {
        while let Some(frame) = self.stack.last_mut() {
            let item = match frame {
                Frame::Items { items, next, .. } if *next < items.as_slice().len() => {
                    if *next > 0 {
                        f.write_str(", ")?;
                    }
                    *next += 1;
                    items.as_slice()[*next - 1].clone()
                }
                Frame::Entries { entries, next, .. } if *next < entries.len() => {
                    if *next > 0 {
                        f.write_str(", ")?;
                    }
                    let (k, v) = &entries[*next];
                    *next += 1;
                    pystr::write_repr(f, k)?;
                    f.write_str(": ")?;
                    v.clone()
                }
                Frame::Items { close, id, .. } => {
                    f.write_str(close)?;
                    let id = *id;
                    self.close(id);
                    continue;
                }
                Frame::Entries { id, .. } => {
                    f.write_str("}")?;
                    let id = *id;
                    self.close(id);
                    continue;
                }
            };
            self.open(f, &item)?;
        }
        Ok(())
    }

    /// Closes the innermost container.
    fn close(&mut self, id: Option<usize>) {
        self.stack.pop();
        if let Some(id) = id {
            REPR_ACTIVE.with(|a| a.borrow_mut().remove(&id));
        }
    }
}

pub(crate) fn write_list_repr(f: &mut dyn fmt::Write, list: &PyList) -> fmt::Result {
    Repr::default().write(f, &Value::List(list.clone()))
}

pub(crate) fn write_tuple_repr(f: &mut dyn fmt::Write, tuple: &PyTuple) -> fmt::Result {
    Repr::default().write(f, &Value::Tuple(tuple.clone()))
}

pub(crate) fn write_dict_repr(f: &mut dyn fmt::Write, dict: &PyDict) -> fmt::Result {
    Repr::default().write(f, &Value::Dict(dict.clone()))
}

/// `{'k': v, ...}`: the repr of a dict's entries.
pub(crate) fn write_entries_repr<'a>(
    f: &mut dyn fmt::Write,
    entries: impl Iterator<Item = (&'a str, &'a Value)>,
) -> fmt::Result {
    Repr::default().write_entries(f, entries.map(|(k, v)| (PyStr::new(k), v.clone())).collect())
}

/// `Debug` is the same Python `repr` as `Display`, so that `{:?}` of a
/// `Vec<Value>` reads like a Python list.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Writes Python's `repr()` of a float: the shortest digits that round-trip
/// (Rust's formatter finds the same ones), in fixed notation when the
/// decimal exponent is in `-4..16` and in `1e+16` style otherwise.
pub(crate) fn write_float_repr(f: &mut (impl fmt::Write + ?Sized), x: f64) -> fmt::Result {
    if x.is_nan() {
        return f.write_str("nan");
    }
    if x.is_infinite() {
        return f.write_str(if x > 0.0 { "inf" } else { "-inf" });
    }
    // `{:e}` finds how many digits the shortest round-trip repr needs;
    // where two such reprs tie (the value is exactly halfway, as
    // 1319486788176819.25), it rounds half up while CPython rounds half to
    // even. Formatting again with exactly that many digits rounds half to
    // even, and the correctly rounded n-digit decimal round-trips whenever
    // any n-digit decimal does.
    let shortest = format!("{x:e}");
    let digits = shortest.split('e').next().unwrap_or("").bytes().filter(u8::is_ascii_digit).count();
    let sci = format!("{x:.*e}", digits.saturating_sub(1));
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always writes an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` writes a decimal exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    f.write_str(sign)?;
    if (-4..16).contains(&exp) {
        if exp < 0 {
            f.write_str("0.")?;
            for _ in 0..(-exp - 1) {
                f.write_char('0')?;
            }
            f.write_str(&digits)
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                f.write_str(&digits)?;
                for _ in digits.len()..int_len {
                    f.write_char('0')?;
                }
                f.write_str(".0")
            } else {
                f.write_str(&digits[..int_len])?;
                f.write_char('.')?;
                f.write_str(&digits[int_len..])
            }
        }
    } else {
        f.write_str(&digits[..1])?;
        if digits.len() > 1 {
            f.write_char('.')?;
            f.write_str(&digits[1..])?;
        }
        let exp_sign = if exp < 0 { '-' } else { '+' };
        write!(f, "e{exp_sign}{:02}", exp.unsigned_abs())
    }
}

impl fmt::Display for PyTuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tuple_repr(f, self)
    }
}

impl fmt::Display for PyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list_repr(f, self)
    }
}

/// Python's dict repr: `{'name': 'Alice', 'age': 30}`.
impl fmt::Display for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_entries_repr(f, self.iter())
    }
}

impl fmt::Display for PyDict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_dict_repr(f, self)
    }
}
