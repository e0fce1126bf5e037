use pyslots::prelude::*;

#[pyclass_like(frozen)]
struct Config {
    name: String,
}

fn main() {
    let mut c = Config::new("prod".into());
    c.set_name("dev".into());
}
