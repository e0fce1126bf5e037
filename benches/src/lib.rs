//! The classes and operations that the criterion benches (`benches/access.rs`)
//! and the report binary (`src/bin/report.rs`) both time, so that the two
//! measure exactly the same code.
//!
//! Every operation is registered once, in [`register_all`], under a stable
//! name (`pyslots/getattr/slot_f64`, `baseline/match/f64`, ...). A
//! [`Runner`] decides how to time it: criterion's `bench_function`, or the
//! report's own calibrated loop. Each operation is a closure handed to a
//! generic method, so the timing loop is monomorphised around it and inlines
//! it; names and objects go through [`black_box`] so nothing is constant
//! folded.
//!
//! The fixtures mirror `cpython_baseline.py`: an 8-slot class
//! `x, y, z, count, name, flag, ratio, total` (floats, an int, a str, a
//! bool), slotted and regular, and the tutorial's `Point` and `Person`.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use bevy_reflect::structs::Struct;
use bevy_reflect::{PartialReflect, Reflect};
use facet::Facet;
use facet_reflect::Peek;
use pyslots::prelude::*;
use pyslots::{total_sizeof, Instance, PyClass, PyList, PyStr, ValueRef};

/// The eight attribute names, in declaration order (the same in every
/// fixture and in the CPython script).
pub const NAMES8: [&str; 8] = ["x", "y", "z", "count", "name", "flag", "ratio", "total"];

/// `class Slotted8: __slots__ = ('x', 'y', 'z', 'count', 'name', 'flag', 'ratio', 'total')`.
#[pyclass_like]
#[slots(x, y, z, count, name, flag, ratio, total)]
pub struct Slotted8 {
    x: f64,
    y: f64,
    z: f64,
    count: i64,
    name: String,
    flag: bool,
    ratio: f64,
    total: f64,
}

/// `Slotted8` with a `#[methods]` block: a property `prop` over `x` and a
/// one-argument method `m` (issue 23's rows: a property read by name, a
/// call, and a slot read beside `Slotted8`'s).
#[pyclass_like]
#[slots(x, y, z, count, name, flag, ratio, total)]
pub struct Slotted8M {
    x: f64,
    y: f64,
    z: f64,
    count: i64,
    name: String,
    flag: bool,
    ratio: f64,
    total: f64,
}

#[methods]
impl Slotted8M {
    /// `@property def prop(self): return self.x`
    #[getter]
    fn prop(&self) -> Result<f64, Error> {
        self.x().copied()
    }
    /// `def m(self, v): return self.x + v`
    fn m(&self, v: f64) -> Result<f64, Error> {
        Ok(self.x()? + v)
    }
}

/// `Slotted8M` with `Slotted8`'s values.
pub fn slotted8m() -> Slotted8M {
    Slotted8M::new(1.0, 2.0, 3.0, 7, "Alice".to_string(), true, 0.5, 8.0)
}

/// `class Regular8:` whose `__init__` sets the same eight attributes.
#[pyclass_like]
pub struct Regular8 {
    x: f64,
    y: f64,
    z: f64,
    count: i64,
    name: String,
    flag: bool,
    ratio: f64,
    total: f64,
}

/// `class SlottedPoint: __slots__ = ['x', 'y']`.
#[pyclass_like]
#[slots(x, y)]
pub struct SlottedPoint {
    x: f64,
    y: f64,
}

/// `class RegularPoint:` (`__init__` sets `x` and `y`).
#[pyclass_like]
pub struct RegularPoint {
    x: f64,
    y: f64,
}

/// `class SlottedPerson: __slots__ = ['name', 'age']`.
#[pyclass_like]
#[slots(name, age)]
pub struct SlottedPerson {
    name: String,
    age: u32,
}

/// `class RegularPerson:` (`__init__` sets `name` and `age`).
#[pyclass_like]
pub struct RegularPerson {
    name: String,
    age: u32,
}

/// The same eight fields as a plain Rust struct, for direct field access,
/// bevy_reflect's `Struct::field` and facet's `Peek::field_by_name`.
#[derive(Reflect, Facet, Debug, Clone)]
pub struct Plain8 {
    /// `x`
    pub x: f64,
    /// `y`
    pub y: f64,
    /// `z`
    pub z: f64,
    /// `count`
    pub count: i64,
    /// `name`
    pub name: String,
    /// `flag`
    pub flag: bool,
    /// `ratio`
    pub ratio: f64,
    /// `total`
    pub total: f64,
}

