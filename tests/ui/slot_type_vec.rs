use pyslots::prelude::*;

#[pyclass_like]
#[slots(data)]
struct Buffer {
    data: Vec<u8>,
}

fn main() {}
