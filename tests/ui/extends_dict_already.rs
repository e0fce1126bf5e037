use pyslots::prelude::*;

#[pyclass_like]
struct Regular {
    name: String,
}

#[pyclass_like(extends = Regular)]
#[slots(x, __dict__)]
struct Child;

fn main() {}
