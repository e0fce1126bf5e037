use pyslots::prelude::*;

#[slots(x, y)]
struct Point;

fn main() {}
