use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, y, x)]
struct Point {
    x: f64,
    y: f64,
}

fn main() {}
