use pyslots::prelude::*;

#[pyclass_like]
#[slots(x)]
struct Point {
    x: f64,
}

fn main() {
    let p = Py::new(Point::new(1.0));
    let _ = p.get();
}
