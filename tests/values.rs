//! Python's built-in values against CPython 3.11: random values (ints far
//! beyond 64 bits, every kind of float, hostile strings, all 256 bytes,
//! nested tuples, lists and dicts, and lists and dicts that contain
//! themselves) are built in pyslots and, from the same description, as
//! Python source; their `repr`, `==` and `hash()` must agree. Then the
//! aliasing a shared list or the live `__dict__` gives, step by step.
//!
//! The run is repeatable (fixed seed). More, or another seed:
//!
//! ```sh
//! PYSLOTS_VALUE_CASES=100000 PYSLOTS_VALUE_SEED=7 \
//!     cargo test --release --test values -- --nocapture
//! ```
//!
//! It prints `N values, K mismatches`.

use std::fmt::Write as _;

use pyslots::prelude::*;
use pyslots::BigInt;
use pyslots::{PyDict, PyList, PyTuple};
use pyslots_testkit::differential::{self, done, line, Steps};
use pyslots_testkit::oracle::{self, py_str, PRELUDE};
use pyslots_testkit::rng::{env_or, Rng};

// ---- descriptions of values -------------------------------------------------

/// A value, described once, built in either world: [`Spec::build`] makes
/// the pyslots `Value` (a new one each call, so two builds are independent
/// copies), [`Spec::python`] the Python expression that makes it.
#[derive(Clone, Debug)]
enum Spec {
    None,
    Bool(bool),
    /// Decimal digits, with a `-` if negative.
    Int(String),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<Spec>),
    List(Vec<Spec>),
    Dict(Vec<(String, Spec)>),
    /// A list holding `items` and, at `at`, itself.
    SelfList(Vec<Spec>, usize),
    /// A list holding `a` then the list `b`, which holds `b` then it.
    Mutual(Vec<Spec>, Vec<Spec>),
    /// A dict holding `d` and, under `key`, a list of `l` and the dict.
    DictListDict(Vec<(String, Spec)>, String, Vec<Spec>),
    /// A tuple whose first item is a list holding the tuple, then `items`.
    TupleCycle(Vec<Spec>),
}

/// Python helpers the expressions use: exact floats from their bits, and
/// the recursive containers.
const HELPERS: &str = r#"
import struct

def _f(bits):
    return struct.unpack('<d', bits.to_bytes(8, 'little'))[0]

def _self_list(items, at):
    items.insert(at, items)
    return items

def _mutual(a, b):
    a.append(b)
    b.append(a)
    return a

def _dict_list_dict(d, key, l):
    d[key] = l
    l.append(d)
    return d

def _tuple_cycle(items):
    l = []
    t = (l, *items)
    l.append(t)
    return t

def _eq(a, b):
    try:
        return 'ok ' + repr(a == b)
    except RecursionError:
        return 'cyclic'

def _case(make, copy, exact):
    v, w = make(), copy()
    print(_line(lambda: v))
    print(_eq(v, w))
    print(_line(lambda: hash(v), exact))
"#;

impl Spec {
    fn int(n: impl ToString) -> Spec {
        Spec::Int(n.to_string())
    }

    fn build(&self) -> Value {
        let all = |items: &[Spec]| items.iter().map(Spec::build).collect::<Vec<Value>>();
        let dict =
            |entries: &[(String, Spec)]| entries.iter().map(|(k, v)| (k.as_str(), v.build())).collect::<PyDict>();
        match self {
            Spec::None => Value::None,
            Spec::Bool(b) => Value::Bool(*b),
            Spec::Int(digits) => Value::from(digits.parse::<BigInt>().expect("decimal digits")),
            Spec::Float(x) => Value::Float(*x),
            Spec::Str(s) => Value::from(s.as_str()),
            Spec::Bytes(b) => Value::bytes(b),
            Spec::Tuple(items) => Value::tuple(all(items)),
            Spec::List(items) => Value::list(all(items)),
            Spec::Dict(entries) => Value::Dict(dict(entries)),
            Spec::SelfList(items, at) => {
                let mut items = all(items);
                items.insert(*at, Value::None);
                let list = PyList::from(items);
                list.set(*at, Value::List(list.clone())).expect("in range");
                Value::List(list)
            }
            Spec::Mutual(a, b) => {
                let (a, b) = (PyList::from(all(a)), PyList::from(all(b)));
                a.push(Value::List(b.clone()));
                b.push(Value::List(a.clone()));
                Value::List(a)
            }
            Spec::DictListDict(d, key, l) => {
                let (d, l) = (dict(d), PyList::from(all(l)));
                d.insert(key.as_str(), Value::List(l.clone()));
                l.push(Value::Dict(d.clone()));
                Value::Dict(d)
            }
            Spec::TupleCycle(items) => {
                let list = PyList::new();
                let tuple: PyTuple = std::iter::once(Value::List(list.clone())).chain(all(items)).collect();
                list.push(Value::Tuple(tuple.clone()));
                Value::Tuple(tuple)
            }
        }
    }

