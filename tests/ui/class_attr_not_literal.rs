use pyslots::prelude::*;

fn foo() -> i64 {
    4
}

#[pyclass_like(class_attrs(legs = foo()))]
#[slots(name)]
struct Dog {
    name: String,
}

#[pyclass_like(class_attrs(tag = b"bytes"))]
struct Cat;

// Every bad value is reported, and the good ones between them kept.
#[pyclass_like(class_attrs(size = 4u8, name = "Tweety", wings = [1, 2], legs = 2))]
struct Bird;

fn main() {
    let _ = foo();
}
