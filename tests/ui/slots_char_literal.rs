use pyslots::prelude::*;

#[pyclass_like]
#[slots('x')]
struct Point;

fn main() {}
