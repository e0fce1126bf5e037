use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, 1.5)]
struct Point;

fn main() {}
