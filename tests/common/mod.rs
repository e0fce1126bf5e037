//! The differential harness: runs one scenario (a class and a list of
//! operations) in pyslots and in CPython, and compares every line.
//!
//! Each operation prints one line in both worlds: `ok <repr>` for a result,
//! `ok` for a write or delete that succeeded, `<Exception>: <message>` for a
//! failure. CPython is the oracle: no expected output is written by hand.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use pyslots::prelude::*;

/// One operation on the object under test.
#[derive(Clone, Debug)]
pub enum Op {
    Get(&'static str),
    Set(&'static str, Value),
    Del(&'static str),
    Has(&'static str),
    Dir,
    Vars,
    /// A weak reference to a fresh instance of the class.
    Weakref,
}

/// Runs a scenario's operations in pyslots.
pub type Runner = Box<dyn Fn(&[Op]) -> Vec<String>>;

/// A scenario: a Python class definition, how to build the instance in
/// Python, how to build it in pyslots, and the operations.
pub struct Scenario {
    pub name: &'static str,
    pub python_class: &'static str,
    pub python_new: &'static str,
    pub rust: Runner,
    pub ops: Vec<Op>,
}

impl Scenario {
    pub fn new<T: PyClass + Default>(
        name: &'static str,
        python_class: &'static str,
        python_new: &'static str,
        make: fn() -> T,
        ops: Vec<Op>,
    ) -> Scenario {
        Scenario { name, python_class, python_new, rust: Box::new(move |ops| run_rust(make(), ops)), ops }
    }
}

fn repr_str(s: &str) -> String {
    Value::from(s).to_string()
}

fn err_line(e: &Error) -> String {
    format!("{}: {}", e.exception(), e)
}

/// Runs the operations in pyslots, one line each.
pub fn run_rust<T: PyClass + Default>(mut obj: T, ops: &[Op]) -> Vec<String> {
    ops.iter()
        .map(|op| match op {
            Op::Get(n) => match getattr(&obj, n) {
                Ok(v) => format!("ok {v}"),
                Err(e) => err_line(&e),
            },
            Op::Set(n, v) => match setattr(&mut obj, n, v.clone()) {
                Ok(()) => "ok".to_owned(),
                Err(e) => err_line(&e),
            },
            Op::Del(n) => match delattr(&mut obj, n) {
                Ok(()) => "ok".to_owned(),
                Err(e) => err_line(&e),
            },
            Op::Has(n) => format!("ok {}", Value::from(hasattr(&obj, n))),
            Op::Dir => {
                let names: Vec<String> = dir(&obj).iter().map(|n| repr_str(n)).collect();
                format!("ok [{}]", names.join(", "))
            }
            Op::Vars => match vars(&obj) {
                Ok(d) => format!("ok {d}"),
                Err(e) => err_line(&e),
            },
            Op::Weakref => {
                let strong = Py::new(T::default());
                let weak = Py::try_downgrade(&strong);
                drop(strong);
                match weak {
                    Ok(w) => {
                        assert!(w.upgrade().is_none(), "the only strong handle is gone");
                        "ok".to_owned()
                    }
                    Err(e) => err_line(&e),
                }
            }
        })
        .collect()
}

const PRELUDE: &str = r#"
import weakref

def _line(f, show=True):
    try:
        r = f()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "ok " + repr(r) if show else "ok"

def _dir(o):
    own = set(vars(o)) if hasattr(type(o), '__dict__') and '__dict__' in dir(o) and isinstance(getattr(o, '__dict__', None), dict) else set()
    keep = lambda n: not (n.startswith('__') and n.endswith('__')) or n in ('__dict__', '__weakref__', '__slots__') or n in own
    return sorted(n for n in dir(o) if keep(n))

def _weak(cls):
    o = cls.__new__(cls)
    weakref.ref(o)
"#;

fn python_op(op: &Op) -> String {
    match op {
        Op::Get(n) => format!("_line(lambda: getattr(o, {}))", repr_str(n)),
        Op::Set(n, v) => format!("_line(lambda: setattr(o, {}, {v}), False)", repr_str(n)),
        Op::Del(n) => format!("_line(lambda: delattr(o, {}), False)", repr_str(n)),
        Op::Has(n) => format!("_line(lambda: hasattr(o, {}))", repr_str(n)),
        Op::Dir => "_line(lambda: _dir(o))".to_owned(),
        Op::Vars => "_line(lambda: vars(o))".to_owned(),
        Op::Weakref => "_line(lambda: _weak(type(o)), False)".to_owned(),
    }
}

/// Runs every scenario's operations in one `python3` process and returns,
/// per scenario, the lines CPython printed.
pub fn run_python(scenarios: &[Scenario]) -> Vec<Vec<String>> {
    let mut script = String::from(PRELUDE);
    for (i, s) in scenarios.iter().enumerate() {
        writeln!(script, "\ndef _scenario_{i}():").unwrap();
        for line in s.python_class.trim_matches('\n').lines() {
            writeln!(script, "    {line}").unwrap();
        }
        writeln!(script, "    o = {}", s.python_new).unwrap();
        for op in &s.ops {
            writeln!(script, "    print({})", python_op(op)).unwrap();
        }
        writeln!(script, "    print('=== end')").unwrap();
        writeln!(script, "_scenario_{i}()").unwrap();
    }
    let mut child = Command::new(python())
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed: the differential tests use CPython as the oracle");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3 failed:\n{}\n--- script ---\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut result = vec![Vec::new()];
    for line in stdout.lines() {
        if line == "=== end" {
            result.push(Vec::new());
        } else {
            result.last_mut().unwrap().push(line.to_owned());
        }
    }
    result.pop();
    assert_eq!(result.len(), scenarios.len(), "python3 printed {stdout}");
    result
}

/// The CPython interpreter: `$PYTHON`, or `python3`.
pub fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Runs every scenario in both worlds and fails with a readable report of
/// every line that differs.
pub fn check(scenarios: &[Scenario]) {
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
}
