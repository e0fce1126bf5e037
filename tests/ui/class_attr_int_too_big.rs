use pyslots::prelude::*;

#[pyclass_like(class_attrs(big = 9223372036854775808, small = -9223372036854775809))]
#[slots(name)]
struct Dog {
    name: String,
}

// The extremes of an i64 are fine.
#[pyclass_like(class_attrs(max = 9223372036854775807, min = -9223372036854775808))]
struct Extremes;

fn main() {
    compile_error!("the classes above are fine");
}
