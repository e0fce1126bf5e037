use pyslots::prelude::*;

#[pyclass_like]
#[slots(x,, y)]
struct Point;

fn main() {}
