use pyslots::prelude::*;

#[pyclass_like]
struct Buffer {
    data: Vec<u8>,
}

fn main() {}
