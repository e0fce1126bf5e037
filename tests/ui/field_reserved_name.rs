use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, __pyslots_set)]
struct Point {
    x: f64,
    __pyslots_set: u8,
}

fn main() {}
