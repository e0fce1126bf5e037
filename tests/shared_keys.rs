//! The instance dicts of a class made at run time share the key table the
//! class learns from what its instances set (CPython 3.11's cached keys):
//! many instances of one class, made as the run goes, setting, deleting and
//! re-setting names in random orders, past the 30 keys a table holds,
//! reading `__dict__` (which makes it live), replacing and deleting it and
//! writing through it. Every step runs in CPython (`type(...)` and the same
//! statements) and in pyslots, and every line is compared, ending with
//! every instance's `vars()`, whose order is each dict's insertion order.
//!
//! The run is repeatable (fixed seed). More, or another seed:
//!
//! ```sh
//! PYSLOTS_SHARED_KEYS_SCENARIOS=2000 PYSLOTS_SHARED_KEYS_SEED=7 \
//!     cargo test --release --test shared_keys -- --nocapture
//! ```

use pyslots::prelude::*;
use pyslots::{total_sizeof, Instance};
use pyslots_testkit::differential::{done, line};
use pyslots_testkit::oracle::{py_str, run_groups, PRELUDE};
use pyslots_testkit::rng::{env_or, Rng};

/// One statement on the instances made so far (`objs[i]`).
#[derive(Clone, Debug)]
enum Step {
    /// `objs.append(K())`
    New,
    /// `objs[i].name = v`
    Set(usize, String, i64),
    /// `del objs[i].name`
    Del(usize, String),
    /// `objs[i].name`
    Get(usize, String),
    /// `vars(objs[i])`: the dict made live.
    Vars(usize),
    /// `vars(objs[i])[name] = v`: a write through the live dict.
    VarsSet(usize, String, i64),
    /// `objs[i].__dict__ = {name: v}`
    Replace(usize, String, i64),
    /// `del objs[i].__dict__`
    Reset(usize),
}

/// A class with a dict, and the statements run on its instances.
struct Scenario {
    /// `__slots__` of the class (`None`: no `__slots__`, a regular class).
    slots: Option<Vec<&'static str>>,
    /// Whether the class extends a regular class made first (`Base`).
    subclass: bool,
    steps: Vec<Step>,
}

fn scenario(rng: &mut Rng) -> Scenario {
    let (slots, subclass) = match rng.below(3) {
        0 => (None, false),
        1 => (Some(vec!["s", "__dict__"]), false),
        _ => (None, true),
    };
    // Few names: the table settles; many: it fills, and instances go live.
    let pool = *rng.pick(&[3usize, 6, 12, 40]);
    let names: Vec<String> = (0..pool).map(|i| format!("a{i}")).chain(["s".to_owned()]).collect();
    let mut steps = vec![Step::New];
    let mut made = 1;
    for _ in 0..rng.below(300) + 50 {
        let i = rng.below(made);
        // Later instances are used more: the class has settled by then.
        let i = if rng.chance(60) { made - 1 - rng.below(made.min(3)) } else { i };
        let name = rng.pick(&names).clone();
        let v = rng.below(1000) as i64;
        let step = match rng.below(100) {
            0..=11 => {
                made += 1;
                Step::New
            }
            12..=61 => Step::Set(i, name, v),
            62..=75 => Step::Del(i, name),
            76..=87 => Step::Get(i, name),
            88..=90 => Step::Vars(i),
            91..=93 => Step::VarsSet(i, name, v),
            94..=96 => Step::Replace(i, name, v),
            _ => Step::Reset(i),
        };
        steps.push(step);
    }
    Scenario { slots, subclass, steps }
}

/// The scenario's class, made by `Type::new` as the script's `type(...)`.
fn make_class(s: &Scenario) -> Type {
    let mut bases = Vec::new();
    if s.subclass {
        bases.push(Type::new("Base", &[], Dict::new()).expect("a valid class"));
    }
    let mut ns = Dict::new();
    if let Some(slots) = &s.slots {
        ns.insert("__slots__", Value::tuple(slots.iter().copied()));
    }
    Type::new("K", &bases, ns).expect("a valid class")
}

