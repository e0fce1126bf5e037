use pyslots::prelude::*;

#[pyclass_like]
#[slots(r#type, "type")]
struct Token;

fn main() {}
