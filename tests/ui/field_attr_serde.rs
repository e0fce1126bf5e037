use pyslots::prelude::*;

#[pyclass_like]
struct Point {
    #[serde(rename = "x")]
    x: f64,
}

fn main() {}
