//! "Pitfall 3: Multiple Inheritance" from the tutorial, in pyslots.
//!
//! Two bases that both have slots cannot be combined: CPython raises
//! `TypeError: multiple bases have instance lay-out conflict` when the class
//! is created, and pyslots refuses to compile it:
//!
//! ```compile_fail
//! use pyslots::prelude::*;
//!
//! #[pyclass_like]
//! #[slots(a)]
//! struct A;
//!
//! #[pyclass_like]
//! #[slots(b)]
//! struct B;
//!
//! #[pyclass_like(extends(A, B))]   // error: multiple bases have instance lay-out conflict
//! #[slots()]
//! struct C;
//! ```
//!
//! Run with `cargo run --example multiple_inheritance`.

use pyslots::prelude::*;
use pyslots::PyClass;

#[pyclass_like]
#[slots(a)]
struct A {
    a: i64,
}

#[pyclass_like]
#[slots(b)]
struct B {
    b: i64,
}

// Solution 1: single inheritance. class C(A): __slots__ = ['b']
#[pyclass_like(extends = A)]
#[slots(b)]
struct C {
    b: i64,
}

// Solution 2: composition. C holds a B instead of inheriting from it.
#[pyclass_like(extends = A)]
#[slots(inner)]
struct Composed {
    inner: Py<B>,
}

// What CPython does allow: bases whose layouts form one line of descent
// (class A2(A), then class D(A2, A)), and bases that add only __dict__ or
// __weakref__.
#[pyclass_like(extends = A)]
#[slots(a2)]
struct A2 {
    a2: i64,
}

#[pyclass_like(extends(A2, A))]
#[slots(d)]
struct D;

#[pyclass_like]
struct Named {
    name: String,
}

#[pyclass_like(extends(A, Named))]
#[slots(k)]
struct SlotsAndDict;

fn main() -> Result<(), Error> {
    println!("class C(A, B) with both bases slotted does not compile:");
    println!("  error: multiple bases have instance lay-out conflict\n");

    println!("Solution 1: inherit from one, declare the other's slots");
    let c = C::with_base(A::new(1), 2);
    println!("  C(a=1, b=2): c.a = {}, c.b = {}", c.getattr("a")?, c.getattr("b")?);
    assert_eq!(dir(&c), ["__slots__", "a", "b"]);

    println!("\nSolution 2: composition");
    let composed = Composed::with_base(A::new(1), Py::new(B::new(2)));
    let inner = composed.getattr("inner")?;
    let b = inner.as_object().expect("an object").getattr("b")?;
    println!("  composed.inner.b = {b}");
    assert_eq!(b, Value::Int(2));

    println!("\nAllowed: one line of descent, class D(A2, A)");
    let mut d = D::default();
    for (name, value) in [("a", 1), ("a2", 2), ("d", 3)] {
        d.setattr(name, value.into())?;
    }
    let mro: Vec<&str> = D::LAYOUT.mro().iter().map(|l| l.name).collect();
    println!("  D.__mro__ = {mro:?}, dir(d) = {:?}", dir(&d));
    assert_eq!(mro, ["D", "A2", "A"]);

    println!("\nAllowed: a slotted base and a regular one, class S(A, Named)");
    let mut s = SlotsAndDict::default();
    s.setattr("a", 1.into())?;
    s.setattr("name", "n".into())?;
    println!("  s.a = {}, s.__dict__ = {}", s.getattr("a")?, vars(&s)?);
    assert_eq!(vars(&s)?.to_string(), "{'name': 'n'}");
    Ok(())
}
