//! `getstate`, `setstate`, `copy` and `deepcopy` against CPython 3.11:
//! random graphs of objects of every class shape (tests/shapes), lists,
//! dicts and tuples, with values of every kind, shared references and
//! cycles, are built in pyslots and, from the same description, in
//! CPython. Then each object's `__getstate__()`, shallow and deep copies
//! of an object and of the whole graph, and states restored onto copies
//! (a state of another class, or one that fits no class) are printed in
//! both worlds and compared. Objects, lists, dicts and tuples holding them
//! print with an identity number (`#3`) the first time a line reaches them
//! and as the bare number after, so which values are the same object is
//! compared too. A failed `setstate` must leave the object as it was.
//!
//! The run is repeatable (fixed seed). More, or another seed:
//!
//! ```sh
//! PYSLOTS_STATE_CASES=100000 PYSLOTS_STATE_SEED=7 \
//!     cargo test --release --test state -- --nocapture
//! ```
//!
//! It prints `N cases, K mismatches`.

mod shapes;

use std::fmt::Write as _;

use pyslots::prelude::*;
use pyslots::{PyDict, PyList};
use pyslots_testkit::oracle::{self, py_str, PRELUDE};
use pyslots_testkit::rng::{env_or, Rng};
use shapes::{random_value, shapes, Shape, PYTHON_CLASSES};

// ---- descriptions of graphs --------------------------------------------------

/// Where a value comes from: a node of the graph or a fresh literal.
#[derive(Clone, Debug)]
enum Ref {
    Obj(usize),
    List(usize),
    Dict(usize),
    Tuple(usize),
    Val(Value),
}

