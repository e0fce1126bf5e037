use pyslots::prelude::*;

#[pyclass_like(class_attrs(species = "Canine"), class_attrs(legs = 4))]
#[slots(name)]
struct Dog {
    name: String,
}

fn main() {}
