//! `BigInt`: the part of Python's arbitrary-precision `int` beyond `i64`.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use num_traits::{Signed, ToPrimitive, Zero};

/// An arbitrary-precision integer, shared (cloning is a reference-count
/// increment; the number is immutable, as Python's `int`).
///
/// [`Value`](crate::Value) keeps integers that fit in an `i64` inline as
/// `Value::Int` and only larger ones as `Value::BigInt`, so two equal
/// integers always have the same variant.
///
/// ```
/// use pyslots::{BigInt, Value};
/// let big = Value::from(2u128.pow(70));
/// assert_eq!(big.to_string(), "1180591620717411303424");
/// assert!(matches!(big, Value::BigInt(_)));
/// assert_eq!(Value::from(5u128), Value::Int(5));        // fits: inline
/// let n: BigInt = "-123456789012345678901234567890".parse()?;
/// assert_eq!(n.to_i128(), Some(-123456789012345678901234567890));
/// # Ok::<(), pyslots::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BigInt(Arc<num_bigint::BigInt>);

impl BigInt {
    pub(crate) fn from_num(n: num_bigint::BigInt) -> BigInt {
        BigInt(Arc::new(n))
    }

    pub(crate) fn as_num(&self) -> &num_bigint::BigInt {
        &self.0
    }

    /// The number as an `i64`, if it fits.
    ///
    /// ```
    /// let n = pyslots::BigInt::from(u64::MAX);
    /// assert_eq!(n.to_i64(), None);
    /// assert_eq!(pyslots::BigInt::from(-5i64).to_i64(), Some(-5));
    /// ```
    pub fn to_i64(&self) -> Option<i64> {
        self.0.to_i64()
    }

    /// The number as an `i128`, if it fits.
    ///
    /// ```
    /// let n: pyslots::BigInt = "170141183460469231731687303715884105728".parse()?; // 2**127
    /// assert_eq!(n.to_i128(), None);
    /// assert_eq!(n.to_u128(), Some(1 << 127));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn to_i128(&self) -> Option<i128> {
        self.0.to_i128()
    }

    /// The number as a `u128`, if it fits.
    ///
    /// ```
    /// assert_eq!(pyslots::BigInt::from(-1i64).to_u128(), None);
    /// ```
    pub fn to_u128(&self) -> Option<u128> {
        self.0.to_u128()
    }

    /// The nearest `f64`, as Python's `float(n)`; `None` where Python raises
    /// `OverflowError: int too large to convert to float`.
    ///
    /// ```
    /// let n: pyslots::BigInt = format!("1{}", "0".repeat(400)).parse()?;
    /// assert_eq!(n.to_f64(), None); // CPython: OverflowError
    /// assert_eq!(pyslots::BigInt::from(1u128 << 100).to_f64(), Some(2f64.powi(100)));
    /// # Ok::<(), pyslots::Error>(())
    /// ```
    pub fn to_f64(&self) -> Option<f64> {
        self.0.to_f64().filter(|x| x.is_finite())
    }

    /// Whether the number is below zero.
    ///
    /// ```
    /// assert!(pyslots::BigInt::from(i128::MIN).is_negative());
    /// ```
    pub fn is_negative(&self) -> bool {
        self.0.is_negative()
    }

    /// Whether the number is zero.
    ///
    /// ```
    /// assert!(pyslots::BigInt::from(0u64).is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Heap bytes of the shared number: the reference counts, the number's
    /// header and its 64-bit digits.
    ///
    /// ```
    /// assert!(pyslots::BigInt::from(u128::MAX).heap_size() >= 16);
    /// ```
    pub fn heap_size(&self) -> usize {
        2 * std::mem::size_of::<usize>()
            + std::mem::size_of::<num_bigint::BigInt>()
            + self.0.magnitude().iter_u64_digits().len() * std::mem::size_of::<u64>()
    }
}

impl From<i128> for BigInt {
    fn from(n: i128) -> BigInt {
        BigInt::from_num(n.into())
    }
}

impl From<u128> for BigInt {
    fn from(n: u128) -> BigInt {
        BigInt::from_num(n.into())
    }
}

impl From<i64> for BigInt {
    fn from(n: i64) -> BigInt {
        BigInt::from_num(n.into())
    }
}

impl From<u64> for BigInt {
    fn from(n: u64) -> BigInt {
        BigInt::from_num(n.into())
    }
}

/// Decimal digits with an optional sign and `_` separators, as Python's
/// `int(text)`; anything else is CPython's `ValueError`.
impl FromStr for BigInt {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<BigInt, crate::Error> {
        let trimmed = text.trim();
        let (sign, digits) = match trimmed.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", trimmed.strip_prefix('+').unwrap_or(trimmed)),
        };
        let well_formed = !digits.is_empty()
            && !digits.starts_with('_')
            && !digits.ends_with('_')
            && !digits.contains("__")
            && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
        let parsed = well_formed
            .then(|| num_bigint::BigInt::from_str(&format!("{sign}{}", digits.replace('_', ""))).ok())
            .flatten();
        parsed.map(BigInt::from_num).ok_or_else(|| {
            let mut repr = String::new();
            let _ = crate::values::pystr::write_repr(&mut repr, text);
            crate::Error::value_error(format!("invalid literal for int() with base 10: {repr}"))
        })
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}
