use pyslots::prelude::*;

#[pyclass_like(frozen)]
#[slots(x)]
struct Point {
    x: f64,
}

fn main() {
    let mut p = Point::new(1.0);
    p.set_x(2.0);
}
