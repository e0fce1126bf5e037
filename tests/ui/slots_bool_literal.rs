use pyslots::prelude::*;

#[pyclass_like]
#[slots(true)]
struct Point;

fn main() {}
