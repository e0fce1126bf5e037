// A regular class's field may be of any type a `Value` is made from, but
// its typed accessor converts the dict entry back through `SlotValue`: a
// field whose type is no `SlotValue` compiles, and only a call of its
// getter is an error.
use pyslots::prelude::*;

#[pyclass_like]
struct Label {
    text: &'static str,
}

fn main() {
    let mut label = Label::new("a");
    label.set_text("b"); // the setter needs `Value: From<&str>` only
    let _ = label.text();
}
