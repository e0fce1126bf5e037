use pyslots::prelude::*;

#[slots(x)]
fn point() {}

fn main() {}