/// The limit for access by name: the same eight fields and a hand-written
/// `match name { ... }` returning a [`Value`]. The string is a [`PyStr`],
/// as in a pyslots slot, so reading it is a reference-count increment
/// rather than a copy; there are no set-flags and no error values.
#[derive(Debug, Clone)]
pub struct Handwritten8 {
    /// `x`
    pub x: f64,
    /// `y`
    pub y: f64,
    /// `z`
    pub z: f64,
    /// `count`
    pub count: i64,
    /// `name`
    pub name: PyStr,
    /// `flag`
    pub flag: bool,
    /// `ratio`
    pub ratio: f64,
    /// `total`
    pub total: f64,
}

impl Handwritten8 {
    /// Reads an attribute by name: a hand-written `match`, inlined into
    /// the caller (the best a hand-written match can do).
    #[inline(always)]
    pub fn get(&self, name: &str) -> Option<Value> {
        Some(match name {
            "x" => Value::Float(self.x),
            "y" => Value::Float(self.y),
            "z" => Value::Float(self.z),
            "count" => Value::Int(self.count),
            "name" => Value::Str(self.name.clone()),
            "flag" => Value::Bool(self.flag),
            "ratio" => Value::Float(self.ratio),
            "total" => Value::Float(self.total),
            _ => return None,
        })
    }

    /// Writes an attribute by name, converting the value as a typed slot
    /// does; gives the value back if the name or the type does not fit.
    /// Inlined into the caller, as `get`.
    #[inline(always)]
    pub fn set(&mut self, name: &str, value: Value) -> Result<(), Value> {
        let done = match name {
            "x" => value.as_float().map(|v| self.x = v),
            "y" => value.as_float().map(|v| self.y = v),
            "z" => value.as_float().map(|v| self.z = v),
            "count" => value.as_int().map(|v| self.count = v),
            "name" => {
                return match value {
                    Value::Str(s) => {
                        self.name = s;
                        Ok(())
                    }
                    other => Err(other),
                }
            }
            "flag" => match value {
                Value::Bool(b) => {
                    self.flag = b;
                    Some(())
                }
                _ => None,
            },
            "ratio" => value.as_float().map(|v| self.ratio = v),
            "total" => value.as_float().map(|v| self.total = v),
            _ => None,
        };
        match done {
            Some(()) => Ok(()),
            None => Err(value),
        }
    }
}

/// The values every fixture starts with (`S8(1.0, 2.0, 3.0, 7, 'Alice', True, 0.5, 8.0)`).
/// A node of the deep-copy graph: `class GraphNode: __slots__ = ('id',
/// 'label', 'next', 'peers', '__dict__')`.
#[pyclass_like]
#[slots(id, label, next, peers, __dict__)]
pub struct GraphNode {
    id: i64,
    label: String,
}

/// Nodes in [`graph`].
pub const GRAPH_NODES: usize = 1_000;

/// The graph `cpython_baseline.py` deep-copies, built the same way: 1,000
/// nodes in a list; `next` makes one ring through all of them (a cycle),
/// `peers` is one of 100 lists, each shared by 10 nodes and holding 10
/// other nodes; `weight` sits in each node's dict.
pub fn graph() -> Value {
    let n = GRAPH_NODES;
    let nodes: Vec<PyObject> =
        (0..n).map(|i| Py::new(GraphNode::new(i as i64, format!("node{i}"))).into_object()).collect();
    let groups: Vec<PyList> = (0..100).map(|_| PyList::new()).collect();
    for (i, node) in nodes.iter().enumerate() {
        let mut w = node.write();
        w.setattr("next", Value::Object(nodes[(i + 1) % n].clone())).expect("an untyped slot");
        w.setattr("peers", Value::List(groups[i % 100].clone())).expect("an untyped slot");
        groups[i % 100].push(Value::Object(nodes[(i * 7) % n].clone()));
        w.setattr("weight", Value::Float(i as f64 * 0.5)).expect("a dict");
    }
    Value::list(nodes.into_iter().map(Value::Object).collect::<Vec<_>>())
}

/// Cuts the cycles of a copy of [`graph`] (`next`, and `peers`, whose
/// lists hold nodes), so that dropping it frees it: pyslots has no cycle
/// collector yet (CPython's `timeit` turns its own off, and frees the
/// copies later).
pub fn cut_cycles(copy: &Value) {
    if let Some(nodes) = copy.as_list() {
        for node in nodes.to_vec() {
            if let Value::Object(o) = node {
                let mut w = o.write();
                let _ = w.delattr("next");
                let _ = w.delattr("peers");
            }
        }
    }
}

