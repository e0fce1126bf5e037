use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, "x")]
struct Point;

fn main() {}