    fn python(&self) -> String {
        let all = |items: &[Spec]| items.iter().map(Spec::python).collect::<Vec<_>>().join(", ");
        let dict = |entries: &[(String, Spec)]| {
            let entries: Vec<String> = entries.iter().map(|(k, v)| format!("{}: {}", py_str(k), v.python())).collect();
            format!("{{{}}}", entries.join(", "))
        };
        match self {
            Spec::None => "None".to_owned(),
            Spec::Bool(b) => Value::Bool(*b).to_string(),
            Spec::Int(digits) => digits.clone(),
            Spec::Float(x) => format!("_f({:#x})", x.to_bits()),
            Spec::Str(s) => py_str(s),
            Spec::Bytes(b) => format!("bytes({b:?})"),
            Spec::Tuple(items) if items.len() == 1 => format!("({},)", items[0].python()),
            Spec::Tuple(items) => format!("({})", all(items)),
            Spec::List(items) => format!("[{}]", all(items)),
            Spec::Dict(entries) => dict(entries),
            Spec::SelfList(items, at) => format!("_self_list([{}], {at})", all(items)),
            Spec::Mutual(a, b) => format!("_mutual([{}], [{}])", all(a), all(b)),
            Spec::DictListDict(d, key, l) => format!("_dict_list_dict({}, {}, [{}])", dict(d), py_str(key), all(l)),
            Spec::TupleCycle(items) => format!("_tuple_cycle([{}])", all(items)),
        }
    }

    /// The items and values this value holds directly (a dict's key given
    /// twice holds only its last value).
    fn children(&self) -> Vec<&Spec> {
        match self {
            Spec::Tuple(items) | Spec::List(items) | Spec::SelfList(items, _) | Spec::TupleCycle(items) => {
                items.iter().collect()
            }
            Spec::Mutual(a, b) => a.iter().chain(b).collect(),
            Spec::Dict(d) => kept(d, None).collect(),
            Spec::DictListDict(d, key, l) => kept(d, Some(key)).chain(l).collect(),
            _ => Vec::new(),
        }
    }

    fn any(&self, test: &dyn Fn(&Spec) -> bool) -> bool {
        test(self) || self.children().into_iter().any(|c| c.any(test))
    }

    fn is_cyclic(&self) -> bool {
        self.any(&|s| {
            matches!(s, Spec::SelfList(..) | Spec::Mutual(..) | Spec::DictListDict(..) | Spec::TupleCycle(..))
        })
    }

    /// Whether CPython's `hash()` of it is reproducible: numbers other than
    /// NaN (hashed by address in 3.11) and tuples of them. `None`, strings
    /// and bytes hash by address or per-process seed.
    fn hash_is_exact(&self) -> bool {
        match self {
            Spec::Bool(_) | Spec::Int(_) => true,
            Spec::Float(x) => !x.is_nan(),
            Spec::Tuple(items) => items.iter().all(Spec::hash_is_exact),
            _ => false,
        }
    }

    /// The same value with every dict's entries in another order (so a
    /// copy built from it tests that `==` ignores order).
    fn shuffled(&self, rng: &mut Rng) -> Spec {
        let all = |items: &[Spec], rng: &mut Rng| items.iter().map(|s| s.shuffled(rng)).collect::<Vec<_>>();
        let dict = |entries: &[(String, Spec)], rng: &mut Rng| {
            let mut entries: Vec<(String, Spec)> = entries.iter().map(|(k, v)| (k.clone(), v.shuffled(rng))).collect();
            // A key given twice keeps its last value: shuffle only dicts
            // whose keys are distinct, or the copy would differ.
            let mut keys: Vec<&String> = entries.iter().map(|(k, _)| k).collect();
            keys.sort();
            keys.dedup();
            if keys.len() == entries.len() {
                rng.shuffle(&mut entries);
            }
            entries
        };
        match self {
            Spec::Tuple(items) => Spec::Tuple(all(items, rng)),
            Spec::List(items) => Spec::List(all(items, rng)),
            Spec::Dict(d) => Spec::Dict(dict(d, rng)),
            Spec::SelfList(items, at) => Spec::SelfList(all(items, rng), *at),
            Spec::Mutual(a, b) => Spec::Mutual(all(a, rng), all(b, rng)),
            Spec::DictListDict(d, key, l) => Spec::DictListDict(dict(d, rng), key.clone(), all(l, rng)),
            Spec::TupleCycle(items) => Spec::TupleCycle(all(items, rng)),
            scalar => scalar.clone(),
        }
    }
}

