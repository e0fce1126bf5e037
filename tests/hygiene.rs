//! Hygiene: the generated code names nothing through the user's scope.
//!
//! The classes live in a module with `#![no_implicit_prelude]`, beside user
//! items that shadow every name generated code could reach for unqualified
//! (`Value`, `Error`, `Result`, `Option`, `String`, `Some`, `None`, `Ok`,
//! `Err`, `Vec`, `Default`, `Box`, modules `core`, `std` and `pyslots`, and
//! a trait in scope whose by-value methods share names with the inherent
//! methods generated code calls), in a crate with `#![forbid(unsafe_code)]`
//! and `#![deny(warnings)]`. That it compiles is most of the test; the tests
//! then drive every class through the run-time API.
#![forbid(unsafe_code)]
#![deny(warnings)]

mod classes {
    #![no_implicit_prelude]

    // Only absolute paths work here: no prelude, no `vec!`, no `String`.
    use ::pyslots::{pyclass_like, slots};

    /// Lookalikes of the names generated code must not pick up.
    pub struct Value;
    pub struct Error;
    pub struct Result;
    pub struct Option;
    pub struct String;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct Vec;
    pub struct Default;
    pub struct Box;
    pub struct Dict;
    pub struct Layout;
    pub struct Object;
    pub struct PyClass;
    pub mod core {}
    pub mod std {}
    pub mod pyslots {}

    /// A trait in scope for every type, with by-value methods named as the
    /// inherent methods that generated code calls: method-call syntax in
    /// the expansion would pick these first.
    #[allow(clippy::wrong_self_convention)]
    pub trait Lookalike: ::core::marker::Sized {
        fn heap_size(self) -> u8 {
            0
        }
        fn is_some(self) -> u8 {
            0
        }
        fn insert(self, _: u8) -> u8 {
            0
        }
        fn get(self) -> u8 {
            0
        }
        fn get_mut(self) -> u8 {
            0
        }
        fn map_or(self, _: u8, _: u8) -> u8 {
            0
        }
        fn from(_: u8) -> u8 {
            0
        }
    }
    impl<T> Lookalike for T {}

    /// A regular class: attributes in `__dict__`.
    #[pyclass_like]
    pub struct Regular {
        pub name: ::std::string::String,
        pub age: i64,
    }

    /// Typed slots, an untyped slot, `__dict__` and `__weakref__`.
    #[pyclass_like]
    #[slots(name, x, extra, __dict__, __weakref__)]
    pub struct Slotted {
        /// The name.
        pub name: ::std::string::String,
        pub x: f64,
    }

    /// Untyped slots only, with the attributes the other way round.
    #[slots(u, "v")]
    #[::pyslots::pyclass_like]
    pub struct Untyped;

    /// A slotted base, and a subclass adding a slot.
    #[pyclass_like]
    #[slots(a)]
    pub struct Base {
        pub a: i64,
    }

    #[pyclass_like(extends = Base)]
    #[slots(b)]
    pub struct Child {
        pub b: ::core::option::Option<i64>,
    }

    /// A regular base: `__dict__` and `__weakref__`, no slots.
    #[pyclass_like]
    pub struct Plain {
        pub tag: bool,
    }

    /// `class Multi(Base, Plain): __slots__ = ['c']`: one slotted base, one
    /// regular, so no layout conflict; `Base` is stored, the dict is the
    /// class's own (CPython adds one for a secondary base that has one).
    #[pyclass_like(extends(Base, self::Plain))]
    #[slots(c)]
    pub struct Multi {
        pub c: i64,
    }

    /// A subclass without `#[slots]`: fields go to the instance dict.
    #[pyclass_like(extends = Child)]
    pub struct RegularChild {
        pub note: ::std::string::String,
    }

    /// `#[methods]`: a property with a setter and deleter, a method with an
    /// optional parameter, a static method, the hooks and special methods.
    #[pyclass_like]
    #[slots(_v)]
    pub struct Behaving {
        pub _v: i64,
    }

    #[::pyslots::methods]
    impl Behaving {
        #[getter]
        fn v(&self) -> ::core::result::Result<i64, ::pyslots::Error> {
            ::core::result::Result::map(self._v(), |v| *v)
        }
        #[setter]
        fn set_v(&mut self, value: i64) {
            self.set__v(value)
        }
        #[deleter]
        fn del_v(&mut self) {}
        fn add(
            &mut self,
            by: i64,
            times: ::core::option::Option<i64>,
        ) -> ::core::result::Result<i64, ::pyslots::Error> {
            let v = self.v()? + by * ::core::option::Option::unwrap_or(times, 1);
            self.set__v(v);
            ::core::result::Result::Ok(v)
        }
        #[staticmethod]
        fn zero() -> i64 {
            0
        }
        fn __getattr__(&self, name: &str) -> ::core::result::Result<::pyslots::Value, ::pyslots::Error> {
            ::core::result::Result::Err(::pyslots::Error::attribute_error(::std::borrow::ToOwned::to_owned(name)))
        }
        fn __repr__(&self) -> ::std::string::String {
            ::std::borrow::ToOwned::to_owned("Behaving()")
        }
        fn __eq__(&self, _other: &Self) -> bool {
            true
        }
        fn __hash__(&self) -> i64 {
            7
        }
        fn __copy__(&self) -> ::core::option::Option<Self> {
            ::core::option::Option::None
        }
    }
}

