use pyslots::prelude::*;

#[pyclass_like(frozen, frozen)]
#[slots(x)]
struct Point {
    x: f64,
}

fn main() {}
