use pyslots::prelude::*;

#[pyclass_like(frozen = true)]
#[slots(x)]
struct Point {
    x: f64,
}

fn main() {}