#[derive(Clone, Debug)]
enum Step {
    /// `setattr(objs[i], name, ref)`, an error ignored (the fuzzer compares
    /// those).
    Set(usize, &'static str, Ref),
    /// `lists[i].append(ref)`.
    Append(usize, Ref),
    /// `dicts[i][key] = ref`.
    Item(usize, &'static str, Ref),
    /// `tuples.append(tuple(refs))`.
    Tuple(Vec<Ref>),
}

/// A state to restore onto a copy of an object.
#[derive(Clone, Debug)]
enum State {
    /// `objs[i].__getstate__()`.
    Of(usize),
    /// A value, as a Python literal.
    Junk(Value),
}

#[derive(Clone, Debug)]
struct Case {
    shapes: Vec<usize>,
    lists: usize,
    dicts: usize,
    steps: Vec<Step>,
    /// `(i, state)`: `y = copy.copy(objs[i])`, then the state restored on it.
    restores: Vec<(usize, State)>,
}

const KEYS: &[&str] = &["k", "p", "q"];

fn random_ref(rng: &mut Rng, case: &Case, tuples: usize) -> Ref {
    match rng.below(10) {
        0..=1 => Ref::Obj(rng.below(case.shapes.len())),
        2 if case.lists > 0 => Ref::List(rng.below(case.lists)),
        3 if case.dicts > 0 => Ref::Dict(rng.below(case.dicts)),
        4 if tuples > 0 => Ref::Tuple(rng.below(tuples)),
        _ => Ref::Val(random_value(rng, None)),
    }
}

fn junk(rng: &mut Rng) -> Value {
    let pair = |a: Value, b: Value| Value::tuple([a, b]);
    match rng.below(14) {
        0 => Value::Int(5),
        1 => Value::from("ab"),
        2 => Value::list([Value::tuple([Value::from("p"), Value::Int(1)])]),
        3 => Value::list([Value::tuple([Value::from("p"), Value::Int(1), Value::Int(2)])]),
        4 => Value::list([1]),
        5 => pair(Value::None, Value::Int(5)),
        6 => pair(Value::None, Value::list([1])),
        7 => pair(Value::dict([("p", 1)]), Value::None),
        8 => pair(Value::None, Value::dict([("zz", 1)])),
        9 => pair(Value::None, Value::dict([("u", Value::Int(1)), ("zz", Value::from("str"))])),
        10 => pair(
            Value::dict([("q", 2)]),
            Value::dict([("u", Value::Int(1)), ("s", Value::from("t")), ("zz", Value::Int(0))]),
        ),
        11 => Value::list(["pq"]),
        12 => Value::bytes(b"ab"),
        _ => Value::tuple([1, 2, 3]),
    }
}

fn random_case(rng: &mut Rng, shapes: &[Shape]) -> Case {
    let mut case = Case {
        shapes: (0..1 + rng.below(4)).map(|_| rng.below(shapes.len())).collect(),
        lists: rng.below(3),
        dicts: rng.below(3),
        steps: Vec::new(),
        restores: Vec::new(),
    };
    let mut tuples = 0;
    for _ in 0..rng.below(14) {
        let step = match rng.below(10) {
            0..=5 => {
                let o = rng.below(case.shapes.len());
                let names = shapes[case.shapes[o]].names;
                match (rng.below(4), names) {
                    (0, _) | (_, []) => Step::Set(o, KEYS[rng.below(KEYS.len())], random_ref(rng, &case, tuples)),
                    _ => match *rng.pick(names) {
                        (name, Some(kind)) => Step::Set(o, name, Ref::Val(random_value(rng, Some(kind)))),
                        (name, None) => Step::Set(o, name, random_ref(rng, &case, tuples)),
                    },
                }
            }
            6 if case.lists > 0 => Step::Append(rng.below(case.lists), random_ref(rng, &case, tuples)),
            7 if case.dicts > 0 => {
                Step::Item(rng.below(case.dicts), KEYS[rng.below(KEYS.len())], random_ref(rng, &case, tuples))
            }
            8 => {
                tuples += 1;
                Step::Tuple((0..rng.below(3)).map(|_| random_ref(rng, &case, tuples - 1)).collect())
            }
            _ => continue,
        };
        case.steps.push(step);
    }
    for _ in 0..rng.below(3) {
        let state = if rng.chance(70) { State::Of(rng.below(case.shapes.len())) } else { State::Junk(junk(rng)) };
        case.restores.push((rng.below(case.shapes.len()), state));
    }
    case
}

// ---- pyslots -----------------------------------------------------------------

struct Graph {
    objs: Vec<PyObject>,
    lists: Vec<PyList>,
    dicts: Vec<PyDict>,
    tuples: Vec<Value>,
}

impl Graph {
    fn get(&self, r: &Ref) -> Value {
        match r {
            Ref::Obj(i) => Value::Object(self.objs[*i].clone()),
            Ref::List(i) => Value::List(self.lists[*i].clone()),
            Ref::Dict(i) => Value::Dict(self.dicts[*i].clone()),
            Ref::Tuple(i) => self.tuples[*i].clone(),
            Ref::Val(v) => v.clone(),
        }
    }

    fn all(&self) -> Value {
        let objs = self.objs.iter().map(|o| Value::Object(o.clone()));
        let lists = self.lists.iter().map(|l| Value::List(l.clone()));
        Value::list(objs.chain(lists).chain(self.dicts.iter().map(|d| Value::Dict(d.clone()))))
    }
}

fn build(case: &Case, shapes: &[Shape]) -> Graph {
    let mut g = Graph {
        objs: case.shapes.iter().map(|s| (shapes[*s].make)()).collect(),
        lists: (0..case.lists).map(|_| PyList::new()).collect(),
        dicts: (0..case.dicts).map(|_| PyDict::new()).collect(),
        tuples: Vec::new(),
    };
    for step in &case.steps {
        match step {
            Step::Set(o, name, r) => drop(g.objs[*o].setattr(name, g.get(r))),
            Step::Append(l, r) => g.lists[*l].push(g.get(r)),
            Step::Item(d, key, r) => drop(g.dicts[*d].insert(*key, g.get(r))),
            Step::Tuple(refs) => {
                let t = Value::tuple(refs.iter().map(|r| g.get(r)).collect::<Vec<_>>());
                g.tuples.push(t);
            }
        }
    }
    g
}

/// Renders values with identity numbers, as `_show` does in Python.
#[derive(Default)]
struct Show {
    seen: Vec<Value>,
    out: String,
}

/// Whether a value has an identity worth comparing: a list, dict or object,
/// or a tuple holding one (CPython may share equal tuples of constants).
fn has_identity(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Dict(_) | Value::Object(_) => true,
        Value::Tuple(t) => t.iter().any(has_identity),
        _ => false,
    }
}

impl Show {
    fn line(v: &Value) -> String {
        let mut s = Show::default();
        s.go(v);
        s.out
    }

