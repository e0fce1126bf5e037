//! Classes made at run time beyond what the random-shape fuzzer compares:
//! extending a `#[pyclass_like]` class (its Rust instance embedded), weak
//! references, copies and state, the cycle collector, member descriptors,
//! `Type`'s own API.

use pyslots::prelude::*;
use pyslots::{total_sizeof, Attr, Instance};

fn class(name: &str, bases: &[Type], entries: &[(&str, Value)]) -> Type {
    let mut ns = Dict::new();
    for (k, v) in entries {
        ns.insert(*k, v.clone());
    }
    Type::new(name, bases, ns).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[pyclass_like]
#[slots(name, __weakref__)]
struct Named {
    name: String,
}

#[pyclass_like]
struct Config {
    path: String,
}

#[test]
fn a_run_time_class_extends_a_compile_time_class() {
    let person = class("Person", &[Type::of::<Named>()], &[("__slots__", Value::tuple(["age"]))]);
    assert_eq!(person.mro().iter().map(Type::name).collect::<Vec<_>>(), ["Person", "Named", "object"]);
    let mut p = Instance::new(&person).expect("a run-time class");
    p.setattr("name", "Ada".into()).unwrap();
    p.setattr("age", 36.into()).unwrap();
    assert_eq!(p.base_as::<Named>().unwrap().name().unwrap(), "Ada");
    assert_eq!(p.dir(), ["__slots__", "__weakref__", "age", "name"]);
    // The embedded instance's typed slot keeps its type.
    let err = p.setattr("name", 5.into()).unwrap_err();
    assert_eq!(err.exception(), "TypeError");
    assert_eq!(p.getattr("name").unwrap(), Value::from("Ada"));
    // A member of the compile-time base reads the run-time instance.
    let Attr::Member(name) = person.attr("name").unwrap() else { panic!("name is a member") };
    assert_eq!(name.to_string(), "<member 'name' of 'Named' objects>");
    assert_eq!(name.get_dyn(&p).unwrap(), Value::from("Ada"));
    // Weak references come from the base.
    let handle = PyObject::from(p);
    let weak = handle.try_downgrade().unwrap();
    assert!(weak.upgrade().is_some());
    drop(handle);
    // Another test thread's collection may hold it a moment.
    assert!(pyslots_testkit::soon(|| weak.upgrade().is_none()));
}

#[test]
fn the_dict_of_a_compile_time_base_is_the_instance_dict() {
    let sub = class("Sub", &[Type::of::<Config>()], &[("__slots__", Value::tuple(["x"]))]);
    let obj = sub.instantiate().unwrap();
    obj.setattr("path", "/etc").unwrap();
    obj.setattr("x", 1).unwrap();
    obj.setattr("extra", true).unwrap();
    let dict = obj.read().dict().expect("Config has a dict");
    assert_eq!(dict.to_dict().to_string(), "{'path': '/etc', 'extra': True}");
    // `__dict__` cannot be declared again.
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["__dict__"]));
    let err = Type::new("Again", &[Type::of::<Config>()], ns).unwrap_err();
    assert_eq!(err.to_string(), "__dict__ slot disallowed: we already got one");
}

/// `ipaddress`'s shape: `IPv4Address(_BaseV4, _BaseAddress)`, whose bases
/// declare `__slots__ = ()`. Some bases are compile-time classes; none adds
/// storage, so the instance embeds the Rust instance of the first one along
/// its line of stored bases (`_BaseV4` when it is a compile-time class) and
/// the others are satisfied by nothing.
#[pyclass_like]
#[slots()]
struct _IPAddressBase;

#[pyclass_like(extends = _IPAddressBase)]
#[slots()]
struct _BaseAddress;

#[pyclass_like]
#[slots()]
struct _BaseV4;

const IPADDRESS: &str = "
import copy, weakref
class _IPAddressBase:
    __slots__ = ()
class _BaseAddress(_IPAddressBase):
    __slots__ = ()
class _BaseV4:
    __slots__ = ()
