//! The key tables instance dicts share: [`SharedKeys`], a class's key
//! names (a compile-time class's, fixed, or one version of a run-time
//! class's), and [`LearnedKeys`], the table a class made at run time
//! learns from what its instances set. Names only: the values live in the
//! instances (`instance_dict`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use parking_lot::Mutex;

use crate::storage::name_key::NameKey;

/// The key table a class shares among its instances' dicts: the attribute
/// names its constructor sets, in order. Generated code keeps one per
/// regular class in a `static`, so a view can tell by address whether it
/// is still over a class's table. A class made at run time owns the
/// versions of the table it learns (`LearnedKeys`), freed with it.
#[derive(Debug)]
pub struct SharedKeys {
    pub(crate) names: KeyNames,
}

#[derive(Debug)]
pub(crate) enum KeyNames {
    /// A compile-time class's names.
    Static(&'static [&'static str]),
    /// A version of a run-time class's learned table.
    Learned(Box<[Box<str>]>),
}

impl SharedKeys {
    /// A compile-time class's table: `names`, in the order the constructor
    /// sets them.
    pub const fn new(names: &'static [&'static str]) -> SharedKeys {
        SharedKeys { names: KeyNames::Static(names) }
    }

    /// How many names the table has.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.names {
            KeyNames::Static(n) => n.len(),
            KeyNames::Learned(n) => n.len(),
        }
    }

    /// Whether the table has no name.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Name `i` (below [`len`](Self::len)).
    #[inline]
    pub fn name(&self, i: usize) -> &str {
        match &self.names {
            KeyNames::Static(n) => n[i],
            KeyNames::Learned(n) => &n[i],
        }
    }

    /// The names, in order.
    #[inline]
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone + '_ {
        let (statics, learned): (&[&'static str], &[Box<str>]) = match &self.names {
            KeyNames::Static(n) => (n, &[]),
            KeyNames::Learned(n) => (&[], n),
        };
        Names { statics: statics.iter(), learned: learned.iter() }
    }

    /// Where `name` is in the table.
    #[inline]
    pub fn position(&self, name: &str) -> Option<usize> {
        match &self.names {
            KeyNames::Static(n) => n.iter().position(|k| *k == name),
            KeyNames::Learned(n) => n.iter().position(|k| &**k == name),
        }
    }

    /// The names of a compile-time class's table, which outlive any view.
    pub(crate) fn as_static(&self) -> Option<&'static [&'static str]> {
        match &self.names {
            KeyNames::Static(n) => Some(n),
            KeyNames::Learned(_) => None,
        }
    }
}

/// Runs `$body` with `$names`, an iterator over the names of the
/// [`SharedKeys`] `$keys`, instantiated once for each kind of table, so
/// that a loop over a compile-time class's names is the slice loop it was.
macro_rules! with_names {
    ($keys:expr, |$names:ident| $body:expr) => {
        match &$keys.names {
            $crate::storage::shared_keys::KeyNames::Static(n) => {
                let $names = n.iter().copied();
                $body
            }
            $crate::storage::shared_keys::KeyNames::Learned(n) => {
                let $names = n.iter().map(|s| &**s);
                $body
            }
        }
    };
}
pub(crate) use with_names;

/// The names of a [`SharedKeys`]: one of the two runs is empty.
#[derive(Clone)]
struct Names<'a> {
    statics: std::slice::Iter<'a, &'static str>,
    learned: std::slice::Iter<'a, Box<str>>,
}

impl<'a> Iterator for Names<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        match self.statics.next() {
            Some(s) => Some(s),
            None => self.learned.next().map(|s| &**s),
        }
    }
}

/// The key table of a dict that starts empty.
pub static NO_KEYS: SharedKeys = SharedKeys::new(&[]);

/// The most keys a class made at run time learns (CPython 3.11's
/// `SHARED_KEYS_MAX_SIZE`); an instance that sets a name beyond them gets
/// a live dict.
#[doc(hidden)]
pub const LEARNED_KEYS_MAX: usize = 30;

