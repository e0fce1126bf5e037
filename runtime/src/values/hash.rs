//! Python's `hash()` of a value: CPython's algorithms for numbers and
//! tuples (`Python/pyhash.c`, `Objects/tupleobject.c`), a stable hash of
//! the contents for strings and bytes, identity for objects.

use std::hash::{Hash, Hasher};

use num_traits::ToPrimitive;

use crate::error::Error;
use crate::values::tuple::PyTuple;
use crate::values::value::Value;

/// `sys.hash_info.modulus`: the Mersenne prime 2**61 - 1.
const MODULUS: u64 = (1 << 61) - 1;
/// `sys.hash_info.width - 3`: the bits of the modulus.
const BITS: u32 = 61;
/// `sys.hash_info.inf`.
const INF: i64 = 314_159;

fn py_hash(value: &Value) -> Result<i64, Error> {
    match value {
        Value::Tuple(t) => tuple_hash(t),
        other => flat_hash(other),
    }
}

/// CPython 3.11's `tuplehash` (xxHash's round over the items' hashes),
/// over tuples nested to any depth without recursion: a stack of the
/// tuples being hashed, each with its accumulator.
fn tuple_hash(t: &PyTuple) -> Result<i64, Error> {
    const PRIME_1: u64 = 11_400_714_785_074_694_791;
    const PRIME_2: u64 = 14_029_467_366_897_019_727;
    const PRIME_5: u64 = 2_870_177_450_012_600_261;
    fn round(acc: u64, lane: i64) -> u64 {
        acc.wrapping_add((lane as u64).wrapping_mul(PRIME_2)).rotate_left(31).wrapping_mul(PRIME_1)
    }
    fn finish(acc: u64, len: usize) -> i64 {
        let acc = acc.wrapping_add((len as u64) ^ (PRIME_5 ^ 3_527_539));
        if acc == u64::MAX {
            1_546_275_796
        } else {
            acc as i64
        }
    }
    struct Frame {
        tuple: PyTuple,
        next: usize,
        acc: u64,
    }
    let mut stack = vec![Frame { tuple: t.clone(), next: 0, acc: PRIME_5 }];
    loop {
        let top = stack.last_mut().expect("the outermost tuple is open until it returns");
        if let Some(item) = top.tuple.get(top.next) {
            top.next += 1;
            match item {
                Value::Tuple(inner) => {
                    let tuple = inner.clone();
                    stack.push(Frame { tuple, next: 0, acc: PRIME_5 });
                }
                other => top.acc = round(top.acc, flat_hash(other)?),
            }
            continue;
        }
        let hash = finish(top.acc, top.tuple.len());
        stack.pop();
        match stack.last_mut() {
            Some(parent) => parent.acc = round(parent.acc, hash),
            None => return Ok(hash),
        }
    }
}

/// `hash()` of anything but a tuple.
fn flat_hash(value: &Value) -> Result<i64, Error> {
    Ok(match value {
        // CPython 3.11 hashes None by address; any constant serves.
        Value::None => 0x5f3e_a9d1,
        Value::Bool(b) => i64::from(*b),
        Value::Int(i) => signed(i.unsigned_abs() % MODULUS, *i < 0),
        Value::BigInt(n) => {
            let m = n.as_num().magnitude() % MODULUS;
            signed(m.to_u64().unwrap_or_default(), n.is_negative())
        }
        Value::Float(x) => float(*x),
        Value::Str(s) => stable(s.as_str()),
        Value::Bytes(b) => stable(b.as_bytes()),
        Value::Tuple(t) => return tuple_hash(t),
        Value::List(_) | Value::Dict(_) => {
            return Err(Error::type_error(format!("unhashable type: '{}'", value.type_name())));
        }
        Value::Object(o) if o.layout().has_methods() => {
            // The first class along the MRO that defines `__hash__` or
            // `__eq__` decides: one that defines `__eq__` alone sets
            // `__hash__ = None` (CPython's `type_new`).
            match o.layout().find_hook(|t| match (t.hash, t.eq) {
                (Some(h), _) => Some(Some(h)),
                (None, Some(_)) => Some(None),
                (None, None) => None,
            }) {
                Some(Some(hash)) => minus_one_is_minus_two(hash(&*o.try_read()?)),
                Some(None) => return Err(Error::type_error(format!("unhashable type: '{}'", o.type_name()))),
                None => identity_hash(o),
            }
        }
        Value::Object(o) => identity_hash(o),
        Value::Function(func) => {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            func.qualname().hash(&mut h);
            if let Some(o) = func.receiver() {
                o.hash(&mut h);
            }
            minus_one_is_minus_two(h.finish() as i64)
        }
    })
}

/// CPython's default hash of an object: its identity (the address).
fn identity_hash(o: &crate::handles::handle::PyObject) -> i64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    o.hash(&mut h);
    minus_one_is_minus_two(h.finish() as i64)
}

/// `-m` or `m` (already reduced modulo 2**61 - 1), with -1 made -2:
/// CPython reserves -1 for errors.
fn signed(m: u64, negative: bool) -> i64 {
    let h = m as i64;
    minus_one_is_minus_two(if negative { -h } else { h })
}

fn minus_one_is_minus_two(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's `_Py_HashDouble`: the float's exact rational value reduced
/// modulo 2**61 - 1, so that `hash(2.0) == hash(2)`.
fn float(v: f64) -> i64 {
    if v.is_nan() {
        // CPython 3.10+ hashes a NaN by address; 3.9's constant serves.
        return 0;
    }
    if v.is_infinite() {
        return if v > 0.0 { INF } else { -INF };
    }
    let (mut m, mut e) = frexp(v);
    let negative = m < 0.0;
    if negative {
        m = -m;
    }
    // Process 28 bits at a time: the mantissa times 2**e, reduced.
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 { (e as u32) % BITS } else { BITS - 1 - ((-1 - e) as u32 % BITS) };
    x = ((x << e) & MODULUS) | (x >> (BITS - e));
    signed(x, negative)
}

/// C's `frexp`: `v == m * 2**e` with `0.5 <= |m| < 1` (for finite,
/// nonzero `v`; `(v, 0)` otherwise).
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let mantissa = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (mantissa, exponent - 1022)
}

/// A hash of a string's or bytes' contents that is the same in every
/// run (CPython's is randomized per process, so none could match it).
fn stable<T: Hash + ?Sized>(contents: &T) -> i64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    contents.hash(&mut h);
    minus_one_is_minus_two(h.finish() as i64)
}

impl Value {
    /// Python's `hash()`: CPython's exactly for `None`-free numbers
    /// (`hash(2**61) == 1`, `hash(1.5) == hash(3/2)`, `hash(-1) == -2`) and
    /// for tuples of them; a stable hash of the contents for strings and
    /// bytes (CPython randomizes those per process); identity for objects;
    /// CPython's `TypeError` for lists and dicts (`unhashable type:
    /// 'list'`). Values that are [`py_eq`](Value::py_eq) hash alike.
    pub fn py_hash(&self) -> Result<i64, Error> {
        py_hash(self)
    }
}