pub fn slotted8() -> Slotted8 {
    Slotted8::new(1.0, 2.0, 3.0, 7, "Alice".to_string(), true, 0.5, 8.0)
}

/// What `getattr_ref` lends without a count: a float, a string too long to
/// be inline, and another object, each in a slot.
#[pyclass_like]
#[slots(x, text, other)]
pub struct Lender {
    x: f64,
    text: String,
}

/// A `Lender` with a 41-byte text and an object in `other`.
pub fn lender() -> Lender {
    let mut l = Lender::new(1.5, "a text longer than fifteen bytes, shared".to_string());
    l.setattr("other", Value::from(Py::new(SlottedPoint::new(1.0, 2.0)))).expect("an untyped slot takes any value");
    l
}

/// See [`slotted8`].
pub fn regular8() -> Regular8 {
    Regular8::new(1.0, 2.0, 3.0, 7, "Alice".to_string(), true, 0.5, 8.0)
}

/// See [`slotted8`].
pub fn plain8() -> Plain8 {
    Plain8 { x: 1.0, y: 2.0, z: 3.0, count: 7, name: "Alice".to_string(), flag: true, ratio: 0.5, total: 8.0 }
}

/// See [`slotted8`].
pub fn handwritten8() -> Handwritten8 {
    Handwritten8 { x: 1.0, y: 2.0, z: 3.0, count: 7, name: PyStr::new("Alice"), flag: true, ratio: 0.5, total: 8.0 }
}

/// See [`slotted8`]: `{name: value}` in a std `HashMap` (SipHash).
pub fn hashmap8() -> HashMap<String, Value> {
    let h = handwritten8();
    NAMES8.iter().map(|n| (n.to_string(), h.get(n).expect("every name is a field"))).collect()
}

