use pyslots::prelude::*;

#[pyclass_like]
fn point() {}

fn main() {}
