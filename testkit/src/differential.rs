//! The differential harness (feature `differential`), shared by the
//! facade's scenario tests (`differential`, `inheritance`, ...) and the
//! fuzzer (`fuzz_differential`): runs operations on
//! an object in pyslots and in CPython and returns one line per operation
//! from each, to compare.
//!
//! Each operation prints one line in both worlds: `ok <repr>` for a result,
//! `ok` for a write or delete that succeeded, `<Exception>: <message>` for a
//! failure. CPython is the oracle (`pyslots_testkit::oracle`): no expected
//! output is written by hand. The operations go to Python as a list of
//! tuples in the script, `[('get', 'x'), ('set', 'x', 1.5), ('dir',)]`.

use std::collections::HashMap;
use std::fmt::{Debug, Write as _};

use crate::oracle::{self, py_str};
use pyslots::prelude::*;
use pyslots::PyClass;

/// One operation on the object under test. Names are `&'static str` in the
/// scenarios, `String` in the fuzzer.
#[derive(Clone, Debug)]
pub enum Op<N = &'static str> {
    /// `getattr(o, name)`.
    Get(N),
    /// `setattr(o, name, value)`.
    Set(N, Value),
    /// `delattr(o, name)`.
    Del(N),
    /// `hasattr(o, name)`.
    Has(N),
    /// `dir(o)`.
    Dir,
    /// `vars(o)`.
    Vars,
    /// A weak reference to a fresh instance of the class.
    Weakref,
}

// ---- pyslots ----------------------------------------------------------------

fn err_line(e: &Error) -> String {
    format!("{}: {}", e.exception(), e)
}

/// Runs the operations on `obj` in pyslots, one line each. `weak` takes a
/// weak reference to a fresh instance of the class ([`weak_of`], or a
/// closure over a class made at run time). A failed
/// write or delete must leave the object exactly as it was (its `Debug`
/// shows every slot and the dict in order): where it does not, a report
/// naming `class` goes to `partial_writes`.
pub fn run_rust<N: AsRef<str> + Debug>(
    class: &str,
    obj: &mut dyn Object,
    weak: impl Fn() -> Result<(), Error>,
    ops: &[Op<N>],
    partial_writes: &mut Vec<String>,
) -> Vec<String> {
    ops.iter()
        .map(|op| match op {
            Op::Get(n) => getattr(obj, n.as_ref()).map_or_else(|e| err_line(&e), |v| format!("ok {v}")),
            Op::Set(n, v) => checked_write(class, op, obj, partial_writes, |o| setattr(o, n.as_ref(), v.clone())),
            Op::Del(n) => checked_write(class, op, obj, partial_writes, |o| delattr(o, n.as_ref())),
            Op::Has(n) => format!("ok {}", Value::from(hasattr(obj, n.as_ref()))),
            Op::Dir => {
                let names: Vec<Value> = dir(obj).into_iter().map(Value::from).collect();
                format!("ok {}", Value::from(names))
            }
            Op::Vars => vars(obj).map_or_else(|e| err_line(&e), |d| format!("ok {d}")),
            Op::Weakref => weak().map_or_else(|e| err_line(&e), |()| "ok".to_owned()),
        })
        .collect()
}

/// A write or delete; if it fails, the object must be as it was.
fn checked_write<N: Debug>(
    class: &str,
    op: &Op<N>,
    obj: &mut dyn Object,
    partial_writes: &mut Vec<String>,
    write: impl FnOnce(&mut dyn Object) -> Result<(), Error>,
) -> String {
    let before = format!("{obj:?}");
    match write(obj) {
        Ok(()) => "ok".to_owned(),
        Err(e) => {
            let after = format!("{obj:?}");
            if after != before {
                partial_writes.push(format!("{class}: {op:?} failed but changed\n  {before}\n  {after}"));
            }
            err_line(&e)
        }
    }
}

/// Takes a weak reference to a fresh `T`, drops the only strong handle, and
/// checks that the reference is dead.
pub fn weak_of<T: PyClass + Default>() -> Result<(), Error> {
    let strong = Py::new(T::default());
    let weak = Py::try_downgrade(&strong)?;
    drop(strong);
    // Another test thread's collection may hold it a moment.
    assert!(crate::soon(|| weak.upgrade().is_none()), "the only strong handle is gone");
    Ok(())
}

// ---- CPython ----------------------------------------------------------------

/// `_run(o, ops)`: runs the operations on `o`, one line each (the oracle's
/// `_line`), then closes the group.
const PYTHON_RUNNER: &str = r#"
import weakref

# The dunder names a test gave the class or its bases itself (slots, class
# attributes), which dir() keeps like any other: none here; a test that
# makes classes with such names redefines it.
def _given(cls):
    return ()

def _dir(o):
    own = set(o.__dict__) if isinstance(getattr(o, '__dict__', None), dict) else set()
    given = _given(type(o))
    keep = lambda n: not (n.startswith('__') and n.endswith('__')) or n in ('__dict__', '__weakref__', '__slots__') or n in own or n in given
    return sorted(n for n in dir(o) if keep(n))

