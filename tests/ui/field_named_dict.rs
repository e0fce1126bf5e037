use pyslots::prelude::*;

#[pyclass_like]
struct Point {
    x: f64,
    __dict__: Dict,
}

fn main() {}