use classes::{Base, Behaving, Child, Multi, Plain, Regular, RegularChild, Slotted, Untyped};
use pyslots::prelude::*;

#[test]
fn lookalikes_are_only_lookalikes() {
    // The user's items keep their meaning next to the classes.
    use classes as c;
    let _ = (c::Value, c::Error, c::Result, c::Option, c::String, c::Some, c::None, c::Ok, c::Err, c::Vec);
    let _ = (c::Default, c::Box, c::Dict, c::Layout, c::Object, c::PyClass);
    use classes::Lookalike as L;
    assert_eq!((L::heap_size(1u8), L::is_some(1u8), L::insert(1u8, 2), L::get(1u8), L::get_mut(1u8)), (0, 0, 0, 0, 0));
    assert_eq!((L::map_or(1u8, 0, 0), <u8 as L>::from(1)), (0, 0));
}

#[test]
fn regular_class() {
    let mut r = Regular::new("Alice".to_owned(), 30);
    assert_eq!(getattr(&r, "name").unwrap(), Value::from("Alice"));
    setattr(&mut r, "height", 170).unwrap();
    assert_eq!(vars(&r).unwrap().to_string(), "{'name': 'Alice', 'age': 30, 'height': 170}");
    delattr(&mut r, "age").unwrap();
    assert!(!hasattr(&r, "age"));
    assert_eq!(dir(&r), ["__dict__", "__weakref__", "height", "name"]);
}

#[test]
fn slotted_class_with_dict_and_weakref() {
    let mut s = Slotted::new("Bob".to_owned(), 1.5);
    assert_eq!(s.name().unwrap(), "Bob");
    assert_eq!(*s.x().unwrap(), 1.5);
    s.set_x(2.5);
    s.set_name("Rob".to_owned());
    assert_eq!(getattr(&s, "x").unwrap(), Value::Float(2.5));
    let err = getattr(&s, "extra").unwrap_err();
    assert_eq!(err.to_string(), "'Slotted' object has no attribute 'extra'");
    setattr(&mut s, "extra", "anything").unwrap();
    setattr(&mut s, "other", 1).unwrap(); // into __dict__
    assert_eq!(vars(&s).unwrap().to_string(), "{'other': 1}");
    let err = setattr(&mut s, "x", "text").unwrap_err();
    assert_eq!(err.exception(), "TypeError");
    assert_eq!(dir(&s), ["__dict__", "__slots__", "__weakref__", "extra", "name", "other", "x"]);

    let py = Py::new(s);
    let weak = Py::downgrade(&py);
    assert!(weak.upgrade().is_some());
    assert!(Py::try_downgrade(&py).is_ok());
}

#[test]
fn untyped_slots() {
    let mut u = Untyped::new();
    setattr(&mut u, "u", 1).unwrap();
    setattr(&mut u, "v", "two").unwrap();
    assert_eq!(getattr(&u, "v").unwrap(), Value::from("two"));
    let err = setattr(&mut u, "w", 3).unwrap_err();
    assert_eq!(err.to_string(), "'Untyped' object has no attribute 'w'");
    assert_eq!(vars(&u).unwrap_err().exception(), "TypeError");
    let err = Py::try_downgrade(&Py::new(u)).unwrap_err();
    assert_eq!(err.to_string(), "cannot create weak reference to 'Untyped' object");
}

#[test]
fn subclasses() {
    let mut c = Child::with_base(Base::new(1), Some(2));
    assert_eq!(*c.a().unwrap(), 1); // the base's accessor, through Deref
    assert_eq!(c.b().unwrap(), Some(&2));
    c.set_b(None);
    c.set_a(5);
    setattr(&mut c, "a", 10).unwrap();
    assert_eq!(getattr(&c, "a").unwrap(), Value::Int(10));
    assert_eq!(getattr(&c, "b").unwrap(), Value::None);
    let err = setattr(&mut c, "z", 0).unwrap_err();
    assert_eq!(err.to_string(), "'Child' object has no attribute 'z'");
    assert_eq!(dir(&c), ["__slots__", "a", "b"]);

    // Base is the stored base (Plain adds no slots): `new` takes it alone.
    let mut m = Multi::with_base(Base::new(1), 3);
    setattr(&mut m, "tag", true).unwrap();
    assert_eq!(*m.c().unwrap(), 3);
    m.set_c(4);
    setattr(&mut m, "a", 7).unwrap();
    setattr(&mut m, "anything", 8).unwrap(); // Plain's __dict__
    assert_eq!(getattr(&m, "tag").unwrap(), Value::Bool(true));
    assert_eq!(getattr(&m, "c").unwrap(), Value::Int(4));
    assert!(hasattr(&m, "anything"));
    let _ = Py::downgrade(&Py::new(m));

    let mut rc = RegularChild::with_base(Child::with_base(Base::new(1), None), "n".to_owned());
    setattr(&mut rc, "b", 9).unwrap();
    setattr(&mut rc, "new_name", 1.0).unwrap();
    assert_eq!(vars(&rc).unwrap().to_string(), "{'note': 'n', 'new_name': 1.0}");
    assert_eq!(getattr(&rc, "b").unwrap(), Value::Int(9));
    let _ = Py::downgrade(&Py::new(rc));
    let _ = (Plain::default().getattr("tag"), Multi::default());
}

