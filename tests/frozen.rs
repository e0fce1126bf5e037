//! `#[pyclass_like(frozen)]`: dataclasses' `frozen=True`. Every write and
//! delete by name is `FrozenInstanceError` with dataclasses' messages
//! (checked against CPython 3.11), `Py::get` reads a shared object with
//! no borrow, from any number of threads, and the collector frees cycles
//! through frozen objects.

use pyslots::prelude::*;
use pyslots::{gc, Error, PyClass};
use pyslots_testkit::oracle;

#[pyclass_like(frozen)]
#[slots(x, y, __weakref__)]
struct Point {
    x: f64,
    y: f64,
}

#[pyclass_like(frozen)]
#[slots(label, items, __weakref__)]
struct Tagged {
    label: String,
    items: Value,
}

#[pyclass_like(frozen)]
struct Config {
    name: String,
}

#[pyclass_like(frozen, extends = Point)]
#[slots(z)]
struct Point3 {
    z: f64,
}

fn line(e: Error) -> String {
    format!("{}: {}", e.exception(), e)
}

#[test]
fn writes_and_deletes_by_name_are_cpythons_frozen_instance_error() {
    // The same operations on a frozen dataclass in CPython 3.11.
    let cpython = oracle::run(
        r#"
import dataclasses
@dataclasses.dataclass(frozen=True)
class Point:
    x: float
    y: float
p = Point(1.0, 2.0)
for op in (lambda: setattr(p, "x", 3.0), lambda: setattr(p, "z", 3.0),
           lambda: delattr(p, "y"), lambda: delattr(p, "z")):
    try:
        op()
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
print(p.x)
"#,
    );
    let mut p = Point::new(1.0, 2.0);
    let ours = vec![
        line(p.setattr("x", Value::Float(3.0)).unwrap_err()),
        line(p.setattr("z", Value::Float(3.0)).unwrap_err()),
        line(p.delattr("y").unwrap_err()),
        line(p.delattr("z").unwrap_err()),
        format!("{:?}", p.getattr("x").unwrap().as_float().unwrap()),
    ];
    assert_eq!(ours, cpython);
    // Through handles, the same errors.
    let h = Py::new(Point::new(1.0, 2.0));
    assert_eq!(line(h.setattr("x", 3.0).unwrap_err()), cpython[0]);
    assert_eq!(line(h.delattr("y").unwrap_err()), cpython[2]);
    let o = h.clone().into_object();
    assert_eq!(line(o.setattr("z", 3.0).unwrap_err()), cpython[1]);
    assert_eq!(line(o.delattr("z").unwrap_err()), cpython[3]);
    assert_eq!(o.getattr("y").unwrap(), Value::Float(2.0));
    // A write borrow is refused; reads are not.
    assert_eq!(h.try_write().unwrap_err().exception(), "FrozenInstanceError");
    assert_eq!(o.try_write().unwrap_err().exception(), "FrozenInstanceError");
    let (r1, r2) = (h.read(), o.read());
    assert_eq!(*r1.x().unwrap() + r2.getattr("y").unwrap().as_float().unwrap(), 3.0);
    assert_eq!(e_kind(h.setattr("x", 1.0).unwrap_err()), pyslots::ErrorKind::FrozenInstanceError);
}

fn e_kind(e: Error) -> pyslots::ErrorKind {
    e.kind()
}

#[test]
fn a_regular_frozen_class_refuses_new_names_too() {
    let mut c = Config::new("prod".into());
    assert_eq!(
        line(c.setattr("debug", Value::Bool(true)).unwrap_err()),
        "FrozenInstanceError: cannot assign to field 'debug'"
    );
    assert_eq!(
        line(c.setattr("name", Value::from("dev")).unwrap_err()),
        "FrozenInstanceError: cannot assign to field 'name'"
    );
    assert_eq!(c.name().unwrap(), "prod");
    assert_eq!(Py::new(c).get().getattr("name").unwrap(), Value::from("prod"));
}

#[test]
fn a_frozen_subclass_of_a_frozen_class() {
    let p = Py::new(Point3::with_base(Point::new(1.0, 2.0), 3.0));
    assert_eq!(p.get().getattr("z").unwrap(), Value::Float(3.0));
    assert_eq!(p.get().getattr("x").unwrap(), Value::Float(1.0));
    assert_eq!(line(p.setattr("x", 1.0).unwrap_err()), "FrozenInstanceError: cannot assign to field 'x'");
    assert!(<Point3 as PyClass>::LAYOUT.frozen());
}

#[test]
fn get_reads_with_no_borrow_from_many_threads_while_others_write_elsewhere() {
    let p = Py::new(Point::new(1.5, 2.5));
    let counter = Py::new(Tagged::new("n".into(), Value::None));
    std::thread::scope(|s| {
        for _ in 0..4 {
            let p = &p;
            s.spawn(move || {
                for _ in 0..10_000 {
                    let obj: &Point = p.get();
                    assert_eq!(obj.x().unwrap() + obj.y().unwrap(), 4.0);
                    assert_eq!(p.getattr("x").unwrap(), Value::Float(1.5));
                }
            });
        }
        s.spawn(|| {
            for _ in 0..200 {
                gc::collect();
            }
        });
    });
    // A read guard and `get` at once, on one thread: no conflict.
    let guard = counter.read();
    assert_eq!(counter.get().label().unwrap(), guard.label().unwrap());
}

#[test]
fn the_collector_frees_a_cycle_through_a_frozen_object() {
    // frozen -> list -> frozen: the list is cleared, the frozen object is
    // freed when the list lets it go (as a tuple in a cycle).
    let items = Value::list(Vec::<Value>::new());
    let t = Py::new(Tagged::new("cycle".into(), items.clone()));
    if let Value::List(l) = &items {
        l.push(&t);
    }
    let weak = Py::downgrade(&t);
    drop((t, items));
    assert!(weak.upgrade().is_some(), "the cycle keeps it");
    gc::collect();
    assert!(weak.upgrade().is_none(), "the collector freed it");
}

#[test]
fn copies_of_a_frozen_object_are_an_error_not_a_panic() {
    // `copy`/`deepcopy` make a new instance and set its state, which a
    // frozen object refuses. CPython copies a frozen dataclass (through
    // `object.__setattr__`); pyslots returns the FrozenInstanceError.
    let p = Py::new(Point::new(1.0, 2.0));
    let e = pyslots::copy(&Value::from(&p)).unwrap_err();
    assert_eq!(e.exception(), "FrozenInstanceError");
    let e = pyslots::deepcopy(&Value::from(&p)).unwrap_err();
    assert_eq!(e.exception(), "FrozenInstanceError");
    assert_eq!(*p.get().x().unwrap(), 1.0);
}
