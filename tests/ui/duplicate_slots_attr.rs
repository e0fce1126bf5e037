use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
#[slots(y)]
struct Point;

fn main() {}
