use pyslots::prelude::*;

#[pyclass_like(extends = String)]
#[slots(x)]
struct C;

fn main() {}
