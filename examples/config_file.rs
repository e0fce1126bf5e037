//! A configuration file loaded into a slotted class (feature `serde`):
//! each key of the JSON text is set with `setattr`, so a misspelt key is
//! refused with CPython's message and its suggestion, as Python's
//! `Settings(**json.loads(text))`-style loaders over a `__slots__` class
//! refuse it; and a deep copy (`copy.deepcopy`) taken before an edit keeps
//! the original settings, nested lists included.
//!
//! ```text
//! cargo run --example config_file --features serde
//! ```

mod common;

use pyslots::prelude::*;

use common::*;

/// `class Settings: __slots__ = ['host', 'port', 'debug', 'allowed']`.
#[pyclass_like]
#[slots(host, port, debug, allowed)]
struct Settings {
    host: String,
    port: u16,
    debug: bool,
}

/// The file, as it would sit next to the program.
const CONFIG: &str = r#"{
    "host": "example.org",
    "port": 8443,
    "debug": false,
    "allowed": ["alice", "bob"]
}"#;

/// The same file with a typo (CPython suggests a name only when it is near
/// enough: `prot` for `port` gets no suggestion, in 3.11 as here).
const TYPO: &str = r#"{"host": "example.org", "alowed": ["alice"]}"#;

fn load(text: &str) -> Result<Settings, serde_json::Error> {
    serde_json::from_str(text)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    heading("Loading a settings file into a slotted class");
    note("class Settings:");
    note("    __slots__ = ['host', 'port', 'debug', 'allowed']");
    note("def load(text):");
    note("    s = Settings()");
    note("    for key, value in json.loads(text).items():");
    note("        setattr(s, key, value)");
    note("    return s");
    py("settings = load(CONFIG)", "let settings: Settings = serde_json::from_str(CONFIG)?;");
    let settings = load(CONFIG)?;
    py("settings.port", "getattr(&settings, \"port\")?");
    out(getattr(&settings, "port")?);
    assert_eq!(getattr(&settings, "port")?, Value::Int(8443));
    py("settings.allowed", "getattr(&settings, \"allowed\")?");
    out(getattr(&settings, "allowed")?);
    assert_eq!(getattr(&settings, "allowed")?.to_string(), "['alice', 'bob']");
    py("settings.__getstate__()", "pyslots::getstate(&settings)");
    out(pyslots::getstate(&settings));
    assert_eq!(
        pyslots::getstate(&settings).to_string(),
        "(None, {'host': 'example.org', 'port': 8443, 'debug': False, 'allowed': ['alice', 'bob']})"
    );

    heading("A misspelt key is refused, with CPython's suggestion");
    py("load(TYPO)  # {..., \"alowed\": [...]}", "serde_json::from_str::<Settings>(TYPO)");
    let err = load(TYPO).map(drop).unwrap_err();
    note("# the traceback's last line; the serde error carries it, then where in the file:");
    out(format!("AttributeError: {err}"));
    assert!(
        err.to_string().starts_with("'Settings' object has no attribute 'alowed'. Did you mean: 'allowed'?"),
        "{err}"
    );
    note("# and a wrong type is the typed slot's TypeError:");
    let err = load(r#"{"port": "8443"}"#).map(drop).unwrap_err();
    out(format!("TypeError: {err}"));
    assert!(err.to_string().starts_with("'Settings' object attribute 'port' must be int, not str"), "{err}");

    heading("A deep copy before an edit");
    let settings = Py::new(settings);
    py("backup = copy.deepcopy(settings)", "let backup = settings.deepcopy()?;");
    let backup = settings.deepcopy()?;
    py("settings.allowed.append('carol')", "getattr(&*settings.read(), \"allowed\")?...push(\"carol\");");
    getattr(&*settings.read(), "allowed")?.as_list().expect("a list").push("carol");
    py("settings.debug = True", "setattr(&mut *settings.write(), \"debug\", true)?;");
    setattr(&mut *settings.write(), "debug", true)?;
    py("settings.allowed, settings.debug", "...");
    out(format!("({}, {})", getattr(&*settings.read(), "allowed")?, getattr(&*settings.read(), "debug")?));
    py("backup.allowed, backup.debug", "...");
    out(format!("({}, {})", getattr(&*backup.read(), "allowed")?, getattr(&*backup.read(), "debug")?));
    assert_eq!(getattr(&*backup.read(), "allowed")?.to_string(), "['alice', 'bob']");
    assert_eq!(getattr(&*backup.read(), "debug")?, Value::Bool(false));
    note("# a shallow copy would share the list:");
    py("shallow = copy.copy(backup)", "let shallow = backup.copy()?;");
    let shallow = backup.copy()?;
    py("shallow.allowed is backup.allowed", "Value::is(...)");
    let shared = Value::is(&getattr(&*shallow.read(), "allowed")?, &getattr(&*backup.read(), "allowed")?);
    out(Value::Bool(shared));
    assert!(shared);

    heading("Saving it back");
    py("json.dumps(...)", "serde_json::to_string(&*backup.read())?");
    let text = serde_json::to_string(&*backup.read())?;
    out(&text);
    assert_eq!(text, r#"{"host":"example.org","port":8443,"debug":false,"allowed":["alice","bob"]}"#);
    Ok(())
}
