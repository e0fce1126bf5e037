use pyslots::prelude::*;

#[pyclass_like]
struct P;

// One name is one attribute: two getters for one property, a property and
// a method of one name.
#[methods]
impl P {
    #[getter]
    fn x(&self) -> f64 {
        0.0
    }
    #[getter(x)]
    fn x_again(&self) -> f64 {
        1.0
    }
    fn y(&self) {}
    #[getter(y)]
    fn y_property(&self) -> f64 {
        1.0
    }
}

fn main() {}
