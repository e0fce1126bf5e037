//! A name as the tables of a class made at run time compare it (its slot
//! names, the keys its instances' dicts learn): its length and its first
//! eight bytes as two integers, the rest of the bytes only where both
//! agree. Most names are eight bytes or shorter, so most comparisons are
//! two integer compares, with no call to `memcmp`.

/// The length and the first eight bytes of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NameKey {
    len: usize,
    /// The name's bytes as one word: all of them for a name of eight
    /// bytes or fewer, a longer name's first eight ([`head_word`]).
    head: u64,
}

impl NameKey {
    /// A key no name has (no `str` is `usize::MAX` bytes long).
    pub(crate) const NONE: NameKey = NameKey { len: usize::MAX, head: 0 };

    #[inline(always)]
    pub(crate) fn of(name: &str) -> NameKey {
        NameKey { len: name.len(), head: head_word(name.as_bytes()) }
    }

    /// The key's word, to hand on: a handle's caller makes the key (of a
    /// name known at compile time, a constant) and the handle's function
    /// takes the word in a register ([`with_head`](Self::with_head)).
    #[inline(always)]
    pub(crate) fn head(self) -> u64 {
        self.head
    }

    /// The key of `name`, whose word [`head`](Self::head) gave.
    #[inline(always)]
    pub(crate) fn with_head(name: &str, head: u64) -> NameKey {
        NameKey { len: name.len(), head }
    }

    /// Whether `stored`, whose key this is, is `name`, whose key is `probe`.
    #[inline(always)]
    pub(crate) fn matches(self, stored: &str, probe: NameKey, name: &str) -> bool {
        self == probe && (probe.len <= 8 || tail_eq(stored.as_bytes(), name.as_bytes()))
    }

    /// Whether the name is eight bytes or shorter: then the key is all of
    /// it, and equal keys are equal names.
    #[inline(always)]
    pub(crate) fn is_short(self) -> bool {
        self.len <= 8
    }
}

/// Whether two names of the same length, longer than eight bytes, agree
/// past their first eight: a word at a time, the last word overlapping
/// the one before. A loop of loads rather than a call of `memcmp`, which
/// made every value a table's scan holds live across a call, for every
/// name, short or long (run-time class `getattr` through a handle 3
/// instructions fewer without it).
#[inline(always)]
fn tail_eq(a: &[u8], b: &[u8]) -> bool {
    let word = |s: &[u8], at: usize| s.get(at..).and_then(|s| s.first_chunk::<8>()).map(|w| u64::from_le_bytes(*w));
    let n = a.len().min(b.len());
    let mut at = 8;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8) && a.len() == b.len()
}

/// The bytes of `s` as one little-endian word: a name of eight bytes or
/// more, its first eight; a shorter one, its first and its last four (or
/// two) bytes, overlapping, side by side in the word's two halves, or its
/// one byte. With the length beside it, that is all of a short name:
/// equal keys are equal names. Two loads and a shift by a constant
/// whatever the length, where the bytes zero-padded took a shift by the
/// length (the key of `next` 9 instructions where it is now 4: issue 24's
/// workload 518M -> 513M). (Not a copy into a buffer: that was a `memcpy`
/// call whose byte stores the word's load then waited for, run-time class
/// setattr 3.3 -> 8.3 ns, benches report.)
#[inline(always)]
fn head_word(s: &[u8]) -> u64 {
    if s.len() < 2 {
        s.first().map_or(0, |&b| u64::from(b))
    } else if let Some(head) = s.first_chunk::<8>() {
        u64::from_le_bytes(*head)
    } else if let (Some(first), Some(last)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
        u64::from(u32::from_le_bytes(*first)) | u64::from(u32::from_le_bytes(*last)) << 32
    } else if let (Some(first), Some(last)) = (s.first_chunk::<2>(), s.last_chunk::<2>()) {
        u64::from(u16::from_le_bytes(*first)) | u64::from(u16::from_le_bytes(*last)) << 16
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_only_themselves() {
        let names = [
            "",
            "x",
            "y",
            "xy",
            "yx",
            "xyz",
            "xzy",
            "abcd",
            "abce",
            "bbcd",
            "abcde",
            "abcdf",
            "abdde",
            "abcdef",
            "abcdeg",
            "abcdefg",
            "abcdefh",
            "abddefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "abcdefghj",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
            "abcdefghijkXmnopq",
            "abcdefghijklmnopqrstuvwxy",
            "abcdefghijklmnopqrstuvwxz",
            "abcdefghijklmnoXqrstuvwxy",
            "_Point__x",
            "_Point__y",
            "é",
            "éé",
            "x\0",
            "x\0\0",
            "\0x",
        ];
        for a in names {
            for b in names {
                assert_eq!(NameKey::of(a).matches(a, NameKey::of(b), b), a == b, "{a:?} {b:?}");
            }
        }
        // Zero padding does not make a short name equal a longer one.
        assert!(!NameKey::of("a").matches("a", NameKey::of("a\0"), "a\0"));
    }

    #[test]
    fn a_long_names_word_is_its_first_eight_bytes() {
        let text = "abcdefghijklmnop";
        for n in 8..=text.len() {
            let s = &text.as_bytes()[..n];
            assert_eq!(head_word(s), u64::from_le_bytes(*s.first_chunk::<8>().unwrap()), "{n} bytes");
        }
    }

    #[test]
    fn short_names_have_keys_of_their_own() {
        // Every string of up to eight bytes over a few bytes (NUL among
        // them: a key must not confuse "a" with "a\0").
        let alphabet = [b'a', b'b', 0, 0xc3];
        let mut names: Vec<Vec<u8>> = vec![Vec::new()];
        let mut last = names.clone();
        for _ in 0..8 {
            last = last.iter().flat_map(|n| alphabet.iter().map(move |&c| [n.as_slice(), &[c]].concat())).collect();
            names.extend(last.iter().cloned());
        }
        let mut seen = std::collections::HashMap::new();
        for n in &names {
            let key = (n.len(), head_word(n));
            assert_eq!(seen.insert(key, n.clone()), None, "{n:?}");
        }
    }
}