    fn items(&mut self, items: &[Value]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.go(item);
        }
    }

    fn go(&mut self, v: &Value) {
        if has_identity(v) {
            if let Some(n) = self.seen.iter().position(|s| Value::is(s, v)) {
                write!(self.out, "#{n}").unwrap();
                return;
            }
            write!(self.out, "#{}", self.seen.len()).unwrap();
            self.seen.push(v.clone());
        }
        match v {
            Value::List(l) => {
                self.out.push('[');
                self.items(&l.to_vec());
                self.out.push(']');
            }
            Value::Tuple(t) => {
                self.out.push('(');
                self.items(t);
                self.out.push(')');
            }
            Value::Dict(d) => self.dict(d),
            Value::Object(o) => {
                let (slots, dict) = {
                    let x = o.read();
                    let slots: Vec<(&str, Value)> = pyslots::slotnames(o.layout())
                        .into_iter()
                        .filter_map(|n| Some((n, x.getattr(n).ok()?)))
                        .collect();
                    (slots, x.dict())
                };
                write!(self.out, "{}<", o.type_name()).unwrap();
                for (i, (n, v)) in slots.iter().enumerate() {
                    write!(self.out, "{}{n}=", if i > 0 { ", " } else { "" }).unwrap();
                    self.go(v);
                }
                if let Some(d) = dict {
                    self.out.push_str("; ");
                    self.go(&Value::Dict(d));
                }
                self.out.push('>');
            }
            other => write!(self.out, "{other}").unwrap(),
        }
    }

    fn dict(&mut self, d: &PyDict) {
        self.out.push('{');
        for (i, (k, v)) in d.items().iter().enumerate() {
            write!(self.out, "{}{}: ", if i > 0 { ", " } else { "" }, Value::Str(k.clone())).unwrap();
            self.go(v);
        }
        self.out.push('}');
    }
}

fn err_line(e: &Error) -> String {
    format!("{}: {e}", e.exception())
}

/// The lines of one case in pyslots; a `setstate` that fails but changes
/// the object is reported in `partial`.
fn run_rust(case: &Case, shapes: &[Shape], partial: &mut Vec<String>) -> Vec<String> {
    let g = build(case, shapes);
    let mut lines: Vec<String> = g.objs.iter().map(|o| Show::line(&pyslots::getstate(&*o.read()))).collect();
    let root = Value::Object(g.objs[0].clone());
    let all = g.all();
    for v in [&root, &all] {
        lines.push(Show::line(&Value::list([v.clone(), pyslots::copy(v).unwrap()])));
    }
    for v in [&root, &all] {
        lines.push(Show::line(&Value::list([v.clone(), pyslots::deepcopy(v).unwrap()])));
    }
    for (target, state) in &case.restores {
        let state = match state {
            State::Of(i) => pyslots::getstate(&*g.objs[*i].read()),
            State::Junk(v) => v.clone(),
        };
        let y = match pyslots::copy(&Value::Object(g.objs[*target].clone())).unwrap() {
            Value::Object(y) => y,
            _ => unreachable!("a copy of an object is an object"),
        };
        let before = format!("{:?}", y.read());
        let result = pyslots::setstate(&mut *y.write(), state);
        lines.push(match result {
            Ok(()) => format!("ok {}", Show::line(&Value::Object(y))),
            Err(e) => {
                let after = format!("{:?}", y.read());
                if after != before {
                    partial.push(format!("{case:?}\n  before {before}\n  after  {after}"));
                }
                err_line(&e)
            }
        });
    }
    lines
}