/// The values of `entries` a dict keeps: each key's last, and none for
/// `overwritten`.
fn kept<'a>(entries: &'a [(String, Spec)], overwritten: Option<&'a String>) -> impl Iterator<Item = &'a Spec> {
    let last = move |i: usize, k: &String| !entries[i + 1..].iter().any(|(j, _)| j == k) && Some(k) != overwritten;
    entries.iter().enumerate().filter(move |(i, (k, _))| last(*i, k)).map(|(_, (_, v))| v)
}

// ---- random values ----------------------------------------------------------

/// `m * 2**e` in decimal: the exact integer a float stands for.
fn exact_integer(x: f64) -> String {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let mut m = bits & ((1 << 52) - 1);
    if exponent != 0 {
        m |= 1 << 52;
    }
    let mut e = exponent.max(1) - 1075;
    while e < 0 {
        m >>= 1; // the caller passes integral floats only
        e += 1;
    }
    // Little-endian decimal digits, doubled `e` times.
    let mut digits: Vec<u8> = m.to_string().bytes().rev().map(|d| d - b'0').collect();
    for _ in 0..e {
        let mut carry = 0;
        for d in digits.iter_mut() {
            let twice = *d * 2 + carry;
            *d = twice % 10;
            carry = twice / 10;
        }
        if carry > 0 {
            digits.push(carry);
        }
    }
    let text: String = digits.iter().rev().map(|d| char::from(b'0' + d)).collect();
    if x < 0.0 && text != "0" {
        format!("-{text}")
    } else {
        text
    }
}

fn random_int(rng: &mut Rng) -> String {
    const EDGES: [i128; 8] = [
        0,
        1 << 53,
        i64::MAX as i128,
        i64::MIN as i128,
        u64::MAX as i128,
        (1 << 61) - 1, // CPython's hash modulus
        1 << 63,
        1 << 64,
    ];
    let sign = if rng.chance(50) { "-" } else { "" };
    match rng.below(6) {
        0 => (rng.below(2001) as i64 - 1000).to_string(),
        1 => (rng.next() as i64).to_string(),
        2 => (rng.pick(&EDGES) + rng.below(5) as i128 - 2).to_string(),
        3 => format!("{sign}{}", (u128::from(rng.next()) << 64) | u128::from(rng.next())),
        4 => format!("{sign}{}", (1i128 << (61 + rng.below(60))) + rng.below(3) as i128 - 1),
        _ => {
            // Up to a few hundred digits (CPython refuses beyond 4300).
            let len = 1 + rng.below(400);
            let mut digits: String = (0..len).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            digits.replace_range(..1, &(1 + rng.below(9)).to_string());
            format!("{sign}{digits}")
        }
    }
}

// The halfway cases are exact binary values: their last digit is the point.
#[allow(clippy::excessive_precision)]
fn random_float(rng: &mut Rng) -> f64 {
    const SPECIAL: [f64; 16] = [
        0.0,
        -0.0,
        1e16,
        1e15,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        0.1,
        1e-5,
        1319486788176819.25,
        2139457444440924.25,
        9007199254740993.0,
        9_223_372_036_854_775_808.0,
    ];
    match rng.below(7) {
        0 => *rng.pick(&SPECIAL),
        1 => f64::from_bits(rng.next()),
        2 => (rng.below(20001) as f64 - 10000.0) / 64.0,
        3 => (rng.next() >> rng.below(64)) as f64 * if rng.chance(50) { -1.0 } else { 1.0 },
        // Integral floats up to the largest, to compare with ints.
        4 => f64::from_bits(rng.next() & !(0x7ff << 52) | ((1023 + rng.below(1024) as u64) << 52)).trunc(),
        // Exactly halfway between two 17-digit decimals, or near it.
        5 => f64::from_bits(((1u64 << 52) + rng.below(1 << 20) as u64 * 4 + 1) | ((1023 + 50) << 52)) / 4.0,
        _ => 10f64.powi(rng.below(600) as i32 - 300) * (1.0 + rng.below(100) as f64 / 10.0),
    }
}

