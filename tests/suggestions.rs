//! "Did you mean" against CPython 3.11: the same `getattr` in pyslots and in
//! `python3`, and the line CPython's traceback prints for the error it lets
//! go (`AttributeError: 'P' object has no attribute 'specis'. Did you mean:
//! 'species'?`) against `format!("{err:#}")`.
//!
//! CPython computes the suggestion only in its C traceback printer (3.11's
//! `traceback.format_exception_only` leaves it out), so the script hands
//! each error to `sys.__excepthook__` with `sys.stderr` captured.

use std::fmt::Write as _;

use pyslots::prelude::*;
use pyslots::PyClass;
use pyslots_testkit::oracle::{self, py_str, PRELUDE};
use pyslots_testkit::rng::{env_or, Rng};

#[pyclass_like]
#[slots(name, species, age, colour)]
struct Animal;

#[pyclass_like]
struct Regular;

#[pyclass_like]
struct Person {
    name: String,
    age: u32,
}

#[pyclass_like]
#[slots(name, species, __dict__)]
struct Flexible;

#[pyclass_like]
#[slots(value, __weakref__)]
struct Weak;

#[pyclass_like(extends = Animal)]
#[slots(breed)]
struct Dog;

#[pyclass_like(extends = Animal)]
struct Pet;

#[pyclass_like]
#[slots(__token, public)]
struct Secret;

#[pyclass_like]
#[slots(a_very_long_attribute_name_well_beyond_forty_bytes, short)]
struct Long;

#[pyclass_like]
#[slots("café", "cafè", "naïve")]
struct Accents;

#[pyclass_like]
#[slots()]
struct Empty;

const CLASSES: &str = "
class Animal:
    __slots__ = ('name', 'species', 'age', 'colour')
class Regular:
    pass
class Person:
    def __init__(self, name, age):
        self.name = name
        self.age = age
class Flexible:
    __slots__ = ('name', 'species', '__dict__')
class Weak:
    __slots__ = ('value', '__weakref__')
class Dog(Animal):
    __slots__ = ('breed',)
class Pet(Animal):
    pass
class Secret:
    __slots__ = ('__token', 'public')
class Long:
    __slots__ = ('a_very_long_attribute_name_well_beyond_forty_bytes', 'short')
class Accents:
    __slots__ = ('café', 'cafè', 'naïve')
class Empty:
    __slots__ = ()
";

/// `_getattr_line(o, name)`: `ok <repr>`, or the last line CPython's own
/// traceback printer writes for the error, suggestion included.
const PYTHON_HELPERS: &str = r#"
import io, sys

def _getattr_line(o, name):
    try:
        v = getattr(o, name)
    except AttributeError as e:
        saved = sys.stderr
        sys.stderr = io.StringIO()
        try:
            sys.__excepthook__(type(e), e, None)
            text = sys.stderr.getvalue()
        finally:
            sys.stderr = saved
        return text.rstrip('\n').split('\n')[-1]
    return 'ok ' + repr(v)

def _run(o, sets, names):
    for name, value in sets:
        setattr(o, name, value)
    for name in names:
        print(_getattr_line(o, name))
    _end()
"#;

/// A class in both worlds: its Python name and how pyslots makes a fresh
/// instance (`Default`: every slot unset, as `cls.__new__(cls)`).
struct Class {
    python: &'static str,
    make: fn() -> Box<dyn Object>,
}

fn class<T: PyClass>(python: &'static str) -> Class {
    Class { python, make: || Box::new(T::default()) }
}

fn classes() -> Vec<Class> {
    vec![
        class::<Animal>("Animal"),
        class::<Regular>("Regular"),
        Class { python: "Person", make: || Box::new(Person::new("Alice".into(), 30)) },
        class::<Flexible>("Flexible"),
        class::<Weak>("Weak"),
        class::<Dog>("Dog"),
        class::<Pet>("Pet"),
        class::<Secret>("Secret"),
        class::<Long>("Long"),
        class::<Accents>("Accents"),
        class::<Empty>("Empty"),
    ]
}

/// The Python expression that builds the instance `Class::make` does.
fn python_new(class: &Class) -> String {
    match class.python {
        "Person" => "Person('Alice', 30)".to_owned(),
        name => format!("{name}.__new__({name})"),
    }
}

/// An instance, the attributes set on it (ints, which print alike in both
/// worlds), and the names read from it.
struct Scenario {
    class: usize,
    sets: Vec<(String, i64)>,
    gets: Vec<String>,
}

fn scenario(class: &str, sets: &[(&str, i64)], gets: &[&str]) -> Scenario {
    let class = classes().iter().position(|c| c.python == class).expect("a class of this test");
    Scenario {
        class,
        sets: sets.iter().map(|&(n, v)| (n.to_owned(), v)).collect(),
        gets: gets.iter().map(|&n| n.to_owned()).collect(),
    }
}

