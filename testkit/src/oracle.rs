//! CPython as the oracle: the tests run the same operations in pyslots and
//! in `python3` and compare what each prints, so no expected output is
//! written by hand.
//!
//! Data goes to Python inside the script, as Python literals ([`py_str`],
//! or a value's `repr`), and comes back as text, one line per result: the
//! [`PRELUDE`]'s `_line` prints `ok <repr>`, `ok`, or `<Exception>: <message>`,
//! and `_end()` closes a group of results, which [`run_groups`] splits at.
//! No data format needs a parser on the Rust side.
//!
//! ```
//! use pyslots_testkit::oracle::{py_str, run_groups, PRELUDE};
//!
//! let script = format!("{PRELUDE}\nprint(_line(lambda: len({})))\n_end()\n", py_str("héllo"));
//! assert_eq!(run_groups(&script, 1), [["ok 5"]]);
//! ```

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Child, Command, Output, Stdio};

/// The CPython interpreter: `$PYTHON`, or `python3`.
pub fn interpreter() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// `python3 -c script`, its standard output piped, for callers that add
/// arguments, start it themselves and carry on without CPython if it cannot
/// be started (the examples); wait for it with [`wait`].
pub fn command(script: &str) -> Command {
    let mut command = Command::new(interpreter());
    command.arg("-c").arg(script).stdout(Stdio::piped()).env("PYTHONIOENCODING", "utf-8");
    command
}

/// Waits for a child started from [`command`]: the lines it printed, or why
/// it failed (its exit status, and its standard error if that was piped).
pub fn wait(child: Child) -> Result<Vec<String>, String> {
    lines(child.wait_with_output())
}

/// Runs `script` in CPython and returns the lines it printed.
///
/// The script is fed on standard input (`python3 -`), so it can be of any
/// size: tests embed their data in it as Python literals.
///
/// # Panics
///
/// If the interpreter cannot be started (python3 is not installed and
/// `$PYTHON` does not name another), or the script fails: the message shows
/// its standard error and the start of the script.
pub fn run(script: &str) -> Vec<String> {
    let python = interpreter();
    let mut child = Command::new(&python)
        .arg("-")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start `{python}` ({e}): CPython is the oracle of these tests; \
                 install python3 or name an interpreter in $PYTHON"
            )
        });
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = script.to_owned();
    // A thread, so that a script printing more than a pipe holds before it
    // has read all its input cannot deadlock.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let result = lines(child.wait_with_output());
    let written = writer.join().expect("the writer thread does not panic");
    match result {
        Ok(lines) => {
            written.expect("python3 reads its whole script");
            lines
        }
        Err(why) => panic!("`{python}` failed: {why}\n--- script ---\n{}", excerpt(script)),
    }
}

/// The line `_end()` prints after each group of results.
pub const END: &str = "=== end";

/// Python helpers of the one-line-per-result protocol, to put at the top of
/// a script:
///
/// - `_line(f, show=True)` calls `f()` and returns `ok <repr>` (`ok` when
///   `show` is false), or `<Exception>: <message>` if it raised;
/// - `_end()` prints [`END`], closing a group of results for [`run_groups`].
pub const PRELUDE: &str = r#"
def _line(f, show=True):
    try:
        r = f()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "ok " + repr(r) if show else "ok"

def _end():
    print("=== end")
"#;

/// Runs `script` (see [`run`]), which prints `groups` groups of lines, each
/// closed by `_end()` (see [`PRELUDE`]), and returns the groups.
///
/// # Panics
///
/// As [`run`], and if the script does not close exactly `groups` groups.
pub fn run_groups(script: &str, groups: usize) -> Vec<Vec<String>> {
    let lines = run(script);
    let mut result = vec![Vec::new()];
    for line in lines {
        if line == END {
            result.push(Vec::new());
        } else {
            result.last_mut().expect("never empty").push(line);
        }
    }
    let rest = result.pop().expect("never empty");
    assert!(rest.is_empty(), "python3 printed lines after its last group: {rest:?}");
    assert_eq!(result.len(), groups, "python3 printed {} groups of results, not {groups}", result.len());
    result
}

/// `s` as a Python string literal: `'it\'s'`.
///
/// Quotes, backslashes, control characters and line separators are escaped,
/// so the literal stays on one line of source; other characters are kept
/// (Python source is UTF-8).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => write!(out, "\\x{:02x}", c as u32).expect("writing to a String"),
            '\u{2028}' | '\u{2029}' => write!(out, "\\u{:04x}", c as u32).expect("writing to a String"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The lines of a finished process's standard output, or why it failed.
fn lines(output: std::io::Result<Output>) -> Result<Vec<String>, String> {
    let output = output.map_err(|e| e.to_string())?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(if stderr.trim().is_empty() {
            output.status.to_string()
        } else {
            format!("{}\n{stderr}", output.status)
        });
    }
    let stdout = String::from_utf8(output.stdout).map_err(|e| format!("its output is not UTF-8: {e}"))?;
    Ok(stdout.lines().map(str::to_owned).collect())
}

/// The start of a script, for a failure message.
fn excerpt(script: &str) -> &str {
    const SHOWN: usize = 64 * 1024;
    match script.char_indices().nth(SHOWN) {
        Some((end, _)) => &script[..end],
        None => script,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_round_trip_through_python() {
        let strings = ["", "plain", "it's", "\"q\"", "\\", "a\nb\r\tc", "\0nul", "\u{7f}\u{85}", "é 中 😀", "\u{2028}"];
        let script: String = strings.iter().map(|s| format!("print(ascii({}))\n", py_str(s))).collect();
        let python = run(&script);
        let expected: Vec<String> = strings.iter().map(|s| ascii(s)).collect();
        assert_eq!(python, expected);
    }

    /// Python's `ascii()` of a string, written independently of `py_str`.
    fn ascii(s: &str) -> String {
        let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
        let mut out = String::from(quote);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c == quote => out.push_str(&format!("\\{c}")),
                c if (' '..='~').contains(&c) => out.push(c),
                c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push_str(&format!("\\U{:08x}", c as u32)),
            }
        }
        out.push(quote);
        out
    }

    #[test]
    fn groups_and_the_line_protocol() {
        let script = format!(
            "{PRELUDE}\nprint(_line(lambda: 1 + 1))\nprint(_line(lambda: {{}}['k']))\n_end()\n\
             print(_line(lambda: None, False))\n_end()\n_end()\n"
        );
        assert_eq!(run_groups(&script, 3), vec![vec!["ok 2", "KeyError: 'k'"], vec!["ok"], vec![]]);
    }

    #[test]
    #[should_panic(expected = "ZeroDivisionError")]
    fn a_failing_script_shows_its_error() {
        run("print(1)\n1 / 0\n");
    }

    #[test]
    fn a_large_script_goes_through_stdin() {
        let big = "x".repeat(1 << 20);
        assert_eq!(run(&format!("print(len({}))", py_str(&big))), ["1048576"]);
    }

    #[test]
    fn command_and_wait() {
        let child = command("import sys; print(sys.argv[1:])").arg("a b").spawn().expect("python3 starts");
        assert_eq!(wait(child), Ok(vec!["['a b']".to_owned()]));
        let child = command("raise SystemExit(3)").spawn().expect("python3 starts");
        assert!(wait(child).is_err());
    }
}
