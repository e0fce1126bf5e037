//! Helpers shared by the examples: printing a Python line beside the pyslots
//! code that does the same, echoing results the way Python's prompt does,
//! and reading what a CPython script (`pyslots_testkit::oracle`) printed.
//!
//! Each example includes this file with `mod common;`. Cargo builds only the
//! files directly in `examples/` as examples, so this one is not an example
//! of its own.

// Each example uses only some of the helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Display;
use std::process::Child;

use pyslots::prelude::*;
use pyslots_testkit::oracle;

// ---------------------------------------------------------------------------
// Python / pyslots walk-throughs.

/// How wide the Python column of a walk-through is.
pub const PYTHON_COLUMN: usize = 42;

/// A section heading.
pub fn plain_heading(title: &str) {
    println!();
    println!("== {title}");
    println!();
}

/// A section heading over the columns of a walk-through.
pub fn heading(title: &str) {
    plain_heading(title);
    column_heads(PYTHON_COLUMN);
}

/// The column headings: `Python` in a column `width` characters wide, then
/// `pyslots`.
pub fn column_heads(width: usize) {
    println!("  {:<width$}pyslots", "Python");
}

/// A Python line, as typed at the `>>>` prompt, beside the pyslots code that
/// does the same.
pub fn py(python: &str, rust: &str) {
    py_in_column(PYTHON_COLUMN, python, rust);
}

/// [`py`] with a Python column `width` characters wide.
pub fn py_in_column(width: usize, python: &str, rust: &str) {
    if python.is_empty() {
        println!("  {:<width$}{rust}", "");
    } else {
        // `>>> ` takes four of the column's characters.
        println!("  >>> {python:<prompt$}{rust}", prompt = width - 4);
    }
}

/// What the line gives, as Python's prompt would echo it.
pub fn out(result: impl Display) {
    println!("  {result}");
}

/// A comment line in the Python column.
pub fn note(text: &str) {
    println!("  {text}");
}

/// A list of names as Python prints it: `['a', 'b']`.
pub fn py_list(names: &[String]) -> Value {
    names.iter().map(|n| Value::from(n.as_str())).collect::<Vec<_>>().into()
}

/// An exception as Python prints its last traceback line.
pub fn raised(err: &Error) -> String {
    format!("{}: {}", err.exception(), err)
}

// ---------------------------------------------------------------------------
// Figures.

/// How much smaller `slotted` is than `regular`, in percent.
pub fn reduction(regular: f64, slotted: f64) -> f64 {
    100.0 * (1.0 - slotted / regular)
}

/// `1000000` as `1,000,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// CPython, for comparison.

/// What a CPython script printed: a `version X.Y.Z` line and `key value`
/// lines of figures.
pub struct CPython {
    pub version: String,
    values: HashMap<String, f64>,
}

impl CPython {
    /// Waits for a script started from `oracle::command` and parses its
    /// output; why it failed, if it did.
    pub fn wait(child: Child) -> Result<CPython, String> {
        let mut cpython = CPython { version: String::new(), values: HashMap::new() };
        for line in oracle::wait(child)? {
            let Some((key, value)) = line.split_once(' ') else {
                continue;
            };
            if key == "version" {
                cpython.version = value.to_string();
            } else if let Ok(v) = value.trim().parse::<f64>() {
                cpython.values.insert(key.to_string(), v);
            }
        }
        Ok(cpython)
    }

    /// The figure printed as `key`.
    pub fn get(&self, key: &str) -> Option<f64> {
        self.values.get(key).copied()
    }
}
