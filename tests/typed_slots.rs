//! What pyslots adds to Python's model and CPython cannot be the oracle
//! for: typed slots (their accessors, their `TypeError`s), constructors,
//! `Default`, layouts and sizes. Failed calls must leave objects unchanged.

use pyslots::prelude::*;

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
    assert_eq!(c.layout().name, "Clashing");
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
    const { assert!(RegularThing::LAYOUT.has_dict && RegularThing::LAYOUT.has_weakref) };
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