fn random_char(rng: &mut Rng) -> char {
    const PIECES: &[char] = &[
        'a',
        'Z',
        ' ',
        '\'',
        '"',
        '\\',
        '\n',
        '\r',
        '\t',
        '\0',
        '\x07',
        '\x1b',
        '\x7f',
        '\u{85}',
        '\u{a0}',
        'é',
        'ß',
        '中',
        '\u{200b}',
        '\u{200d}',
        '\u{2028}',
        '\u{feff}',
        '\u{fffd}',
        '\u{ffff}',
        '😀',
        '\u{1f3fb}',
        '\u{e000}',
        '\u{10ffff}',
        '\u{378}',
        '\u{e0001}',
        '\u{30000}',
    ];
    match rng.below(8) {
        0..=3 => *rng.pick(PIECES),
        4 => char::from(0x20 + rng.below(0x5f) as u8),
        5 => char::from_u32(rng.below(0x800) as u32).unwrap_or('?'),
        6 => char::from_u32(rng.below(0x1_0000) as u32).unwrap_or('?'),
        _ => char::from_u32(0x1_0000 + rng.below(0x10_0000) as u32).unwrap_or('?'),
    }
}

fn random_str(rng: &mut Rng) -> String {
    let len = if rng.chance(10) { 20 + rng.below(20) } else { rng.below(6) };
    (0..len).map(|_| random_char(rng)).collect()
}

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    if rng.chance(5) {
        return (0..=255).collect();
    }
    let len = if rng.chance(10) { 16 + rng.below(20) } else { rng.below(6) };
    (0..len)
        .map(|_| match rng.below(3) {
            0 => *rng.pick(b"'\"\\\t\n\r\x00\x7f\x80\xff a"),
            _ => rng.below(256) as u8,
        })
        .collect()
}

fn random_key(rng: &mut Rng) -> String {
    if rng.chance(50) {
        (*rng.pick(&["a", "b", "k", "name", ""])).to_owned()
    } else {
        random_str(rng)
    }
}

fn random_scalar(rng: &mut Rng) -> Spec {
    match rng.below(7) {
        0 => Spec::None,
        1 => Spec::Bool(rng.chance(50)),
        2 => Spec::Int(random_int(rng)),
        3 => Spec::Float(random_float(rng)),
        4 => Spec::Str(random_str(rng)),
        5 => Spec::Bytes(random_bytes(rng)),
        _ => Spec::int(rng.below(10)),
    }
}

fn random_items(rng: &mut Rng, depth: usize) -> Vec<Spec> {
    (0..rng.below(4)).map(|_| random_spec(rng, depth + 1)).collect()
}

fn random_entries(rng: &mut Rng, depth: usize) -> Vec<(String, Spec)> {
    (0..rng.below(4)).map(|_| (random_key(rng), random_spec(rng, depth + 1))).collect()
}

fn random_spec(rng: &mut Rng, depth: usize) -> Spec {
    if depth >= 3 || rng.chance(45) {
        return random_scalar(rng);
    }
    match rng.below(10) {
        0..=2 => Spec::Tuple(random_items(rng, depth)),
        3..=4 => Spec::List(random_items(rng, depth)),
        5..=6 => Spec::Dict(random_entries(rng, depth)),
        7 => {
            let items = random_items(rng, depth);
            let at = rng.below(items.len() + 1);
            Spec::SelfList(items, at)
        }
        8 => match rng.below(2) {
            0 => Spec::Mutual(random_items(rng, depth), random_items(rng, depth)),
            _ => Spec::TupleCycle(random_items(rng, depth)),
        },
        _ => Spec::DictListDict(random_entries(rng, depth), random_key(rng), random_items(rng, depth)),
    }
}

