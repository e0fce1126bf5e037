use pyslots::prelude::*;

// A regular class: both fields are the dict key `_P__a`.
#[pyclass_like]
struct P {
    __a: i64,
    _P__a: i64,
}

fn main() {}
