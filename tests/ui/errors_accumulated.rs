use pyslots::prelude::*;

// Every mistake is reported in one compile, each at its token.
#[pyclass_like]
#[slots(x, "1a", 2, x, __dict__, __dict__)]
#[derive(Debug)]
struct Point {
    x: f64,
    #[serde(skip)]
    y: f64,
}

fn main() {}
