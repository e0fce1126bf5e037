use pyslots::prelude::*;

#[pyclass_like]
struct P;

// One #[methods] block per class (PyO3's rule without its
// `multiple-pymethods` feature).
#[methods]
impl P {
    fn a(&self) {}
}

#[methods]
impl P {
    fn b(&self) {}
}

fn main() {}
