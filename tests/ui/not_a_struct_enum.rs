use pyslots::prelude::*;

#[pyclass_like]
enum Shape {
    Circle,
    Square,
}

fn main() {}
