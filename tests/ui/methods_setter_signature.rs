use pyslots::prelude::*;

#[pyclass_like]
#[slots(_x)]
struct P {
    _x: f64,
}

// A setter takes `&mut self` and the value; a deleter `&mut self` alone.
#[methods]
impl P {
    #[getter]
    fn x(&self) -> f64 {
        0.0
    }
    #[setter]
    fn set_x(&mut self) {}
    #[setter(y)]
    fn set_other(&self, value: f64) {
        let _ = value;
    }
    #[deleter]
    fn del_x(&mut self, value: f64) {
        let _ = value;
    }
}

fn main() {}
