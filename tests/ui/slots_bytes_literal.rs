use pyslots::prelude::*;

#[pyclass_like]
#[slots(b"x")]
struct Point;

fn main() {}