/// Something that times operations: criterion, or the report's loop.
pub trait Runner {
    /// Times `f` under `name`. `f` is called many times; its result is
    /// passed through `black_box` and dropped inside the timed region.
    fn run<R, F: FnMut() -> R>(&mut self, name: &'static str, f: F);
}

/// Consumes an operation's result inside the timed region: the result is
/// made observable through a reference (so it must be computed and stored)
/// and then dropped, as a caller would drop it.
///
/// Not `black_box(result)`: that copies the result, and for a 24-byte
/// `Value` returned through memory the copy is a 16-byte load over the
/// narrower stores that wrote it, which the CPU cannot forward; the stall
/// (10-12 ns per call on this machine, measured) would swamp the few
/// nanoseconds being measured and is no part of any real caller's cost.
#[inline(always)]
pub fn consume<R>(result: R) {
    black_box(&result);
    drop(result);
}

/// The name a benchmark reads, through `black_box` so that the `match`
/// on it cannot be resolved at compile time.
#[inline(always)]
fn n(name: &'static str) -> &'static str {
    black_box(name)
}

/// Registers every operation, pyslots and baselines, in report order.
pub fn register_all(r: &mut impl Runner) {
    register_loop(r);
    register_slotted(r);
    register_methods(r);
    register_dict(r);
    register_borrowed(r);
    register_other(r);
    register_handles(r);
    register_runtime_class(r);
    register_gc(r);
    register_baselines(r);
}

fn register_loop(r: &mut impl Runner) {
    // The timing loop alone (not subtracted from anything).
    r.run("baseline/empty_loop", || ());
}

fn register_methods(r: &mut impl Runner) {
    let mut s = slotted8m();
    r.run("pyslots/methods/getattr_prop", || black_box(&s).getattr(n("prop")));
    r.run("pyslots/methods/getattr_slot_f64", || black_box(&s).getattr(n("x")));
    let arg = [Value::Float(1.0)];
    r.run("pyslots/methods/call_m", || pyslots::call_method(black_box(&mut s), n("m"), black_box(&arg), &[]));
}

fn register_slotted(r: &mut impl Runner) {
    let mut s = slotted8();
    r.run("pyslots/getattr/slot_f64", || black_box(&s).getattr(n("x")));
    r.run("pyslots/getattr/slot_i64", || black_box(&s).getattr(n("count")));
    r.run("pyslots/getattr/slot_str", || black_box(&s).getattr(n("name")));
    r.run("pyslots/getattr/slot_last", || black_box(&s).getattr(n("total")));
    r.run("pyslots/getattr/slot_missing", || black_box(&s).getattr(n("missing")));
    r.run("pyslots/hasattr/slot_missing", || black_box(&s).hasattr(n("missing")));
    r.run("pyslots/getattr_dyn/slot_f64", || {
        let o: &dyn Object = black_box(&s as &dyn Object);
        o.getattr(n("x"))
    });
    r.run("pyslots/getattr_dyn/slot_last", || {
        let o: &dyn Object = black_box(&s as &dyn Object);
        o.getattr(n("total"))
    });
    r.run("pyslots/accessor/f64", || black_box(&s).x().copied());
    // A member descriptor, resolved once: no name comparison per read.
    let x = Slotted8::member("x").expect("x is a slot");
    let total = Slotted8::member("total").expect("total is a slot");
    r.run("pyslots/member/get_f64", || black_box(&x).get(black_box(&s)));
    r.run("pyslots/member/get_last", || black_box(&total).get(black_box(&s)));

    r.run("pyslots/setattr/slot_f64", || black_box(&mut s).setattr(n("x"), Value::Float(black_box(2.5))));
    r.run("pyslots/setattr/slot_i64", || black_box(&mut s).setattr(n("count"), Value::Int(black_box(9))));
    let name = Value::from("Bob");
    r.run("pyslots/setattr/slot_str", || black_box(&mut s).setattr(n("name"), black_box(&name).clone()));
    r.run("pyslots/setattr/slot_last", || black_box(&mut s).setattr(n("total"), Value::Float(black_box(2.5))));
    r.run("pyslots/setattr/slot_missing", || black_box(&mut s).setattr(n("missing"), Value::Int(black_box(1))));
}

fn register_dict(r: &mut impl Runner) {
    let mut d = regular8();
    r.run("pyslots/getattr/dict_f64", || black_box(&d).getattr(n("x")));
    r.run("pyslots/getattr/dict_str", || black_box(&d).getattr(n("name")));
    r.run("pyslots/getattr/dict_last", || black_box(&d).getattr(n("total")));
    r.run("pyslots/getattr/dict_missing", || black_box(&d).getattr(n("missing")));
    r.run("pyslots/setattr/dict_f64", || black_box(&mut d).setattr(n("x"), Value::Float(black_box(2.5))));
    r.run("pyslots/setattr/dict_last", || black_box(&mut d).setattr(n("total"), Value::Float(black_box(2.5))));
    // Writing existing keys keeps the values inline: no dict was made.
    assert_eq!(total_sizeof(&d), total_sizeof(&regular8()), "setting existing keys keeps the values inline");
}

fn register_borrowed(r: &mut impl Runner) {
    let l = lender();
    r.run("pyslots/getattr_ref/slot_f64", || black_box(&l).getattr_ref(n("x")).map(|v| v.as_float()));
    r.run("pyslots/getattr_ref/long_str", || black_box(&l).getattr_ref(n("text")).map(|v| v.as_str().map(str::len)));
    r.run("pyslots/getattr_ref/object", || {
        black_box(&l).getattr_ref(n("other")).map(|v| matches!(v, ValueRef::Value(Value::Object(_))))
    });
    r.run("pyslots/getattr/long_str", || black_box(&l).getattr(n("text")));
}

fn register_other(r: &mut impl Runner) {
    let s = slotted8();
    let d = regular8();
    r.run("pyslots/dir/slotted", || black_box(&s).dir());
    r.run("pyslots/dir/dict", || black_box(&d).dir());
    r.run("pyslots/new/slotted_point", || SlottedPoint::new(black_box(1.0), black_box(2.0)));
    r.run("pyslots/new/regular_point", || RegularPoint::new(black_box(1.0), black_box(2.0)));
    r.run("pyslots/new/slotted8", || {
        use black_box as b;
        Slotted8::new(b(1.0), b(2.0), b(3.0), b(7), b("Alice").to_string(), b(true), b(0.5), b(8.0))
    });
    r.run("pyslots/new/regular8", || {
        use black_box as b;
        Regular8::new(b(1.0), b(2.0), b(3.0), b(7), b("Alice").to_string(), b(true), b(0.5), b(8.0))
    });
    // Issue 14: a deep copy of 1,000 objects with shared and cyclic
    // references; cutting the copy's cycles (so it is freed) is timed too.
    // The automatic cycle collection is off while it runs, as `timeit`
    // turns CPython's off: each copy makes over 700 tracked objects, and a
    // collection would run in the middle of every one.
    let g = graph();
    pyslots::gc::disable();
    // Not `unwrap`: its `&dyn Debug` of an `Error`, made in the crate that
    // monomorphises this function (the harness's), takes the address of
    // `drop_in_place::<Error>` there, and LLVM then passes every `Error`
    // the harness drops by pointer: a copy of each operation's result, one
    // or two instructions on rows this one has nothing to do with.
    r.run("pyslots/deepcopy/graph1000", || {
        cut_cycles(&pyslots::deepcopy(black_box(&g)).unwrap_or_else(|e| panic!("{e}")))
    });
    pyslots::gc::enable();
}

/// A class made at run time with the eight slots of [`Slotted8`], as
/// `type('Runtime8', (), {'__slots__': NAMES8})`, every slot set as
/// [`slotted8`] sets them.
pub fn runtime8() -> Instance {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(NAMES8));
    let class = Type::new("Runtime8", &[], ns).expect("a valid class");
    let mut obj = Instance::new(&class).expect("a run-time class");
    let h = handwritten8();
    for name in NAMES8 {
        obj.setattr(name, h.get(name).expect("every name is a field")).expect("every name is a slot");
    }
    obj
}

/// `type('RuntimeRegular8', (), {})` after a few instances have set the
/// names of [`NAMES8`] (the class has learned them), one more set as
/// [`slotted8`] sets them.
pub fn runtime_regular8() -> Instance {
    let class = Type::new("RuntimeRegular8", &[], Dict::new()).expect("a valid class");
    let h = handwritten8();
    let make = || {
        let mut obj = Instance::new(&class).expect("a run-time class");
        for name in NAMES8 {
            obj.setattr(name, h.get(name).expect("every name is a field")).expect("a dict takes any name");
        }
        obj
    };
    (0..40).for_each(|_| drop(make()));
    make()
}

/// `type('RuntimePoint', (), {'__slots__': ('x', 'y')})`.
pub fn runtime_point() -> Type {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "y"]));
    Type::new("RuntimePoint", &[], ns).expect("a valid class")
}