class IPv4Address(_BaseV4, _BaseAddress):
    __slots__ = ('_ip', '__weakref__')
";

/// What the ipaddress script prints about `IPv4Address`, from CPython.
const IPADDRESS_CHECKS: &str = "
a = IPv4Address()
print([c.__name__ for c in IPv4Address.__mro__])
print(isinstance(a, _BaseAddress), isinstance(a, _IPAddressBase), isinstance(a, _BaseV4))
print(hasattr(a, '_ip'))
a._ip = 3232235777
print(a._ip)
for name in ('x', '__dict__'):
    try:
        setattr(a, name, 1)
    except AttributeError as e:
        print('AttributeError:', e)
print([n for n in dir(a) if not (n.startswith('__') and n.endswith('__')) or n in ('__slots__', '__weakref__')])
print(a.__getstate__())
b = copy.copy(a)
print(type(b).__name__, b is a, b._ip)
c = copy.deepcopy(a)
print(c._ip)
print(weakref.ref(a)() is a, a.__weakref__ is not None)
del a._ip
try:
    a._ip
except AttributeError as e:
    print('AttributeError:', e)
print(IPv4Address.__slots__)
";

/// The same checks in pyslots, one line each.
fn ipaddress_checks(ipv4: Type) -> Vec<String> {
    let yes = |b: bool| if b { "True" } else { "False" };
    let mut out = Vec::new();
    let mut a = Instance::new(&ipv4).unwrap();
    let names: Vec<String> = ipv4.mro().iter().map(|t| format!("'{}'", t.name())).collect();
    out.push(format!("[{}]", names.join(", ")));
    let mro = ipv4.mro();
    let isinstance = |name: &str| mro.iter().any(|t| t.name() == name);
    out.push(format!(
        "{} {} {}",
        yes(isinstance("_BaseAddress")),
        yes(isinstance("_IPAddressBase")),
        yes(isinstance("_BaseV4"))
    ));
    out.push(yes(a.hasattr("_ip")).to_owned());
    a.setattr("_ip", Value::Int(3232235777)).unwrap();
    out.push(a.getattr("_ip").unwrap().to_string());
    for name in ["x", "__dict__"] {
        let e = a.setattr(name, Value::Int(1)).unwrap_err();
        out.push(format!("{}: {}", e.exception(), e));
    }
    let dir: Vec<String> = a.dir().iter().map(|n| format!("'{n}'")).collect();
    out.push(format!("[{}]", dir.join(", ")));
    out.push(pyslots::getstate(&a).to_string());
    let obj = PyObject::from(a);
    let Value::Object(b) = pyslots::copy(&Value::Object(obj.clone())).unwrap() else { panic!("an object") };
    out.push(format!("{} {} {}", b.class().name(), yes(PyObject::is(&b, &obj)), b.getattr("_ip").unwrap()));
    let Value::Object(c) = pyslots::deepcopy(&Value::Object(obj.clone())).unwrap() else { panic!("an object") };
    out.push(c.getattr("_ip").unwrap().to_string());
    let weak = obj.try_downgrade().unwrap();
    let referent = weak.upgrade().is_some_and(|o| PyObject::is(&o, &obj));
    out.push(format!("{} {}", yes(referent), yes(obj.getattr("__weakref__").unwrap() != Value::None)));
    obj.write().delattr("_ip").unwrap();
    let e = obj.getattr("_ip").unwrap_err();
    out.push(format!("{}: {}", e.exception(), e));
    out.push(
        Type::attr(&ipv4, "__slots__")
            .map(|a| match a {
                Attr::Value(v) => v.to_string(),
                Attr::Member(m) => m.to_string(),
            })
            .unwrap(),
    );
    out
}

fn ipv4_over(bases: &[Type]) -> Type {
    class("IPv4Address", bases, &[("__slots__", Value::tuple(["_ip", "__weakref__"]))])
}

