//! CPython 3.11's "Did you mean" algorithm, `Python/suggestions.c`, ported
//! line for line: the Levenshtein distance with CPython's costs and cut-offs
//! ([`levenshtein_distance`]) and the choice among candidates
//! ([`suggest`]).
//!
//! It also holds Python's rules for the names in `__slots__`
//! ([`names::is_identifier`], [`names::mangle`]).
//!
//! It is a crate of its own, with one small dependency (`unicode-ident`,
//! for `str.isidentifier`), because two crates need the same functions and
//! neither may depend on the other: the runtime (`Error::suggestion`, over
//! the names `dir(obj)` lists; `Type::new`, checking `__slots__`) and the
//! macro backend (a name in `#[slots(...)]` one edit from a field that is
//! not listed; the same `__slots__` rules at compile time). Users depend on
//! `pyslots`.
//!
//! ```
//! use pyslots_suggest::suggest;
//!
//! assert_eq!(suggest("specis", &["name", "species"]), Some("species"));
//! assert_eq!(suggest("colour", &["name", "species"]), None);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod names;

/// The cost of inserting or deleting a byte, and of replacing one by
/// another that is not the same letter in the other case.
pub const MOVE_COST: usize = 2;

/// The cost of replacing an ASCII letter by the same letter in the other
/// case.
pub const CASE_COST: usize = 1;

/// With this many candidates or more, CPython suggests nothing.
pub const MAX_CANDIDATE_ITEMS: usize = 750;

/// Strings that still differ in more bytes than this, once their common
/// prefix and suffix are trimmed, are too far apart.
pub const MAX_STRING_SIZE: usize = 40;

/// CPython's `substitution_cost`: 0 for the same byte, [`CASE_COST`] for
/// an ASCII letter and the same letter in the other case, [`MOVE_COST`]
/// otherwise.
fn substitution_cost(a: u8, b: u8) -> usize {
    // The five low bits of a letter are the same in both cases; bytes that
    // differ there cannot be a case flip.
    if a & 31 != b & 31 {
        return MOVE_COST;
    }
    if a == b {
        return 0;
    }
    if a.eq_ignore_ascii_case(&b) {
        return CASE_COST;
    }
    MOVE_COST
}

/// The edit distance between the UTF-8 bytes of `a` and `b`, as CPython
/// 3.11's `levenshtein_distance`: inserting or deleting a byte costs
/// [`MOVE_COST`], replacing it [`MOVE_COST`] or [`CASE_COST`]. Any result
/// above `max_cost` is `max_cost + 1`, or sometimes a larger number: the
/// computation stops as soon as the distance is known to exceed it.
///
/// ```
/// use pyslots_suggest::levenshtein_distance;
///
/// assert_eq!(levenshtein_distance("species", "species", 10), 0);
/// assert_eq!(levenshtein_distance("species", "Species", 10), 1);
/// assert_eq!(levenshtein_distance("species", "specis", 10), 2);
/// assert_eq!(levenshtein_distance("species", "sepcies", 10), 4);
/// assert_eq!(levenshtein_distance("species", "genus", 3), 4);
/// ```
pub fn levenshtein_distance(a: &str, b: &str, max_cost: usize) -> usize {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    // Trim away common affixes.
    while let ([x, a_rest @ ..], [y, b_rest @ ..]) = (a, b) {
        if x != y {
            break;
        }
        (a, b) = (a_rest, b_rest);
    }
    while let ([a_rest @ .., x], [b_rest @ .., y]) = (a, b) {
        if x != y {
            break;
        }
        (a, b) = (a_rest, b_rest);
    }
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    // The shorter string is the row.
    if b.len() < a.len() {
        (a, b) = (b, a);
    }
    // Quick fail when a match is impossible.
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    // One row of the matrix, updated in place: `row[i]` is the cost from
    // `b[..b_index]` to `a[..i + 1]`.
    let mut buffer = [0; MAX_STRING_SIZE];
    let row = &mut buffer[..a.len()];
    for (i, cell) in row.iter_mut().enumerate() {
        *cell = (i + 1) * MOVE_COST;
    }
    let mut result = 0;
    for (b_index, &code) in b.iter().enumerate() {
        // The cost from b[..b_index] to a[..0].
        let mut distance = b_index * MOVE_COST;
        result = distance;
        let mut minimum = usize::MAX;
        for (cell, &a_byte) in row.iter_mut().zip(a) {
            // Substitute: the previous distance in this row, cost(b[..b_index], a[..index]).
            let substitute = distance + substitution_cost(code, a_byte);
            // Cost(b[..b_index], a[..index + 1]), from the previous row.
            distance = *cell;
            // `result` is cost(b[..b_index + 1], a[..index]).
            let insert_delete = result.min(distance) + MOVE_COST;
            result = insert_delete.min(substitute);
            *cell = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            // Everything in this row is too expensive.
            return max_cost + 1;
        }
    }
    result
}