/// Two numbers (or tuples of numbers) to compare with `==`: an int and
/// the float nearest it, off by one, `True` and `1`, and the like.
fn random_number_pair(rng: &mut Rng) -> (Spec, Spec) {
    match rng.below(5) {
        0 => {
            let x = random_float(rng).trunc();
            if !x.is_finite() {
                return (Spec::Float(x), Spec::Int(random_int(rng)));
            }
            let n: BigInt = exact_integer(x).parse().expect("digits");
            let delta = rng.below(3) as i128 - 1;
            let near = Value::from(n).as_i128().map_or_else(|| exact_integer(x), |i| (i + delta).to_string());
            (Spec::Int(near), Spec::Float(x))
        }
        1 => {
            let b = rng.chance(50);
            let other = if rng.chance(50) { Spec::int(u8::from(b)) } else { Spec::Float(f64::from(u8::from(b))) };
            (Spec::Bool(b), other)
        }
        2 => {
            let i = rng.next() as i64 >> rng.below(64);
            (Spec::int(i), Spec::Float(i as f64))
        }
        3 => {
            let len = rng.below(4);
            let pairs: Vec<(Spec, Spec)> =
                (0..len).map(|_| random_number_pair(rng)).filter(|(a, _)| !matches!(a, Spec::Tuple(_))).collect();
            let (a, b) = pairs.into_iter().unzip();
            (Spec::Tuple(a), Spec::Tuple(b))
        }
        _ => {
            let pick = |rng: &mut Rng| match rng.below(3) {
                0 => Spec::Int(random_int(rng)),
                1 => Spec::Float(random_float(rng)),
                _ => Spec::Bool(rng.chance(50)),
            };
            (pick(rng), pick(rng))
        }
    }
}

/// Pairs every run compares.
fn fixed_number_pairs() -> Vec<(Spec, Spec)> {
    let two_53 = 2f64.powi(53);
    vec![
        (Spec::int(1), Spec::Float(1.0)),
        (Spec::Bool(true), Spec::Float(1.0)),
        (Spec::Bool(true), Spec::int(1)),
        (Spec::Bool(false), Spec::Float(-0.0)),
        (Spec::int((1i64 << 53) + 1), Spec::Float(two_53)),
        (Spec::int(1i64 << 53), Spec::Float(two_53)),
        (Spec::int(i64::MAX), Spec::Float(2f64.powi(63))),
        (Spec::int(1u64 << 63), Spec::Float(2f64.powi(63))),
        (Spec::int(i64::MIN), Spec::Float(-(2f64.powi(63)))),
        (Spec::int(u64::MAX), Spec::Float(2f64.powi(64))),
        (Spec::int(1u128 << 64), Spec::Float(2f64.powi(64))),
        (Spec::Int(exact_integer(f64::MAX)), Spec::Float(f64::MAX)),
        (Spec::Int(exact_integer(f64::MAX) + "0"), Spec::Float(f64::INFINITY)),
        (Spec::Float(f64::NAN), Spec::Float(f64::NAN)),
        (Spec::Tuple(vec![Spec::int(1), Spec::Float(2.0)]), Spec::Tuple(vec![Spec::Bool(true), Spec::int(2)])),
    ]
}

// ---- running ----------------------------------------------------------------

/// One value's three lines in pyslots: its repr, `==` with an
/// independently built copy, `hash()` (just `ok` where CPython's is not
/// reproducible).
///
/// Where CPython's `==` of two cyclic copies raises `RecursionError` (its
/// line is `cyclic`), pyslots compares the structures instead, as
/// documented: equal unless a NaN makes them differ.
fn rust_case(spec: &Spec, copy: &Spec, problems: &mut Vec<String>) -> [String; 3] {
    let (v, w) = (spec.build(), copy.build());
    let eq = v.py_eq(&w);
    let has_nan = spec.any(&|s| matches!(s, Spec::Float(x) if x.is_nan()));
    if spec.is_cyclic() && !has_nan && !eq {
        problems.push(format!("{v} is not == to its copy {w}"));
    }
    let eq_line = line(Ok(Value::Bool(eq)));
    let hash = v.py_hash();
    if eq {
        if let (Ok(h), Ok(k)) = (&hash, w.py_hash()) {
            if *h != k {
                problems.push(format!("{v} == its copy, but they hash {h} and {k}"));
            }
        }
    }
    let hash_line = match hash {
        Ok(h) if spec.hash_is_exact() => line(Ok(Value::Int(h))),
        Ok(_) => "ok".to_owned(),
        Err(e) => line(Err(e)),
    };
    [line(Ok(v)), eq_line, hash_line]
}

/// `a == b` for a pair of numbers, in pyslots; equal numbers must hash
/// alike.
fn rust_pair(a: &Spec, b: &Spec, problems: &mut Vec<String>) -> String {
    let (x, y) = (a.build(), b.build());
    let eq = x.py_eq(&y);
    if eq && x.py_hash().ok() != y.py_hash().ok() {
        problems.push(format!("{x} == {y}, but they hash {:?} and {:?}", x.py_hash().ok(), y.py_hash().ok()));
    }
    line(Ok(Value::Bool(eq)))
}

