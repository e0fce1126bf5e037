use pyslots::prelude::*;

#[pyclass_like(extends())]
struct Point {
    x: f64,
}

fn main() {}
