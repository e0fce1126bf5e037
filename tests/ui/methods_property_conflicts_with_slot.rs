use pyslots::prelude::*;

// Python: `ValueError: 'x' in __slots__ conflicts with class variable`.
// (A typed slot `x` would also have an accessor `x` the getter clashes
// with; an untyped one has none, and the rule is what reports it.)
#[pyclass_like]
#[slots(x, y)]
struct P;

#[methods]
impl P {
    #[getter]
    fn x(&self) -> f64 {
        0.0
    }
    fn y(&self) {}
}

fn main() {}