/// `type('RuntimeRegularPoint', (), {})`: instances with a `__dict__`.
pub fn runtime_regular_point() -> Type {
    Type::new("RuntimeRegularPoint", &[], Dict::new()).expect("a valid class")
}

#[inline(never)]
fn register_runtime_class(r: &mut impl Runner) {
    let mut s = runtime8();
    r.run("pyslots/type/getattr_f64", || black_box(&s).getattr(n("x")));
    r.run("pyslots/type/getattr_last", || black_box(&s).getattr(n("total")));
    r.run("pyslots/type/getattr_str", || black_box(&s).getattr(n("name")));
    r.run("pyslots/type/setattr_f64", || black_box(&mut s).setattr(n("x"), Value::Float(black_box(2.5))));
    r.run("pyslots/type/setattr_last", || black_box(&mut s).setattr(n("total"), Value::Float(black_box(2.5))));
    // The same eight names in the instance dict of a class without
    // `__slots__`, whose instances share the keys it learned.
    let mut d = runtime_regular8();
    r.run("pyslots/type/dict_getattr_f64", || black_box(&d).getattr(n("x")));
    r.run("pyslots/type/dict_getattr_last", || black_box(&d).getattr(n("total")));
    r.run("pyslots/type/dict_setattr_f64", || black_box(&mut d).setattr(n("x"), Value::Float(black_box(2.5))));
}

// Not inlined into `register_all`: its many handle closures changed the
// register allocation of the owned rows' loops there (+2 instructions on
// `new/slotted8`), which is no part of those operations.
#[inline(never)]
fn register_handles(r: &mut impl Runner) {
    // Through a shared handle, outside a GIL scope: each borrow takes the
    // global lock to mark the object (and again to unmark it), each
    // attribute operation on a handle takes it once around the call.
    handle_rows(r, "pyslots/handle/", "pyslots/type/");
    // Inside one `gil::with_gil` scope around the whole timing loop, as a
    // program that works on its objects for a while: plain loads and
    // stores, no atomic operation.
    pyslots::gil::with_gil(|| handle_rows(r, "pyslots/handle/gil/", "pyslots/type/gil/"));
    // A frozen object needs no borrow to be read, in a scope or not.
    let f = Py::new(FrozenPoint::new(1.0, 2.0));
    r.run("pyslots/handle/frozen_get_getattr", || black_box(&f).get().getattr(n("x")));
    // The lock the handles used before issue 24, bare (no borrow record):
    // what a per-object read-write lock costs.
    let bare = std::sync::Arc::new(parking_lot::RwLock::new(slotted8()));
    r.run("baseline/rwlock/read_getattr", || black_box(&bare).read().getattr(n("x")));
    r.run("baseline/rwlock/write_setattr", || black_box(&bare).write().setattr(n("x"), Value::Float(black_box(2.5))));
}

