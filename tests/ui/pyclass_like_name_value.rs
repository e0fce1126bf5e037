use pyslots::prelude::*;

#[slots(x)]
#[pyclass_like = "Base"]
struct Point;

fn main() {}