#[test]
fn ipaddress_bases_compile_time_and_run_time_mixed() {
    let python = pyslots_testkit::oracle::run(&format!("{IPADDRESS}{IPADDRESS_CHECKS}"));
    let slots_empty = || -> [(&str, Value); 1] { [("__slots__", Value::tuple(Vec::<Value>::new()))] };
    // Every base a compile-time class: `_BaseV4` is embedded.
    let all_static = ipv4_over(&[Type::of::<_BaseV4>(), Type::of::<_BaseAddress>()]);
    // `_BaseV4` made at run time: nothing is embedded.
    let v4 = class("_BaseV4", &[], &slots_empty());
    let v4_runtime = ipv4_over(&[v4, Type::of::<_BaseAddress>()]);
    // `_BaseAddress` made at run time over the compile-time `_IPAddressBase`.
    let address = class("_BaseAddress", &[Type::of::<_IPAddressBase>()], &slots_empty());
    let address_runtime = ipv4_over(&[Type::of::<_BaseV4>(), address]);
    for (label, ipv4) in [
        ("all compile-time", all_static.clone()),
        ("_BaseV4 at run time", v4_runtime.clone()),
        ("_BaseAddress at run time", address_runtime.clone()),
    ] {
        assert_eq!(ipaddress_checks(ipv4), python, "{label}");
    }
    // The embedded instance is the stored line's compile-time class.
    assert!(Instance::new(&all_static).unwrap().base_as::<_BaseV4>().is_some());
    assert!(Instance::new(&v4_runtime).unwrap().base().is_none());
    assert!(Instance::new(&address_runtime).unwrap().base_as::<_BaseV4>().is_some());
}

/// A regular compile-time base and a slotted one: CPython accepts them (one
/// solid base, `Named`), so does pyslots. `Named` is embedded; `Config`
/// adds only a dict, which the class has as its own.
#[test]
fn a_regular_and_a_slotted_compile_time_base() {
    let python = pyslots_testkit::oracle::run(
        "class Config:\n    pass\n\
         class Named:\n    __slots__ = ('name', '__weakref__')\n\
         Both = type('Both', (Config, Named), {})\n\
         b = Both()\n\
         b.name = 'Ada'\n\
         b.path = '/etc'\n\
         print([c.__name__ for c in Both.__mro__])\n\
         print(vars(b), b.name)\n\
         print([n for n in dir(b) if not (n.startswith('__') and n.endswith('__')) or n in ('__slots__', '__weakref__', '__dict__')])\n\
         print(b.__getstate__())\n",
    );
    let both = class("Both", &[Type::of::<Config>(), Type::of::<Named>()], &[]);
    let mut b = Instance::new(&both).unwrap();
    b.setattr("name", "Ada".into()).unwrap();
    b.setattr("path", "/etc".into()).unwrap();
    let names: Vec<String> = both.mro().iter().map(|t| format!("'{}'", t.name())).collect();
    let dir: Vec<String> = b.dir().iter().map(|n| format!("'{n}'")).collect();
    let ours = vec![
        format!("[{}]", names.join(", ")),
        format!("{} {}", vars(&b).unwrap(), b.getattr("name").unwrap().to_string().trim_matches('\'')),
        format!("[{}]", dir.join(", ")),
        pyslots::getstate(&b).to_string(),
    ];
    assert_eq!(ours, python);
    assert_eq!(b.base_as::<Named>().unwrap().name().unwrap(), "Ada");
    assert!(b.base_as::<Config>().is_none(), "Config is not embedded");
}