/// A frozen class (`#[pyclass_like(frozen)]`): read through `Py::get`
/// with no borrow at all.
#[pyclass_like(frozen)]
#[slots(x, y)]
pub struct FrozenPoint {
    x: f64,
    y: f64,
}

/// The handle rows: a compile-time class through `Py` (a guard, then the
/// attribute operation) and `PyObject` (the handle's own `getattr`), and
/// a run-time class's instance through `PyObject`.
#[inline(never)]
fn handle_rows(r: &mut impl Runner, handle: &str, runtime: &str) {
    let key = |prefix: &str, op: &str| -> &'static str { String::leak(format!("{prefix}{op}")) };
    let p = Py::new(slotted8());
    r.run(key(handle, "read_getattr"), || black_box(&p).read().getattr(n("x")));
    r.run(key(handle, "write_setattr"), || black_box(&p).write().setattr(n("x"), Value::Float(black_box(2.5))));
    let o = Py::new(slotted8()).into_object();
    r.run(key(handle, "object_getattr"), || black_box(&o).getattr(n("x")));
    r.run(key(handle, "object_setattr"), || black_box(&o).setattr(n("x"), Value::Float(black_box(2.5))));
    let t = PyObject::from(runtime8());
    r.run(key(runtime, "handle_getattr"), || black_box(&t).read().getattr(n("x")));
    r.run(key(runtime, "object_getattr"), || black_box(&t).getattr(n("x")));
    r.run(key(runtime, "object_setattr"), || black_box(&t).setattr(n("x"), Value::Float(black_box(2.5))));
}

/// The workload of issue 24: 100,000 instances of a run-time class with
/// slots `x`, `y` and `next` linked into a list, built, then walked ten
/// times reading and writing the floats by name through the handles, as
/// an interpreter runs `cpython_baseline.py`'s `workload`. Returns the
/// sum it computes, which the caller checks against CPython's.
pub fn workload(n: usize, walks: usize) -> f64 {
    workload_phases(n, walks).0
}

/// How long each phase of [`workload`] took, in ns: building the list,
/// the walks, and dropping it (as `cpython_baseline.py`'s `workload`
/// times its own).
#[derive(Clone, Copy, Debug, Default)]
pub struct Phases {
    /// Making the instances and linking them.
    pub build: f64,
    /// The walks along the list.
    pub walk: f64,
    /// Dropping the list: the last handle to the head frees the chain.
    pub teardown: f64,
}

/// [`workload`], with the time of each phase.
pub fn workload_phases(n: usize, walks: usize) -> (f64, Phases) {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "y", "next"]));
    let node = Type::new("Node", &[], ns).expect("a valid class");
    let since = |t: Instant| t.elapsed().as_secs_f64() * 1e9;
    let run = || -> Result<(f64, Phases), pyslots::Error> {
        let start = Instant::now();
        let mut head = Value::None;
        for i in 0..n {
            let o = node.instantiate()?;
            o.setattr("x", i as f64)?;
            o.setattr("y", 0.0)?;
            o.setattr("next", head)?;
            head = Value::from(o);
        }
        let build = since(start);
        let start = Instant::now();
        let mut total = 0.0;
        for _ in 0..walks {
            let mut cur = head.clone();
            while let Value::Object(o) = cur {
                let x = o.getattr("x")?.as_float().unwrap_or(0.0);
                let y = o.getattr("y")?.as_float().unwrap_or(0.0);
                o.setattr("y", y + x)?;
                total += y;
                cur = o.getattr("next")?;
            }
        }
        let walk = since(start);
        let start = Instant::now();
        drop(head);
        let teardown = since(start);
        Ok((total, Phases { build, walk, teardown }))
    };
    run().expect("the workload raises nothing")
}

/// How many objects `pyslots/gc/collect_1m` collects over.
pub const GC_OBJECTS: usize = 1_000_000;

