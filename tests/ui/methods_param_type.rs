use pyslots::prelude::*;

#[pyclass_like]
struct P;

// Parameters convert as typed slots do: a type that is no slot type is
// the error, at the parameter's type.
struct NotASlotType;

#[methods]
impl P {
    fn take(&self, value: NotASlotType) {
        let _ = value;
    }
}

fn main() {}
