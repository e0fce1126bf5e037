use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
enum Shape {
    Circle,
}

fn main() {}
