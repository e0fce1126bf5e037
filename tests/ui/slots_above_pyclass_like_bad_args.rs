use pyslots::prelude::*;

#[slots(x)]
#[pyclass_like(foo)]
struct Point;

fn main() {}
