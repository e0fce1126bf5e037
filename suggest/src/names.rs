//! Python names: identifiers and private-name mangling, as `type_new` and
//! the compiler apply them to `__slots__`.

/// Whether `s` is a Python identifier (`str.isidentifier()`): a letter or
/// underscore, then letters, digits and underscores, by Unicode's XID
/// properties as Python's tokenizer uses them.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || unicode_ident::is_xid_start(c) => {}
        _ => return false,
    }
    chars.all(unicode_ident::is_xid_continue)
}

/// Python's private-name mangling, as the compiler applies it to
/// `__slots__` entries and to `self.__name` in a class body: `__x` in class
/// `_Point` becomes `_Point__x`. Dunder names (`__x__`) and names in a class
/// whose name is all underscores stay as they are.
pub fn mangle(class: &str, name: &str) -> String {
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return name.to_owned();
    }
    let class = class.trim_start_matches('_');
    if class.is_empty() {
        return name.to_owned();
    }
    format!("_{class}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("x"));
        assert!(is_identifier("_"));
        assert!(is_identifier("__dict__"));
        assert!(is_identifier("café"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("1a"));
        assert!(!is_identifier("a b"));
        assert!(!is_identifier("a-b"));
    }

    #[test]
    fn mangling() {
        assert_eq!(mangle("M", "__secret"), "_M__secret");
        assert_eq!(mangle("_M", "__secret"), "_M__secret");
        assert_eq!(mangle("M", "__x__"), "__x__");
        assert_eq!(mangle("M", "_x"), "_x");
        assert_eq!(mangle("___", "__x"), "__x");
    }
}
