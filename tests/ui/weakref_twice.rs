use pyslots::prelude::*;

#[pyclass_like]
#[slots(__weakref__, x, "__weakref__")]
struct Point;

fn main() {}