/// The key table of a class made at run time, learned as CPython 3.11
/// learns a heap type's cached keys: a name an instance sets that the
/// table does not have yet is appended, while there is room, so the
/// class's later instances store its value inline too.
///
/// The table only grows, and a key keeps its index, so each of its
/// versions is a prefix of the next: a version is an immutable
/// [`SharedKeys`] and its names' [`NameKey`]s, allocated once and owned
/// by the table (at most 30 versions, 22 KiB; freed with the class), and
/// a reader loads the newest without a lock (an acquire load). A value stored at index `i`
/// was stored after key `i` was published, and the instance's own lock
/// orders that store before any later read, so every version a reader can
/// load covers it.
///
/// No key is `__dict__` or `__weakref__`: those names are descriptors'
/// where the class has them, and the attribute algorithm reads a learned
/// key before it looks for descriptors (a state that sets them makes the
/// dict live instead).
#[derive(Debug)]
#[doc(hidden)]
pub struct LearnedKeys {
    /// `versions[n - 1]`: the table of the first `n` keys learned.
    versions: [OnceLock<Box<KeysVersion>>; LEARNED_KEYS_MAX],
    /// How many keys are learned, published after their version.
    len: AtomicUsize,
    /// How many values a new instance has room for: the most an instance
    /// has held inline (the highest index it stored, plus one). Once a
    /// class has settled, its instances are made the size they end up,
    /// and grow no more.
    size: AtomicUsize,
    /// Held while a key is learned, so two threads do not append at once.
    learning: Mutex<()>,
}

impl Default for LearnedKeys {
    fn default() -> Self {
        LearnedKeys {
            versions: [const { OnceLock::new() }; LEARNED_KEYS_MAX],
            len: AtomicUsize::new(0),
            size: AtomicUsize::new(1),
            learning: Mutex::new(()),
        }
    }
}

/// One version of a [`LearnedKeys`] table.
#[derive(Debug)]
struct KeysVersion {
    keys: SharedKeys,
    /// The names' keys, in the same order, for [`LearnedKeys::find`].
    index: Box<[NameKey]>,
}

impl LearnedKeys {
    /// The newest version of the table, if it has learned any key.
    #[inline(always)]
    fn newest(&self) -> Option<&KeysVersion> {
        match self.len.load(Ordering::Acquire) {
            0 => None,
            n => self.versions[n - 1].get().map(|v| &**v),
        }
    }

    /// The newest version of the table.
    #[inline]
    pub fn current(&self) -> &SharedKeys {
        self.newest().map_or(&NO_KEYS, |v| &v.keys)
    }

    /// The newest version that has `name`, and its index there, comparing
    /// names by [`NameKey`]: what the attribute algorithm reads an inline
    /// value by, as a compile-time class's generated `match` gives it.
    #[inline]
    pub fn find(&self, name: &str) -> Option<(&SharedKeys, usize)> {
        self.find_key(NameKey::of(name), name)
    }

    /// [`find`](Self::find), given the name's key. Not forced inline:
    /// inlined into `Instance::getattr`, its loop took registers the slot
    /// path then spilled (dict getattr 144 -> 175 instructions).
    #[inline]
    pub(crate) fn find_key(&self, probe: NameKey, name: &str) -> Option<(&SharedKeys, usize)> {
        let version = self.newest()?;
        // The keys alone are scanned; the stored name is read only where
        // they agree on a name over eight bytes.
        let mut start = 0;
        loop {
            let i = start + version.index[start..].iter().position(|key| *key == probe)?;
            if probe.is_short() || version.keys.name(i).as_bytes()[8..] == name.as_bytes()[8..] {
                return Some((&version.keys, i));
            }
            start = i + 1;
        }
    }

    /// How many values a new instance has room for.
    pub(crate) fn new_capacity(&self) -> usize {
        self.size.load(Ordering::Relaxed).clamp(1, LEARNED_KEYS_MAX)
    }

    /// An instance has grown to hold `size` values inline: the class's
    /// next instances are made that size.
    pub(crate) fn note_size(&self, size: usize) {
        // A load and a store, not one atomic read-modify-write: two
        // instances growing at once may lose one's note, and the next
        // growth notes it again.
        if size > self.size.load(Ordering::Relaxed) {
            self.size.store(size.min(LEARNED_KEYS_MAX), Ordering::Relaxed);
        }
    }

    /// The version of the table that has `name` and its index, learning it
    /// if needed; `None` when it is new and the table is full, or when its
    /// index would not be below `reach` (an instance that would not store
    /// it inline does not spend the class's room).
    pub(crate) fn learn(&self, name: &str, reach: usize) -> Option<(&SharedKeys, usize)> {
        let _learning = self.learning.lock();
        let keys = self.current();
        if let Some(i) = keys.position(name) {
            return Some((keys, i));
        }
        let n = keys.len();
        let special = name == "__dict__" || name == "__weakref__";
        if n >= reach || n >= LEARNED_KEYS_MAX || special {
            return None;
        }
        let names: Box<[Box<str>]> = keys.names().chain([name]).map(Box::from).collect();
        let index = names.iter().map(|n| NameKey::of(n)).collect();
        let keys = SharedKeys { names: KeyNames::Learned(names) };
        let _ = self.versions[n].set(Box::new(KeysVersion { keys, index }));
        self.len.store(n + 1, Ordering::Release);
        let version = self.versions[n].get().expect("set just above, under the lock");
        Some((&version.keys, n))
    }
}
