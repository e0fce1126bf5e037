use pyslots::prelude::*;

#[pyclass_like]
#[slots(a)]
struct A;

#[pyclass_like(extends = A)]
#[slots(a2)]
struct A2;

// class C(A, A2): TypeError: Cannot create a consistent method resolution
// order (MRO) for bases A, A2
#[pyclass_like(extends(A, A2))]
#[slots()]
struct C;

fn main() {}