// ---- CPython -----------------------------------------------------------------

const RUNNER: &str = r#"
import copy, copyreg

def _has_identity(v):
    t = type(v)
    return t in (list, dict) or t.__module__ == '__main__' or (t is tuple and any(_has_identity(x) for x in v))

def _show(v):
    seen, out = {}, []
    def go(v):
        if _has_identity(v):
            if id(v) in seen:
                out.append('#%d' % seen[id(v)])
                return
            seen[id(v)] = len(seen)
            out.append('#%d' % seen[id(v)])
        t = type(v)
        if t is list:
            out.append('[')
            items(v)
            out.append(']')
        elif t is tuple:
            out.append('(')
            items(v)
            out.append(')')
        elif t is dict:
            out.append('{')
            for i, (k, x) in enumerate(v.items()):
                out.append(('' if i == 0 else ', ') + repr(k) + ': ')
                go(x)
            out.append('}')
        elif t.__module__ == '__main__':
            out.append(t.__name__ + '<')
            first = True
            for n in copyreg._slotnames(t):
                try:
                    x = getattr(v, n)
                except AttributeError:
                    continue
                out.append(('' if first else ', ') + n + '=')
                first = False
                go(x)
            d = getattr(v, '__dict__', None)
            if d is not None:
                out.append('; ')
                go(d)
            out.append('>')
        else:
            out.append(repr(v))
    def items(xs):
        for i, x in enumerate(xs):
            if i:
                out.append(', ')
            go(x)
    go(v)
    return ''.join(out)

def _setstate(y, state):
    # copy._reconstruct's restoring half (3.11 has no object.__setstate__).
    if isinstance(state, tuple) and len(state) == 2:
        state, slotstate = state
    else:
        slotstate = None
    if state is not None:
        y.__dict__.update(state)
    if slotstate is not None:
        for key, value in slotstate.items():
            setattr(y, key, value)

def C(shapes, nl, nd, steps, restores):
    objs = [SHAPES[s]() for s in shapes]
    lists = [[] for _ in range(nl)]
    dicts = [{} for _ in range(nd)]
    tuples = []
    def r(ref):
        k, x = ref
        return objs[x] if k == 'o' else lists[x] if k == 'l' else dicts[x] if k == 'd' else tuples[x] if k == 't' else x
    for st in steps:
        k = st[0]
        if k == 's':
            try:
                setattr(objs[st[1]], st[2], r(st[3]))
            except Exception:
                pass
        elif k == 'a':
            lists[st[1]].append(r(st[2]))
        elif k == 'd':
            dicts[st[1]][st[2]] = r(st[3])
        else:
            tuples.append(tuple(r(x) for x in st[1]))
    for o in objs:
        print(_show(o.__getstate__()))
    root, g = objs[0], objs + lists + dicts
    for v in (root, g):
        print(_show([v, copy.copy(v)]))
    for v in (root, g):
        print(_show([v, copy.deepcopy(v)]))
    for target, src in restores:
        y = copy.copy(objs[target])
        state = objs[src[1]].__getstate__() if src[0] == 'o' else src[1]
        try:
            _setstate(y, state)
            print('ok ' + _show(y))
        except Exception as e:
            print(f"{type(e).__name__}: {e}")
    _end()
"#;

fn py_ref(r: &Ref) -> String {
    match r {
        Ref::Obj(i) => format!("('o',{i})"),
        Ref::List(i) => format!("('l',{i})"),
        Ref::Dict(i) => format!("('d',{i})"),
        Ref::Tuple(i) => format!("('t',{i})"),
        Ref::Val(v) => format!("('v',{v})"),
    }
}

