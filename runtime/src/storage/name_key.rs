//! A name as the tables of a class made at run time compare it (its slot
//! names, the keys its instances' dicts learn): its length and its first
//! eight bytes as two integers, the rest of the bytes only where both
//! agree. Most names are eight bytes or shorter, so most comparisons are
//! two integer compares, with no call to `memcmp`.

/// The length and the first eight bytes of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NameKey {
    len: usize,
    /// The first eight bytes of the name, zero-padded ([`head_word`]).
    head: u64,
}

impl NameKey {
    #[inline(always)]
    pub(crate) fn of(name: &str) -> NameKey {
        NameKey { len: name.len(), head: head_word(name.as_bytes()) }
    }

    /// Whether `stored`, whose key this is, is `name`, whose key is `probe`.
    #[inline(always)]
    pub(crate) fn matches(self, stored: &str, probe: NameKey, name: &str) -> bool {
        self == probe && (probe.len <= 8 || stored.as_bytes()[8..] == name.as_bytes()[8..])
    }

    /// Whether the name is eight bytes or shorter: then the key is all of
    /// it, and equal keys are equal names.
    #[inline(always)]
    pub(crate) fn is_short(self) -> bool {
        self.len <= 8
    }
}

/// The first eight bytes of `s` as one little-endian word, zero-padded.
/// Shifted in byte by byte rather than copied into a buffer: the copy was
/// a `memcpy` call whose byte stores the word's load then waited for
/// (run-time class setattr 3.3 -> 8.3 ns that way, benches report).
#[inline(always)]
fn head_word(s: &[u8]) -> u64 {
    if let Some(head) = s.first_chunk::<8>() {
        return u64::from_le_bytes(*head);
    }
    let mut word = 0u64;
    for (i, &b) in s.iter().enumerate() {
        word |= u64::from(b) << (8 * i);
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_only_themselves() {
        let names = ["", "x", "xy", "abcdefgh", "abcdefghi", "abcdefghj", "_Point__x", "_Point__y", "é"];
        for a in names {
            for b in names {
                assert_eq!(NameKey::of(a).matches(a, NameKey::of(b), b), a == b, "{a:?} {b:?}");
            }
        }
        // Zero padding does not make a short name equal a longer one.
        assert!(!NameKey::of("a").matches("a", NameKey::of("a\0"), "a\0"));
    }
}
