use pyslots::prelude::*;

// A slot that names no field, near a field that is not listed: beside the
// field's error, the slot says which field it most likely meant.
#[pyclass_like]
#[slots(x, yy)]
struct Point {
    x: f64,
    y: f64,
}

// Case counts as half an edit, as in CPython's suggestions.
#[pyclass_like]
#[slots(name, Age)]
struct Person {
    name: String,
    age: u32,
}

// Far from every unlisted field: no hint (`colour` is an untyped slot).
#[pyclass_like]
#[slots(colour)]
struct Pen {
    ink: String,
}

fn main() {}