fn run_rust(classes: &[Class], s: &Scenario) -> Vec<String> {
    let mut obj = (classes[s.class].make)();
    for (name, value) in &s.sets {
        setattr(&mut *obj, name, Value::from(*value)).expect("the scenarios set only what the class accepts");
    }
    let lines = s.gets.iter().map(|name| match getattr(&*obj, name) {
        Ok(v) => format!("ok {v}"),
        Err(e) => format!("{}: {e:#}", e.exception()),
    });
    lines.collect()
}

fn run_python(classes: &[Class], scenarios: &[Scenario]) -> Vec<Vec<String>> {
    let mut script = format!("{PRELUDE}{PYTHON_HELPERS}{CLASSES}");
    for s in scenarios {
        let sets: Vec<String> = s.sets.iter().map(|(n, v)| format!("({}, {v})", py_str(n))).collect();
        let gets: Vec<String> = s.gets.iter().map(|n| py_str(n)).collect();
        let new = python_new(&classes[s.class]);
        writeln!(script, "_run({new}, [{}], [{}])", sets.join(", "), gets.join(", ")).unwrap();
    }
    oracle::run_groups(&script, scenarios.len())
}

/// Runs the scenarios in both worlds; the report of every differing line,
/// how many lines were compared and how many of CPython's suggest a name.
fn compare(scenarios: &[Scenario]) -> (String, usize, usize) {
    let classes = classes();
    let python = run_python(&classes, scenarios);
    let mut report = String::new();
    let mut compared = 0;
    let suggested = python.iter().flatten().filter(|line| line.contains(". Did you mean: ")).count();
    for (s, py) in scenarios.iter().zip(&python) {
        let rs = run_rust(&classes, s);
        assert_eq!(rs.len(), py.len(), "one line per getattr");
        for ((name, r), p) in s.gets.iter().zip(&rs).zip(py) {
            compared += 1;
            if r != p {
                let class = classes[s.class].python;
                writeln!(report, "[{class}, sets {:?}] getattr {name:?}\n    pyslots: {r}\n    CPython: {p}", s.sets)
                    .unwrap();
            }
        }
    }
    (report, compared, suggested)
}

#[test]
fn chosen_names() {
    let near_dunders =
        ["__clas__", "__dic__", "__slotz__", "__weakrf__", "__init_subclas__", "__eq", "__doc", "__modul__"];
    let many: Vec<(String, i64)> = (0..760).map(|i| (format!("attr{i}"), i)).collect();
    let mut scenarios = vec![
        // Distance 0 (an unset slot: never itself), 1 (case), 2, 3, 4 and
        // beyond; transpositions; ties (the first in sorted order).
        scenario(
            "Animal",
            &[("name", 1)],
            &[
                "species", "Species", "SPECIES", "specis", "speceis", "spceies", "sepcies", "spec", "s", "", "nmae",
                "Name", "NAME", "ag", "agee", "age_", "Age", "colour", "color", "Colour", "colr", "cloour", "xyz",
                "zzzzzz", "species_", "_species",
            ],
        ),
        scenario("Animal", &[("species", 1), ("colour", 2)], &["specie", "speciess", "colours", "colour_"]),
        scenario("Animal", &[], &near_dunders),
        // A regular class: the dict's keys are candidates, set or not.
        scenario(
            "Regular",
            &[("species", 1), ("Species", 2), ("spices", 3), ("colour", 4)],
            &["specis", "species_", "spice", "Spices", "color", "__dict_", "__weakref", "SPECIES"],
        ),
        scenario("Regular", &[], &["x", "__dict", "__weakrefs__", "__slots__", "__slot__"]),
        scenario("Person", &[], &["nam", "Age", "agge", "names", "person"]),
        scenario("Person", &[("nickname", 1)], &["nicknam", "nick", "name_"]),
        // Slotted with `__dict__`, subclasses, `__weakref__`.
        scenario("Flexible", &[("extra", 1), ("name", 2)], &["extr", "nme", "specie", "__dict", "__slot__"]),
        scenario("Weak", &[], &["valu", "__weakref", "__weak__", "values"]),
        scenario("Dog", &[("breed", 1)], &["bred", "breeds", "specis", "nme", "colr", "Breed"]),
        scenario("Pet", &[("owner", 1)], &["ownr", "Owner", "specis", "__dict", "__weakre__", "__slot"]),
        // Private names are mangled: `__token` is `_Secret__token`.
        scenario("Secret", &[], &["__token", "_Secret__tokn", "_Secret__token", "token", "publik", "_secret__token"]),
        // Long names: more than 40 differing bytes is too far, common
        // affixes are trimmed first.
        scenario(
            "Long",
            &[],
            &[
                "a_very_long_attribute_name_well_beyond_forty_byte",
                "a_very_long_attribute_name_well_beyond_forty_bytes_",
                "A_VERY_LONG_ATTRIBUTE_NAME_WELL_BEYOND_FORTY_BYTES",
                "a_vrey_long_attribute_name_well_beyond_forty_bytse",
                "shor",
                "short_and_then_a_long_tail_of_forty_more_characters",
            ],
        ),
        // UTF-8 bytes: an accent is one or two byte edits.
        scenario("Accents", &[], &["cafe", "café", "cafè", "cafê", "naive", "naïv", "Café"]),
        scenario("Empty", &[], &["__slot__", "__repr", "__str__x", "x"]),
        // 750 names of dir() or more: no suggestion.
        Scenario { class: 1, sets: many[..700].to_vec(), gets: vec!["attr1x".into(), "atr5".into()] },
        Scenario { class: 1, sets: many.clone(), gets: vec!["attr1x".into(), "atr5".into()] },
    ];
    // Just under and at the limit: dir() of a Regular adds 27 names to its keys.
    for keys in [722, 723] {
        scenarios.push(Scenario { class: 1, sets: many[..keys].to_vec(), gets: vec!["attr1x".into()] });
    }
    let (report, compared, suggested) = compare(&scenarios);
    let mismatches = report.matches("\n    pyslots").count();
    println!("{} scenarios, {compared} getattr calls ({suggested} suggest), {mismatches} mismatches", scenarios.len());
    assert!(report.is_empty(), "pyslots' suggestions differ from CPython's:\n{report}");
}