fn py_case(case: &Case, shapes: &[Shape]) -> String {
    let names: Vec<String> = case.shapes.iter().map(|s| py_str(shapes[*s].name)).collect();
    let steps: Vec<String> = case
        .steps
        .iter()
        .map(|s| match s {
            Step::Set(o, n, r) => format!("('s',{o},{},{})", py_str(n), py_ref(r)),
            Step::Append(l, r) => format!("('a',{l},{})", py_ref(r)),
            Step::Item(d, k, r) => format!("('d',{d},{},{})", py_str(k), py_ref(r)),
            Step::Tuple(refs) => format!("('t',[{}])", refs.iter().map(py_ref).collect::<Vec<_>>().join(",")),
        })
        .collect();
    let restores: Vec<String> = case
        .restores
        .iter()
        .map(|(t, s)| match s {
            State::Of(i) => format!("({t},('o',{i}))"),
            State::Junk(v) => format!("({t},('v',{v}))"),
        })
        .collect();
    format!("C([{}],{},{},[{}],[{}])", names.join(","), case.lists, case.dicts, steps.join(","), restores.join(","))
}

fn run_python(cases: &[Case], shapes: &[Shape]) -> Vec<Vec<String>> {
    let mut script = format!("{PRELUDE}\n{PYTHON_CLASSES}\n{RUNNER}\n");
    for case in cases {
        writeln!(script, "{}", py_case(case, shapes)).unwrap();
    }
    oracle::run_groups(&script, cases.len())
}

// ---- the runs ------------------------------------------------------------------

struct Outcome {
    cases: usize,
    lines: usize,
    mismatches: Vec<String>,
    partial: Vec<String>,
}

fn run(count: usize, seed: u64) -> Outcome {
    let shapes = shapes();
    let mut rng = Rng::new(seed);
    let cases: Vec<Case> = (0..count).map(|_| random_case(&mut rng, &shapes)).collect();
    let python = run_python(&cases, &shapes);
    let mut outcome = Outcome { cases: count, lines: 0, mismatches: Vec::new(), partial: Vec::new() };
    for (case, py) in cases.iter().zip(&python) {
        let rs = run_rust(case, &shapes, &mut outcome.partial);
        outcome.lines += rs.len();
        if &rs != py {
            let first = rs.iter().zip(py).position(|(r, p)| r != p).unwrap_or(rs.len().min(py.len()));
            outcome.mismatches.push(format!(
                "{}\n  line {first}\n  pyslots: {:?}\n  CPython: {:?}",
                py_case(case, &shapes),
                rs.get(first),
                py.get(first)
            ));
        }
    }
    outcome
}

#[test]
fn random_graphs_match_cpython() {
    let count = env_or("PYSLOTS_STATE_CASES", 10_000usize);
    let seed = env_or("PYSLOTS_STATE_SEED", 0x5_7a7e_u64);
    let outcome = run(count, seed);
    println!("{} cases, {} mismatches ({} lines, seed {seed})", outcome.cases, outcome.mismatches.len(), outcome.lines);
    assert!(
        outcome.mismatches.is_empty(),
        "pyslots differs from CPython:\n{}",
        outcome.mismatches[..outcome.mismatches.len().min(5)].join("\n")
    );
    assert!(outcome.partial.is_empty(), "failed setstate changed objects:\n{}", outcome.partial[..1].join("\n"));
    assert!(outcome.cases >= 10_000 || std::env::var_os("PYSLOTS_STATE_CASES").is_some());
}

#[test]
fn a_difference_is_reported() {
    // A case whose Python side differs (another shape) must mismatch.
    let shapes = shapes();
    let slot = shapes.iter().position(|s| s.name == "Slot").unwrap();
    let reg = shapes.iter().position(|s| s.name == "Reg").unwrap();
    let case = |s| Case { shapes: vec![s], lists: 0, dicts: 0, steps: Vec::new(), restores: Vec::new() };
    let py = run_python(&[case(reg)], &shapes);
    assert_ne!(run_rust(&case(slot), &shapes, &mut Vec::new()), py[0]);
}
