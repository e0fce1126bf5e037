use pyslots::prelude::*;

#[pyclass_like]
#[slots(x = 1)]
struct Point;

fn main() {}
