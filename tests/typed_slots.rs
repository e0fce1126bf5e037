//! What pyslots adds to Python's model and CPython cannot be the oracle
//! for: typed slots (their accessors, their `TypeError`s), constructors,
//! `Default`, layouts and sizes. Failed calls must leave objects unchanged.

use std::collections::{BTreeMap, HashMap};

use pyslots::prelude::*;
use pyslots::PyClass;
use pyslots::{getsizeof, total_sizeof, Layout, PyBytes, PyList, PyTuple, ValueRef};

#[pyclass_like]
#[slots(x, y)]
struct Point {
    x: f64,
    y: f64,
}

#[pyclass_like]
#[slots(name, age, nickname, tags, __dict__)]
pub struct Person {
    /// The person's name.
    pub name: String,
    pub age: u32,
    nickname: Option<String>,
}

#[pyclass_like]
#[slots(dict, layout, x, set_x, getattr)]
struct Clashing {
    dict: i64,
    layout: i64,
    x: i64,
    set_x: i64,
}

#[pyclass_like]
#[slots(r#type, r#match)]
struct Keywords {
    r#type: String,
}

#[test]
fn typed_accessors_read_and_write() {
    let mut p = Point::new(3.0, 4.0);
    assert_eq!(*p.x().unwrap(), 3.0);
    p.set_y(5.0);
    assert_eq!(p.getattr("y").unwrap(), Value::Float(5.0));
    p.setattr("x", Value::Int(2)).unwrap(); // an int into a float slot, as float(2)
    assert_eq!(*p.x().unwrap(), 2.0);
    p.delattr("x").unwrap();
    let err = p.x().unwrap_err();
    assert_eq!(err.to_string(), "'Point' object has no attribute 'x'");
}

#[test]
fn string_slot_accessor_returns_str_and_option_slots_take_none() {
    let mut p = Person::new("Alice".into(), 30, None);
    let name: &str = p.name().unwrap();
    assert_eq!(name, "Alice");
    assert_eq!(p.nickname().unwrap(), None);
    p.setattr("nickname", "Al".into()).unwrap();
    assert_eq!(p.nickname().unwrap(), Some("Al"));
    p.setattr("nickname", Value::None).unwrap();
    assert_eq!(p.getattr("nickname").unwrap(), Value::None);
    let err = p.setattr("nickname", 3.into()).unwrap_err();
    assert_eq!(err.to_string(), "'Person' object attribute 'nickname' must be str or None, not int");
}

#[test]
fn wrong_typed_write_is_type_error_and_changes_nothing() {
    let mut p = Person::new("Alice".into(), 30, Some("Al".into()));
    p.setattr("extra", 1.into()).unwrap();
    let before = format!("{p:?}");
    for (name, value, exc, msg) in [
        ("name", Value::Int(1), "TypeError", "'Person' object attribute 'name' must be str, not int"),
        ("age", Value::from("x"), "TypeError", "'Person' object attribute 'age' must be int, not str"),
        ("age", Value::Float(1.5), "TypeError", "'Person' object attribute 'age' must be int, not float"),
        ("age", Value::Int(-1), "OverflowError", "'Person' object attribute 'age' must be int in range of u32, not -1"),
        (
            "age",
            Value::Int(1 << 40),
            "OverflowError",
            "'Person' object attribute 'age' must be int in range of u32, not 1099511627776",
        ),
    ] {
        let err = p.setattr(name, value).unwrap_err();
        assert_eq!((err.exception(), err.to_string().as_str()), (exc, msg));
        assert_eq!(format!("{p:?}"), before, "a failed setattr of {name} changed the object");
    }
    // Untyped slots take anything.
    p.setattr("tags", Value::from(vec![Value::from("a")])).unwrap();
    assert_eq!(p.getattr("tags").unwrap().to_string(), "['a']");
}

#[test]
fn failed_delete_changes_nothing() {
    let mut p = Person::new("Alice".into(), 30, None);
    p.delattr("age").unwrap();
    let before = format!("{p:?}");
    assert!(p.delattr("age").is_err());
    assert!(p.delattr("tags").is_err());
    assert!(p.delattr("nowhere").is_err());
    assert_eq!(format!("{p:?}"), before);
}

