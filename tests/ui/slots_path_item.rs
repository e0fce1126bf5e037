use pyslots::prelude::*;

#[pyclass_like]
#[slots(a::b)]
struct Point;

fn main() {}