#[test]
fn copies_state_and_weak_references() {
    let node = class("Node", &[], &[("__slots__", Value::tuple(["value", "next", "__weakref__"]))]);
    let a = node.instantiate().unwrap();
    a.setattr("value", Value::list([1, 2])).unwrap();
    a.setattr("next", Value::Object(a.clone())).unwrap(); // a.next = a
    let state = pyslots::getstate(&*a.read());
    assert_eq!(state.to_string().matches("'value': [1, 2]").count(), 1, "{state}");
    let shallow = pyslots::copy(&Value::Object(a.clone())).unwrap();
    let Value::Object(b) = &shallow else { panic!("an object") };
    assert!(!PyObject::is(&a, b));
    assert_eq!(b.class(), node);
    assert!(Value::is(&b.getattr("value").unwrap(), &a.getattr("value").unwrap()));
    let deep = pyslots::deepcopy(&Value::Object(a.clone())).unwrap();
    let Value::Object(c) = &deep else { panic!("an object") };
    assert!(!Value::is(&c.getattr("value").unwrap(), &a.getattr("value").unwrap()));
    assert!(Value::is(&c.getattr("next").unwrap(), &deep), "the cycle is kept");
    // The cycles are garbage once the handles go: the collector frees them.
    let weak = a.try_downgrade().unwrap();
    let weak_c = c.try_downgrade().unwrap();
    drop((a, shallow, deep, state));
    pyslots::gc::collect();
    assert!(weak.upgrade().is_none() && weak_c.upgrade().is_none(), "a cycle of run-time instances is collected");
    // Without `__weakref__`, CPython's TypeError.
    let plain = class("Plain", &[], &[("__slots__", Value::tuple(["x"]))]).instantiate().unwrap();
    let err = plain.try_downgrade().unwrap_err();
    assert_eq!(err.to_string(), "cannot create weak reference to 'Plain' object");
}

#[test]
fn type_api() {
    let base = class("Base", &[], &[("__slots__", Value::dict([("x", "the x")])), ("kind", "base".into())]);
    let sub = class("Sub", std::slice::from_ref(&base), &[("__slots__", Value::tuple(["__y"]))]);
    assert_eq!(sub.to_string(), "<class 'Sub'>");
    assert_eq!(sub.layout().slots(), ["_Sub__y"]);
    assert_eq!(sub.bases(), std::slice::from_ref(&base));
    assert!(sub.is_subclass(&base) && !base.is_subclass(&sub));
    assert!(matches!(sub.attr("kind").unwrap(), Attr::Value(v) if v == Value::from("base")));
    let Attr::Member(x) = sub.attr("x").unwrap() else { panic!("x is a member") };
    assert_eq!(x.doc(), Some("the x"));
    let mut obj = Instance::new(&sub).unwrap();
    x.set_dyn(&mut obj, 2.5).unwrap();
    assert_eq!(obj.getattr("x").unwrap(), Value::Float(2.5));
    x.delete_dyn(&mut obj).unwrap();
    assert_eq!(x.delete_dyn(&mut obj).unwrap_err().to_string(), "x");
    let other = Instance::new(&class("Other", &[], &[])).unwrap();
    assert_eq!(
        x.get_dyn(&other).unwrap_err().to_string(),
        "descriptor 'x' for 'Base' objects doesn't apply to a 'Other' object"
    );
    assert_eq!(Type::of::<Named>().instantiate().unwrap().type_name(), "Named");
    assert_eq!(Type::object().mro(), [Type::object()]);
    // Sizes: a two-slot instance is its class and two 16-byte values.
    assert_eq!(std::mem::size_of::<Instance>(), 40);
    let point = class("Point", &[], &[("__slots__", Value::tuple(["x", "y"]))]);
    let mut p = Instance::new(&point).unwrap();
    p.setattr("x", Value::Float(1.0)).unwrap();
    p.setattr("y", Value::Float(2.0)).unwrap();
    assert_eq!(total_sizeof(&p), 40);
    p.setattr("x", "a string longer than fifteen bytes".into()).unwrap();
    assert!(total_sizeof(&p) > 40 + 24, "a boxed value and its text count");
}

/// `class Point: pass`, whose instances all set `x` and `y`.
fn regular_points(n: usize) -> (Type, Vec<Instance>) {
    let point = class("Point", &[], &[]);
    let points = (0..n)
        .map(|i| {
            let mut p = Instance::new(&point).unwrap();
            p.setattr("x", Value::Float(i as f64)).unwrap();
            p.setattr("y", Value::Float(-(i as f64))).unwrap();
            p
        })
        .collect();
    (point, points)
}

