use pyslots::prelude::*;

#[pyclass_like]
struct P;

// The hooks' signatures are fixed.
#[methods]
impl P {
    fn __getattr__(&mut self, name: &str) -> Result<Value, Error> {
        Err(Error::attribute_error(name.to_owned()))
    }
    fn __setattr__(&mut self, name: &str) -> Result<(), Error> {
        let _ = name;
        Ok(())
    }
    fn __repr__(&self) {}
}

fn main() {}
