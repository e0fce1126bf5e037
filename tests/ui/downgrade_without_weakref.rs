use pyslots::prelude::*;

#[pyclass_like]
#[slots(value)]
struct SlottedClass {
    value: i64,
}

fn main() {
    let obj = Py::new(SlottedClass::new(42));
    let _weak = Py::downgrade(&obj);
}
