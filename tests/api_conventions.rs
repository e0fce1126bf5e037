//! The API conventions of ARCHITECTURE.md ("Conventions"), as a user
//! meets them: constructors that take only what a class stores itself,
//! typed accessors for a regular class's fields, handles with every
//! attribute operation, and failure as `Result` (a borrow conflict, a copy
//! CPython refuses, a class known by its layout only).

use pyslots::prelude::*;
use pyslots::Instance;

// `ipaddress`'s shape, at compile time: bases that hold no typed data.
#[pyclass_like]
#[slots()]
struct _IPAddressBase;

#[pyclass_like(extends = _IPAddressBase)]
#[slots()]
struct _BaseAddress;

#[pyclass_like]
#[slots(_max_prefixlen)]
struct _BaseV4;

#[pyclass_like(extends(_BaseV4, _BaseAddress))]
#[slots(_ip, __weakref__)]
struct IPv4Address {
    _ip: u32,
}

#[test]
fn new_takes_only_the_class_own_fields() {
    let a = IPv4Address::new(0x7f00_0001);
    assert_eq!(*a._ip().unwrap(), 0x7f00_0001);
    assert!(!a.hasattr("_max_prefixlen"), "the base starts as Default: its slot unset");
    let mut base = _BaseV4::default();
    base.setattr("_max_prefixlen", 32.into()).unwrap();
    let b = IPv4Address::with_base(base, 1);
    assert_eq!(b.getattr("_max_prefixlen").unwrap(), Value::Int(32));
}

#[pyclass_like]
#[slots(name, species)]
struct Animal {
    name: String,
    species: String,
}

#[pyclass_like(extends = Animal)]
struct Pet {
    owner: String,
    age: u8,
}

#[pyclass_like]
struct Config {
    /// The user's name.
    user: String,
    retries: Option<i64>,
    tags: Vec<String>,
}

#[test]
fn regular_fields_have_typed_accessors() {
    let mut c = Config::new("ada".into(), Some(3), vec!["a".into()]);
    assert_eq!(c.user().unwrap(), "ada");
    assert_eq!(c.retries().unwrap(), Some(3));
    assert_eq!(c.tags().unwrap(), ["a"]);
    c.set_retries(None);
    assert_eq!(c.getattr("retries").unwrap(), Value::None);
    assert_eq!(c.retries().unwrap(), None);
    c.set_user("bob".into());
    assert_eq!(vars(&c).unwrap().to_string(), "{'user': 'bob', 'retries': None, 'tags': ['a']}");

    // By name, the dict takes anything; the accessor says what it got.
    c.setattr("retries", "many".into()).unwrap();
    let err = c.retries().unwrap_err();
    assert_eq!(err.exception(), "TypeError");
    assert_eq!(err.to_string(), "'Config' object attribute 'retries' must be int or None, not str");
    c.delattr("user").unwrap();
    let err = c.user().unwrap_err();
    assert_eq!(
        (err.exception(), err.to_string()),
        ("AttributeError", "'Config' object has no attribute 'user'".into())
    );
    assert_eq!(err.attribute_name(), Some("user"));
}

#[test]
fn a_regular_subclass_has_both_kinds_of_accessor() {
    let mut p = Pet::with_base(Animal::new("Rex".into(), "dog".into()), "ada".into(), 3);
    assert_eq!((p.name().unwrap(), p.owner().unwrap(), p.age().unwrap()), ("Rex", "ada".to_owned(), 3));
    p.setattr("age", 300.into()).unwrap();
    assert_eq!(p.age().unwrap_err().exception(), "OverflowError");
    let q = Pet::new("bob".into(), 1);
    // The base's accessor, reached through `Deref`, sees only the base: its
    // message names `Animal` where CPython's would name `Pet` (getattr by
    // name names `Pet`).
    assert_eq!(q.name().unwrap_err().exception(), "AttributeError");
    assert_eq!(q.getattr("name").unwrap_err().to_string(), "'Pet' object has no attribute 'name'");
    assert_eq!(q.owner().unwrap(), "bob");
}

#[test]
fn handles_have_every_attribute_operation_and_return_conflicts() {
    let p = Py::new(Config::new("ada".into(), None, vec![]));
    assert!(p.hasattr("user").unwrap());
    p.setattr("extra", 1).unwrap();
    p.delattr("extra").unwrap();
    assert_eq!(p.dir().unwrap(), ["__dict__", "__weakref__", "retries", "tags", "user"]);
    let o = p.clone().into_object();
    assert_eq!(o.dir().unwrap(), p.dir().unwrap());
    assert!(o.total_sizeof().unwrap() > 0);

    let guard = p.write();
    for e in [
        p.getattr("user").unwrap_err(),
        p.hasattr("user").unwrap_err(),
        p.dir().unwrap_err(),
        o.delattr("user").unwrap_err(),
        p.total_sizeof().unwrap_err(),
        p.copy().unwrap_err(),
        p.deepcopy().unwrap_err(),
        pyslots::copy(&Value::Object(o.clone())).unwrap_err(),
    ] {
        assert_eq!(e.exception(), "RuntimeError");
        assert_eq!(e.to_string(), "Already mutably borrowed");
    }
    drop(guard);
    assert!(p.copy().is_ok());
}

#[test]
fn instances_of_a_class_known_by_its_layout_are_an_error() {
    let t = Type::of::<IPv4Address>();
    assert!(t.instantiate().is_ok());
    let base = &t.bases()[0];
    assert_eq!(base.name(), "_BaseV4");
    let err = base.instantiate().unwrap_err();
    assert_eq!(err.exception(), "TypeError");
    assert!(Instance::new(&t).is_err(), "a #[pyclass_like] class's instances are its Rust type");
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x"]));
    let point = Type::new("Point", &[], ns).unwrap();
    let mut owned = Instance::new(&point).unwrap();
    owned.setattr("x", 1.into()).unwrap();
    assert_eq!(point.instantiate().unwrap().type_name(), "Point");
}
