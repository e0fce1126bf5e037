//! A tour of pyslots: every topic of the Python `__slots__` tutorial, in
//! order, each Python line beside the pyslots code that does the same and
//! the result pyslots gives; last, Python's shared lists and the live
//! `__dict__`.
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! Each topic has its own, longer example (`cargo run --example <name>`):
//! regular_vs_slotted, memory_comparison, attribute_access_speed,
//! restrictions, empty_and_single_slots, dict_escape_hatch, weak_references,
//! inheritance, multiple_inheritance.
//!
//! If `python3` is on the `PATH`, the memory and speed sections also show
//! CPython doing the same work; otherwise those columns are left out.

mod common;

use std::hint::black_box;
use std::process::{Child, Stdio};
use std::time::Instant;

use pyslots::prelude::*;
use pyslots::{getsizeof, total_sizeof, Instance};
use pyslots_testkit::oracle;

use common::{column_heads, note, out, py_in_column, py_list, raised, reduction, thousands, CPython};

// ---------------------------------------------------------------------------
// The tutorial's classes.

/// `class RegularPerson:` (`__init__` sets `name` and `age`).
#[pyclass_like]
struct RegularPerson {
    name: String,
    age: u32,
}

/// `class SlottedPerson: __slots__ = ['name', 'age']`.
#[pyclass_like]
#[slots(name, age)]
struct SlottedPerson {
    name: String,
    age: u32,
}

/// `class RegularPoint:` (`__init__` sets `x` and `y`).
#[pyclass_like]
struct RegularPoint {
    x: f64,
    y: f64,
}

/// `class SlottedPoint: __slots__ = ['x', 'y']`.
#[pyclass_like]
#[slots(x, y)]
struct SlottedPoint {
    x: f64,
    y: f64,
}

/// `class NoAttributeClass: __slots__ = []`.
#[pyclass_like]
#[slots()]
struct NoAttributeClass;

/// `class Counter: __slots__ = 'count'`, with `increment`.
#[pyclass_like]
#[slots("count")]
struct Counter {
    count: i64,
}

impl Counter {
    /// `self.count += 1`.
    fn increment(&mut self) -> Result<(), Error> {
        let count = *self.count()?;
        self.set_count(count + 1);
        Ok(())
    }
}

/// `class Person: __slots__ = ['name', 'age', 'city']`, `city="Unknown"`.
#[pyclass_like]
#[slots(name, age, city)]
struct Person {
    name: String,
    age: u32,
    city: String,
}

impl Person {
    /// `Person(name, age)`: the constructor supplies the default city.
    fn with_default_city(name: &str, age: u32) -> Person {
        Person::new(name.to_string(), age, "Unknown".to_string())
    }
}

/// `class FlexiblePerson: __slots__ = ['name', 'age', '__dict__']`.
#[pyclass_like]
#[slots(name, age, __dict__)]
struct FlexiblePerson {
    name: String,
    age: u32,
}

/// `class SlottedClass: __slots__ = ['value']`.
#[pyclass_like]
#[slots(value)]
struct SlottedClass;

/// `class WeakRefSlottedClass: __slots__ = ['value', '__weakref__']`.
#[pyclass_like]
#[slots(value, __weakref__)]
struct WeakRefSlottedClass;

/// `class Animal: __slots__ = ['name', 'species']`.
/// `class Pixel: __slots__ = ['x', 'y']; depth = 8`.
#[pyclass_like(class_attrs(depth = 8))]
#[slots(x, y)]
struct Pixel {
    x: f64,
    y: f64,
}

#[pyclass_like]
#[slots(name, species)]
struct Animal {
    name: String,
    species: String,
}

/// `class Dog(Animal): __slots__ = ['breed']`.
#[pyclass_like(extends = Animal)]
#[slots(breed)]
struct Dog {
    breed: String,
}

/// `class A: __slots__ = ['a']`.
#[pyclass_like]
#[slots(a)]
struct A;

/// `class C(A): __slots__ = ['b']`: the fix for `class C(A, B)`.
#[pyclass_like(extends = A)]
#[slots(b)]
struct C;

