use pyslots::prelude::*;

#[slots = "x"]
#[pyclass_like]
struct Point;

fn main() {}
