use pyslots::prelude::*;

#[pyclass_like(frozen)]
#[slots(x)]
struct Base {
    x: f64,
}

#[pyclass_like(extends = Base)]
#[slots(y)]
struct Child {
    y: f64,
}

fn main() {}
