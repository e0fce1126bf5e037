//! A small scripting layer over pyslots' classes made at run time: it reads
//! class definitions and attribute statements from a text file and prints
//! what CPython prints for the same program, each statement run on its own
//! (an exception is printed as `TypeError: message`, as
//! `try: exec(line) except Exception as e: print(f"{type(e).__name__}: {e}")`
//! would).
//!
//! ```sh
//! cargo run --example scripted_classes                     # the script below
//! cargo run --example scripted_classes -- my_script.py      # yours
//! ```
//!
//! The language is a sliver of Python, one statement a line:
//!
//! - `class Name(Base, ...): __slots__ = ('x', 'y'); kind = 'point'` (or
//!   `: pass`); the bases are earlier classes or `object`, the entries are
//!   literals: numbers, strings, bytes, `None`, `True`/`False`, tuples,
//!   lists and dicts of them;
//! - `v = Name()`, `v.attr = literal`, `del v.attr`;
//! - `print(v.attr)`, `print(hasattr(v, 'attr'))`, `print(Name.__name__)`.
//!
//! `tests/scripted_classes.rs` runs this script in CPython and here and
//! compares every line.

use std::collections::HashMap;

use pyslots::prelude::*;
use pyslots::PyStr;

/// The script `cargo run --example scripted_classes` runs.
pub const SCRIPT: &str = r#"
# Classes come from the script, not from Rust: type() with every rule.
class Point: __slots__ = ('x', 'y'); dims = 2
class Point3(Point): __slots__ = ['z']
class Labelled(Point): pass
class Doc: __slots__ = {'name': 'the name', 'age': 'in years'}
class Broken: __slots__ = ('x', 'x y')
class Clash: __slots__ = ('x',); x = 0
class Twice(Point, Point): pass
class Private: __slots__ = ('__secret',)
class Rival: __slots__ = ('r',)
class Both(Point, Rival): pass
p = Point3()
p.x = 1.5
p.z = 'deep'
print(p.x)
print(p.z)
print(p.dims)
p.w = 3
print(p.y)
print(hasattr(p, 'y'))
del p.x
del p.x
p.dims = 3
l = Labelled()
l.colour = 'red'
l.x = 1
print(l.colour)
print(l.__dict__)
print(l.__slots__)
s = Private()
s._Private__secret = 42
print(s._Private__secret)
print(s.__secret)
d = Doc()
d.nmae = 'Ada'
print(Point3.__name__)
"#;

/// Runs `script` and returns what it prints, line by line.
pub fn run(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut scope = Scope::default();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let printed = match scope.exec(line) {
            Ok(Some(printed)) => printed,
            Ok(None) => continue,
            Err(e) => format!("{}: {e}", e.exception()),
        };
        // A message may hold a newline (the MRO error does): lines as
        // `print` writes them.
        out.extend(printed.lines().map(str::to_owned));
    }
    out
}

/// The script's names: its classes and its instances.
#[derive(Default)]
struct Scope {
    classes: HashMap<String, Type>,
    objects: HashMap<String, PyObject>,
}

impl Scope {
    /// Runs one statement; `Some(text)` if it prints.
    fn exec(&mut self, line: &str) -> Result<Option<String>, Error> {
        if let Some(rest) = line.strip_prefix("class ") {
            self.define(rest)?;
            return Ok(None);
        }
        if let Some(target) = line.strip_prefix("del ") {
            let (obj, attr) = self.attribute(target)?;
            obj.write().delattr(attr)?;
            return Ok(None);
        }
        if let Some(inner) = line.strip_prefix("print(").and_then(|l| l.strip_suffix(')')) {
            return Ok(Some(self.print(inner)?));
        }
        let (target, value) = line.split_once('=').ok_or_else(|| syntax(line))?;
        let (target, value) = (target.trim(), value.trim());
        if let Some(class) = value.strip_suffix("()") {
            let class = self.class(class)?;
            self.objects.insert(target.to_owned(), class.instantiate()?);
            return Ok(None);
        }
        let (obj, attr) = self.attribute(target)?;
        obj.write().setattr(attr, Literal::parse(value)?)?;
        Ok(None)
    }

    /// `class Name(Bases): entries`.
    fn define(&mut self, rest: &str) -> Result<(), Error> {
        let (head, body) = rest.split_once(':').ok_or_else(|| syntax(rest))?;
        let (name, bases) = match head.split_once('(') {
            Some((name, bases)) => (name.trim(), bases.trim_end_matches(')').trim()),
            None => (head.trim(), ""),
        };
        let bases: Vec<Type> = bases
            .split(',')
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(|b| self.class(b))
            .collect::<Result<_, _>>()?;
        let mut namespace = Dict::new();
        for entry in body.split(';').map(str::trim).filter(|e| *e != "pass" && !e.is_empty()) {
            let (key, value) = entry.split_once('=').ok_or_else(|| syntax(entry))?;
            namespace.insert(key.trim(), Literal::parse(value.trim())?);
        }
        let class = Type::new(name, &bases, namespace)?;
        self.classes.insert(name.to_owned(), class);
        Ok(())
    }