/// `class Account: __slots__ = ('_balance',)` with a validated `balance`
/// property and a `deposit` method (section 12).
#[pyclass_like]
#[slots(_balance)]
struct Account {
    _balance: i64,
}

#[methods]
impl Account {
    #[getter]
    fn balance(&self) -> Result<i64, Error> {
        self._balance().copied()
    }
    #[setter]
    fn set_balance(&mut self, value: i64) -> Result<(), Error> {
        if value < 0 {
            return Err(Error::value_error("balance cannot be negative"));
        }
        self.set__balance(value);
        Ok(())
    }
    fn deposit(&mut self, amount: i64) -> Result<i64, Error> {
        let balance = self.balance()? + amount;
        self.set_balance(balance)?;
        Ok(balance)
    }
}

/// Instances per class in the memory section (the memory_comparison
/// example goes to a million).
const INSTANCES: usize = 10_000;

/// Reads per loop in the speed section, as in the tutorial.
const READS: usize = 1_000_000;

fn main() -> Result<(), Error> {
    // CPython, when present, does the memory and speed sections' work in a
    // subprocess while the tour runs.
    let cpython = spawn_cpython();

    println!("pyslots: Python's __slots__ object model for Rust structs");
    println!();
    println!("A tour of the __slots__ tutorial. Each step shows the Python line, the");
    println!("pyslots code that does the same beside it, and below, what pyslots gave:");
    println!("the same values and the same exception messages as CPython 3.11.");

    regular_vs_slotted()?;
    let cpython = cpython.and_then(|child| CPython::wait(child).ok());
    memory(cpython.as_ref());
    speed(cpython.as_ref())?;
    restrictions()?;
    patterns()?;
    dict_escape_hatch()?;
    weak_references()?;
    inheritance()?;
    shared_values()?;
    class_namespace()?;
    runtime_classes()?;
    behaviour()?;

    section(13, "Where next");
    println!("  Every section has a longer example: cargo run --example <name>");
    println!("    regular_vs_slotted  memory_comparison  attribute_access_speed  restrictions");
    println!("    empty_and_single_slots  dict_escape_hatch  weak_references");
    println!("    inheritance  multiple_inheritance  class_attributes  scripted_classes  properties");
    println!("  cargo test --workspace checks all of it against CPython itself.");
    Ok(())
}

fn behaviour() -> Result<(), Error> {
    section(12, "Properties and methods");
    explain("The classic __slots__ pattern: a private slot behind a validated property.");
    explain("#[methods] on an impl block gives a class properties, methods and hooks.");
    columns();
    py("a = Account(); a.balance = 10", "let mut a = Account::default(); a.setattr(\"balance\", 10.into())?;");
    let mut a = Account::default();
    a.setattr("balance", 10.into())?;
    py("a.balance = -5", "a.setattr(\"balance\", (-5).into())");
    let err = a.setattr("balance", (-5).into()).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "ValueError: balance cannot be negative");
    py("a.deposit(5)", "pyslots::call_method(&mut a, \"deposit\", &[5.into()], &[])?");
    out(pyslots::call_method(&mut a, "deposit", &[5.into()], &[])?);
    py("a.deposit()", "pyslots::call_method(&mut a, \"deposit\", &[], &[])");
    let err = pyslots::call_method(&mut a, "deposit", &[], &[]).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "TypeError: Account.deposit() missing 1 required positional argument: 'amount'");
    py("a.__getstate__()", "pyslots::getstate(&a)");
    out(pyslots::getstate(&a));
    note("  (cargo run --example properties: a Fraction-like class, __getattr__, handles)");
    Ok(())
}

