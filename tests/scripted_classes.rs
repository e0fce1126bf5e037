//! The `scripted_classes` example against CPython: its script run by the
//! example's interpreter (classes made by `Type::new`) and by `python3`
//! (`exec` of each line, an exception printed as `Type: message`), every
//! printed line compared.

#[path = "../examples/scripted_classes.rs"]
mod scripted_classes;

use pyslots_testkit::oracle::{py_str, run};

/// What CPython prints for `script`, one statement a line, as the example
/// runs it.
fn cpython(script: &str) -> Vec<String> {
    run(&format!(
        "ns = {{}}\n\
         for line in {}.splitlines():\n\
         \x20   line = line.strip()\n\
         \x20   if not line or line.startswith('#'):\n\
         \x20       continue\n\
         \x20   try:\n\
         \x20       exec(line, ns)\n\
         \x20   except Exception as e:\n\
         \x20       print(f'{{type(e).__name__}}: {{e}}')\n",
        py_str(script)
    ))
}

#[test]
fn the_example_prints_what_cpython_prints() {
    let ours = scripted_classes::run(scripted_classes::SCRIPT);
    let theirs = cpython(scripted_classes::SCRIPT);
    assert_eq!(ours, theirs);
    // The script exercises class-creation errors, not only attributes.
    for expected in [
        "TypeError: __slots__ must be identifiers",
        "ValueError: 'x' in __slots__ conflicts with class variable",
        "TypeError: duplicate base class Point",
        "TypeError: multiple bases have instance lay-out conflict",
        "AttributeError: 'Point3' object has no attribute 'w'",
    ] {
        assert!(ours.iter().any(|l| l == expected), "{expected:?} not printed: {ours:#?}");
    }
}

#[test]
fn more_scripts_agree() {
    let script = "
class A: __slots__ = 'a'
class B(A): __slots__ = ('b', '__dict__')
class C(B): __slots__ = ['__dict__']
class D(A): __slots__ = ('__weakref__', '__weakref__')
class E: __slots__ = 3
class F: __slots__ = [1]
class G: __slots__ = b'ab'
class H(object, A): pass
class I(A, object): __slots__ = ()
b = B()
b.a = [1, (2, 3)]
b.extra = {'k': None}
print(b.a)
print(b.extra)
print(b.__dict__)
print(b.__slots__)
i = I()
i.a = 1.0
i.b = 2
print(i.a)
print(hasattr(i, 'b'))
";
    assert_eq!(scripted_classes::run(script), cpython(script));
}
