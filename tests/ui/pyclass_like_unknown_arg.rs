use pyslots::prelude::*;

#[pyclass_like(foo)]
struct Point {
    x: f64,
}

fn main() {}