fn regular_vs_slotted() -> Result<(), Error> {
    section(1, "Regular vs slotted classes");
    explain("A regular class keeps attributes in a per-instance __dict__ and takes any");
    explain("new name. __slots__ fixes the names: no dict, and a new name is an error.");
    columns();
    py("person = RegularPerson(\"Alice\", 30)", "let mut person = RegularPerson::new(..);");
    let mut person = RegularPerson::new("Alice".to_string(), 30);
    py("person.height = 170", "setattr(&mut person, \"height\", 170)?;");
    setattr(&mut person, "height", 170)?;
    py("person.__dict__", "vars(&person)?");
    out(vars(&person)?);
    assert_eq!(vars(&person)?.to_string(), "{'name': 'Alice', 'age': 30, 'height': 170}");

    py("person = SlottedPerson(\"Alice\", 30)", "let mut person = SlottedPerson::new(..);");
    let mut person = SlottedPerson::new("Alice".to_string(), 30);
    py("person.name", "getattr(&person, \"name\")?");
    out(getattr(&person, "name")?);
    assert_eq!(getattr(&person, "name")?, Value::from("Alice"));
    py("", &format!("person.name()? == {:?}   // typed accessor", person.name()?));
    py("person.__dict__", "getattr(&person, \"__dict__\")");
    let err = getattr(&person, "__dict__").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'SlottedPerson' object has no attribute '__dict__'");
    py("person.height = 170", "setattr(&mut person, \"height\", 170)");
    let err = setattr(&mut person, "height", 170).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'SlottedPerson' object has no attribute 'height'");
    py("p = SlottedPoint(3, 4); p.z = 5", "setattr(&mut p, \"z\", 5)");
    let mut p = SlottedPoint::new(3.0, 4.0);
    let err = setattr(&mut p, "z", 5).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'SlottedPoint' object has no attribute 'z'");
    Ok(())
}

fn memory(cpython: Option<&CPython>) {
    section(2, "Memory");
    explain(&format!("{} instances of each class, built as the tutorial's loops build them:", thousands(INSTANCES)));
    explain("Person(f\"Person{i}\", i) and Point(float(i), float(i * 2)). Bytes per instance:");
    explain("getsizeof is the object itself (sys.getsizeof); total_sizeof adds what it owns.");
    println!();
    let classes = [
        ("RegularPerson", per_instance(|i| RegularPerson::new(format!("Person{i}"), i as u32))),
        ("SlottedPerson", per_instance(|i| SlottedPerson::new(format!("Person{i}"), i as u32))),
        ("RegularPoint", per_instance(|i| RegularPoint::new(i as f64, (i * 2) as f64))),
        ("SlottedPoint", per_instance(|i| SlottedPoint::new(i as f64, (i * 2) as f64))),
    ];
    let py = |class: &str| cpython.and_then(|c| c.get(&format!("alloc/{class}")));
    let header = if cpython.is_some() { "CPython (tracemalloc)" } else { "" };
    println!("  {:<18}{:>10}{:>14}    {header}", "bytes/instance", "getsizeof", "total_sizeof");
    for (class, (size, total)) in classes {
        let cp = py(class).map_or(String::new(), |b| format!("{b:>10.1}"));
        println!("  {class:<18}{size:>10.1}{total:>14.1}    {cp}");
    }
    for (what, regular, slotted) in [("Person", 0, 1), ("Point", 2, 3)] {
        let saved = reduction(classes[regular].1 .1, classes[slotted].1 .1);
        let cp = match (py(classes[regular].0), py(classes[slotted].0)) {
            (Some(r), Some(s)) => format!("{:>9.1}%", reduction(r, s)),
            _ => String::new(),
        };
        println!("  {:<18}{:>10}{:>13.1}%    {cp}", format!("{what}: saved"), "", saved);
        assert!(classes[slotted].1 .1 < classes[regular].1 .1);
    }
    assert!(classes[3].1 .0 <= 24.0, "a slotted Point is at most 24 bytes");
    if cpython.is_some() {
        println!();
        explain("CPython's figures include the int, float and str objects an instance refers");
        explain("to; pyslots stores numbers inline. memory_comparison checks total_sizeof");
        explain("against a counting allocator and goes to a million instances.");
    }
}

/// Builds `INSTANCES` objects; their average getsizeof and total_sizeof.
fn per_instance<T: Object>(make: impl Fn(usize) -> T) -> (f64, f64) {
    let objects: Vec<T> = (0..INSTANCES).map(make).collect();
    let n = INSTANCES as f64;
    let size = objects.iter().map(|o| getsizeof(o)).sum::<usize>() as f64 / n;
    let total = objects.iter().map(|o| total_sizeof(o)).sum::<usize>() as f64 / n;
    (size, total)
}

