use pyslots::prelude::*;

// The order of the two attributes does not matter: the error in #[slots]
// is found when #[slots] runs first, too.
#[slots(x, "1a")]
#[pyclass_like]
struct Point {
    x: f64,
}

fn main() {}