struct Outcome {
    values: usize,
    mismatches: Vec<String>,
}

fn run(count: usize, seed: u64) -> Outcome {
    let mut rng = Rng::new(seed);
    let cases: Vec<(Spec, Spec)> = (0..count)
        .map(|_| {
            let spec = random_spec(&mut rng, 0);
            let copy = spec.shuffled(&mut rng);
            (spec, copy)
        })
        .collect();
    let mut pairs = fixed_number_pairs();
    pairs.extend((0..count / 2).map(|_| random_number_pair(&mut rng)));
    // Every kind of value against another value, in both orders.
    pairs.extend((0..count / 4).map(|_| (cases[rng.below(count)].0.clone(), cases[rng.below(count)].0.clone())));
    pairs.retain(|(a, b)| !a.is_cyclic() && !b.is_cyclic());

    let mut script = format!("{PRELUDE}{HELPERS}\n");
    for (spec, copy) in &cases {
        let exact = if spec.hash_is_exact() { "True" } else { "False" };
        writeln!(script, "_case(lambda: {}, lambda: {}, {exact})", spec.python(), copy.python()).unwrap();
    }
    writeln!(script, "_end()").unwrap();
    for (a, b) in &pairs {
        writeln!(script, "print(_line(lambda: {} == {}))", a.python(), b.python()).unwrap();
    }
    writeln!(script, "_end()").unwrap();
    let python = oracle::run_groups(&script, 2);

    let mut mismatches = Vec::new();
    let mut problems = Vec::new();
    let what = ["repr", "==", "hash"];
    for (i, (spec, copy)) in cases.iter().enumerate() {
        let rust = rust_case(spec, copy, &mut problems);
        for (k, r) in rust.iter().enumerate() {
            let p = &python[0][3 * i + k];
            if r != p && !(p == "cyclic" && spec.is_cyclic()) {
                mismatches.push(format!("{} of {}\n  pyslots: {r}\n  CPython: {p}", what[k], spec.python()));
            }
        }
    }
    for ((a, b), p) in pairs.iter().zip(&python[1]) {
        let r = rust_pair(a, b, &mut problems);
        if &r != p {
            mismatches.push(format!("{} == {}\n  pyslots: {r}\n  CPython: {p}", a.python(), b.python()));
        }
    }
    mismatches.extend(problems);
    Outcome { values: cases.len() + 2 * pairs.len(), mismatches }
}

#[test]
fn random_values_match_cpython() {
    let count = env_or("PYSLOTS_VALUE_CASES", 3_000usize);
    let seed = env_or("PYSLOTS_VALUE_SEED", 0x7a1_0e5_u64);
    let outcome = run(count, seed);
    println!("{} values, {} mismatches (seed {seed})", outcome.values, outcome.mismatches.len());
    let shown: Vec<&str> = outcome.mismatches.iter().take(12).map(String::as_str).collect();
    assert!(outcome.mismatches.is_empty(), "pyslots differs from CPython:\n{}", shown.join("\n"));
}

/// The test itself: a value described one way and built another must be
/// reported.
#[test]
fn a_difference_is_reported() {
    let python = oracle::run_groups(&format!("{PRELUDE}{HELPERS}\n_case(lambda: 1.0, lambda: 1.0, True)\n_end()\n"), 1);
    let rust = rust_case(&Spec::int(1), &Spec::int(1), &mut Vec::new());
    assert_ne!(rust[0], python[0][0]);
    assert_eq!(rust[2], python[0][2], "hash(1) == hash(1.0)");
}

#[test]
fn exact_integer_of_a_float() {
    assert_eq!(exact_integer(0.0), "0");
    assert_eq!(exact_integer(-3.0), "-3");
    assert_eq!(exact_integer(2f64.powi(64)), "18446744073709551616");
    assert_eq!(exact_integer(1e22), "10000000000000000000000");
}

// ---- aliasing: shared lists and the live __dict__ -----------------------------

#[pyclass_like]
#[slots(items)]
struct Holder;

#[pyclass_like]
struct Reg {
    name: String,
}

#[pyclass_like]
#[slots(x, __dict__)]
struct SlotDict {
    x: i64,
}

#[pyclass_like(extends = Holder)]
struct Sub;

