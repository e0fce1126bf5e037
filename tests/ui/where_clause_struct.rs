use pyslots::prelude::*;

#[pyclass_like]
struct Point
where
    f64: Copy,
{
    x: f64,
}

fn main() {}
