use pyslots::prelude::*;

#[pyclass_like]
union Bits {
    i: u32,
    f: f32,
}

fn main() {}
