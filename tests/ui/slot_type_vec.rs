use std::collections::HashSet;

use pyslots::prelude::*;

#[pyclass_like]
#[slots(data)]
struct Buffer {
    data: Vec<HashSet<u8>>,
}

fn main() {}