const ALIAS_CLASSES: &str = "
class Holder:
    __slots__ = ['items']
class Reg:
    def __init__(self, name):
        self.name = name
class SlotDict:
    __slots__ = ['x', '__dict__']
    def __init__(self, x):
        self.x = x
class Sub(Holder):
    pass
";

fn list_of(v: Result<Value, Error>) -> Result<PyList, Error> {
    Ok(v?.as_list().expect("a list").clone())
}

fn shared_list() -> Result<Vec<String>, Error> {
    let (mut a, mut b) = (Holder::new(), Reg::new("b".into()));
    let mut out = Vec::new();
    out.push(done(setattr(&mut a, "items", Value::list([1]))));
    out.push(done(setattr(&mut b, "items", getattr(&a, "items")?)));
    list_of(getattr(&a, "items"))?.push(2);
    out.push(done(Ok(())));
    out.push(line(getattr(&b, "items")));
    list_of(getattr(&b, "items"))?.push("x");
    out.push(done(Ok(())));
    out.push(line(getattr(&a, "items")));
    out.push(line(Ok(Value::from(Value::is(&getattr(&a, "items")?, &getattr(&b, "items")?)))));
    let mut rebound = list_of(getattr(&b, "items"))?.to_vec();
    rebound.push(Value::from(3));
    out.push(done(setattr(&mut b, "items", Value::list(rebound))));
    out.push(line(getattr(&a, "items")));
    out.push(line(getattr(&b, "items")));
    out.push(line(Ok(Value::from(Value::is(&getattr(&a, "items")?, &getattr(&b, "items")?)))));
    Ok(out)
}

const SHARED_LIST: &[&str] = &[
    "a = Holder(); b = Reg('b'); a.items = [1]",
    "b.items = a.items",
    "a.items.append(2)",
    "? b.items",
    "b.items.append('x')",
    "? a.items",
    "? a.items is b.items",
    "b.items = b.items + [3]",
    "? a.items",
    "? b.items",
    "? a.items is b.items",
];

fn live_dict() -> Result<Vec<String>, Error> {
    let mut o = Reg::new("n".into());
    let mut out = Vec::new();
    let d = vars(&o)?;
    out.push(done(Ok(())));
    d.insert("x", 1);
    out.push(done(Ok(())));
    out.push(line(getattr(&o, "x")));
    out.push(done(setattr(&mut o, "y", 2)));
    out.push(line(Ok(Value::Dict(d.clone()))));
    let same = |a: &PyDict, b: Value| Value::from(PyDict::is(a, b.as_dict().expect("a dict")));
    out.push(line(Ok(same(&vars(&o)?, getattr(&o, "__dict__")?))));
    out.push(line(Ok(same(&d, getattr(&o, "__dict__")?))));
    d.remove("name");
    out.push(done(Ok(())));
    out.push(line(getattr(&o, "name")));
    out.push(line(Ok(Value::from(hasattr(&o, "x")))));
    out.push(done(delattr(&mut o, "__dict__")));
    out.push(line(Ok(Value::Dict(d.clone()))));
    out.push(line(getattr(&o, "__dict__")));
    out.push(line(getattr(&o, "x")));
    out.push(done(setattr(&mut o, "z", 3)));
    out.push(line(Ok(Value::Dict(d.clone()))));
    out.push(line(vars(&o).map(Value::Dict)));
    let e = PyDict::from_iter([("k", Value::list([1]))]);
    out.push(done(setattr(&mut o, "__dict__", Value::Dict(e.clone()))));
    e.insert("w", 4);
    out.push(done(Ok(())));
    out.push(line(getattr(&o, "w")));
    out.push(done(setattr(&mut o, "v", 5)));
    out.push(line(Ok(Value::Dict(e.clone()))));
    out.push(line(Ok(same(&e, getattr(&o, "__dict__")?))));
    out.push(done(setattr(&mut o, "__dict__", 5)));
    list_of(getattr(&o, "k"))?.push(2);
    out.push(done(Ok(())));
    out.push(line(Ok(Value::Dict(e.clone()))));
    out.push(line(Ok(Value::list(dir(&o)))));
    Ok(out)
}

