//! User code that a collection runs (a `Drop` of garbage, a
//! `SlotValue::traverse` of another crate): a panic there leaves the
//! collector whole (the garbage is cleared all the same, no tracked
//! object is lost, and the panic goes on to the caller), and a reference
//! it takes back meanwhile keeps its object alive. Its own test binary:
//! what a test arms here must not meet another test's collection.

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use pyslots::gc::{self, Visit};
use pyslots::prelude::*;
use pyslots::{Mismatch, SlotValue, WeakObject};

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

#[pyclass_like]
#[slots(wire, other)]
struct Wired {
    wire: Hook,
}

#[test]
fn a_traversal_that_panics_loses_no_tracked_object() {
    let _serial = serial();
    gc::collect();
    gc::disable();
    // A cycle (so that collections count), and garbage cycles beside it,
    // all examined by the collection that panics.
    let wired = Py::new(Wired::new(Hook(1.0)));
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
    assert_eq!(*wired.read().wire().unwrap(), Hook(1.0));
    assert!(Value::is(&wired.getattr("other").unwrap(), &Value::from(&wired)));
    wired.delattr("other").unwrap();
}

/// What [`Hook`]'s traversal takes back, and where it keeps it.
static TAKE_BACK: Mutex<Option<WeakObject>> = Mutex::new(None);
static TAKEN: Mutex<Option<PyObject>> = Mutex::new(None);

/// A slot type of "another crate" whose traversal panics while
/// [`TRIPPED`] is set, and otherwise upgrades [`TAKE_BACK`] into
/// [`TAKEN`]: a reference taken after the collection read the counts.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Hook(f64);

impl SlotValue for Hook {
    type Stored = Hook;
    type Ref<'a> = &'a Hook;
    fn expected() -> Cow<'static, str> {
        "Hook".into()
    }
    fn vacant() -> Hook {
        Hook(0.0)
    }
    fn store(self) -> Hook {
        self
    }
    fn unstore(stored: Hook) -> Option<Hook> {
        Some(stored)
    }
    fn get(stored: &Hook) -> Option<&Hook> {
        Some(stored)
    }
    fn load(stored: &Hook) -> Value {
        Value::Float(stored.0)
    }
    fn convert(value: Value) -> Result<Hook, Mismatch> {
        value.as_float().map(Hook).ok_or(Mismatch::Type(value))
    }
    fn traverse(_: &Hook, _: &mut Visit<'_>) {
        if TRIPPED.load(Ordering::SeqCst) {
            panic!("a traversal that panics");
        }
        let back = TAKE_BACK.lock().unwrap().take();
        if let Some(weak) = back {
            *TAKEN.lock().unwrap() = weak.upgrade();
        }
    }
}

#[pyclass_like]
#[slots(other, __weakref__)]
struct WeakLink {}

#[test]
fn a_reference_taken_back_during_a_collection_keeps_its_cycle_alive() {
    let _serial = serial();
    gc::collect();
    gc::disable();
    // Traversed in the collection, running the hook.
    let hooked = Py::new(Wired::new(Hook(1.0)));
    // A garbage cycle by the counts the collection reads first; while it
    // traverses, a weak reference to one of its objects is upgraded.
    let a = Py::new(WeakLink::new()).into_object();
    let b = Py::new(WeakLink::new()).into_object();
    a.setattr("other", Value::from(b.clone())).unwrap();
    b.setattr("other", Value::from(a.clone())).unwrap();
    *TAKE_BACK.lock().unwrap() = Some(a.try_downgrade().unwrap());
    let weak_b = b.try_downgrade().unwrap();
    drop((a, b));
    assert_eq!(gc::collect(), 0, "the count is confirmed against the strong counts: nothing freed");
    gc::enable();
    let a = TAKEN.lock().unwrap().take().expect("the traversal took it back");
    // Whole: neither object was cleared.
    let b = a.getattr("other").expect("not cleared");
    assert!(Value::is(&b, &Value::from(weak_b.upgrade().expect("alive"))));
    assert!(Value::is(&b.as_object().unwrap().getattr("other").unwrap(), &Value::from(a.clone())));
    a.delattr("other").unwrap();
    drop(hooked);
}
