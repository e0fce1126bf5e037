use pyslots::prelude::*;

#[pyclass_like]
#[slots(name, species)]
struct Animal;

#[pyclass_like(extends = Animal)]
#[slots(breed, name)]
struct Dog;

fn main() {}