fn register_gc(r: &mut impl Runner) {
    // A full collection over a million tracked objects (slotted Points in
    // handles), none garbage: CPython's `gc.collect()` over a list of a
    // million of them. Built on the first call, so that the other
    // operations (and icount's runs of them) do not pay for it.
    let mut objects: Vec<Py<SlottedPoint>> = Vec::new();
    r.run("pyslots/gc/collect_1m", || {
        if objects.is_empty() {
            objects = (0..GC_OBJECTS).map(|i| Py::new(SlottedPoint::new(i as f64, 1.0))).collect();
            pyslots::gc::collect();
        }
        pyslots::gc::collect()
    });
    // The same over a heap that must be counted: a million instances of a
    // run-time class, each holding the one made before (`next`), with a
    // list written before each collection (which may add a reference the
    // collector does not judge, so every generation is counted). CPython's
    // `gc.collect()` over the same chain. The row above skips its count:
    // its heap holds no reference at all.
    let mut head = Value::None;
    r.run("pyslots/gc/collect_1m_linked", || {
        if matches!(head, Value::None) {
            head = linked_chain(GC_OBJECTS);
            pyslots::gc::collect();
        }
        PyList::new().push(Value::None);
        pyslots::gc::collect()
    });
}

/// `n` instances of a run-time class with slots `x` and `next`, each
/// holding the one made before: the newest.
fn linked_chain(n: usize) -> Value {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "next"]));
    let node = Type::new("Node", &[], ns).expect("a valid class");
    let mut head = Value::None;
    for i in 0..n {
        let o = node.instantiate().expect("a run-time class");
        o.setattr("x", i as f64).expect("a slot");
        o.setattr("next", head).expect("a slot");
        head = Value::from(o);
    }
    head
}

fn register_baselines(r: &mut impl Runner) {
    // Direct field access on a plain struct.
    let mut p = plain8();
    r.run("baseline/direct/f64", || black_box(&p).x);
    r.run("baseline/direct/set_f64", || black_box(&mut p).x = black_box(2.5));

    // The hand-written match.
    let mut h = handwritten8();
    r.run("baseline/match/f64", || black_box(&h).get(n("x")));
    r.run("baseline/match/i64", || black_box(&h).get(n("count")));
    r.run("baseline/match/str", || black_box(&h).get(n("name")));
    r.run("baseline/match/last", || black_box(&h).get(n("total")));
    r.run("baseline/match/missing", || black_box(&h).get(n("missing")));
    r.run("baseline/match/set_f64", || black_box(&mut h).set(n("x"), Value::Float(black_box(2.5))));
    r.run("baseline/match/set_i64", || black_box(&mut h).set(n("count"), Value::Int(black_box(9))));
    let name = Value::from("Bob");
    r.run("baseline/match/set_str", || black_box(&mut h).set(n("name"), black_box(&name).clone()));
    r.run("baseline/match/set_last", || black_box(&mut h).set(n("total"), Value::Float(black_box(2.5))));
    r.run("baseline/match/set_missing", || black_box(&mut h).set(n("missing"), Value::Int(black_box(1))));

    // std HashMap<String, Value> (SipHash): get clones the value, as
    // getattr does; set overwrites an existing key in place (get_mut);
    // insert is `insert(name.to_owned(), value)`, a new key allocation.
    let mut m = hashmap8();
    r.run("baseline/hashmap/f64", || black_box(&m).get(n("x")).cloned());
    r.run("baseline/hashmap/str", || black_box(&m).get(n("name")).cloned());
    r.run("baseline/hashmap/last", || black_box(&m).get(n("total")).cloned());
    r.run("baseline/hashmap/missing", || black_box(&m).get(n("missing")).cloned());
    r.run("baseline/hashmap/set_f64", || {
        if let Some(v) = black_box(&mut m).get_mut(n("x")) {
            *v = Value::Float(black_box(2.5));
        }
    });
    r.run("baseline/hashmap/set_last", || {
        if let Some(v) = black_box(&mut m).get_mut(n("total")) {
            *v = Value::Float(black_box(2.5));
        }
    });
    r.run("baseline/hashmap/insert_f64", || black_box(&mut m).insert(n("x").to_owned(), Value::Float(black_box(2.5))));

    // bevy_reflect: `Struct::field(name)` through `&dyn Struct`. Two
    // figures: the lookup alone (`f64`, ...: the `&dyn PartialReflect` is
    // returned and not read), and the lookup plus reading the value out as
    // its type (`read_f64`, ...: a downcast, then the f64/i64 copied or the
    // `&String` borrowed), which is what getattr's `Value` gives. Writes go
    // through `field_mut`, a downcast and an assignment.
    let mut b = plain8();
    r.run("baseline/bevy_reflect/f64", || bevy_field(&b, n("x")));
    r.run("baseline/bevy_reflect/i64", || bevy_field(&b, n("count")));
    r.run("baseline/bevy_reflect/str", || bevy_field(&b, n("name")));
    r.run("baseline/bevy_reflect/last", || bevy_field(&b, n("total")));
    r.run("baseline/bevy_reflect/missing", || bevy_field(&b, n("missing")));
    r.run("baseline/bevy_reflect/read_f64", || {
        bevy_field(&b, n("x")).and_then(|f| f.try_downcast_ref::<f64>()).copied()
    });
    r.run("baseline/bevy_reflect/read_i64", || {
        bevy_field(&b, n("count")).and_then(|f| f.try_downcast_ref::<i64>()).copied()
    });
    r.run("baseline/bevy_reflect/read_str", || {
        bevy_field(&b, n("name")).and_then(|f| f.try_downcast_ref::<String>()).map(String::as_str)
    });
    r.run("baseline/bevy_reflect/read_last", || {
        bevy_field(&b, n("total")).and_then(|f| f.try_downcast_ref::<f64>()).copied()
    });
    r.run("baseline/bevy_reflect/set_f64", || {
        let s: &mut dyn Struct = black_box(&mut b as &mut dyn Struct);
        if let Some(x) = s.field_mut(n("x")).and_then(|f| f.try_downcast_mut::<f64>()) {
            *x = black_box(2.5);
        }
    });
    r.run("baseline/bevy_reflect/set_last", || {
        let s: &mut dyn Struct = black_box(&mut b as &mut dyn Struct);
        if let Some(x) = s.field_mut(n("total")).and_then(|f| f.try_downcast_mut::<f64>()) {
            *x = black_box(2.5);
        }
    });

    // facet: `Peek::new(&obj).into_struct()?.field_by_name(name)`: the
    // `Peek` alone, and (`read_*`) the value read out with `Peek::get`.
    let f = plain8();
    r.run("baseline/facet/f64", || facet_field(black_box(&f), n("x")));
    r.run("baseline/facet/i64", || facet_field(black_box(&f), n("count")));
    r.run("baseline/facet/str", || facet_field(black_box(&f), n("name")));
    r.run("baseline/facet/last", || facet_field(black_box(&f), n("total")));
    r.run("baseline/facet/missing", || facet_field(black_box(&f), n("missing")));
    r.run("baseline/facet/read_f64", || facet_field(black_box(&f), n("x")).and_then(|p| p.get::<f64>().ok()).copied());
    r.run("baseline/facet/read_i64", || {
        facet_field(black_box(&f), n("count")).and_then(|p| p.get::<i64>().ok()).copied()
    });
    r.run("baseline/facet/read_str", || {
        facet_field(black_box(&f), n("name")).and_then(|p| p.get::<String>().ok()).map(String::as_str)
    });
    r.run("baseline/facet/read_last", || {
        facet_field(black_box(&f), n("total")).and_then(|p| p.get::<f64>().ok()).copied()
    });
}

