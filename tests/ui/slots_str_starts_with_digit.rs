use pyslots::prelude::*;

#[pyclass_like]
#[slots("1a")]
struct Point;

fn main() {}
