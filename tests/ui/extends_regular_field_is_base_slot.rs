use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
struct Base;

#[pyclass_like(extends = Base)]
struct Child {
    x: i64,
}

fn main() {}