/// bevy_reflect's lookup of a field by name, through `&dyn Struct`: the
/// trait object goes through `black_box`, so the call is dynamically
/// dispatched, as it is for a caller that holds only a `&dyn Struct`.
#[inline(always)]
fn bevy_field<'a>(obj: &'a Plain8, name: &str) -> Option<&'a dyn PartialReflect> {
    let s: &dyn Struct = black_box(obj as &dyn Struct);
    s.field(name)
}

/// facet's lookup of a field by name.
#[inline(always)]
fn facet_field<'a>(obj: &'a Plain8, name: &str) -> Option<Peek<'a, 'static>> {
    Peek::new(obj).into_struct().ok()?.field_by_name(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fixture answers the same names with the same values.
    #[test]
    fn fixtures_agree() {
        let (s, d, h, m, p) = (slotted8(), regular8(), handwritten8(), hashmap8(), plain8());
        for name in NAMES8 {
            let want = h.get(name).unwrap();
            assert_eq!(s.getattr(name).unwrap(), want, "{name}");
            assert_eq!(d.getattr(name).unwrap(), want, "{name}");
            assert_eq!(m[name], want, "{name}");
            assert!(Struct::field(&p, name).is_some(), "{name}");
            assert!(facet_field(&p, name).is_some(), "{name}");
        }
        assert!(s.getattr("missing").is_err() && h.get("missing").is_none());
    }

    /// Every registered operation runs.
    #[test]
    fn every_operation_runs() {
        struct Once(Vec<&'static str>);
        impl Runner for Once {
            fn run<R, F: FnMut() -> R>(&mut self, name: &'static str, mut f: F) {
                black_box(f());
                assert!(!self.0.contains(&name), "{name} registered twice");
                self.0.push(name);
            }
        }
        let mut once = Once(Vec::new());
        register_all(&mut once);
        assert!(once.0.len() > 50);
    }
}