#[test]
fn instance_dicts_share_the_keys_their_class_learns() {
    let (_, points) = regular_points(100);
    // An instance is its class, one pointer and one allocation of its two
    // values, as CPython 3.11's inline values: 104 bytes, CPython's take
    // 136. The first one grew to that as the class learned x and y; the
    // others were made that size.
    assert!(points.iter().all(|p| total_sizeof(p) == 40 + 16 + 2 * 24));
    let last = points.last().unwrap();
    assert_eq!(vars(last).unwrap().to_string(), "{'x': 99.0, 'y': -99.0}");
    for (i, p) in points.iter().enumerate() {
        assert_eq!(p.getattr("y").unwrap(), Value::Float(-(i as f64)));
    }
}

#[test]
fn learned_keys_keep_each_instance_dict_in_its_own_insertion_order() {
    let (point, _) = regular_points(50);
    let mut p = Instance::new(&point).unwrap();
    p.setattr("y", Value::Int(1)).unwrap();
    p.setattr("x", Value::Int(2)).unwrap();
    p.setattr("z", Value::Int(3)).unwrap();
    assert_eq!(vars(&p).unwrap().to_string(), "{'y': 1, 'x': 2, 'z': 3}");
    p.delattr("y").unwrap();
    p.setattr("y", Value::Int(4)).unwrap();
    assert_eq!(vars(&p).unwrap().to_string(), "{'x': 2, 'z': 3, 'y': 4}");
    // `p` went live before it set `z`; `q`, made for two values, learns
    // it and grows by half; then the class makes its instances for three.
    let mut q = Instance::new(&point).unwrap();
    for (i, name) in ["x", "y", "z"].into_iter().enumerate() {
        q.setattr(name, Value::Int(i as i64)).unwrap();
    }
    assert_eq!(total_sizeof(&q), 40 + 16 + 3 * 24);
    let mut r3 = Instance::new(&point).unwrap();
    r3.setattr("x", Value::Int(0)).unwrap();
    assert_eq!(total_sizeof(&r3), 40 + 16 + 3 * 24);
    assert_eq!(vars(&q).unwrap().to_string(), "{'x': 0, 'y': 1, 'z': 2}");
    // More names than any table holds: the dict goes live, nothing lost.
    let mut r = Instance::new(&point).unwrap();
    let names: Vec<String> = (0..40).map(|i| format!("a{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        r.setattr(name, Value::Int(i as i64)).unwrap();
    }
    assert_eq!(r.dir().iter().filter(|n| n.starts_with('a')).count(), 40);
    let d = vars(&r).unwrap();
    assert_eq!(d.keys().iter().map(|k| k.to_string()).collect::<Vec<_>>(), names);
}

#[test]
fn threads_learn_keys_of_one_class_at_once() {
    let point = class("Shared", &[], &[]);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let point = point.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    let obj = point.instantiate().unwrap();
                    let names = [format!("t{t}"), format!("k{}", i % 12), "common".to_owned()];
                    for (j, name) in names.iter().enumerate() {
                        obj.setattr(name, Value::Int((i * 3 + j) as i64)).unwrap();
                    }
                    let d = obj.getattr("__dict__").unwrap().to_string();
                    let want = format!("{{'t{t}': {}, 'k{}': {}, 'common': {}}}", i * 3, i % 12, i * 3 + 1, i * 3 + 2);
                    assert_eq!(d, want);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn did_you_mean_reads_the_learned_keys_and_the_live_dict() {
    let (point, _) = regular_points(40);
    let mut p = Instance::new(&point).unwrap();
    p.setattr("x", Value::Int(1)).unwrap();
    p.setattr("velocity", Value::Int(2)).unwrap();
    // `x` inline under a learned key, `velocity` learned by this instance.
    let err = p.getattr("velocty").unwrap_err();
    assert_eq!(err.to_string(), "'Point' object has no attribute 'velocty'");
    assert_eq!(err.suggestion(), Some("velocity"));
    // An unset learned key is no suggestion; a key of the live dict is.
    assert_eq!(p.getattr("yy").unwrap_err().suggestion(), None);
    vars(&p).unwrap().insert("height", 3);
    assert_eq!(p.getattr("heigth").unwrap_err().suggestion(), Some("height"));
}

#[test]
fn a_state_naming_dict_or_weakref_keeps_them_descriptors() {
    // `obj.__dict__.update(state)`, as `copy` restores a state: the names
    // become dict entries, while `obj.__dict__` stays the dict itself. The
    // class learns neither name (the algorithm reads learned keys before
    // the descriptors), so the dict goes live instead.
    let python = pyslots_testkit::oracle::run(
        "K = type('K', (), {})\n\
         o = K()\n\
         o.__dict__.update({'a': 1, '__dict__': 5, '__weakref__': 6})\n\
         print(o.__dict__, o.__weakref__, o.a)\n",
    );
    let (k, _) = regular_points(0);
    let mut o = Instance::new(&k).unwrap();
    pyslots::setstate(&mut o, Value::dict([("a", 1), ("__dict__", 5), ("__weakref__", 6)])).unwrap();
    let ours =
        format!("{} {} {}", o.getattr("__dict__").unwrap(), o.getattr("__weakref__").unwrap(), o.getattr("a").unwrap());
    assert_eq!(vec![ours], python);
}

/// Issue 24's memory target: a shared run-time `Point` with two float
/// slots takes no more than CPython's (`tracemalloc`: 96 bytes for the
/// object with its two floats), counting the handle's reference counts,
/// collector word, lock and class.
#[test]
fn a_shared_runtime_point_is_no_larger_than_cpythons() {
    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "y"]));
    let point = Type::new("Point", &[], ns).unwrap();
    let p = point.instantiate().unwrap();
    p.setattr("x", 1.5).unwrap();
    p.setattr("y", 2.5).unwrap();
    let bytes = p.total_sizeof().unwrap();
    assert!(bytes <= 96, "a shared run-time Point takes {bytes} bytes");
}

