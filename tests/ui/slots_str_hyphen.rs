use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, "a-b")]
struct Point {
    x: i64,
}

fn main() {}
