use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, __weakref__)]
struct Base;

#[pyclass_like(extends = Base)]
#[slots(y, __weakref__)]
struct Child;

fn main() {}
