use pyslots::prelude::*;

#[pyclass_like]
struct A;

#[pyclass_like(extends(A, A))]
struct C;

fn main() {}