#[test]
fn methods_block() {
    let mut b = Behaving::new(1);
    setattr(&mut b, "v", 5).unwrap();
    assert_eq!(getattr(&b, "v").unwrap(), Value::Int(5));
    assert_eq!(pyslots::call_method(&mut b, "add", &[Value::Int(2)], &[]).unwrap(), Value::Int(7));
    assert_eq!(pyslots::call_method(&mut b, "zero", &[], &[]).unwrap(), Value::Int(0));
    assert_eq!(getattr(&b, "nope").unwrap_err().to_string(), "nope");
    assert_eq!(b.to_string(), "Behaving()");
    let o = Value::Object(Py::new(b).into_object());
    assert_eq!(o.py_hash().unwrap(), 7);
    assert!(Value::is(&pyslots::copy(&o).unwrap(), &o));
}

/// Constructor locals and base parameters cannot collide with fields.
mod names_that_could_collide {
    use pyslots::prelude::*;

    #[pyclass_like]
    struct Animal {
        a: i64,
    }

    #[pyclass_like(extends = Animal)]
    struct Sub {
        this: i64,
        d: i64,
        animal: i64,
        base0: i64,
    }

    #[test]
    fn fields_named_like_generated_locals() {
        let s = Sub::with_base(Animal::new(1), 2, 3, 4, 5);
        assert_eq!(pyslots::vars(&s).unwrap().to_string(), "{'a': 1, 'this': 2, 'd': 3, 'animal': 4, 'base0': 5}");
    }
}

/// User types that shadow primitive names do not reach generated code.
#[allow(non_camel_case_types, dead_code)]
mod shadowed_primitives {
    struct str;
    struct bool;
    struct usize;
    struct u8;
    struct u16;
    struct u32;

    use pyslots::{pyclass_like, Object};

    #[pyclass_like]
    #[slots(a, b, tag, __dict__, __weakref__)]
    struct Slotted {
        a: f64,
        b: i64,
    }

    #[pyclass_like]
    struct Regular {
        a: i64,
    }

    #[pyclass_like(extends = Regular)]
    #[slots(c)]
    struct Child {
        c: f64,
    }

    #[test]
    fn classes_compile_and_work_beside_shadowing_types() {
        let mut s = Slotted::new(1.5, 2);
        s.setattr("tag", pyslots::Value::from(3)).unwrap();
        assert!(s.hasattr("tag"));
        let c = Child::with_base(Regular::new(1), 2.5);
        assert_eq!(c.getattr("a").unwrap(), pyslots::Value::Int(1));
    }
}

/// Lowercase unit structs and consts named like the generated code's
/// parameters and bindings. A binding named like a unit struct or const in
/// scope is a pattern, not a new name, so every parameter and binding the
/// expansion introduces must be spelled `__pyslots_...`. The exception is
/// `new`, whose parameters are the fields' and the bases' names, as a
/// hand-written constructor's would be.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code)]
mod lowercase_items_in_scope {
    struct name;
    struct value;
    struct cls;
    struct f;
    struct found;
    struct done;
    struct d;
    struct this;
    struct bytes;
    const index: u32 = 7;
    const other: u8 = 0;
    const n: u8 = 0;

    use pyslots::{pyclass_like, Object};

    #[pyclass_like]
    #[slots(a, b, tag, __dict__, __weakref__)]
    struct Slotted {
        a: f64,
        b: i64,
    }

    #[pyclass_like]
    struct Regular {
        a: i64,
    }

    #[pyclass_like(extends = Regular)]
    #[slots(c)]
    struct Child {
        c: f64,
    }

    #[pyclass_like(extends(Child, Regular2))]
    struct Both {
        e: i64,
    }

    #[pyclass_like]
    struct Regular2 {
        s: ::std::string::String,
    }

    #[test]
    fn classes_work_beside_lowercase_items() {
        let mut s = Slotted::new(1.5, 2);
        s.setattr("tag", pyslots::Value::from(3)).unwrap();
        s.set_a(2.5);
        assert!(s.hasattr("tag"));
        s.delattr("tag").unwrap();
        assert_eq!(format!("{s:?}"), "Slotted { a: 2.5, b: 2, tag: <unset>, __dict__: {} }");
        let mut both = Both::with_base(Child::with_base(Regular::new(1), 2.5), 4);
        both.setattr("s", pyslots::Value::from("x")).unwrap();
        both.setattr("c", pyslots::Value::from(1.0)).unwrap();
        both.delattr("a").unwrap();
        assert_eq!(both.getattr("s").unwrap(), pyslots::Value::from("x"));
        assert_eq!(pyslots::vars(&both).unwrap().to_string(), "{'e': 4, 's': 'x'}");
    }
}