#[test]
fn default_has_every_slot_unset() {
    let p = Person::default();
    for name in ["name", "age", "nickname", "tags"] {
        assert!(!p.hasattr(name), "{name}");
    }
    assert!(p.dict().unwrap().is_empty());
    assert_eq!(
        format!("{p:?}"),
        "Person { name: <unset>, age: <unset>, nickname: <unset>, tags: <unset>, __dict__: {} }"
    );
}

#[test]
fn clashing_accessors_are_left_out_and_slots_stay_reachable() {
    let mut c = Clashing::new(1, 2, 3, 4);
    // `dict`, `layout` would shadow Object methods: no accessor.
    assert!(c.dict().is_none());
    assert_eq!(c.layout().name(), "Clashing");
    // `x()` exists; `set_x` is the getter of slot `set_x`, so slot `x` has
    // no setter.
    assert_eq!(*c.x().unwrap(), 3);
    assert_eq!(*c.set_x().unwrap(), 4);
    assert_eq!(c.getattr("dict").unwrap(), Value::Int(1));
    c.setattr("getattr", 5.into()).unwrap();
    assert_eq!(c.getattr("getattr").unwrap(), Value::Int(5));
}

#[test]
fn keyword_names() {
    let mut k = Keywords::new("t".into());
    assert_eq!(k.r#type().unwrap(), "t");
    k.set_type("u".into());
    k.setattr("match", 1.into()).unwrap();
    assert_eq!(k.dir(), ["__slots__", "match", "type"]);
}

#[test]
fn layout_describes_the_class() {
    const L: Layout = Person::LAYOUT;
    assert_eq!(L.name, "Person");
    assert_eq!(L.slots, ["name", "age", "nickname", "tags"]);
    assert_eq!(L.declared_slots, Some(&["name", "age", "nickname", "tags", "__dict__"][..]));
    const { assert!(L.has_dict && !L.has_weakref) };
    assert_eq!(L.size, std::mem::size_of::<Person>());
    assert!(L.module_path.ends_with("typed_slots"));
    assert!(!RegularThing::LAYOUT.declares_slots());
    const { assert!(RegularThing::LAYOUT.has_dict() && RegularThing::LAYOUT.has_weakref()) };
}

#[pyclass_like]
struct RegularThing {
    a: i64,
}

#[test]
fn compact_storage() {
    // Two f64 and one byte of set-flags.
    assert_eq!(std::mem::size_of::<Point>(), 24);
    assert_eq!(getsizeof(&Point::new(1.0, 2.0)), 24);
    assert_eq!(total_sizeof(&Point::new(1.0, 2.0)), 24);
    // A regular class is one pointer to its inline values (CPython 3.11's):
    // on the heap, the live dict's place and one value.
    assert_eq!(std::mem::size_of::<RegularThing>(), 8);
    assert_eq!(total_sizeof(&RegularThing::new(1)), 8 + 16 + 24);
}

#[test]
fn many_typed_slots_use_wider_flags() {
    #[pyclass_like]
    #[slots(a0, a1, a2, a3, a4, a5, a6, a7, a8)]
    struct Nine {
        a0: u8,
        a1: u8,
        a2: u8,
        a3: u8,
        a4: u8,
        a5: u8,
        a6: u8,
        a7: u8,
        a8: u8,
    }
    let mut n = Nine::new(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assert_eq!(n.getattr("a8").unwrap(), Value::Int(8));
    n.delattr("a8").unwrap();
    assert!(!n.hasattr("a8") && n.hasattr("a7"));
    assert_eq!(std::mem::size_of::<Nine>(), 12);
}

#[test]
fn objects_in_typed_slots() {
    #[pyclass_like]
    #[slots(street)]
    struct Address {
        street: String,
    }
    #[pyclass_like]
    #[slots(home, anything)]
    struct Resident {
        home: Py<Address>,
    }
    let home = Py::new(Address::new("Main St".into()));
    let mut r = Resident::new(home.clone());
    assert!(Py::is(r.home().unwrap(), &home));
    let got = r.getattr("home").unwrap();
    assert_eq!(got.as_object().unwrap().getattr("street").unwrap(), Value::from("Main St"));
    // An object of another class is a TypeError naming both classes.
    let other = Py::new(Resident::default());
    let err = r.setattr("home", other.into()).unwrap_err();
    assert_eq!(err.to_string(), "'Resident' object attribute 'home' must be Address, not Resident");
    r.setattr("anything", home.into()).unwrap();
}

/// Names that share lengths and bytes: the generated lookup (by length,
/// then by the byte that best tells names apart, then the whole name) must
/// find each slot and no near miss.
#[pyclass_like]
#[slots(ab, ba, aa, bb, abc, abd, é, ñx, a, xyzw, xyzv)]
struct Similar;

#[test]
fn name_dispatch_tells_similar_names_apart() {
    let names = ["ab", "ba", "aa", "bb", "abc", "abd", "é", "ñx", "a", "xyzw", "xyzv"];
    let mut s = Similar::default();
    for (i, n) in names.iter().enumerate() {
        s.setattr(n, Value::Int(i as i64)).unwrap();
    }
    for (i, n) in names.iter().enumerate() {
        assert_eq!(s.getattr(n).unwrap(), Value::Int(i as i64), "{n}");
    }
    for miss in ["", "b", "c", "ac", "ca", "abe", "bbc", "è", "ñy", "xyzx", "xyzwv", "é\0", "\u{e9}x"] {
        let err = s.getattr(miss).unwrap_err();
        assert_eq!(err.to_string(), format!("'Similar' object has no attribute '{miss}'"));
        assert!(s.setattr(miss, Value::Int(0)).is_err(), "{miss:?}");
        assert!(s.delattr(miss).is_err(), "{miss:?}");
    }
    s.delattr("abd").unwrap();
    assert!(s.getattr("abd").is_err());
    assert_eq!(s.getattr("abc").unwrap(), Value::Int(4));
}

/// The wider integers, bytes, and the typed collections.
#[pyclass_like]
#[slots(big, size, wide, uwide, offset, data, xs, names, scores, ranks, pair, six, nested)]
struct Wide {
    big: u64,
    size: usize,
    wide: i128,
    uwide: u128,
    offset: isize,
    data: PyBytes,
    xs: Vec<u8>,
    names: Vec<String>,
    scores: HashMap<String, i64>,
    ranks: BTreeMap<String, u8>,
    pair: (i64, String),
    six: (bool, i8, u16, f64, String, Option<i64>),
    nested: Vec<(u8, String)>,
}

fn wide() -> Wide {
    Wide::new(
        1,
        2,
        3,
        4,
        5,
        PyBytes::from(b"ab"),
        vec![1, 2],
        vec!["a".into()],
        HashMap::from([("a".into(), 1)]),
        BTreeMap::from([("a".into(), 1)]),
        (1, "x".into()),
        (true, -1, 2, 3.5, "s".into(), None),
        vec![(1, "a".into())],
    )
}

/// The `int` written in decimal.
fn int(decimal: &str) -> Value {
    Value::from(decimal.parse::<pyslots::BigInt>().unwrap())
}

#[test]
fn wide_integers_round_trip() {
    let mut w = wide();
    for (name, value) in [
        ("big", Value::from(u64::MAX)),
        ("big", Value::Int(0)),
        ("size", Value::from(usize::MAX)),
        ("wide", Value::from(i128::MIN)),
        ("wide", Value::from(i128::MAX)),
        ("uwide", Value::from(u128::MAX)),
        ("offset", Value::from(isize::MIN)),
    ] {
        w.setattr(name, value.clone()).unwrap();
        assert_eq!(w.getattr(name).unwrap(), value, "{name}");
        assert_eq!(w.getattr_ref(name).unwrap(), value, "{name}");
    }
    assert!(matches!(w.getattr("uwide").unwrap(), Value::BigInt(_)));
    assert_eq!((*w.size().unwrap(), *w.wide().unwrap()), (usize::MAX, i128::MAX));
    assert_eq!((*w.uwide().unwrap(), *w.offset().unwrap()), (u128::MAX, isize::MIN));
    w.setattr("big", Value::Bool(true)).unwrap(); // bool is an int
    assert_eq!(*w.big().unwrap(), 1);
    assert_eq!(w.getattr("big").unwrap(), Value::Int(1));
    w.set_big(u64::MAX);
    assert_eq!(w.getattr("big").unwrap().to_string(), "18446744073709551615");
    w.setattr("big", Value::Int(7)).unwrap();
    assert!(matches!(w.getattr_ref("big").unwrap(), ValueRef::Int(7)));
}

#[test]
fn bytes_slot_takes_bytes_and_lends_them() {
    let mut w = wide();
    for contents in [&b""[..], b"a\x00'", &[7; 40]] {
        w.setattr("data", Value::bytes(contents)).unwrap();
        assert_eq!(w.data().unwrap(), contents);
        assert_eq!(w.getattr("data").unwrap(), Value::bytes(contents));
        let lent = w.getattr_ref("data").unwrap();
        assert!(matches!(lent, ValueRef::Bytes(_)));
        assert_eq!(lent, Value::bytes(contents));
        assert_eq!((lent.as_bytes(), lent.type_name()), (Some(contents), "bytes"));
        assert_eq!(lent.to_value(), Value::bytes(contents));
        assert_eq!(lent.to_string(), Value::bytes(contents).to_string());
    }
    w.set_data(PyBytes::from(b"xy"));
    assert_eq!(w.getattr("data").unwrap().to_string(), "b'xy'");
}

#[test]
fn vec_slots_convert_lists_and_tuples_on_each_read_and_write() {
    let mut w = wide();
    let list = PyList::from(vec![Value::from(1), Value::from(2), Value::Bool(true)]);
    w.setattr("xs", Value::List(list.clone())).unwrap();
    assert_eq!(w.xs().unwrap(), [1, 2, 1]);
    // The slot holds the items, not the list: changing the list changes
    // nothing, and each read is a new list.
    list.push(3);
    assert_eq!(w.getattr("xs").unwrap().to_string(), "[1, 2, 1]");
    let (a, b) = (w.getattr("xs").unwrap(), w.getattr("xs").unwrap());
    assert!(a == b && !Value::is(&a, &b));
    a.as_list().unwrap().push(9);
    assert_eq!(w.getattr("xs").unwrap().to_string(), "[1, 2, 1]");
    // A tuple converts as well; it reads back as a list.
    w.setattr("xs", Value::tuple([4, 5])).unwrap();
    assert_eq!(w.getattr("xs").unwrap(), Value::list([4, 5]));
    w.setattr("xs", Value::list(Vec::<Value>::new())).unwrap();
    assert_eq!(w.xs().unwrap(), []);

    let long = "a string longer than fifteen bytes";
    w.setattr("names", Value::list(["a", long])).unwrap();
    let names: Vec<&str> = w.names().unwrap().iter().map(|s| &**s).collect();
    assert_eq!(names, ["a", long]);
    assert_eq!(w.getattr("names").unwrap().to_string(), format!("['a', '{long}']"));
    w.set_names(vec!["b".into()]);
    assert_eq!(w.getattr_ref("names").unwrap().to_string(), "['b']");

    w.setattr("nested", Value::list([Value::tuple([Value::from(1), Value::from("a")])])).unwrap();
    assert_eq!(w.nested().unwrap()[0].1.as_str(), "a");
    assert_eq!(w.getattr("nested").unwrap().to_string(), "[(1, 'a')]");
}

#[test]
fn map_slots_convert_dicts() {
    let mut w = wide();
    let dict = Value::dict([("b", 2), ("a", 1), ("c", 3)]);
    w.setattr("scores", dict.clone()).unwrap();
    assert_eq!(w.scores().unwrap().get("b"), Some(&2));
    assert_eq!(w.getattr("scores").unwrap(), dict); // == ignores order
    w.setattr("ranks", dict.clone()).unwrap();
    assert_eq!(w.ranks().unwrap().keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    // A BTreeMap reads back in its (sorted) order.
    assert_eq!(w.getattr("ranks").unwrap().to_string(), "{'a': 1, 'b': 2, 'c': 3}");
    // A new dict each read; changing one changes nothing.
    let read = w.getattr("ranks").unwrap();
    read.as_dict().unwrap().insert("d", 4);
    dict.as_dict().unwrap().insert("e", 5);
    assert_eq!(w.getattr("ranks").unwrap().to_string(), "{'a': 1, 'b': 2, 'c': 3}");
    w.setattr("scores", Value::dict(Vec::<(&str, Value)>::new())).unwrap();
    assert!(w.scores().unwrap().is_empty());
    w.set_ranks(BTreeMap::from([("z".into(), 26)]));
    assert_eq!(w.getattr_ref("ranks").unwrap().to_string(), "{'z': 26}");
}

#[test]
fn tuple_slots_convert_tuples_of_their_length() {
    let mut w = wide();
    w.setattr("pair", Value::from((2, "two"))).unwrap();
    let (n, s): (&i64, &str) = w.pair().unwrap();
    assert_eq!((*n, s), (2, "two"));
    assert_eq!(w.getattr("pair").unwrap().to_string(), "(2, 'two')");
    let six = Value::tuple([
        Value::Bool(false),
        Value::Int(-128),
        Value::Int(65535),
        Value::Int(2),
        Value::from("s"),
        Value::Int(9),
    ]);
    w.setattr("six", six.clone()).unwrap();
    assert_eq!(w.getattr("six").unwrap().to_string(), "(False, -128, 65535, 2.0, 's', 9)");
    assert_eq!(w.six().unwrap().5, Some(&9));
    w.set_pair((3, "three".into()));
    assert_eq!(w.getattr_ref("pair").unwrap().to_string(), "(3, 'three')");
}

#[test]
fn collection_and_wide_integer_errors_name_the_item_and_change_nothing() {
    let mut w = wide();
    let before = format!("{w:?}");
    let tuple = |items: Vec<Value>| Value::Tuple(PyTuple::new(items));
    let (s, i) = (|t: &str| Value::from(t), Value::Int);
    let type_error = "TypeError";
    let overflow = "OverflowError";
    let attr = |name: &str, rest: &str| format!("'Wide' object attribute '{name}' must be {rest}");
    let cases: Vec<(&str, Value, &str, String)> = vec![
        ("big", s("1"), type_error, attr("big", "int, not str")),
        ("big", i(-1), overflow, attr("big", "int in range of u64, not -1")),
        ("big", int("18446744073709551616"), overflow, attr("big", "int in range of u64, not 18446744073709551616")),
        ("size", i(-1), overflow, attr("size", "int in range of usize, not -1")),
        (
            "wide",
            int("170141183460469231731687303715884105728"),
            overflow,
            attr("wide", "int in range of i128, not 170141183460469231731687303715884105728"),
        ),
        (
            "wide",
            int("-170141183460469231731687303715884105729"),
            overflow,
            attr("wide", "int in range of i128, not -170141183460469231731687303715884105729"),
        ),
        ("uwide", i(-1), overflow, attr("uwide", "int in range of u128, not -1")),
        (
            "uwide",
            int("340282366920938463463374607431768211456"),
            overflow,
            attr("uwide", "int in range of u128, not 340282366920938463463374607431768211456"),
        ),
        (
            "uwide",
            int("-1180591620717411303424"),
            overflow,
            attr("uwide", "int in range of u128, not -1180591620717411303424"),
        ),
        (
            "offset",
            int("9223372036854775808"),
            overflow,
            attr("offset", "int in range of isize, not 9223372036854775808"),
        ),
        ("offset", Value::Float(1.0), type_error, attr("offset", "int, not float")),
        ("data", s("ab"), type_error, attr("data", "bytes, not str")),
        ("data", Value::list([1, 2]), type_error, attr("data", "bytes, not list")),
        ("xs", s("ab"), type_error, attr("xs", "list[int], not str")),
        ("xs", Value::bytes(b"ab"), type_error, attr("xs", "list[int], not bytes")),
        ("xs", Value::dict([("a", 1)]), type_error, attr("xs", "list[int], not dict")),
        ("xs", Value::list([i(1), i(2), s("a")]), type_error, attr("xs", "list[int], not list (item 2 is str)")),
        (
            "xs",
            Value::list([i(1), i(300)]),
            overflow,
            attr("xs", "list[int], not list (item 1 is 300, out of range of u8)"),
        ),
        (
            "xs",
            tuple(vec![i(0), i(-1)]),
            overflow,
            attr("xs", "list[int], not tuple (item 1 is -1, out of range of u8)"),
        ),
        ("names", Value::list([1]), type_error, attr("names", "list[str], not list (item 0 is int)")),
        ("scores", Value::list([1]), type_error, attr("scores", "dict[str, int], not list")),
        (
            "scores",
            Value::dict([("a", i(1)), ("b", s("x"))]),
            type_error,
            attr("scores", "dict[str, int], not dict (item 'b' is str)"),
        ),
        (
            "scores",
            Value::dict([("a", int("1180591620717411303424"))]),
            overflow,
            attr("scores", "dict[str, int], not dict (item 'a' is 1180591620717411303424, out of range of i64)"),
        ),
        (
            "ranks",
            Value::dict([("it's", 256)]),
            overflow,
            attr("ranks", "dict[str, int], not dict (item \"it's\" is 256, out of range of u8)"),
        ),
        ("pair", Value::tuple([1]), type_error, attr("pair", "tuple[int, str], not tuple (length 1)")),
        ("pair", tuple(vec![i(1), s("x"), i(2)]), type_error, attr("pair", "tuple[int, str], not tuple (length 3)")),
        ("pair", Value::list([i(1), s("x")]), type_error, attr("pair", "tuple[int, str], not list")),
        ("pair", tuple(vec![s("x"), s("x")]), type_error, attr("pair", "tuple[int, str], not tuple (item 0 is str)")),
        (
            "six",
            tuple(vec![Value::Bool(true), i(128), i(0), i(0), s(""), Value::None]),
            overflow,
            attr(
                "six",
                "tuple[bool, int, int, float, str, int or None], not tuple (item 1 is 128, out of range of i8)",
            ),
        ),
        (
            "six",
            tuple(vec![Value::Bool(true), i(0), i(0), i(0), s(""), s("x")]),
            type_error,
            attr("six", "tuple[bool, int, int, float, str, int or None], not tuple (item 5 is str)"),
        ),
        (
            "nested",
            Value::list([tuple(vec![i(1), s("a")]), tuple(vec![i(2), i(3)])]),
            type_error,
            attr("nested", "list[tuple[int, str]], not list (item 1 is tuple (item 1 is int))"),
        ),
        (
            "nested",
            Value::list([tuple(vec![i(1)])]),
            type_error,
            attr("nested", "list[tuple[int, str]], not list (item 0 is tuple (length 1))"),
        ),
        (
            "nested",
            Value::list([tuple(vec![i(300), s("a")])]),
            overflow,
            attr("nested", "list[tuple[int, str]], not list (item 0 is tuple (item 0 is 300, out of range of u8))"),
        ),
    ];
    for (name, value, exc, msg) in cases {
        let err = w.setattr(name, value).unwrap_err();
        assert_eq!((err.exception(), err.to_string()), (exc, msg));
        assert_eq!(format!("{w:?}"), before, "a failed setattr of {name} changed the object");
    }
}

#[test]
fn a_big_int_into_a_narrow_slot_is_an_overflow() {
    let mut p = Person::new("Alice".into(), 30, None);
    let before = format!("{p:?}");
    let err = p.setattr("age", int("1180591620717411303424")).unwrap_err();
    assert_eq!(
        (err.exception(), err.to_string().as_str()),
        ("OverflowError", "'Person' object attribute 'age' must be int in range of u32, not 1180591620717411303424")
    );
    assert_eq!(format!("{p:?}"), before);
}

/// A typed slot of `Option<u8>`: `None` or an integer in `u8`'s range.
#[pyclass_like]
#[slots(stars)]
struct Rating {
    stars: Option<u8>,
}

#[test]
fn an_optional_integer_slot_reports_the_inner_range() {
    let mut r = Rating::new(Some(3));
    let err = r.setattr("stars", Value::Int(300)).unwrap_err();
    assert_eq!(err.kind(), pyslots::ErrorKind::OverflowError);
    assert_eq!(err.to_string(), "'Rating' object attribute 'stars' must be int or None in range of u8, not 300");
    assert_eq!(r.getattr("stars").unwrap(), Value::Int(3), "nothing changed");
    r.setattr("stars", Value::None).unwrap();
    assert_eq!(r.getattr("stars").unwrap(), Value::None);
}
