use pyslots::prelude::*;

#[pyclass_like]
#[slots(name)]
struct Person<'a> {
    name: &'a str,
}

fn main() {}
