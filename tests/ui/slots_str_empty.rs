use pyslots::prelude::*;

#[pyclass_like]
#[slots("")]
struct Point;

fn main() {}
