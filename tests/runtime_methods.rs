//! Functions, properties and static methods in the namespace of a class
//! made at run time (`Value::function`, `Value::property`,
//! `Value::staticmethod`), and calling a class (`Type::call`), against
//! CPython 3.11. A run-time property's functions get the object as a
//! `Value`, so they are reached through a handle (`PyObject`).

use pyslots::prelude::*;
use pyslots_testkit::differential::{check_steps, done, line, Steps};

const CLASSES: &str = r#"
def _init(self, x):
    self.x = x
def _get_double(self):
    return self.x * 2
def _set_double(self, v):
    self.x = v // 2
def _scale(self, k):
    return self.x * k
def _make(cls, x):
    return cls(x)
P = type('P', (), {
    '__slots__': ('x',),
    '__init__': _init,
    'double': property(_get_double, _set_double),
    'half': property(lambda self: self.x / 2),
    'scale': _scale,
    'zero': staticmethod(lambda: 0),
    'make': classmethod(_make),
    'kind': classmethod(lambda cls: cls.__name__),
})
Q = type('Q', (P,), {'__slots__': ('double',)})
R = type('R', (P,), {'__init__': _init})
Bare = type('Bare', (), {})
"#;

fn classes() -> Result<(Type, Type, Type, Type), Error> {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x"]));
    ns.insert(
        "__init__",
        Value::function("_init", |args, _| {
            args[0].as_object().expect("self").setattr("x", args[1].clone())?;
            Ok(Value::None)
        }),
    );
    let get = Value::function("_get_double", |args, _| {
        let x = args[0].as_object().expect("self").getattr("x")?;
        Ok(Value::Int(x.as_int().unwrap_or(0) * 2))
    });
    let set = Value::function("_set_double", |args, _| {
        let v = args[1].as_int().unwrap_or(0);
        args[0].as_object().expect("self").setattr("x", v.div_euclid(2))?;
        Ok(Value::None)
    });
    ns.insert("double", Value::property(Some(get), Some(set), None));
    let half = Value::function("<lambda>", |args, _| {
        let x = args[0].as_object().expect("self").getattr("x")?;
        Ok(Value::Float(x.as_int().unwrap_or(0) as f64 / 2.0))
    });
    ns.insert("half", Value::property(Some(half), None, None));
    ns.insert(
        "scale",
        Value::function("_scale", |args, _| {
            let x = args[0].as_object().expect("self").getattr("x")?;
            Ok(Value::Int(x.as_int().unwrap_or(0) * args[1].as_int().unwrap_or(0)))
        }),
    );
    ns.insert("zero", Value::staticmethod(Value::function("<lambda>", |_, _| Ok(Value::Int(0)))));
    ns.insert("make", Value::classmethod(Value::function("_make", |args, _| args[0].call(&args[1..], &[]))));
    ns.insert("kind", Value::classmethod(Value::function("<lambda>", |args, _| Ok(Value::from(class_name(&args[0]))))));
    let p = Type::new("P", &[], ns)?;
    let mut qns = Dict::new();
    qns.insert("__slots__", Value::tuple(["double"]));
    let q = Type::new("Q", std::slice::from_ref(&p), qns)?;
    let mut rns = Dict::new();
    let init = match p.layout().class_attrs().into_iter().find(|(n, _)| *n == "__init__") {
        Some((_, v)) => v,
        None => Value::None,
    };
    rns.insert("__init__", init);
    let r = Type::new("R", std::slice::from_ref(&p), rns)?;
    let bare = Type::new("Bare", &[], Dict::new())?;
    Ok((p, q, r, bare))
}

/// `cls.__name__` of the class a class method gets.
fn class_name(cls: &Value) -> String {
    match cls {
        Value::Function(f) => f.as_class().map_or_else(String::new, |t| t.name().to_string()),
        _ => String::new(),
    }
}

/// `type(obj).__name__` of what a call returned.
fn type_name_of(v: Value) -> Value {
    Value::from(v.as_object().map_or_else(String::new, |o| o.class().name().to_string()))
}