const LIVE_DICT: &[&str] = &[
    "o = Reg('n'); d = vars(o)",
    "d['x'] = 1",
    "? o.x",
    "o.y = 2",
    "? d",
    "? vars(o) is o.__dict__",
    "? d is o.__dict__",
    "del d['name']",
    "? o.name",
    "? hasattr(o, 'x')",
    "del o.__dict__",
    "? d",
    "? o.__dict__",
    "? o.x",
    "o.z = 3",
    "? d",
    "? vars(o)",
    "e = {'k': [1]}; o.__dict__ = e",
    "e['w'] = 4",
    "? o.w",
    "o.v = 5",
    "? e",
    "? o.__dict__ is e",
    "o.__dict__ = 5",
    "o.k.append(2)",
    "? e",
    "? [n for n in dir(o) if not n.startswith('__') or n in ('__dict__', '__weakref__')]",
];

fn slots_and_dict() -> Result<Vec<String>, Error> {
    let mut s = SlotDict::new(1);
    let mut out = Vec::new();
    let d = vars(&s)?;
    out.push(done(Ok(())));
    out.push(line(Ok(Value::Dict(d.clone()))));
    out.push(done(setattr(&mut s, "y", 2)));
    out.push(line(Ok(Value::Dict(d.clone()))));
    d.insert("x", 9);
    out.push(done(Ok(())));
    out.push(line(getattr(&s, "x")));
    out.push(done(setattr(&mut s, "x", 3)));
    out.push(line(Ok(Value::Dict(d.clone()))));
    out.push(done(delattr(&mut s, "__dict__")));
    out.push(line(Ok(Value::Dict(d.clone()))));
    out.push(line(getattr(&s, "__dict__")));
    out.push(line(getattr(&s, "x")));
    out.push(line(getattr(&s, "y")));
    out.push(done(setattr(&mut s, "__dict__", Value::Dict(d.clone()))));
    out.push(line(getattr(&s, "y")));
    out.push(line(Ok(Value::from(PyDict::is(&vars(&s)?, &d)))));
    Ok(out)
}

const SLOTS_AND_DICT: &[&str] = &[
    "s = SlotDict(1); d = s.__dict__",
    "? d",
    "s.y = 2",
    "? d",
    "d['x'] = 9",
    "? s.x",
    "s.x = 3",
    "? d",
    "del s.__dict__",
    "? d",
    "? s.__dict__",
    "? s.x",
    "? s.y",
    "s.__dict__ = d",
    "? s.y",
    "? vars(s) is d",
];

fn subclass_dict() -> Result<Vec<String>, Error> {
    let mut c = Sub::new();
    let mut out = Vec::new();
    out.push(done(setattr(&mut c, "items", Value::list(Vec::<Value>::new()))));
    let items = getattr(&c, "items")?;
    out.push(done(setattr(&mut c, "other", items)));
    list_of(getattr(&c, "items"))?.push(1);
    out.push(done(Ok(())));
    out.push(line(getattr(&c, "other")));
    let d = vars(&c)?;
    out.push(done(Ok(())));
    out.push(line(Ok(Value::Dict(d.clone()))));
    d.insert("items", "shadow");
    out.push(done(Ok(())));
    out.push(line(getattr(&c, "items")));
    out.push(line(Ok(Value::from(PyDict::is(&vars(&c)?, &d)))));
    out.push(done(delattr(&mut c, "items")));
    out.push(line(getattr(&c, "items")));
    out.push(line(Ok(Value::Dict(d.clone()))));
    list_of(getattr(&c, "other"))?.push(Value::Dict(d.clone()));
    out.push(done(Ok(())));
    out.push(line(vars(&c).map(Value::Dict)));
    Ok(out)
}

const SUBCLASS_DICT: &[&str] = &[
    "c = Sub(); c.items = []",
    "c.other = c.items",
    "c.items.append(1)",
    "? c.other",
    "d = vars(c)",
    "? d",
    "d['items'] = 'shadow'",
    "? c.items",
    "? vars(c) is d",
    "del c.items",
    "? c.items",
    "? d",
    "c.other.append(d)",
    "? vars(c)",
];

#[test]
fn aliasing_matches_cpython() {
    let scenarios = [
        Steps { name: "a list in a slot and in a dict", python: SHARED_LIST, rust: shared_list },
        Steps { name: "the live __dict__ of a regular class", python: LIVE_DICT, rust: live_dict },
        Steps { name: "slots with __dict__", python: SLOTS_AND_DICT, rust: slots_and_dict },
        Steps { name: "a subclass's dict", python: SUBCLASS_DICT, rust: subclass_dict },
    ];
    differential::check_steps(ALIAS_CLASSES, &scenarios);
}