fn speed(cpython: Option<&CPython>) -> Result<(), Error> {
    section(3, "Attribute access speed");
    explain("The tutorial's loop: a million reads of point.x, by name. A demonstration,");
    if cfg!(debug_assertions) {
        explain("not a benchmark (and this is a debug build: try --release).");
    } else {
        explain("not a benchmark: one run each, no statistics.");
    }
    println!();
    let regular = RegularPoint::new(1.0, 2.0);
    let slotted = SlottedPoint::new(1.0, 2.0);
    let regular_time = time_reads(&regular);
    let slotted_time = time_reads(&slotted);
    assert_eq!(getattr(&regular, "x")?, Value::Float(1.0));
    assert_eq!(getattr(&slotted, "x")?, Value::Float(1.0));
    println!("  {:<40}{:>12}{:>12}{:>10}", "", "regular", "slotted", "speedup");
    let label = if cfg!(debug_assertions) { "pyslots (debug build)" } else { "pyslots" };
    speed_row(&format!("{label}: getattr(&p, \"x\")"), regular_time, slotted_time);
    if let Some((r, s)) = cpython.and_then(|c| Some((c.get("time/regular")?, c.get("time/slotted")?))) {
        speed_row(&format!("CPython {}: point.x", cpython.map_or("", |c| &c.version)), r, s);
    }
    Ok(())
}

fn time_reads<T: Object>(point: &T) -> f64 {
    let start = Instant::now();
    for _ in 0..READS {
        black_box(getattr(black_box(point), black_box("x")).is_ok());
    }
    start.elapsed().as_secs_f64()
}

fn speed_row(label: &str, regular: f64, slotted: f64) {
    println!("  {label:<40}{regular:>10.4} s{slotted:>10.4} s{:>9.2}x", regular / slotted);
}

fn restrictions() -> Result<(), Error> {
    section(4, "Restrictions");
    explain("What a slotted instance does not have, with CPython's exception for each.");
    columns();
    py("p = SlottedPoint(3.0, 4.0)", "let mut p = SlottedPoint::new(3.0, 4.0);");
    let mut p = SlottedPoint::new(3.0, 4.0);
    py("vars(p)", "vars(&p)");
    let err = vars(&p).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "TypeError: vars() argument must have __dict__ attribute");
    py("del p.x", "delattr(&mut p, \"x\")?;");
    delattr(&mut p, "x")?;
    py("p.x", "getattr(&p, \"x\")");
    let err = getattr(&p, "x").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'SlottedPoint' object has no attribute 'x'");
    py("del p.x", "delattr(&mut p, \"x\")");
    let err = delattr(&mut p, "x").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: x");
    py("dir(p)", "dir(&p)");
    out(py_list(&dir(&p)));
    assert_eq!(dir(&p), ["__slots__", "x", "y"]);
    note("# pyslots' own rule: a slot declared with a field has the field's type.");
    py("p.y = \"four\"", "setattr(&mut p, \"y\", \"four\")");
    let err = setattr(&mut p, "y", "four").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "TypeError: 'SlottedPoint' object attribute 'y' must be float, not str");
    assert_eq!(getattr(&p, "y")?, Value::Float(4.0), "a failed write changes nothing");
    Ok(())
}

fn patterns() -> Result<(), Error> {
    section(5, "Empty slots, a single slot, default values");
    explain("__slots__ = [] allows no attributes at all; slots have no default values, so");
    explain("the constructor supplies them, as __init__ does.");
    columns();
    py("obj = NoAttributeClass()", "let mut obj = NoAttributeClass::new();");
    let mut obj = NoAttributeClass::new();
    py("obj.anything = \"value\"", "setattr(&mut obj, \"anything\", \"value\")");
    let err = setattr(&mut obj, "anything", "value").unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "AttributeError: 'NoAttributeClass' object has no attribute 'anything'");
    py("sys.getsizeof(obj)", "getsizeof(&obj)");
    out(getsizeof(&obj));
    assert_eq!(getsizeof(&obj), 0);

    py("c = Counter()  # __slots__ = 'count'", "let mut c = Counter::new(0);");
    let mut c = Counter::new(0);
    py("c.increment(); c.increment()", "c.increment()?; c.increment()?;");
    c.increment()?;
    c.increment()?;
    py("c.count", "getattr(&c, \"count\")?");
    out(getattr(&c, "count")?);
    assert_eq!(getattr(&c, "count")?, Value::Int(2));

    py("p = Person(\"Alice\", 30)", "let p = Person::with_default_city(\"Alice\", 30);");
    let p = Person::with_default_city("Alice", 30);
    py("p.city", "getattr(&p, \"city\")?");
    out(getattr(&p, "city")?);
    assert_eq!(getattr(&p, "city")?, Value::from("Unknown"));
    Ok(())
}

