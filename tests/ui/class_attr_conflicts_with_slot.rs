use pyslots::prelude::*;

// Python: `ValueError: 'x' in __slots__ conflicts with class variable`.
#[pyclass_like(class_attrs(x = 0.0, label = "origin"))]
#[slots(x, y, "label")]
struct Point {
    x: f64,
    y: f64,
}

// A private name conflicts after mangling.
#[pyclass_like(class_attrs(__token = "none"))]
#[slots(__token)]
struct Secret;

fn main() {}
