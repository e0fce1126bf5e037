use pyslots::prelude::*;

#[pyclass_like(class_attrs(__doc__ = "A dog.", __slots__ = None))]
#[slots(name)]
struct Dog {
    name: String,
}

fn main() {}
