use pyslots::prelude::*;

#[pyclass_like]
struct Point(f64, f64);

fn main() {}
