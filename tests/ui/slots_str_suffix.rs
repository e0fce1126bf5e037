use pyslots::prelude::*;

#[pyclass_like]
#[slots("x"abc)]
struct Point;

fn main() {}
