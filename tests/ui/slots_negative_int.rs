use pyslots::prelude::*;

#[pyclass_like]
#[slots(-1)]
struct Point;

fn main() {}