/// Every size of cell a shared instance can have (its slots inline up to
/// eight, then in an allocation of their own) behaves as CPython's object:
/// slots written with numbers and objects, read, one deleted, listed,
/// copied shallow and deep, and a cycle through the last slot collected.
#[test]
fn shared_instances_of_every_slot_count_behave_as_cpythons() {
    let python = pyslots_testkit::oracle::run(
        "import copy, gc\n\
         for k in range(12):\n\
         \x20   names = tuple(f's{i}' for i in range(k))\n\
         \x20   K = type('K', (), {'__slots__': names})\n\
         \x20   o = K()\n\
         \x20   for i, n in enumerate(names):\n\
         \x20       setattr(o, n, [i] if i % 3 == 0 else float(i))\n\
         \x20   print(k, [getattr(o, n) for n in names], [n for n in dir(o) if not n.startswith('__')])\n\
         \x20   if k:\n\
         \x20       delattr(o, names[k // 2])\n\
         \x20       try:\n\
         \x20           getattr(o, names[k // 2])\n\
         \x20       except AttributeError as e:\n\
         \x20           print(e)\n\
         \x20       c, d = copy.copy(o), copy.deepcopy(o)\n\
         \x20       print([getattr(c, n, None) for n in names], [getattr(d, n, None) for n in names])\n\
         \x20       print(getattr(c, names[0], None) is getattr(o, names[0], None), getattr(d, names[0], None) is getattr(o, names[0], None))\n\
         \x20       gc.collect()\n\
         \x20       setattr(o, names[-1], o)\n\
         \x20       del o, c, d\n\
         \x20       print(gc.collect())\n",
    );
    let mut ours = Vec::new();
    let show = |v: &Value| v.to_string();
    for k in 0..12usize {
        let names: Vec<String> = (0..k).map(|i| format!("s{i}")).collect();
        let mut ns = Dict::new();
        ns.insert("__slots__", Value::tuple(names.iter().map(String::as_str)));
        let class = Type::new("K", &[], ns).unwrap();
        let o = class.instantiate().unwrap();
        for (i, n) in names.iter().enumerate() {
            let v = if i % 3 == 0 { Value::list([i as i64]) } else { Value::Float(i as f64) };
            o.setattr(n, v).unwrap();
        }
        let values: Vec<String> = names.iter().map(|n| show(&o.getattr(n).unwrap())).collect();
        let listed: Vec<String> = o.dir().unwrap().into_iter().filter(|n| !n.starts_with("__")).collect();
        ours.push(format!("{k} [{}] {:?}", values.join(", "), listed).replace('"', "'"));
        if k == 0 {
            continue;
        }
        o.delattr(&names[k / 2]).unwrap();
        ours.push(o.getattr(&names[k / 2]).unwrap_err().to_string());
        let original = Value::from(o.clone());
        let c = pyslots::copy(&original).unwrap().as_object().unwrap().clone();
        let d = pyslots::deepcopy(&original).unwrap().as_object().unwrap().clone();
        let row = |x: &PyObject| -> String {
            let shown: Vec<String> = names.iter().map(|n| x.getattr(n).map_or("None".into(), |v| show(&v))).collect();
            format!("[{}]", shown.join(", "))
        };
        ours.push(format!("{} {}", row(&c), row(&d)));
        let same = |x: &PyObject| match (x.getattr(&names[0]), o.getattr(&names[0])) {
            (Ok(a), Ok(b)) => Value::is(&a, &b),
            (a, b) => a.is_err() && b.is_err(),
        };
        ours.push(format!("{} {}", if same(&c) { "True" } else { "False" }, if same(&d) { "True" } else { "False" }));
        pyslots::gc::collect();
        o.setattr(&names[k - 1], Value::from(o.clone())).unwrap();
        drop((o, original, c, d));
        // The object and the lists only it holds.
        ours.push(pyslots::gc::collect().to_string());
    }
    assert_eq!(ours, python);
}

