use pyslots::prelude::*;

#[pyclass_like]
#[slots(_x)]
struct P {
    _x: f64,
}

// A getter is called with nothing: `fn name(&self) -> T`.
#[methods]
impl P {
    #[getter]
    fn x(&self, scale: f64) -> f64 {
        scale
    }
    #[getter]
    fn y(&mut self) -> f64 {
        0.0
    }
}

fn main() {}
