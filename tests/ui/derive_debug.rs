use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
#[derive(Clone, Debug)]
struct Point {
    x: f64,
}

fn main() {}
