use pyslots::prelude::*;

#[pyclass_like]
#[slots(x, y)]
struct Point {
    x: f64,
    #[cfg(test)]
    y: f64,
}

fn main() {}