fn dict_escape_hatch() -> Result<(), Error> {
    section(6, "The __dict__ escape hatch");
    explain("'__dict__' in __slots__: the declared names stay in slots, others go to a dict.");
    columns();
    py("flexible = FlexiblePerson(\"Bob\", 25)", "let mut flexible = FlexiblePerson::new(..);");
    let mut flexible = FlexiblePerson::new("Bob".to_string(), 25);
    py("flexible.height = 180", "setattr(&mut flexible, \"height\", 180)?;");
    setattr(&mut flexible, "height", 180)?;
    py("flexible.__dict__", "vars(&flexible)?");
    out(vars(&flexible)?);
    assert_eq!(vars(&flexible)?.to_string(), "{'height': 180}");
    py("flexible.name", "getattr(&flexible, \"name\")?");
    out(getattr(&flexible, "name")?);
    assert_eq!(getattr(&flexible, "name")?, Value::from("Bob"));
    Ok(())
}

fn weak_references() -> Result<(), Error> {
    section(7, "Weak references");
    explain("Py<T> is a shared object reference, WeakRef<T> is weakref.ref. A slotted class");
    explain("needs '__weakref__' in __slots__; Py::downgrade does not compile without it.");
    columns();
    py("obj = SlottedClass()", "let obj = Py::new(SlottedClass::new());");
    let obj = Py::new(SlottedClass::new());
    py("weakref.ref(obj)", "Py::try_downgrade(&obj)");
    let err = Py::try_downgrade(&obj).unwrap_err();
    out(raised(&err));
    assert_eq!(raised(&err), "TypeError: cannot create weak reference to 'SlottedClass' object");
    py("obj2 = WeakRefSlottedClass()", "let obj2 = Py::new(WeakRefSlottedClass::new());");
    let obj2 = Py::new(WeakRefSlottedClass::new());
    py("obj2.value = 42", "setattr(&mut *obj2.write(), \"value\", 42)?;");
    setattr(&mut *obj2.write(), "value", 42)?;
    py("weak_ref = weakref.ref(obj2)", "let weak_ref = Py::downgrade(&obj2);");
    let weak_ref = Py::downgrade(&obj2);
    py("weak_ref().value", "weak_ref.upgrade().unwrap().read().getattr(\"value\")?");
    let value = weak_ref.upgrade().expect("obj2 is alive").read().getattr("value")?;
    out(&value);
    assert_eq!(value, Value::Int(42));
    py("del obj2; weak_ref() is None", "drop(obj2); weak_ref.upgrade().is_none()");
    drop(obj2);
    out(Value::Bool(weak_ref.upgrade().is_none()));
    assert!(weak_ref.upgrade().is_none());
    Ok(())
}

