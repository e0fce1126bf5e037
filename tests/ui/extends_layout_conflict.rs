use pyslots::prelude::*;

#[pyclass_like]
#[slots(a)]
struct A;

#[pyclass_like]
#[slots(b)]
struct B;

// class C(A, B): TypeError: multiple bases have instance lay-out conflict
#[pyclass_like(extends(A, B))]
#[slots()]
struct C;

fn main() {}
