use pyslots::prelude::*;

#[pyclass_like]
struct P;

// A method borrows its instance; a function without one is a
// #[staticmethod]; a #[staticmethod] takes no `self`; a function is one
// thing to Python.
#[methods]
impl P {
    fn no_receiver(x: i64) -> i64 {
        x
    }
    fn by_value(self) {}
    #[staticmethod]
    fn static_with_self(&self) {}
    #[staticmethod]
    #[getter]
    fn both() -> i64 {
        1
    }
    fn generic<T>(&self) {}
    fn __init__(&mut self) {}
}

fn main() {}
