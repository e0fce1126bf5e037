use pyslots::prelude::*;

#[pyclass_like]
#[slots(id, count)]
struct Counter {
    id: i64,
    count: u64,
}

fn main() {}
