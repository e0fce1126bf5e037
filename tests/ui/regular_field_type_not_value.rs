use pyslots::prelude::*;

#[pyclass_like]
struct Buffer {
    timeout: std::time::Duration,
}

fn main() {}