fn inheritance() -> Result<(), Error> {
    section(8, "Inheritance");
    explain("A subclass adds its own slots to its base's; two slotted bases cannot be");
    explain("combined, and pyslots refuses them at compile time as CPython does at class");
    explain("creation.");
    columns();
    py("dog = Dog(\"Buddy\", \"Golden Retriever\")", "let dog = Dog::with_base(Animal::new(..), ..);");
    let dog = Dog::with_base(Animal::new("Buddy".into(), "Canine".into()), "Golden Retriever".into());
    py("dog.species, dog.breed", "getattr(&dog, \"species\")?, ..");
    let pair = format!("({}, {})", getattr(&dog, "species")?, getattr(&dog, "breed")?);
    out(&pair);
    assert_eq!(pair, "('Canine', 'Golden Retriever')");
    py("dog.specis", "format!(\"{err:#}\")   // getattr(&dog, \"specis\")");
    let err = getattr(&dog, "specis").unwrap_err();
    let line = format!("{}: {err:#}", err.exception());
    out(&line);
    assert_eq!(line, "AttributeError: 'Dog' object has no attribute 'specis'. Did you mean: 'species'?");
    py("dir(dog)", "dir(&dog)");
    out(py_list(&dir(&dog)));
    assert_eq!(dir(&dog), ["__slots__", "breed", "name", "species"]);
    py("class C(A, B): pass", "#[pyclass_like(extends(A, B))] struct C;");
    note("CPython: TypeError: multiple bases have instance lay-out conflict");
    note("rustc:   error[E0080]: evaluation panicked: multiple bases have instance lay-out conflict");
    py("class C(A): __slots__ = ['b']", "#[pyclass_like(extends = A)] #[slots(b)]");
    let mut c = C::default();
    setattr(&mut c, "a", 1)?;
    setattr(&mut c, "b", 2)?;
    py("c.a, c.b = 1, 2; dir(c)", "dir(&c)");
    out(py_list(&dir(&c)));
    assert_eq!(dir(&c), ["__slots__", "a", "b"]);
    Ok(())
}

fn class_namespace() -> Result<(), Error> {
    section(10, "Class attributes and member descriptors");
    explain("A class attribute is found after the slots and the instance dict. Without a");
    explain("dict it cannot be shadowed, so writing it through an instance is an error;");
    explain("and it cannot share a name with a slot (CPython: ValueError, pyslots: a");
    explain("compile error). Each slot is a member descriptor on its class.");
    columns();
    py("class Pixel:", "#[pyclass_like(class_attrs(depth = 8))]");
    // Continuation lines, at Python's `...` prompt.
    println!("  ... {:<w$}#[slots(x, y)]", "    __slots__ = ['x', 'y']", w = PYTHON_COLUMN - 4);
    println!("  ... {:<w$}struct Pixel {{ x: f64, y: f64 }}", "    depth = 8", w = PYTHON_COLUMN - 4);
    let mut px = Pixel::new(1.0, 2.0);
    py("px = Pixel(1.0, 2.0); px.depth", "getattr(&px, \"depth\")?");
    out(getattr(&px, "depth")?);
    assert_eq!(getattr(&px, "depth")?, Value::Int(8));
    py("px.depth = 16", "setattr(&mut px, \"depth\", 16)");
    let err = setattr(&mut px, "depth", 16).unwrap_err();
    let line = format!("{}: {err}", err.exception());
    out(&line);
    assert_eq!(line, "AttributeError: 'Pixel' object attribute 'depth' is read-only");
    py("px.dpeth", "format!(\"{err:#}\")   // getattr(&px, \"dpeth\")");
    let err = getattr(&px, "dpeth").unwrap_err();
    let line = format!("{}: {err:#}", err.exception());
    out(&line);
    assert_eq!(line, "AttributeError: 'Pixel' object has no attribute 'dpeth'. Did you mean: 'depth'?");
    py("Pixel.x", "let x = Pixel::member(\"x\").unwrap();");
    let x = Pixel::member("x").expect("x is a slot");
    out(&x);
    assert_eq!(x.to_string(), "<member 'x' of 'Pixel' objects>");
    py("Pixel.x.__set__(px, 4.0)", "x.set(&mut px, 4.0)?;");
    x.set(&mut px, 4.0)?;
    py("Pixel.x.__get__(px)", "x.get(&px)?");
    out(x.get(&px)?);
    assert_eq!(x.get(&px)?, Value::Float(4.0));
    Ok(())
}

