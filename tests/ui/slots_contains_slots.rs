use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, __slots__)]
struct Point;

fn main() {}
