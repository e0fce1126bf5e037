// `Object` is sealed: only `#[pyclass_like]` classes (and a run-time
// class's `Instance`) implement it, so its invariants hold for every object.
use pyslots::prelude::*;

#[derive(Debug)]
struct Handmade;

impl Object for Handmade {
    fn getattr(&self, _: &str) -> Result<Value, Error> {
        Ok(Value::None)
    }
}

fn main() {}
