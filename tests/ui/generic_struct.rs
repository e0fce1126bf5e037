use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
struct Point<T> {
    x: T,
}

fn main() {}