fn runtime_classes() -> Result<(), Error> {
    section(11, "Classes made at run time");
    explain("A script or a schema makes its classes while the program runs: Type::new is");
    explain("Python's type(name, bases, namespace), with every rule of CPython's type_new.");
    explain("Its instances are as compact as a struct's and take the same attribute path.");
    columns();
    py("Point = type('Point', (), {", "let mut ns = Dict::new();");
    println!(
        "  ... {:<w$}ns.insert(\"__slots__\", Value::tuple([\"x\", \"y\"]));",
        "  '__slots__': ('x', 'y'),",
        w = PYTHON_COLUMN - 4
    );
    println!("  ... {:<w$}ns.insert(\"dims\", 2);", "  'dims': 2})", w = PYTHON_COLUMN - 4);
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "y"]));
    ns.insert("dims", 2);
    py("", "let point = Type::new(\"Point\", &[], ns)?;");
    let point = Type::new("Point", &[], ns)?;
    py("p = Point(); p.x = 1.5", "let p = point.instantiate()?; p.setattr(\"x\", 1.5)?;");
    let p = point.instantiate()?;
    p.setattr("x", 1.5)?;
    py("p.x, p.dims", "(p.getattr(\"x\")?, p.getattr(\"dims\")?)");
    let pair = Value::tuple([p.getattr("x")?, p.getattr("dims")?]);
    out(&pair);
    assert_eq!(pair.to_string(), "(1.5, 2)");
    py("p.z = 0", "p.setattr(\"z\", 0)");
    let err = p.setattr("z", 0).unwrap_err();
    let line = format!("{}: {err}", err.exception());
    out(&line);
    assert_eq!(line, "AttributeError: 'Point' object has no attribute 'z'");
    py("Bad = type('Bad', (), {", "Type::new(\"Bad\", &[], ns)");
    println!("  ... {:<w$}// __slots__: [\"x\", \"x y\"]", "  '__slots__': ['x', 'x y']})", w = PYTHON_COLUMN - 4);
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::list(["x", "x y"]));
    let err = Type::new("Bad", &[], ns).unwrap_err();
    let line = format!("{}: {err}", err.exception());
    out(&line);
    assert_eq!(line, "TypeError: __slots__ must be identifiers");
    py("sys.getsizeof(p) + 2 floats", "size_of::<Instance>()");
    let size = std::mem::size_of::<Instance>();
    out(format!("{size} bytes, no allocation (CPython: 48 + 2 x 24 = 96)"));
    assert_eq!(size, 40);

    explain("Without __slots__, instances share the keys their class learns from what");
    explain("they set, as CPython 3.11's do: each keeps only its values.");
    py("Regular = type('Regular', (), {})", "let regular = Type::new(\"Regular\", &[], Dict::new())?;");
    let regular = Type::new("Regular", &[], Dict::new())?;
    py("ps = [Regular() for _ in range(100)]", "let mut ps: Vec<Instance> = ..;");
    py("for p in ps: p.x = 1.0; p.y = 2.0", "p.setattr(\"x\", 1.0)?; p.setattr(\"y\", 2.0)?;");
    let mut ps = Vec::new();
    for _ in 0..100 {
        let mut p = Instance::new(&regular).expect("a run-time class");
        p.setattr("x", 1.0.into())?;
        p.setattr("y", 2.0.into())?;
        ps.push(p);
    }
    let last = ps.last().expect("100 instances");
    py("bytes of ps[-1], its values, floats", "total_sizeof(&ps[99])");
    let bytes = total_sizeof(last);
    out(format!("{bytes} bytes (CPython: 136)"));
    assert_eq!(bytes, 104);
    // Asking for the dict makes it, as in CPython: after the size.
    py("vars(ps[-1])", "vars(&ps[99])?");
    out(vars(last)?);
    assert_eq!(vars(last)?.to_string(), "{'x': 1.0, 'y': 2.0}");
    Ok(())
}