/// An instance of three to eight slots behind a handle keeps a reference
/// to another object in its slot itself: read by `getattr` it is the same
/// object, and borrowed by `getattr_ref` it is the slot's own handle (no
/// count taken); replaced or deleted, the object it held is let go.
#[test]
fn a_shared_instance_keeps_an_object_it_refers_to_in_its_slot() {
    #[pyclass_like]
    #[slots(v)]
    struct Leaf {}

    let mut ns = Dict::new();
    ns.insert("__slots__", Value::tuple(["x", "y", "next"]));
    let node = Type::new("Node", &[], ns).unwrap();
    let a = node.instantiate().unwrap();
    let leaf = Py::new(Leaf::new());
    a.setattr("next", Value::from(&leaf)).unwrap();
    assert_eq!(Py::strong_count(&leaf), 2);
    let read = a.getattr("next").unwrap();
    assert!(Value::is(&read, &Value::from(&leaf)));
    drop(read);
    {
        let guard = a.read();
        let before = Py::strong_count(&leaf);
        match guard.getattr_ref("next").unwrap() {
            pyslots::ValueRef::Object(o) => assert!(Value::is(&Value::Object(o.clone()), &Value::from(&leaf))),
            other => panic!("an object slot read as {other:?}"),
        }
        assert_eq!(Py::strong_count(&leaf), before, "a borrowed read takes no count");
    }
    a.setattr("next", Value::None).unwrap();
    assert_eq!(Py::strong_count(&leaf), 1, "replaced: let go");
    a.setattr("next", Value::from(&leaf)).unwrap();
    a.delattr("next").unwrap();
    assert_eq!(Py::strong_count(&leaf), 1, "deleted: let go");
    assert_eq!(a.getattr("next").unwrap_err().to_string(), "'Node' object has no attribute 'next'");
}
