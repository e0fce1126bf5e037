//! A panic in user code that a collection runs (a `Drop` of garbage, a
//! `SlotValue::traverse` of another crate) leaves the collector whole: the
//! garbage is cleared all the same, no tracked object is lost, and the
//! panic goes on to the caller. Its own test binary: a panic armed here
//! must not meet another test's collection.

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use pyslots::gc::{self, Visit};
use pyslots::prelude::*;
use pyslots::{Mismatch, SlotValue};

/// One test at a time: each arms a panic that any collection would meet.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

static LINKS_DROPPED: AtomicUsize = AtomicUsize::new(0);

#[pyclass_like]
#[slots(other)]
struct Link {}

impl Drop for Link {
    fn drop(&mut self) {
        LINKS_DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

/// A garbage cycle of two links; dropping its last handle leaves it to
/// the collector.
fn link_cycle() {
    let a = Py::new(Link::new());
    let b = Py::new(Link::new());
    a.setattr("other", Value::from(&b)).unwrap();
    b.setattr("other", Value::from(&a)).unwrap();
}

#[pyclass_like]
#[slots(armed, other)]
struct Grenade {
    armed: bool,
}

impl Drop for Grenade {
    fn drop(&mut self) {
        if self.armed().copied().unwrap_or(false) {
            panic!("a Drop that panics");
        }
    }
}

#[test]
fn a_drop_that_panics_during_a_collection_leaves_the_rest_of_the_garbage_cleared() {
    let _serial = serial();
    gc::collect();
    gc::disable();
    // Made first, so cleared first: the panic comes before the links'.
    let grenade = Py::new(Grenade::new(true));
    grenade.setattr("other", Value::from(&grenade)).unwrap();
    drop(grenade);
    let before = LINKS_DROPPED.load(Ordering::SeqCst);
    for _ in 0..3 {
        link_cycle();
    }
    let outcome = catch_unwind(gc::collect);
    gc::enable();
    let payload = outcome.expect_err("the Drop's panic goes on to the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"a Drop that panics"));
    assert_eq!(LINKS_DROPPED.load(Ordering::SeqCst) - before, 6, "every other garbage object dropped");
    // Nothing is left for the next collection.
    assert_eq!(gc::collect(), 0);
}

static TRIPPED: AtomicBool = AtomicBool::new(false);

/// A slot type of "another crate" whose traversal panics while
/// `TRIPPED` is set.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tripwire(f64);

impl SlotValue for Tripwire {
    type Stored = Tripwire;
    type Ref<'a> = &'a Tripwire;
    fn expected() -> Cow<'static, str> {
        "Tripwire".into()
    }
    fn vacant() -> Tripwire {
        Tripwire(0.0)
    }
    fn store(self) -> Tripwire {
        self
    }
    fn unstore(stored: Tripwire) -> Option<Tripwire> {
        Some(stored)
    }
    fn get(stored: &Tripwire) -> Option<&Tripwire> {
        Some(stored)
    }
    fn load(stored: &Tripwire) -> Value {
        Value::Float(stored.0)
    }
    fn convert(value: Value) -> Result<Tripwire, Mismatch> {
        value.as_float().map(Tripwire).ok_or(Mismatch::Type(value))
    }
    fn traverse(_: &Tripwire, _: &mut Visit<'_>) {
        if TRIPPED.load(Ordering::SeqCst) {
            panic!("a traversal that panics");
        }
    }
}

#[pyclass_like]
#[slots(wire, other)]
struct Wired {
    wire: Tripwire,
}

#[test]
fn a_traversal_that_panics_loses_no_tracked_object() {
    let _serial = serial();
    gc::collect();
    gc::disable();
    // A cycle (so that collections count), and garbage cycles beside it,
    // all examined by the collection that panics.
    let wired = Py::new(Wired::new(Tripwire(1.0)));
    wired.setattr("other", Value::from(&wired)).unwrap();
    let before = LINKS_DROPPED.load(Ordering::SeqCst);
    for _ in 0..3 {
        link_cycle();
    }
    TRIPPED.store(true, Ordering::SeqCst);
    let outcome = catch_unwind(AssertUnwindSafe(gc::collect));
    TRIPPED.store(false, Ordering::SeqCst);
    let payload = outcome.expect_err("the traversal's panic goes on to the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"a traversal that panics"));
    assert_eq!(LINKS_DROPPED.load(Ordering::SeqCst), before, "nothing freed by a collection that did not finish");
    // The nodes it had taken out are tracked still, and counted: the next
    // collection frees the garbage cycles, and the live cycle stays whole.
    assert_eq!(gc::collect(), 6);
    gc::enable();
    assert_eq!(LINKS_DROPPED.load(Ordering::SeqCst) - before, 6);
    assert_eq!(*wired.read().wire().unwrap(), Tripwire(1.0));
    assert!(Value::is(&wired.getattr("other").unwrap(), &Value::from(&wired)));
    wired.delattr("other").unwrap();
}