    /// What `print(...)` prints: `str()` of the value.
    fn print(&self, expr: &str) -> Result<String, Error> {
        if let Some(args) = expr.strip_prefix("hasattr(").and_then(|a| a.strip_suffix(')')) {
            let (obj, attr) = args.split_once(',').ok_or_else(|| syntax(expr))?;
            let attr = Literal::parse(attr.trim())?;
            let Value::Str(attr) = attr else { return Err(syntax(expr)) };
            let found = self.object(obj.trim())?.read().hasattr(attr.as_str());
            return Ok(if found { "True" } else { "False" }.to_owned());
        }
        if let Some(class) = expr.strip_suffix(".__name__") {
            return Ok(self.class(class)?.name().to_owned());
        }
        let (obj, attr) = self.attribute(expr)?;
        let value = obj.read().getattr(attr)?;
        Ok(match value {
            Value::Str(s) => s.as_str().to_owned(),
            other => other.repr(),
        })
    }

    fn attribute<'a>(&self, target: &'a str) -> Result<(&PyObject, &'a str), Error> {
        let (obj, attr) = target.split_once('.').ok_or_else(|| syntax(target))?;
        Ok((self.object(obj.trim())?, attr.trim()))
    }

    fn object(&self, name: &str) -> Result<&PyObject, Error> {
        self.objects.get(name).ok_or_else(|| undefined(name))
    }

    fn class(&self, name: &str) -> Result<Type, Error> {
        if name == "object" {
            return Ok(Type::object());
        }
        self.classes.get(name).cloned().ok_or_else(|| undefined(name))
    }
}

fn syntax(text: &str) -> Error {
    Error::value_error(format!("cannot read {text:?}"))
}

fn undefined(name: &str) -> Error {
    Error::value_error(format!("name '{name}' is not defined"))
}

/// Python literals: numbers, strings, `None`, `True`, `False`, and tuples,
/// lists and dicts of them.
struct Literal<'a> {
    rest: &'a str,
}

impl<'a> Literal<'a> {
    fn parse(text: &'a str) -> Result<Value, Error> {
        let mut p = Literal { rest: text.trim() };
        let value = p.value()?;
        if !p.rest.trim().is_empty() {
            return Err(syntax(text));
        }
        Ok(value)
    }

    fn eat(&mut self, token: &str) -> bool {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        self.rest = self.rest.trim_start();
        for (word, value) in [("None", Value::None), ("True", Value::Bool(true)), ("False", Value::Bool(false))] {
            if self.eat(word) {
                return Ok(value);
            }
        }
        if self.eat("(") {
            let (items, trailing_comma) = self.items(")")?;
            return Ok(if items.len() == 1 && !trailing_comma { items[0].clone() } else { Value::tuple(items) });
        }
        if self.eat("[") {
            return Ok(Value::list(self.items("]")?.0));
        }
        if self.eat("{") {
            let mut entries: Vec<(PyStr, Value)> = Vec::new();
            while !self.eat("}") {
                let Value::Str(key) = self.value()? else { return Err(syntax(self.rest)) };
                if !self.eat(":") {
                    return Err(syntax(self.rest));
                }
                entries.push((key, self.value()?));
                if !self.eat(",") && !self.rest.trim_start().starts_with('}') {
                    return Err(syntax(self.rest));
                }
            }
            return Ok(Value::dict(entries));
        }
        let bytes = self.eat("b");
        if let Some(quote) = self.rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
            let body = &self.rest[1..];
            let end = body.find(quote).ok_or_else(|| syntax(self.rest))?;
            self.rest = &body[end + 1..];
            return Ok(if bytes { Value::bytes(&body.as_bytes()[..end]) } else { Value::from(&body[..end]) });
        }
        let end = self.rest.find([',', ')', ']', '}', ':']).unwrap_or(self.rest.len());
        let number = self.rest[..end].trim();
        self.rest = &self.rest[end..];
        if let Ok(i) = number.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        number.parse::<f64>().map(Value::Float).map_err(|_| syntax(number))
    }

    /// Items up to `close`, and whether a comma came last.
    fn items(&mut self, close: &str) -> Result<(Vec<Value>, bool), Error> {
        let mut items = Vec::new();
        let mut comma = false;
        while !self.eat(close) {
            items.push(self.value()?);
            comma = self.eat(",");
            if !comma && !self.rest.trim_start().starts_with(close) {
                return Err(syntax(self.rest));
            }
        }
        Ok((items, comma))
    }
}

#[allow(dead_code)]
fn main() {
    let script = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(script) => script,
            Err(e) => {
                eprintln!("scripted_classes: cannot read {path}: {e}");
                std::process::exit(1);
            }
        },
        None => SCRIPT.to_owned(),
    };
    for line in run(&script) {
        println!("{line}");
    }
}
