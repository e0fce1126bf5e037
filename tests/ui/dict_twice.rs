use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, __dict__, __dict__)]
struct Point;

fn main() {}
