use pyslots::prelude::*;

#[pyclass_like]
#[slots(id, timeout)]
struct Request {
    id: u64,
    timeout: std::time::Duration,
}

fn main() {}