/// The names the random misspellings start from, per class.
fn vocabulary(obj: &dyn Object) -> Vec<String> {
    let mut names = dir(obj);
    names.extend(["__class__", "__init__", "__repr__", "__module__", "__doc__"].map(String::from));
    names.extend(["species", "colour", "owner", "nickname"].map(String::from));
    names
}

/// Attribute names a regular instance may get, for the dict's keys.
const EXTRA_KEYS: &[&str] = &["owner", "nickname", "Species", "spices", "weight", "height", "colour_", "x", "xy"];

const ALPHABET: &[char] =
    &['a', 'b', 'c', 'e', 'i', 'n', 'o', 's', 't', 'x', 'z', 'A', 'E', 'S', 'T', '_', '0', '1', 'é', 'è', 'ï'];

/// `name` with `edits` random edits: a substitution, an insertion, a
/// deletion, a transposition or a case change.
fn misspell(rng: &mut Rng, name: &str, edits: usize) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    for _ in 0..edits {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if at < chars.len() => chars[at] = *rng.pick(ALPHABET),
            1 => chars.insert(at, *rng.pick(ALPHABET)),
            2 if at < chars.len() => {
                chars.remove(at);
            }
            3 if at + 1 < chars.len() => chars.swap(at, at + 1),
            4 if at < chars.len() => {
                let c = chars[at];
                chars[at] = if c.is_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
            }
            _ => chars.push(*rng.pick(ALPHABET)),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn random_misspellings() {
    let seed = env_or("PYSLOTS_SUGGEST_SEED", 0x5_u64 << 40 | 0x6e55);
    let count = env_or("PYSLOTS_SUGGEST_CASES", 120_usize);
    let mut rng = Rng::new(seed);
    let classes = classes();
    // What Python's instances have that pyslots' do not: reading one of
    // these succeeds in CPython only, whatever the suggestion.
    let python_only = oracle::run("class P: __slots__ = ()\nfor n in dir(P()): print(n)");
    let mut scenarios = Vec::new();
    for _ in 0..count {
        let class = rng.below(classes.len());
        let mut probe = (classes[class].make)();
        let mut sets = Vec::new();
        // Some slots or keys set: a set slot is read back, not suggested.
        // (A typed slot takes no int: those stay as they are.)
        let mut settable: Vec<String> = dir(&*probe).into_iter().filter(|n| !n.starts_with("__")).collect();
        if probe.layout().has_dict() {
            settable.extend(EXTRA_KEYS.iter().map(|k| k.to_string()));
        }
        for name in settable {
            let value = rng.below(100) as i64;
            if rng.chance(40) && setattr(&mut *probe, &name, Value::from(value)).is_ok() {
                sets.push((name, value));
            }
        }
        let words = vocabulary(&*probe);
        let mut gets = Vec::new();
        for _ in 0..8 {
            let word = rng.pick(&words).clone();
            let edits = rng.below(5);
            let name = misspell(&mut rng, &word, edits);
            if !python_only.contains(&name) {
                gets.push(name);
            }
        }
        scenarios.push(Scenario { class, sets, gets });
    }
    let (report, compared, suggested) = compare(&scenarios);
    let mismatches = report.matches("\n    pyslots").count();
    let n = scenarios.len();
    println!("{n} scenarios, {compared} getattr calls ({suggested} suggest; seed {seed:#x}), {mismatches} mismatches");
    assert!(report.is_empty(), "pyslots' suggestions differ from CPython's:\n{report}");
}
