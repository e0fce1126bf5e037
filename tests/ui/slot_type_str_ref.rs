use pyslots::prelude::*;

#[pyclass_like]
#[slots(name)]
struct Person {
    name: &'static str,
}

fn main() {}
