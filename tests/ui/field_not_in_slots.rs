use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
struct Point {
    x: f64,
    y: f64,
}

fn main() {}