fn steps() -> Result<Vec<String>, Error> {
    let (p_type, q_type, r_type, bare) = classes()?;
    let p = p_type.call(&[Value::Int(3)], &[])?;
    let q = q_type.call(&[Value::Int(5)], &[])?;
    let r = r_type.call(&[Value::Int(7)], &[])?;
    Ok(vec![
        "ok".into(),
        line(p.getattr("x")),
        line(p.getattr("double")),
        done(p.setattr("double", Value::Int(10))),
        line(p.getattr("x")),
        line(p.getattr("half")),
        done(p.setattr("half", Value::Int(1))),
        done(p.delattr("double")),
        line(p.call_method("scale", &[Value::Int(4)], &[])),
        line(p.getattr("scale").and_then(|m| m.call(&[Value::Int(2)], &[]))),
        line(p.call_method("zero", &[], &[])),
        done(p.setattr("scale", Value::Int(1))),
        done(p.delattr("scale")),
        line(p.hasattr("double").map(Value::Bool)),
        line(q.getattr("x")),
        line(q.getattr("double")),
        done(q.setattr("double", Value::Int(1))),
        line(q.getattr("double")),
        line(q.getattr("half")),
        line(r.getattr("double")),
        done(r.setattr("scale", Value::Int(1))),
        line(r.getattr("scale")),
        line(bare.call(&[], &[]).map(|_| Value::None)),
        line(bare.call(&[Value::Int(1)], &[]).map(|_| Value::None)),
        line(bare.call(&[], &[("k", Value::Int(1))]).map(|_| Value::None)),
        line(
            p.call_method("make", &[Value::Int(9)], &[]).and_then(|o| o.as_object().expect("an instance").getattr("x")),
        ),
        line(q.call_method("make", &[Value::Int(2)], &[]).map(type_name_of)),
        line(q.call_method("kind", &[], &[])),
        line(r.getattr("kind").and_then(|m| m.call(&[], &[]))),
        line(p.getattr("kind").map(|m| Value::from(m.type_name()))),
    ])
}

const PYTHON: &[&str] = &[
    "p = P(3); q = Q(5); r = R(7)",
    "? p.x",
    "? p.double",
    "p.double = 10",
    "? p.x",
    "? p.half",
    "p.half = 1",
    "del p.double",
    "? p.scale(4)",
    "? getattr(p, 'scale')(2)",
    "? p.zero()",
    "p.scale = 1",
    "del p.scale",
    "? hasattr(p, 'double')",
    "? q.x",
    "? q.double",
    "q.double = 1",
    "? q.double",
    "? q.half",
    "? r.double",
    "r.scale = 1",
    "? r.scale",
    "? (Bare(), None)[1]",
    "? (Bare(1), None)[1]",
    "? (Bare(k=1), None)[1]",
    "? p.make(9).x",
    "? type(q.make(2)).__name__",
    "? q.kind()",
    "? getattr(r, 'kind')()",
    "? type(p.kind).__name__",
];

#[test]
fn runtime_functions_and_properties_match_cpython() {
    let compared = check_steps(CLASSES, &[Steps { name: "runtime", python: PYTHON, rust: steps }]);
    assert_eq!(compared, PYTHON.len());
}

#[test]
fn owned_instances_reach_functions_but_not_properties() {
    let (p_type, ..) = classes().unwrap();
    let mut p = pyslots::Instance::new(&p_type).unwrap();
    p.setattr("x", Value::Int(2)).unwrap();
    // A function read from an owned instance is the class's function.
    assert_eq!(p.getattr("scale").unwrap().to_string(), "<function _scale>");
    assert_eq!(p.getattr("zero").unwrap().call(&[], &[]).unwrap(), Value::Int(0));
    // A class method read from an owned instance is bound to its class.
    assert_eq!(p.getattr("kind").unwrap().call(&[], &[]).unwrap(), Value::from("P"));
    assert_eq!(p.getattr("kind").unwrap().to_string(), "<bound method <lambda> of <class 'P'>>");
    let err = p.getattr("double").unwrap_err();
    assert_eq!(err.exception(), "TypeError");
    assert!(err.to_string().contains("reached through a handle"), "{err}");
    assert_eq!(
        Value::property(None, None, None).call(&[], &[]).unwrap_err().to_string(),
        "'property' object is not callable"
    );
}