/// The candidate CPython 3.11 suggests for `name` (its
/// `calculate_suggestions`): the nearest by [`levenshtein_distance`], at
/// most a third of the bytes involved changed, the first of equally near
/// ones in the order given, never `name` itself; nothing when there are
/// [`MAX_CANDIDATE_ITEMS`] candidates or more.
///
/// CPython passes `dir(obj)`, which is sorted: ties go to the name that
/// sorts first.
///
/// ```
/// use pyslots_suggest::suggest;
///
/// // "specis" is as near to "specie" as to "species": the first wins.
/// assert_eq!(suggest("specis", &["specie", "species"]), Some("specie"));
/// assert_eq!(suggest("species", &["specie", "species"]), Some("specie"));
/// assert_eq!(suggest("x", &["x"]), None);
/// ```
pub fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if candidates.len() >= MAX_CANDIDATE_ITEMS {
        return None;
    }
    let mut best: Option<(&'a str, usize)> = None;
    for &item in candidates {
        if item == name {
            continue;
        }
        // No more than a third of the involved characters should need
        // changing, and no match already beaten is taken.
        let mut max_distance = (name.len() + item.len() + 3) * MOVE_COST / 6;
        if let Some((_, best_distance)) = best {
            // A best at distance 0 would make CPython's bound -1: nothing
            // beats it. Here the bound is 0, which only an equal name
            // meets, and equal names were skipped.
            max_distance = max_distance.min(best_distance.saturating_sub(1));
        }
        let distance = levenshtein_distance(name, item, max_distance);
        if distance > max_distance {
            continue;
        }
        if best.is_none_or(|(_, best_distance)| distance < best_distance) {
            best = Some((item, distance));
        }
    }
    best.map(|(item, _)| item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs() {
        assert_eq!(substitution_cost(b'a', b'a'), 0);
        assert_eq!(substitution_cost(b'a', b'A'), CASE_COST);
        assert_eq!(substitution_cost(b'Z', b'z'), CASE_COST);
        assert_eq!(substitution_cost(b'a', b'b'), MOVE_COST);
        // Same five low bits, not letters: '@' (0x40) and '`' (0x60), '_'
        // (0x5f) and DEL (0x7f).
        assert_eq!(substitution_cost(b'@', b'`'), MOVE_COST);
        assert_eq!(substitution_cost(b'_', 0x7f), MOVE_COST);
        assert_eq!(substitution_cost(0xc3, 0xe3), MOVE_COST);
    }

    #[test]
    fn distances() {
        assert_eq!(levenshtein_distance("", "", 0), 0);
        assert_eq!(levenshtein_distance("", "abc", 0), 6);
        assert_eq!(levenshtein_distance("abc", "abd", 10), 2);
        assert_eq!(levenshtein_distance("abcd", "abdc", 10), 4);
        assert_eq!(levenshtein_distance("ABC", "abc", 10), 3);
        assert_eq!(levenshtein_distance("kitten", "sitting", 100), 6);
        // Over the cut-off: max_cost + 1.
        assert_eq!(levenshtein_distance("kitten", "sitting", 3), 4);
        // Common affixes are trimmed before the size limit applies.
        let long = "x".repeat(60);
        assert_eq!(levenshtein_distance(&format!("{long}a"), &format!("{long}b"), 10), 2);
        let (a, b) = ("a".repeat(41), "b".repeat(41));
        assert_eq!(levenshtein_distance(&a, &b, 1000), 1001);
        // UTF-8 bytes: é and è differ in their last byte.
        assert_eq!(levenshtein_distance("café", "cafè", 10), 2);
        assert_eq!(levenshtein_distance("café", "cafe", 10), 4);
    }

    #[test]
    fn choice() {
        assert_eq!(suggest("", &["a", "ab"]), None);
        assert_eq!(suggest("ab", &["a", "abc"]), Some("a"));
        assert_eq!(suggest("zz", &["a", "ab"]), None);
        assert_eq!(suggest("NAME", &["name"]), None);
        assert_eq!(suggest("Name", &["name"]), Some("name"));
        let many: Vec<String> = (0..MAX_CANDIDATE_ITEMS).map(|i| format!("n{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(suggest("n1x", &many[..MAX_CANDIDATE_ITEMS - 1]), Some("n1"));
        assert_eq!(suggest("n1x", &many), None);
    }
}
