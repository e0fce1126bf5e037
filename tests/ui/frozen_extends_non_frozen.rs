use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
struct Base {
    x: f64,
}

#[pyclass_like(frozen, extends = Base)]
#[slots(y)]
struct Child {
    y: f64,
}

fn main() {}
