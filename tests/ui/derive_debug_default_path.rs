use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
#[derive(std::fmt::Debug, core::default::Default)]
struct Point {
    x: f64,
}

fn main() {}
