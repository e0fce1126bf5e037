use pyslots::prelude::*;

#[pyclass_like]
struct A;

#[pyclass_like]
struct B;

#[pyclass_like(extends = A, extends = B)]
struct C;

fn main() {}
