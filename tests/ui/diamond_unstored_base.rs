// A diamond stores its shared base once, inside the stored base (Left):
// Right adds no storage and is not stored, so there is no `Right` to lend.
use pyslots::prelude::*;

#[pyclass_like]
#[slots(a)]
struct Top {
    a: i64,
}

#[pyclass_like(extends = Top)]
#[slots()]
struct Left;

#[pyclass_like(extends = Top)]
#[slots()]
struct Right;

#[pyclass_like(extends(Left, Right))]
#[slots()]
struct Bottom;

fn main() {
    let b = Bottom::with_base(Left::with_base(Top::new(1)));
    let _top: &Top = b.as_ref();
    let _left: &Left = b.as_ref();
    let _right: &Right = b.as_ref();
}
