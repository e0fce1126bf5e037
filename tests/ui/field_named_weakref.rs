use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, __weakref__)]
struct Point {
    x: f64,
    __weakref__: i64,
}

fn main() {}
