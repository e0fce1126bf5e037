use pyslots::prelude::*;

#[pyclass_like]
#[derive(Default)]
struct Point {
    x: f64,
}

fn main() {}
