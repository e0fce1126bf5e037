use pyslots::prelude::*;

#[pyclass_like(extends = 1)]
struct C;

fn main() {}