fn shared_values() -> Result<(), Error> {
    section(9, "Lists and the live __dict__");
    explain("Attributes hold Python's values, and a list is shared, not copied: two");
    explain("objects holding it see each other's appends. __dict__ is the live dict.");
    columns();
    py("a, b = SlottedClass(), SlottedClass()", "let (mut a, mut b) = (SlottedClass::new(), ..);");
    let (mut a, mut b) = (SlottedClass::new(), SlottedClass::new());
    py("a.value = [1, 2]", "setattr(&mut a, \"value\", Value::list([1, 2]))?;");
    setattr(&mut a, "value", Value::list([1, 2]))?;
    py("b.value = a.value", "setattr(&mut b, \"value\", getattr(&a, \"value\")?)?;");
    setattr(&mut b, "value", getattr(&a, "value")?)?;
    py("b.value.append(3)", "getattr(&b, \"value\")?.as_list().unwrap().push(3);");
    getattr(&b, "value")?.as_list().expect("a list").push(3);
    py("a.value", "getattr(&a, \"value\")?");
    out(getattr(&a, "value")?);
    assert_eq!(getattr(&a, "value")?.to_string(), "[1, 2, 3]");

    py("person = RegularPerson(\"Alice\", 30)", "let mut person = RegularPerson::new(..);");
    let mut person = RegularPerson::new("Alice".to_string(), 30);
    py("d = vars(person)", "let d = vars(&person)?;       // a PyDict");
    let d = vars(&person)?;
    py("d[\"city\"] = \"Paris\"", "d.insert(\"city\", \"Paris\");");
    d.insert("city", "Paris");
    py("person.city", "getattr(&person, \"city\")?");
    out(getattr(&person, "city")?);
    assert_eq!(getattr(&person, "city")?, Value::from("Paris"));
    py("person.age = 31", "setattr(&mut person, \"age\", 31)?;");
    setattr(&mut person, "age", 31)?;
    py("d", "d");
    out(&d);
    assert_eq!(d.to_string(), "{'name': 'Alice', 'age': 31, 'city': 'Paris'}");
    Ok(())
}

// ---------------------------------------------------------------------------
// CPython, for the memory and speed sections.

/// The memory and speed sections' work in CPython: `key value` lines.
const CPYTHON_SCRIPT: &str = r#"
import sys, time, tracemalloc

class RegularPerson:
    def __init__(self, name, age):
        self.name = name
        self.age = age

class SlottedPerson:
    __slots__ = ['name', 'age']
    def __init__(self, name, age):
        self.name = name
        self.age = age

class RegularPoint:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class SlottedPoint:
    __slots__ = ['x', 'y']
    def __init__(self, x, y):
        self.x = x
        self.y = y

n = int(sys.argv[1])
def per_instance(make):
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    objs = [make(i) for i in range(n)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before - sys.getsizeof(objs)) / n

print("version", "%d.%d.%d" % sys.version_info[:3])
print("alloc/RegularPerson", per_instance(lambda i: RegularPerson(f"Person{i}", i)))
print("alloc/SlottedPerson", per_instance(lambda i: SlottedPerson(f"Person{i}", i)))
print("alloc/RegularPoint", per_instance(lambda i: RegularPoint(float(i), float(i * 2))))
print("alloc/SlottedPoint", per_instance(lambda i: SlottedPoint(float(i), float(i * 2))))

def read_x(point):
    start = time.perf_counter()
    for _ in range(1000000):
        _ = point.x
    return time.perf_counter() - start

print("time/regular", read_x(RegularPoint(1.0, 2.0)))
print("time/slotted", read_x(SlottedPoint(1.0, 2.0)))
"#;

/// Starts the script; `None` when `python3` cannot be started.
fn spawn_cpython() -> Option<Child> {
    oracle::command(CPYTHON_SCRIPT).arg(INSTANCES.to_string()).stderr(Stdio::null()).spawn().ok()
}

// ---------------------------------------------------------------------------
// Printing.

fn section(number: u32, title: &str) {
    println!();
    println!();
    let heading = format!("{number}. {title}");
    println!("{heading}");
    println!("{}", "=".repeat(heading.len()));
    println!();
}

/// A line of explanation.
fn explain(text: &str) {
    println!("  {text}");
}

/// How wide the tour's Python column is.
const PYTHON_COLUMN: usize = 44;

/// The column headings of a Python / pyslots walk-through.
fn columns() {
    println!();
    column_heads(PYTHON_COLUMN);
    println!("  {:<PYTHON_COLUMN$}{}", "-".repeat(6), "-".repeat(7));
}

/// A Python line, as typed at the `>>>` prompt, beside the pyslots code that
/// does the same.
fn py(python: &str, rust: &str) {
    py_in_column(PYTHON_COLUMN, python, rust);
}
