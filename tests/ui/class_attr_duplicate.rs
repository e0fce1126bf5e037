use pyslots::prelude::*;

#[pyclass_like(class_attrs(species = "Canine", legs = 4, species = "Feline"))]
#[slots(name)]
struct Dog {
    name: String,
}

fn main() {}