fn run_rust(s: &Scenario) -> Vec<String> {
    let class = make_class(s);
    let mut objs: Vec<Instance> = Vec::new();
    let mut out = Vec::new();
    for step in &s.steps {
        let l = match step {
            Step::New => {
                objs.push(Instance::new(&class).expect("a run-time class"));
                continue;
            }
            Step::Set(i, n, v) => done(objs[*i].setattr(n, Value::Int(*v))),
            Step::Del(i, n) => done(objs[*i].delattr(n)),
            Step::Get(i, n) => line(objs[*i].getattr(n)),
            Step::Vars(i) => line(vars(&objs[*i]).map(Value::Dict)),
            Step::VarsSet(i, n, v) => done(vars(&objs[*i]).map(|d| drop(d.insert(n.as_str(), *v)))),
            Step::Replace(i, n, v) => done(objs[*i].setattr("__dict__", Value::dict([(n.as_str(), *v)]))),
            Step::Reset(i) => done(objs[*i].delattr("__dict__")),
        };
        out.push(l);
    }
    out.extend(objs.iter().map(|o| line(vars(o).map(Value::Dict))));
    out
}

fn python(s: &Scenario) -> String {
    let mut py = String::new();
    if s.subclass {
        py.push_str("Base = type('Base', (), {})\nK = type('K', (Base,), {})\n");
    } else {
        let ns = match &s.slots {
            Some(slots) => {
                let items: Vec<String> = slots.iter().map(|n| py_str(n)).collect();
                format!("{{'__slots__': ({},)}}", items.join(", "))
            }
            None => "{}".to_owned(),
        };
        py.push_str(&format!("K = type('K', (), {ns})\n"));
    }
    py.push_str("objs = []\n");
    for step in &s.steps {
        let stmt = match step {
            Step::New => {
                py.push_str("objs.append(K())\n");
                continue;
            }
            Step::Set(i, n, v) => format!("print(_line(lambda: setattr(objs[{i}], {}, {v}), False))", py_str(n)),
            Step::Del(i, n) => format!("print(_line(lambda: delattr(objs[{i}], {}), False))", py_str(n)),
            Step::Get(i, n) => format!("print(_line(lambda: getattr(objs[{i}], {})))", py_str(n)),
            Step::Vars(i) => format!("print(_line(lambda: vars(objs[{i}])))"),
            Step::VarsSet(i, n, v) => {
                format!("print(_line(lambda: vars(objs[{i}]).__setitem__({}, {v}), False))", py_str(n))
            }
            Step::Replace(i, n, v) => {
                format!("print(_line(lambda: setattr(objs[{i}], '__dict__', {{{}: {v}}}), False))", py_str(n))
            }
            Step::Reset(i) => format!("print(_line(lambda: delattr(objs[{i}], '__dict__'), False))"),
        };
        py.push_str(&stmt);
        py.push('\n');
    }
    py.push_str("for o in objs:\n    print(_line(lambda: vars(o)))\n_end()\n");
    py
}

#[test]
fn many_instances_of_one_class_agree_with_cpython() {
    let count: usize = env_or("PYSLOTS_SHARED_KEYS_SCENARIOS", 300);
    let mut rng = Rng::new(env_or("PYSLOTS_SHARED_KEYS_SEED", 0x5eed_ce11));
    let scenarios: Vec<Scenario> = (0..count).map(|_| scenario(&mut rng)).collect();
    let mut script = PRELUDE.to_owned();
    for s in &scenarios {
        script.push_str(&python(s));
    }
    let theirs = run_groups(&script, count);
    let (mut steps, mut mismatches) = (0, 0);
    for (n, (s, theirs)) in scenarios.iter().zip(&theirs).enumerate() {
        let ours = run_rust(s);
        steps += s.steps.len();
        if &ours != theirs {
            mismatches += 1;
            let first = ours.iter().zip(theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
            eprintln!(
                "scenario {n}: first difference at line {first}: pyslots {:?}, CPython {:?}\n{}",
                ours.get(first),
                theirs.get(first),
                python(s)
            );
        }
    }
    println!("{count} classes, {steps} steps, {mismatches} mismatches");
    assert_eq!(mismatches, 0);
}

#[test]
fn a_settled_class_keeps_instances_compact_through_the_scenarios() {
    // What the differential run cannot see: the values stay inline. An
    // instance that sets the class's two names takes its class pointer,
    // one pointer and two values (the first grew to that as it learned).
    let class = Type::new("K", &[], Dict::new()).expect("a valid class");
    let sizes: Vec<usize> = (0..64)
        .map(|i| {
            let mut o = Instance::new(&class).expect("a run-time class");
            o.setattr("a", Value::Int(i)).expect("a dict");
            o.setattr("b", Value::Int(-i)).expect("a dict");
            total_sizeof(&o)
        })
        .collect();
    assert!(sizes.iter().all(|&s| s == 40 + 16 + 2 * 24), "{sizes:?}");
}