def _weak(cls):
    weakref.ref(cls.__new__(cls))

def _op(o, op):
    kind = op[0]
    if kind == 'get':
        return _line(lambda: getattr(o, op[1]))
    if kind == 'set':
        return _line(lambda: setattr(o, op[1], op[2]), False)
    if kind == 'del':
        return _line(lambda: delattr(o, op[1]), False)
    if kind == 'has':
        return _line(lambda: hasattr(o, op[1]))
    if kind == 'dir':
        return _line(lambda: _dir(o))
    if kind == 'vars':
        return _line(lambda: vars(o))
    if kind == 'weakref':
        return _line(lambda: _weak(type(o)), False)
    raise ValueError(kind)

def _run(o, ops):
    for op in ops:
        print(_op(o, op))
    _end()
"#;

/// The names the operations use, each written once into the script as
/// `_N[i]` (a hostile name can be a mebibyte long, and Python compiles a
/// long literal slowly).
#[derive(Default)]
pub struct Names {
    index: HashMap<String, usize>,
    table: String,
}

impl Names {
    /// `_N[i]`, the script's expression for `name`.
    pub fn of(&mut self, name: &str) -> String {
        let next = self.index.len();
        let i = *self.index.entry(name.to_owned()).or_insert_with(|| {
            writeln!(self.table, "    {},", py_str(name)).unwrap();
            next
        });
        format!("_N[{i}]")
    }
}

/// The operations as a Python list of tuples; a value goes as its repr,
/// which is a Python literal.
pub fn python_ops<N: AsRef<str>>(ops: &[Op<N>], names: &mut Names) -> String {
    let tuples: Vec<String> = ops.iter().map(|op| python_op(op, names)).collect();
    format!("[{}]", tuples.join(", "))
}

/// One operation as the tuple `_op` takes: `('set', _N[0], 1.5)`.
pub fn python_op<N: AsRef<str>>(op: &Op<N>, names: &mut Names) -> String {
    match op {
        Op::Get(n) => format!("('get', {})", names.of(n.as_ref())),
        Op::Set(n, v) => format!("('set', {}, {v})", names.of(n.as_ref())),
        Op::Del(n) => format!("('del', {})", names.of(n.as_ref())),
        Op::Has(n) => format!("('has', {})", names.of(n.as_ref())),
        Op::Dir => "('dir',)".to_owned(),
        Op::Vars => "('vars',)".to_owned(),
        Op::Weakref => "('weakref',)".to_owned(),
    }
}

