use pyslots::prelude::*;

// `__a` in class `P` is mangled to `_P__a`, as CPython does.
#[pyclass_like]
#[slots(__a, _P__a)]
struct P;

fn main() {}