/// Runs `definitions` (Python source: the classes), then each run's
/// operations on the instance its Python expression builds, all in one
/// `python3` process; returns, per run, the lines CPython printed.
pub fn run_in_python<'a, N: AsRef<str> + 'a>(
    definitions: &str,
    runs: impl IntoIterator<Item = (String, &'a [Op<N>])>,
) -> Vec<Vec<String>> {
    let mut counts = Vec::new();
    let python = run_script(definitions, |names| {
        let mut calls = String::new();
        for (instance, ops) in runs {
            writeln!(calls, "_run({instance}, {})", python_ops(ops, names)).unwrap();
            counts.push(ops.len());
        }
        (calls, counts.len())
    });
    for (i, (lines, count)) in python.iter().zip(counts).enumerate() {
        assert_eq!(lines.len(), count, "run {i}: CPython printed {} lines for {count} operations", lines.len());
    }
    python
}

/// Runs `definitions` and the calls `calls` writes (Python statements over
/// the runner's helpers, `_op` and `_run`, naming names through the table
/// it is given), all in one `python3` process; `calls` also says how many
/// groups of lines they print. Returns the groups.
pub fn run_script(definitions: &str, calls: impl FnOnce(&mut Names) -> (String, usize)) -> Vec<Vec<String>> {
    let mut names = Names::default();
    let (calls, groups) = calls(&mut names);
    let script = format!("{}{PYTHON_RUNNER}\n{definitions}\n_N = [\n{}]\n{calls}", oracle::PRELUDE, names.table);
    oracle::run_groups(&script, groups)
}

// ---- scenarios --------------------------------------------------------------

/// Runs a scenario's operations in pyslots.
pub type Runner = Box<dyn Fn(&[Op]) -> Vec<String>>;

/// A scenario: a Python class definition, how to build the instance in
/// Python, how to build it in pyslots, and the operations.
pub struct Scenario {
    /// The scenario's name, in reports.
    pub name: &'static str,
    /// The Python class definition.
    pub python_class: &'static str,
    /// The Python expression that builds the instance.
    pub python_new: &'static str,
    /// The operations run in pyslots.
    pub rust: Runner,
    /// The operations.
    pub ops: Vec<Op>,
}

impl Scenario {
    /// A scenario over a `#[pyclass_like]` class: `make` builds the
    /// instance, and a failed call must leave it as it was.
    pub fn new<T: PyClass + Default>(
        name: &'static str,
        python_class: &'static str,
        python_new: &'static str,
        make: fn() -> T,
        ops: Vec<Op>,
    ) -> Scenario {
        let rust: Runner = Box::new(move |ops| {
            let mut partial_writes = Vec::new();
            let lines = run_rust(name, &mut make(), weak_of::<T>, ops, &mut partial_writes);
            assert!(partial_writes.is_empty(), "failed calls changed objects:\n{}", partial_writes.join("\n"));
            lines
        });
        Scenario { name, python_class, python_new, rust, ops }
    }
}

/// Runs every scenario's operations in one `python3` process and returns,
/// per scenario, the lines CPython printed. Each scenario's class is
/// defined in a function of its own, `_scenario_<i>()`, which returns the
/// instance.
pub fn run_python(scenarios: &[Scenario]) -> Vec<Vec<String>> {
    let mut definitions = String::new();
    for (i, s) in scenarios.iter().enumerate() {
        writeln!(definitions, "\ndef _scenario_{i}():").unwrap();
        for line in s.python_class.trim_matches('\n').lines() {
            writeln!(definitions, "    {line}").unwrap();
        }
        writeln!(definitions, "    return {}", s.python_new).unwrap();
    }
    run_in_python(&definitions, scenarios.iter().enumerate().map(|(i, s)| (format!("_scenario_{i}()"), &s.ops[..])))
}

/// Runs every scenario in both worlds and fails with a readable report of
/// every line that differs; returns how many lines were compared.
pub fn check(scenarios: &[Scenario]) -> usize {
    let python = run_python(scenarios);
    let mut report = String::new();
    let mut compared = 0;
    for (s, py) in scenarios.iter().zip(&python) {
        let rs = (s.rust)(&s.ops);
        assert_eq!(rs.len(), s.ops.len());
        for ((op, r), p) in s.ops.iter().zip(&rs).zip(py) {
            compared += 1;
            if r != p {
                writeln!(report, "[{}] {op:?}\n    pyslots: {r}\n    CPython: {p}", s.name).unwrap();
            }
        }
    }
    assert!(report.is_empty(), "pyslots differs from CPython:\n{report}");
    assert!(compared > 0);
    compared
}

// ---- steps ------------------------------------------------------------------

/// Runs each scenario's steps in one namespace of its own, made by running
/// `_CLASSES`: `? expr` prints the expression's line, a statement prints
/// `ok` or its exception.
const STEPS_RUNNER: &str = r#"
def _steps(steps):
    ns = {}
    exec(_CLASSES, ns)
    for s in steps:
        if s.startswith('? '):
            print(_line(lambda: eval(s[2:], ns)))
        else:
            print(_line(lambda: exec(s, ns), False))
    _end()
"#;

/// A scenario written as Python steps (statements, and `? expr` for a
/// result), and pyslots doing the same, one line per step.
pub struct Steps {
    /// The scenario's name, in reports.
    pub name: &'static str,
    /// The Python steps: statements, and `? expr` for a result.
    pub python: &'static [&'static str],
    /// pyslots doing the same, one line per step.
    pub rust: fn() -> Result<Vec<String>, Error>,
}

/// The line of a result, as the oracle's `_line` prints it.
pub fn line(result: Result<Value, Error>) -> String {
    match result {
        Ok(v) => format!("ok {v}"),
        Err(e) => err_line(&e),
    }
}

/// The line of a statement: `ok`, or its exception.
pub fn done(result: Result<(), Error>) -> String {
    result.map_or_else(|e| err_line(&e), |()| "ok".to_owned())
}

/// Runs every scenario's steps in both worlds, the Python ones after
/// `classes` (Python source), all in one `python3` process, and fails with
/// a readable report of every line that differs; returns how many lines
/// were compared.
pub fn check_steps(classes: &str, scenarios: &[Steps]) -> usize {
    let mut script = format!("{}{STEPS_RUNNER}\n_CLASSES = {}\n", oracle::PRELUDE, py_str(classes));
    for s in scenarios {
        let steps: Vec<String> = s.python.iter().map(|step| py_str(step)).collect();
        writeln!(script, "_steps([{}])", steps.join(", ")).unwrap();
    }
    let python = oracle::run_groups(&script, scenarios.len());
    let mut report = String::new();
    let mut compared = 0;
    for (s, py) in scenarios.iter().zip(&python) {
        let rust = (s.rust)().unwrap_or_else(|e| panic!("{}: {e}", s.name));
        assert_eq!((rust.len(), py.len()), (s.python.len(), s.python.len()), "{}: one line per step", s.name);
        for ((step, r), p) in s.python.iter().zip(&rust).zip(py) {
            compared += 1;
            if r != p {
                writeln!(report, "[{}] {step}\n    pyslots: {r}\n    CPython: {p}", s.name).unwrap();
            }
        }
    }
    assert!(report.is_empty(), "pyslots differs from CPython:\n{report}");
    compared
}
