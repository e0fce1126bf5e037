//! The cycle collector: CPython's `gc` module for pyslots' objects.
//!
//! Reference counting frees an object when its last handle drops. A cycle
//! (`a.other = a`, `a.children = [a]`) keeps its own counts up, so it is
//! freed here instead, by CPython's algorithm (`Modules/gcmodule.c`):
//!
//! 1. every cell that can hold references is *tracked*: objects, lists,
//!    dicts, tuples that hold something other than numbers and strings,
//!    and classes made at run time (their class attributes, bases and MRO;
//!    an instance holds its class). Each is listed in a global registry of
//!    weak pointers;
//! 2. a collection copies each tracked node's strong count, then
//!    subtracts the references tracked nodes hold to each other, found by
//!    traversing them ([`ClassImpl::traverse`](crate::objects::class::ClassImpl::traverse)
//!    for an object, the items for a container). What is left is the
//!    references from outside: handles on stacks, in untracked places;
//! 3. whatever a node with outside references reaches is alive; the rest
//!    is garbage. As CPython's `delete_garbage`, each garbage node still
//!    alive in turn is *cleared* (CPython's `tp_clear`: the references it
//!    holds taken out and dropped, the node itself left in place), objects
//!    before containers: clearing one node of a cycle breaks it, and the
//!    rest are freed by reference counting. Every object's `Drop` runs
//!    once, on it, with its plain values there. Deep drops stay iterative
//!    (the trashcan). Immutable nodes (tuples, frozen objects, classes)
//!    are not cleared: what one holds is older than it, so a cycle through
//!    it also passes through a node changed after it was made, which is.
//!
//! Other threads go on meanwhile, so the verdict of steps 2-3 is checked
//! before anything is cleared: every garbage node is write-locked (with a
//! try-lock: a node some thread holds is alive), weak references are kept
//! from upgrading, and each node's strong count must equal the references
//! the other garbage nodes hold to it; otherwise it and what it reaches
//! are alive after all. A thread can still move a reference along what a
//! node holds without a lock (an immutable node's contents, an object's
//! class, read beside the object): the counts are checked holders first
//! along those edges, so a reference that moves is met where it lands. Nothing waits for a lock held elsewhere; a node
//! locked when it is traversed counts as alive. A collection holds the
//! global interpreter lock (`gil.rs`): no object's borrow starts or ends
//! meanwhile, though threads go on with the borrows they hold, the
//! containers and the reference counts.
//!
//! The registry is split in three generations, as CPython's: new nodes
//! enter generation 0, and the survivors of a collection move to the
//! next one. Automatic collections (on the thread that tracks a new node)
//! examine only the young: generation 0 once it holds more than 700
//! nodes, generations 0-1 every 10 of those, and all three (a full
//! collection) every 10 of those and only once generation 2 grew by a
//! quarter since the last full one, so that the amortized work per
//! allocation stays constant however many objects live. A collection of
//! generations `0..=g` is the algorithm above over their nodes alone: a
//! node of an older generation is never traversed, so the references it
//! holds to young nodes are not subtracted and count as outside
//! references; it is met only as what a young node holds, and counts as
//! alive (as a node in another thread's batch, not yet in the registry,
//! does). The confirmation locks and counts only the garbage set, so it
//! holds whatever part of the registry was examined: an older node is
//! one more holder outside the set. [`collect`] is a full collection;
//! [`collect_generation`] collects the young ones alone.
//!
//! A registry entry is a weak pointer, which keeps the cell's memory (not
//! its contents) allocated. So a node that survived a collection takes its
//! entry out when it dies: the collection wrote in its header where it is
//! listed (entries stay in place between collections of their generation;
//! a dead one leaves a hole, dropped by the next such collection), and
//! the dying node's thread replaces the entry with a hole, 64 at a time
//! and at the end of the drop that freed them. Its memory is then freed at
//! once, in the order the nodes die, as CPython frees an object. A node
//! that dies before any collection listed it, while it is the newest of
//! its thread's batch (a temporary), is taken out of the batch and never
//! counted; any other keeps its entry until generation 0 is next
//! collected (at most 700 new nodes later). One whose
//! entry moved or was in a collection's hands when it died is counted, and
//! pruned by the next collection of generation 0 (generation 1's entries)
//! or by the sweep each young collection makes of as many of generation
//! 2's entries as it examines.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError, Weak};

use crate::handles::gil;

/// The collector's word in every tracked cell: the collection that last
/// listed it (high half) and its index there (low half), or [`DEAD`].
#[derive(Debug, Default)]
pub(crate) struct Header(AtomicU64);

/// The header of a node a collection found garbage: a weak reference to
/// it no longer upgrades.
const DEAD: u64 = u64::MAX;
/// In a header, beside the index: the generation a survivor of the
/// collection that tagged it last went to, 1 (`MIDDLE`) or 2 (`OLD`), its
/// bit set only once it survived. The deaths of such nodes are counted
/// ([`Registry::take`]): a node dead in generation 1 or 2 keeps its entry
/// (and its cell's memory) until its generation is collected, which may
/// be long after; the young die by the thousand and are pruned by the
/// collections of generation 0.
const MIDDLE: u64 = 1 << 30;
const OLD: u64 = 1 << 31;
/// The index in a header's low half: an index past it would need 2^30
/// nodes tracked, 16 GB of registry.
const INDEX: u64 = MIDDLE - 1;

impl Header {
    /// A header no collection has seen.
    pub(crate) const fn new() -> Header {
        Header(AtomicU64::new(0))
    }

    /// Whether a collection found the node garbage.
    #[inline]
    pub(crate) fn is_dead(&self) -> bool {
        self.0.load(Relaxed) == DEAD
    }
}

/// A node that dropped (its last handle gone) after a collection listed
/// it in generation 1 or 2 takes its entry out of the registry at once,
/// so that its cell's memory is given back now, as CPython frees an
/// object: a dead node's entry (a weak pointer) would hold that memory
/// until a collection pruned it, and the allocator, handed a heap's worth
/// of cells late and in another order, served the next objects scattered
/// over it (a list of 10^5 nodes rebuilt over such memory was walked three
/// times slower). The header says where the entry is ([`Registry`] keeps
/// entries in place between collections of their generation); the entry
/// is taken only if it points at this cell, so a stale position (the
/// entry moved since, or is in a collection's hands) only leaves it to be
/// pruned. Such nodes are counted ([`Registry::take`]) so that their
/// generation is pruned before its collection comes.
impl Drop for Header {
    #[inline]
    fn drop(&mut self) {
        let word = *self.0.get_mut();
        if word >> 32 == 0 {
            let address = self as *const Header as usize;
            if YOUNGEST.try_with(Cell::get) == Ok(address) {
                forget_youngest();
            }
            return;
        }
        if word & (MIDDLE | OLD) == 0 || word == DEAD {
            return;
        }
        self.died(word);
    }
}

/// Takes the newest entry of this thread's batch of new nodes out, its
/// node dying before any collection saw it (a temporary: a loop that
/// makes and drops an object or a list): its memory is freed at once,
/// and the same memory serves the next one, and it is never counted, as
/// CPython takes an object freed by reference counting off generation 0's
/// count. Then the entry before it is the newest, so a temporary holding
/// another (a list of new dicts) goes whole. Any other node that dies
/// before a collection saw it (made earlier, in another thread's batch,
/// already in the registry) keeps its entry until generation 0 is next
/// collected; telling costs a thread-local load and a compare.
#[inline(never)]
fn forget_youngest() {
    let _ = PENDING.try_with(|p| {
        let Ok(mut p) = p.try_borrow_mut() else { return };
        let Pending(batch, addresses, _, _) = &mut *p;
        batch.pop();
        let newest = batch.len().checked_sub(1).and_then(|i| addresses.get(i)).copied().unwrap_or(0);
        let _ = YOUNGEST.try_with(|y| y.set(newest));
    });
}

impl Header {
    /// Queues the entry of a node that died in generation 1 or 2 to be
    /// taken out. Out of line: in line, it made every cell's drop call
    /// the header's drop out of line instead.
    #[inline(never)]
    fn died(&self, word: u64) {
        let dead = (word, self as *const Header as usize);
        let listed = UNLISTING.try_with(|u| {
            let mut u = u.borrow_mut();
            u.0.push(dead);
            u.0.len() >= BATCH
        });
        match listed {
            Ok(false) => {}
            Ok(true) => unlist_dead(),
            Err(_) => unlist(&mut vec![dead]),
        }
    }
}

/// This thread's dead nodes whose entries are not yet taken out: taken
/// out in batches (one lock for [`BATCH`] of them), at the end of a drop
/// that freed any (`trashcan`), and before a collection.
struct Unlisting(Vec<(u64, usize)>);

impl Drop for Unlisting {
    fn drop(&mut self) {
        unlist(&mut self.0);
    }
}

/// Takes this thread's dead nodes' entries out of the registry.
#[inline(never)]
pub(crate) fn unlist_dead() {
    let batch = UNLISTING.try_with(|u| {
        let mut u = u.borrow_mut();
        (!u.0.is_empty()).then(|| std::mem::take(&mut u.0))
    });
    let Ok(Some(mut batch)) = batch else { return };
    unlist(&mut batch);
    // The emptied vector holds the next batch.
    let _ = UNLISTING.try_with(|u| {
        let mut u = u.borrow_mut();
        if u.0.capacity() == 0 {
            u.0 = batch;
        }
    });
}

/// Replaces the entry of each dead node of `dead` (its header's last word
/// and its address) with a [`hole`], if it is where the header says: the
/// collection that wrote the position is not older than the list's last
/// change of hands ([`Registry::positions_since`]), and the entry points
/// at that cell (every node type puts its header first, so the cell's
/// address is its header's). The address alone is not enough: the dead
/// node's entry may have been pruned meanwhile, its memory freed and
/// given to a new node listed at the same position (test
/// `an_entry_reused_before_its_dead_node_unlists_it_is_left_alone`). The
/// others are counted, to be pruned.
/// Never waits: the registry's lock may be held by this thread (a
/// collection's `take`) or by another one.
fn unlist(dead: &mut Vec<(u64, usize)>) {
    let mut missed = [0usize; 2];
    match REGISTRY.try_lock() {
        Ok(mut r) => {
            for &(word, header) in dead.iter() {
                let g = usize::from(word & OLD != 0);
                // Written by a collection since the list last changed
                // hands, and pointing at this cell.
                let tagged = (word >> 32) as u32;
                let current = tagged.wrapping_sub(r.positions_since[g + 1]) < 1 << 31;
                match r.gens[g + 1].get_mut((word & INDEX) as usize) {
                    Some(entry) if current && entry.as_ptr() as *const () as usize == header => {
                        *entry = hole();
                        r.holes_oldest += usize::from(g + 1 == GENERATIONS - 1);
                    }
                    _ => missed[g] += 1,
                }
            }
            r.trim();
        }
        Err(_) => {
            for &(word, _) in dead.iter() {
                missed[usize::from(word & OLD != 0)] += 1;
            }
        }
    }
    dead.clear();
    for (g, n) in missed.into_iter().enumerate() {
        if n == 0 {
            continue;
        }
        let counted = DROPPED.try_with(|d| {
            let n = d.0[g].get() + n as u32;
            if n >= BATCH as u32 {
                DROPPED_TOTAL[g].fetch_add(n as usize, Relaxed);
                d.0[g].set(0);
            } else {
                d.0[g].set(n);
            }
        });
        if counted.is_err() {
            DROPPED_TOTAL[g].fetch_add(n, Relaxed);
        }
    }
}

/// What a collection hands to a traversal: call [`Value::traverse`](crate::Value::traverse)
/// (or the `traverse` of a handle) on every value a type holds, so the
/// collector sees the references it holds. Only the collector makes one.
pub struct Visit<'a> {
    to: To<'a>,
    /// The collector holds the global lock: a node's traversal borrows
    /// what it reads with this, not asking the thread-local again.
    held: gil::Held<'a>,
}

/// Where a [`Visit`] reports.
enum To<'a> {
    /// The count of a collection's second step, the one every node
    /// examined goes through: in line in each traversal, not a call per
    /// reference.
    Census(&'a mut Census),
    /// Anything else the collector counts (its confirmation).
    Each(&'a mut dyn FnMut(&Header)),
}

impl<'a> Visit<'a> {
    /// Reports a reference to the tracked node with header `header`.
    #[inline]
    pub(crate) fn node(&mut self, header: &Header) {
        match &mut self.to {
            To::Census(census) => census.count(header, 1),
            To::Each(f) => f(header),
        }
    }

    /// Reports two references to the same node (an instance's class,
    /// counted by the instance and by its cell): one edge, not two.
    #[inline]
    pub(crate) fn node_twice(&mut self, header: &Header) {
        match &mut self.to {
            To::Census(census) => census.count(header, 2),
            To::Each(f) => {
                f(header);
                f(header);
            }
        }
    }

    /// Reports references the node holds but cannot report now (a
    /// function value shared with a variable): they become the node's
    /// when the variable goes, with no store to tell of it, so what
    /// survives may hold a cycle of its own ("Cycles of a generation's
    /// own").
    #[inline]
    pub(crate) fn hidden(&mut self) {
        if let To::Census(census) = &mut self.to {
            census.forward = true;
        }
    }

    /// The proof that the collecting thread holds the global lock.
    #[inline]
    pub(crate) fn held(&self) -> gil::Held<'a> {
        self.held
    }
}

impl fmt::Debug for Visit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("gc::Visit")
    }
}

/// A tracked cell: an object's, a list's, a dict's, a tuple's, or a class
/// made at run time.
pub(crate) trait Node: Send + Sync + 'static {
    /// The collector's word.
    fn header(&self) -> &Header;
    /// Visits what the node holds, if it can be read now without waiting;
    /// false if another borrow is in the way.
    fn try_traverse(&self, visit: &mut Visit<'_>) -> bool;
    /// Locks the node while the collector confirms it is garbage, if it
    /// can be locked now.
    fn try_lock(&self) -> Option<Box<dyn Locked + '_>>;
    /// Takes the references the node holds out and drops them (CPython's
    /// `tp_clear`), unless the node is locked; nothing for a node that
    /// cannot change (a tuple), which drops with what holds it.
    fn clear(&self);
    /// Whether the node cannot change (a tuple, a frozen object, a class
    /// made at run time): it is read without a lock, never cleared, and
    /// checked before what it holds.
    fn immutable(&self) -> bool {
        false
    }
    /// Whether the node is an object: objects are cleared before
    /// containers, so that an object's `Drop` sees its own dict whole.
    fn is_object(&self) -> bool {
        false
    }
    /// The collector's word of the object's class, if the collector tracks
    /// it (a class made at run time): an object's handle reaches its class
    /// without a borrow, so it is checked before its class.
    fn class_node(&self) -> Option<&Header> {
        None
    }
}

// ---------------------------------------------------------------------------
// Cycles of a generation's own.
//
// A cycle among the nodes a collection examines has an edge from a node to
// one listed at the same time or later (around a cycle the listing order
// cannot only go down). So while no node of generation 0 (or of a batch not
// yet listed) has a reference to a node that is not provably older than
// it, generation 0 holds no cycle of its own, and a collection of it finds
// no garbage: it skips the count (steps 2 to 4 of `run`, `count`) and only
// numbers the survivors and moves them on, as the count would have. The
// same for generations 1 and 2, each with its flag; a collection skips if
// the flags of every generation it examines are clear. A reference enters
// a node by a store (judged or not, see `stored` and `may_cycle`), or came
// with the nodes a collection moved on: a collection that counts clears
// the flags of what it examines, and sets the flag of the generation its
// survivors go to if it met a reference from one of them to one not older
// (an edge to an index not below its own, or to a node of a batch not yet
// listed), or could not traverse one. Programs that build bottom-up (a
// list that grows at its head, a tree from its leaves, a parser's syntax
// tree) keep every flag clear, and even a full collection skips the count.
//
// Provably older, by the header: a node a collection tagged (generation 1
// or 2) was listed before every node not yet tagged; a node of generation 2
// before every node of generation 1; two nodes of the same generation by
// their tags and positions (see `listed_before`); and a node not yet
// tagged, made earlier on the same thread, before one made later there (a
// thread's batches are listed in order). A node not yet tagged keeps that
// stamp in its header: a number of its thread and a count of the nodes the
// thread made.

/// Whether each generation may hold a cycle of its own (bit `1 << g`):
/// see above. One byte, so that the common case of a mark (all set
/// already) is one load and one compare.
static MAY_CYCLE: AtomicU8 = AtomicU8::new(0);
/// Every generation's flag.
const ALL: u8 = 0b111;
/// How many threads hold a batch of new nodes not yet listed (counted from
/// a batch's first node to its listing). A collection does not examine
/// another thread's batch, so it leaves generation 0's flag set while
/// any is held: a reference given to one of its nodes would otherwise be
/// forgotten before the node is listed. (With several threads making
/// objects, generation 0 is then always counted, as before.)
static BATCHES: AtomicUsize = AtomicUsize::new(0);
/// How many collections counted (`count`), for the tests
/// ([`testing::counted`]).
static COUNTED: AtomicUsize = AtomicUsize::new(0);
/// How many registry entries collections took out to examine, for the
/// tests ([`testing::examined`]).
static EXAMINED: AtomicUsize = AtomicUsize::new(0);

/// The numbers stamped in new nodes' headers on a thread: the thread's
/// number (high bits) and a count (low bits), below [`MIDDLE`].
struct Stamps(u32);

/// The bits of a stamp that count; the thread's number is above them.
const STAMP_COUNT: u32 = (1 << 20) - 1;
/// How far back a stamp of the same thread is known to be older (the rest
/// of the count's range is taken as newer, so a stamp from before the count
/// went round is never taken as older than one after).
const STAMP_WINDOW: u32 = 1 << 19;
/// The next thread number (1-based: an untracked header's 0 is no
/// thread's), modulo the 10 bits a stamp has for it.
static THREADS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

impl Stamps {
    /// The stamp of the next node made on this thread.
    #[inline(always)]
    fn next(&mut self) -> u64 {
        if self.0 == 0 {
            self.0 = (THREADS.fetch_add(1, Relaxed) % 1024).max(1) << 20;
        }
        let stamp = self.0;
        self.0 = (stamp & !STAMP_COUNT) | (stamp.wrapping_add(1) & STAMP_COUNT);
        u64::from(stamp)
    }
}

/// Whether the node with header word `older` was listed before the one
/// with `newer`, both untagged: made earlier on the same thread.
#[inline(always)]
fn stamped_before(older: u64, newer: u64) -> bool {
    let (older, newer) = (older as u32, newer as u32);
    older & !STAMP_COUNT == newer & !STAMP_COUNT
        && (newer.wrapping_sub(older) & STAMP_COUNT).wrapping_sub(1) < STAMP_WINDOW - 1
}

/// Whether the node with header word `older` was listed before the one
/// with `newer`, both tagged in the same generation (1 or 2): moved (or,
/// in generation 2, listed again by a full collection) by an earlier
/// collection (whose number is the tag, compared as the numbers go round:
/// no node keeps a tag 2^31 collections old but in a generation not
/// collected that long), or by the same one from an earlier position (a
/// collection lists its survivors in order, after what is there).
#[inline(always)]
fn listed_before(older: u64, newer: u64) -> bool {
    let (to, tn) = ((older >> 32) as u32, (newer >> 32) as u32);
    if to == tn {
        older & INDEX < newer & INDEX
    } else {
        tn.wrapping_sub(to) < 1 << 31
    }
}

/// Sets the flags `bits` (see above), unless they are set (a load, not a
/// store, on the common path: no line bounced between threads).
#[inline(always)]
fn set_may_cycle(bits: u8) {
    if MAY_CYCLE.load(SeqCst) & bits != bits {
        MAY_CYCLE.fetch_or(bits, SeqCst);
    }
}

/// A reference that the runtime does not judge may be stored into a node
/// (a write borrow of an object, a change to a list or a dict, a store
/// outside a scope): every generation may hold a cycle now.
#[inline(always)]
pub(crate) fn may_cycle() {
    // One compare with memory and a branch (the byte holds no other bit).
    if MAY_CYCLE.load(SeqCst) != ALL {
        MAY_CYCLE.fetch_or(ALL, SeqCst);
    }
}

/// A reference to the node with header `to` is stored into the node with
/// header `into`: the generation of `into` may now hold a cycle unless
/// `to` was listed before it (see above). Under the global lock, as every
/// tag a collection writes: the words do not change meanwhile.
#[inline(always)]
pub(crate) fn stored(into: &Header, to: &Header) {
    let (u, v) = (into.0.load(Relaxed), to.0.load(Relaxed));
    if u == DEAD || v == DEAD {
        // Garbage being cleared: not judged.
        may_cycle();
    } else if u >> 32 == 0 {
        // Generation 0, or a batch: given a node of generation 1 or 2, or
        // one made before it on this thread.
        if !(v >> 32 != 0 || stamped_before(v, u)) {
            set_may_cycle(1);
        }
    } else if u & OLD == 0 {
        // Generation 1: given a node of generation 2, or of generation 1
        // listed before it.
        if !(v & OLD != 0 || v & MIDDLE != 0 && listed_before(v, u)) {
            set_may_cycle(2);
        }
    } else if !(v & OLD != 0 && listed_before(v, u)) {
        // Generation 2: given a node of generation 2 listed before it.
        set_may_cycle(4);
    }
}

/// A node locked by the collector: what it holds cannot change.
pub(crate) trait Locked {
    /// Visits what the node holds.
    fn traverse(&self, visit: &mut Visit<'_>);
}

/// A tuple, or any node without a lock: "locking" it is reading it.
pub(crate) struct Unlocked<'a, N>(pub(crate) &'a N);

impl<N: Node> Locked for Unlocked<'_, N> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        self.0.try_traverse(visit);
    }
}

/// A lockable node, write-locked, and how to traverse its contents.
pub(crate) struct WriteLocked<'a, T: 'static, F> {
    pub(crate) guard: parking_lot::RwLockWriteGuard<'a, T>,
    pub(crate) traverse: F,
}

impl<T: 'static, F: Fn(&T, &mut Visit<'_>)> Locked for WriteLocked<'_, T, F> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        (self.traverse)(&self.guard, visit)
    }
}

/// [`Node::clear`] of a container whose contents are behind `lock`: all
/// of them go (a list's items; what they are matters to no `Drop`).
pub(crate) fn clear<T: Default>(lock: &parking_lot::RwLock<T>) {
    let contents = lock.try_write().map(|mut guard| std::mem::take(&mut *guard));
    drop(contents);
}

// ---------------------------------------------------------------------------
// The registry.

/// Tracked nodes a thread made and has not yet added to the registry.
const BATCH: usize = 64;
/// How many generations the registry keeps (CPython's `NUM_GENERATIONS`).
pub const GENERATIONS: usize = 3;
/// CPython's thresholds: generation 0 is collected once 700 nodes were
/// tracked since its last collection, generation 1 every 10 collections
/// of generation 0, generation 2 every 10 of generation 1 (and only when
/// the long-lived nodes grew by a quarter; see [`collect`]).
const THRESHOLDS: [usize; GENERATIONS] = [700, 10, 10];

/// Bytes the collector keeps per tracked node: its entry in the registry,
/// a weak pointer to the cell. Besides, each tracked cell carries an
/// 8-byte header word (in an object's cell it takes the place of what
/// std's lock needed beyond parking_lot's, so a `Py`'s cell is no larger
/// than before). A node that died leaves a hole of this size in its
/// generation's list until that generation is next examined (unless it
/// was the newest there: its entry then goes, and the holes before it),
/// generation 2's until a full collection examines it, once its holes
/// are a quarter of its list or at `collect()`: the registry takes about
/// as much memory as its generations held at their largest since then.
pub const BYTES_PER_TRACKED: usize = std::mem::size_of::<Weak<dyn Node>>();

/// The registry: every tracked node's weak pointer, in the list of its
/// generation (CPython's `gc_generation` lists).
struct Registry {
    /// Generation 0 holds the nodes tracked since its last collection;
    /// the survivors of a collection of generation `g` move to `g + 1`
    /// (those of generation 2 stay there).
    gens: [Vec<Weak<dyn Node>>; GENERATIONS],
    /// CPython's `count` of each generation: for 0, the nodes added since
    /// its last collection; for 1 and 2, the collections of the generation
    /// below since their last one.
    count: [usize; GENERATIONS],
    /// Nodes moved into generation 2 since the last full collection
    /// (CPython's `long_lived_pending`).
    long_lived_pending: usize,
    /// Nodes the last full collection kept (`long_lived_total`).
    long_lived_total: usize,
    /// Where the next young collection goes on pruning generation 2's
    /// dead entries ([`Registry::sweep_oldest`]).
    sweep: usize,
    /// Nodes of generations 1 and 2 that died without taking their entries
    /// out (counted by the threads in batches, [`DROPPED_TOTAL`]), and how many had when generation 1
    /// was last pruned and when the sweep's round under way over
    /// generation 2 started: a round prunes the entries of every node
    /// dead before it, so the sweep goes on only while more died since.
    dead: [usize; 2],
    dead_pruned: [usize; 2],
    /// The number of the collection from which the positions in each
    /// generation's list hold: when a list is taken out (by a collection,
    /// or by a pruning with collection disabled, whose number is the next
    /// collection's), a position written by an earlier collection no
    /// longer says where its node is. A dead node's entry may have been
    /// pruned, its memory freed and given to a new node listed at the same
    /// position: the address alone would match (`unlist`).
    positions_since: [u32; GENERATIONS],
    /// Holes in generation 2's list since it was last taken out (by a
    /// full collection that examined it): what a dead node's entry
    /// became, 16 bytes each, which only that takes out of the list.
    holes_oldest: usize,
    /// Whether a collection took lists out and has not put its survivors
    /// back: their positions follow what the next generation held then.
    collecting: bool,
    /// The number of the last collection that took lists out.
    last_collection: u32,
    stats: [GenerationStats; GENERATIONS],
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    gens: [Vec::new(), Vec::new(), Vec::new()],
    count: [0; GENERATIONS],
    long_lived_pending: 0,
    long_lived_total: 0,
    sweep: 0,
    dead: [0; 2],
    dead_pruned: [0; 2],
    positions_since: [0; GENERATIONS],
    holes_oldest: 0,
    collecting: false,
    last_collection: 0,
    stats: [GenerationStats { collections: 0, collected: 0 }; GENERATIONS],
});
/// The thresholds in force ([`set_threshold`]).
static THRESHOLD: [AtomicUsize; GENERATIONS] =
    [AtomicUsize::new(THRESHOLDS[0]), AtomicUsize::new(THRESHOLDS[1]), AtomicUsize::new(THRESHOLDS[2])];
/// Held by the collecting thread: the number of the last collection,
/// and the collection's working memory.
static COLLECTOR: Mutex<Collector> = Mutex::new(Collector {
    epoch: 0,
    scratch: Scratch { nodes: Vec::new(), census: Census::EMPTY, alive: Vec::new(), stack: Vec::new() },
});
/// Whether the collection numbers went round: a node's tag may then be
/// one a collection of the same number left 2^32 collections before.
static WENT_ROUND: AtomicBool = AtomicBool::new(false);
/// Weak references upgrade under it shared; a collection confirms and
/// marks its garbage under it exclusive, so none is resurrected.
static UPGRADES: parking_lot::RwLock<()> = parking_lot::const_rwlock(());
static ENABLED: AtomicBool = AtomicBool::new(true);

/// Nodes of generation 1 and of generation 2 whose contents dropped and
/// whose entries were not where their headers said (`unlist`), added by
/// each thread every [`BATCH`] of them and when it ends (and by
/// a collecting thread when it collects).
static DROPPED_TOTAL: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

thread_local! {
    static DROPPED: Dropped = const { Dropped([Cell::new(0), Cell::new(0)]) };
    static PENDING: RefCell<Pending> = const { RefCell::new(Pending(Vec::new(), [0; BATCH], Stamps(0), false)) };
    /// The address of the newest node in [`PENDING`], 0 if it is empty.
    static YOUNGEST: Cell<usize> = const { Cell::new(0) };
    static UNLISTING: RefCell<Unlisting> = const { RefCell::new(Unlisting(Vec::new())) };
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
}

/// How many nodes of generations 1 and 2 died on a thread, their entries
/// left in the registry, and are not yet added to [`DROPPED_TOTAL`]; added when the thread ends.
struct Dropped([Cell<u32>; 2]);

impl Drop for Dropped {
    fn drop(&mut self) {
        for (total, n) in DROPPED_TOTAL.iter().zip(&self.0) {
            total.fetch_add(n.get() as usize, Relaxed);
        }
    }
}

/// A thread's nodes not yet in the registry; added when the thread ends.
struct Pending(Vec<Weak<dyn Node>>, [usize; BATCH], Stamps, bool);

impl Drop for Pending {
    fn drop(&mut self) {
        flush(&mut self.0, false);
        if std::mem::take(&mut self.3) {
            BATCHES.fetch_sub(1, SeqCst);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Tracks a new cell. Nodes are added to the registry in batches; adding
/// one may run an automatic collection.
pub(crate) fn track<N: Node>(cell: &Arc<N>) {
    let address = Arc::as_ptr(cell) as usize;
    let mut node = Some(Arc::downgrade(cell) as Weak<dyn Node>);
    let full = PENDING.try_with(|p| {
        let Pending(batch, addresses, stamps, counted) = &mut *p.borrow_mut();
        if !*counted {
            // Before the node can be given a reference (see `BATCHES`).
            *counted = true;
            BATCHES.fetch_add(1, SeqCst);
        }
        // Under no other borrow of the cell: it was made just now.
        cell.header().0.store(stamps.next(), Relaxed);
        if let Some(slot) = addresses.get_mut(batch.len()) {
            *slot = address;
        }
        batch.extend(node.take());
        let full = batch.len() >= BATCH;
        let _ = YOUNGEST.try_with(|y| y.set(if full { 0 } else { address }));
        if full {
            *counted = false;
            BATCHES.fetch_sub(1, SeqCst);
        }
        full.then(|| std::mem::take(batch))
    });
    match (full, node) {
        (Ok(None), _) => {}
        (Ok(Some(batch)), _) => flush_full(batch),
        (Err(_), Some(node)) => flush(&mut vec![node], false),
        (Err(_), None) => {}
    }
}

/// A full batch into the registry (and maybe a collection), out of line:
/// [`track`] keeps the few registers its common path needs.
#[inline(never)]
fn flush_full(mut batch: Vec<Weak<dyn Node>>) {
    flush(&mut batch, true);
    // The emptied batch holds the next one: a new vector would grow
    // through five reallocations per batch.
    let _ = PENDING.try_with(|p| {
        let mut p = p.borrow_mut();
        if p.0.capacity() == 0 {
            p.0 = batch;
        }
    });
}

/// This thread's batch into the registry, with no collection.
fn flush_own() {
    let _ = YOUNGEST.try_with(|y| y.set(0));
    let taken = PENDING.try_with(|p| {
        let mut p = p.borrow_mut();
        if std::mem::take(&mut p.3) {
            BATCHES.fetch_sub(1, SeqCst);
        }
        std::mem::take(&mut p.0)
    });
    if let Ok(mut batch) = taken {
        flush(&mut batch, false);
    }
}

impl Registry {
    /// The generation an automatic collection would collect now, if any:
    /// CPython's `gc_collect_generations`, the oldest whose count exceeds
    /// its threshold, generation 2 only once the nodes moved into it since
    /// the last full collection are a quarter of those that one kept.
    fn due(&self) -> Option<usize> {
        let threshold = |g: usize| match THRESHOLD[g].load(Relaxed) {
            // Generation 0's threshold 0 turns collection off (`collect_now`
            // says so); dead entries are still pruned at the default one.
            0 if g == 0 => THRESHOLDS[0],
            t => t,
        };
        (0..GENERATIONS).rev().find(|&g| {
            self.count[g] > threshold(g)
                && !(g == GENERATIONS - 1 && self.long_lived_pending < self.long_lived_total / 4)
        })
    }

    /// Takes out the lists a collection of `generation` examines (that
    /// generation and the younger ones, CPython's merge) and updates the
    /// counts as CPython's `gc_collect_main` does.
    ///
    /// A collection of generation 0 also prunes generation 1's dead
    /// entries if one of its nodes died and was counted since it was last
    /// pruned (a dead cell's memory waits for its entry; see `unlist`),
    /// and sweeps part of generation 2 while one of its nodes was counted
    /// dead since the sweep's round began. Both read each entry's strong
    /// count, a cache miss each in a large heap, and most dead nodes took
    /// their entries out themselves.
    fn take(&mut self, generation: usize, collection: Option<u32>) -> Vec<Weak<dyn Node>> {
        let since = match collection {
            Some(n) => {
                self.last_collection = n;
                self.collecting = true;
                n
            }
            None => self.last_collection.wrapping_add(1),
        };
        self.positions_since[..=generation].fill(since);
        if generation + 1 < GENERATIONS {
            self.count[generation + 1] += 1;
        }
        self.count[..=generation].fill(0);
        for (g, total) in DROPPED_TOTAL.iter().enumerate() {
            self.dead[g] += total.swap(0, Relaxed) + DROPPED.try_with(|d| d.0[g].replace(0)).unwrap_or(0) as usize;
        }
        if generation == 0 && self.dead[0] > self.dead_pruned[0] {
            // Bounded: the survivors of at most ten collections of
            // generation 0 since its own last collection. In place: the
            // live entries' headers say where they are.
            prune_in_place(&mut self.gens[1]);
        }
        if generation > 0 || self.dead[0] > self.dead_pruned[0] {
            // Examined now (generation 1's dead entries go with it), or
            // pruned above.
            self.dead_pruned[0] = self.dead[0];
        }
        if generation + 1 == GENERATIONS {
            self.holes_oldest = 0;
        }
        let mut nodes = std::mem::take(&mut self.gens[generation]);
        for g in (0..generation).rev() {
            nodes.append(&mut self.gens[g]);
        }
        if generation + 1 == GENERATIONS {
            // Every entry is examined, the dead ones pruned: a new round.
            (self.sweep, self.dead_pruned[1]) = (0, self.dead[1]);
        } else if self.sweep != 0 || self.dead[1] > self.dead_pruned[1] {
            if self.sweep == 0 {
                self.dead_pruned[1] = self.dead[1];
            }
            self.sweep_oldest(nodes.len());
        }
        nodes
    }

    /// Drops the entries of dead nodes among the next `budget` entries of
    /// generation 2, from where the last call stopped (round and round):
    /// a cell's memory stays allocated while its entry does, and a full
    /// collection, which prunes them all, may not come for a long time.
    /// Each young collection checks as many as it examines, so the work
    /// per allocation stays constant and a dead long-lived node's memory
    /// is given back within one round. Each becomes a [`hole`], in place,
    /// in the list's order: the live entries' headers say where they are,
    /// and the cells are freed in about the order they were made (see
    /// `unlist`).
    fn sweep_oldest(&mut self, budget: usize) {
        let list = &mut self.gens[GENERATIONS - 1];
        let start = self.sweep.min(list.len());
        let end = (start + budget).min(list.len());
        self.holes_oldest += prune_in_place(&mut list[start..end]);
        self.sweep = if end >= list.len() { 0 } else { end };
    }

    /// Drops the holes at the end of generations 1 and 2's lists: the entry
    /// of the newest node there, when it dies, and those before it that
    /// died already. Objects often die newest first (a structure torn down
    /// from the end it was built at: issue 24's workload, a stack); their
    /// entries then leave the list rather than wait as holes for a full
    /// collection that examines it (see [`young_will_do`]). No position
    /// changes. Not while a collection runs: its survivors' positions
    /// count from the end of the list as it was.
    fn trim(&mut self) {
        if self.collecting {
            return;
        }
        for g in 1..GENERATIONS {
            let list = &mut self.gens[g];
            let len = list.len();
            while list.last().is_some_and(is_hole) {
                list.pop();
            }
            if g == GENERATIONS - 1 {
                self.holes_oldest = self.holes_oldest.saturating_sub(len - list.len());
            }
        }
    }

    /// Counts a collection of `generation` that examined the lists of
    /// generation `lists` and the younger ones (a full collection may
    /// examine the young ones only, [`young_will_do`]) and freed `freed`
    /// nodes, whose entries it left as holes in the next generation.
    fn collected(&mut self, generation: usize, lists: usize, freed: usize) {
        // Here, not in `put_back`: a pruning with collection disabled puts
        // back lists too, while an explicit collection may have its own out.
        self.collecting = false;
        if lists + 1 >= GENERATIONS - 1 {
            self.holes_oldest += freed;
        }
        if lists != generation {
            // As after a full collection: generation 2 is what it kept.
            self.count[GENERATIONS - 1] = 0;
            self.long_lived_pending = 0;
            self.long_lived_total = self.gens[GENERATIONS - 1].len().saturating_sub(self.holes_oldest);
        }
        self.stats[generation].collections += 1;
        self.stats[generation].collected += freed;
    }

    /// Puts back the survivors of a collection (or pruning) of
    /// `generation`: into the next generation, or generation 2 for a full
    /// one, which then counts them as the long-lived total.
    fn put_back(&mut self, generation: usize, mut survivors: Vec<Weak<dyn Node>>) {
        let n = survivors.len();
        let to = (generation + 1).min(GENERATIONS - 1);
        if generation + 1 == GENERATIONS {
            (self.long_lived_pending, self.long_lived_total) = (0, n);
        } else if to == GENERATIONS - 1 {
            self.long_lived_pending += n;
        }
        // Appended where the collection said (`take`'s base), the entries
        // there left in place: their headers say where they are. Nothing
        // but pruning (under this lock) adds to generation `to` while a
        // collection runs, so it is empty for a full collection, and then
        // the list is not copied.
        let list = &mut self.gens[to];
        if list.is_empty() {
            std::mem::swap(list, &mut survivors);
        }
        // Moved entry by entry: `append`'s `memcpy` of a young generation
        // (11-110 KB) is glibc's `rep movsb`, which callgrind counts a
        // byte at a time (the workload's collections: 1.6M instructions
        // less this way).
        #[allow(clippy::extend_with_drain)]
        list.extend(survivors.drain(..));
        // The emptied list keeps its capacity for the generation taken out
        // (`take` left it none): grown again from nothing, generation 0
        // reallocated five times a collection, each a request large enough
        // for glibc to consolidate its free chunks first.
        if self.gens[generation].capacity() == 0 {
            self.gens[generation] = survivors;
        }
    }
}

/// Replaces the entries of dead nodes with [`hole`]s, in order, leaving
/// every other entry where it is; returns how many it replaced.
fn prune_in_place(entries: &mut [Weak<dyn Node>]) -> usize {
    let mut pruned = 0;
    for entry in entries {
        if entry.strong_count() == 0 && !is_hole(entry) {
            *entry = hole();
            pruned += 1;
        }
    }
    pruned
}

/// Whether `entry` is a [`hole`].
fn is_hole(entry: &Weak<dyn Node>) -> bool {
    std::ptr::addr_eq(entry.as_ptr(), hole().as_ptr())
}

/// What takes the place of a registry entry dropped in place: a weak
/// pointer to nothing, which never upgrades and holds no memory. The next
/// collection of its generation drops it.
fn hole() -> Weak<dyn Node> {
    Weak::<Hole>::new()
}

struct Hole;

impl Node for Hole {
    fn header(&self) -> &Header {
        static HEADER: Header = Header::new();
        &HEADER
    }
    fn try_traverse(&self, _: &mut Visit<'_>) -> bool {
        true
    }
    fn try_lock(&self) -> Option<Box<dyn Locked + '_>> {
        None
    }
    fn clear(&self) {}
}

/// Moves a batch into the registry, then collects (or, disabled, prunes
/// dead entries) if a threshold is passed and `may_collect`.
fn flush(batch: &mut Vec<Weak<dyn Node>>, may_collect: bool) {
    let due = {
        let mut r = lock(&REGISTRY);
        r.count[0] += batch.len();
        r.gens[0].append(batch);
        if !may_collect || COLLECTING.with(Cell::get) {
            return;
        }
        let due = r.due();
        if let (Some(generation), false) = (due, collect_now()) {
            // Disabled: the same schedule prunes the dead entries instead
            // (their cells' memory stays allocated until then), and moves
            // the rest along so that the next pruning is young again. A
            // pruning of generation 0 prunes generation 1 too (at most ten
            // prunings' survivors): what survived one pruning and died
            // after held its memory until generation 1's, and the
            // allocator, given it late, served later requests slower
            // (`pyslots/deepcopy/graph1000`, run with collection disabled,
            // whose copies survive a pruning as they are made and die
            // after: 3.92M -> 3.84M instructions).
            if generation == 0 {
                r.gens[1].retain(|w| w.strong_count() > 0);
            }
            let mut nodes = r.take(generation, None);
            nodes.retain(|w| w.strong_count() > 0);
            r.put_back(generation, nodes);
            return;
        }
        due
    };
    let Some(generation) = due else { return };
    // Never waits: a thread that tracks a node may hold a container's
    // lock that the holder of the global lock waits for.
    gil::try_hold(|held| {
        if let Ok(mut collector) = COLLECTOR.try_lock() {
            run(&mut collector, generation, true, held);
        }
    });
}

/// Whether automatic collection is on: enabled, and generation 0's
/// threshold is not 0.
fn collect_now() -> bool {
    ENABLED.load(Relaxed) && THRESHOLD[0].load(Relaxed) != 0
}

/// The lock weak references upgrade under.
#[inline]
pub(crate) fn upgrading() -> parking_lot::RwLockReadGuard<'static, ()> {
    UPGRADES.read()
}

// ---------------------------------------------------------------------------
// The public face.

/// Runs a full collection now and returns how many tracked nodes it freed
/// (objects, and the lists, dicts, tuples and classes made at run time
/// among them, as CPython's `gc.collect()` counts), whether or not
/// automatic collection is enabled.
///
/// A cycle may pass through a class made at run time ([`Type::new`](crate::Type::new)):
/// its class attributes, its bases, and every instance (which holds its
/// class) are references the collector follows, so a class whose
/// namespace holds its own instances or itself (`C.registry = [C()]`,
/// `C.me = [C]`) is freed with them once nothing outside reaches either.
/// What a Rust closure ([`Value::function`](crate::Value::function))
/// captures is not seen: a class captured there is alive while the
/// function is.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::{gc, Attr};
///
/// let mut ns = Dict::new();
/// ns.insert("registry", Value::list(Vec::<Value>::new()));
/// let c = Type::new("C", &[], ns)?;
/// let Attr::Value(registry) = c.attr("registry")? else { unreachable!() };
/// registry.as_list().unwrap().push(c.call(&[], &[])?); // C.registry = [C()]
/// let before = Type::live_runtime_classes();
/// drop((c, registry));
/// assert_eq!(Type::live_runtime_classes(), before, "the cycle keeps the class");
/// gc::collect();
/// assert_eq!(Type::live_runtime_classes(), before - 1);
/// # Ok::<(), pyslots::Error>(())
/// ```
///
/// Automatic collections are CPython's (3.11): they run on the thread
/// that tracks a new object (an instance in a [`Py`](crate::Py), a list,
/// a dict, or a tuple that holds references) and examine only the young
/// generations. Generation 0 (the nodes tracked since its last
/// collection) is collected once it has more than 700; its survivors move
/// to generation 1, collected (with generation 0) every 10 collections of
/// generation 0; its survivors move to generation 2, collected (with
/// everything: a full collection) every 10 collections of generation 1,
/// and only once the nodes moved into generation 2 since the last full
/// collection are at least a quarter of those it kept, which keeps the
/// amortized cost per allocation constant however many objects live
/// ([`get_threshold`], [`set_threshold`], [`get_count`], [`get_stats`]).
/// A young collection counts the references an older node holds to a young
/// one as outside references: the young node and what it reaches survive
/// it, and a cycle through older nodes waits for the collection of the
/// oldest of them. This function is the full collection (CPython's
/// `gc.collect()`); [`collect_generation`] collects the young ones alone.
///
/// Returns 0 without collecting when called from code a collection runs
/// (a `Drop` of garbage).
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::gc;
///
/// #[pyclass_like]
/// #[slots(other, __weakref__)]
/// struct Node {}
///
/// let a = Py::new(Node::new());
/// a.write().setattr("other", Value::from(&a))?;   // a.other = a
/// let weak = Py::downgrade(&a);
/// drop(a);                                         // the cycle keeps it
/// assert!(weak.upgrade().is_some());
/// assert!(gc::collect() >= 1);
/// assert!(weak.upgrade().is_none());
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn collect() -> usize {
    collect_generation(GENERATIONS - 1)
}

/// Collects `generation` and the younger ones (CPython's
/// `gc.collect(generation)`), moves the survivors to the next generation
/// (those of generation 2 stay there) and returns how many tracked nodes
/// it freed; `collect_generation(2)` is [`collect`]. References that
/// older nodes hold count as outside references: what they reach survives.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::gc;
///
/// #[pyclass_like]
/// #[slots(other, __weakref__)]
/// struct Node {}
///
/// gc::disable(); // no automatic collection in between
/// let old = Py::new(Node::new());
/// gc::collect(); // `old` survives a full collection: generation 2
/// let young = Py::new(Node::new());
/// young.write().setattr("other", Value::from(&young))?; // a young cycle
/// old.write().setattr("other", Value::from(&young))?;   // old.other = young
/// let weak = Py::downgrade(&young);
/// drop(young);
/// gc::collect_generation(0); // `old` holds it: it survives, into generation 1
/// assert!(weak.upgrade().is_some());
/// drop(old); // `old` is freed; the young cycle is left
/// assert_eq!(gc::collect_generation(1), 1);
/// assert!(weak.upgrade().is_none());
/// gc::enable();
/// # Ok::<(), pyslots::Error>(())
/// ```
///
/// # Panics
///
/// If `generation` is not 0, 1 or 2 (CPython's `ValueError`).
pub fn collect_generation(generation: usize) -> usize {
    assert!(generation < GENERATIONS, "invalid generation {generation}: there are {GENERATIONS}");
    if COLLECTING.with(Cell::get) {
        return 0;
    }
    // The global lock first, then the collector's, taken without waiting:
    // a collection under way may wait, in a `Drop` of its garbage, for a
    // borrow another thread must take the global lock to end, so this
    // thread waits for that collection with the global lock let go.
    gil::hold(|held| loop {
        match COLLECTOR.try_lock() {
            Ok(mut collector) => return run(&mut collector, generation, false, held),
            Err(TryLockError::Poisoned(p)) => return run(&mut p.into_inner(), generation, false, held),
            Err(TryLockError::WouldBlock) => gil::allow_threads(|| drop(lock(&COLLECTOR))),
        }
    })
}

/// Turns automatic collection on (CPython's `gc.enable()`); it is on at
/// first.
///
/// ```
/// use pyslots::gc;
/// gc::disable();
/// assert!(!gc::is_enabled());
/// gc::enable();
/// assert!(gc::is_enabled());
/// ```
pub fn enable() {
    ENABLED.store(true, Relaxed);
}

/// Turns automatic collection off (`gc.disable()`): cycles are freed only
/// by [`collect`] and [`collect_generation`]. Dead entries are still
/// pruned from the registry on the automatic schedule, and the live ones
/// moved to the next generation as a collection would (unlike CPython,
/// where nothing moves while collection is off): a collection of
/// generation 0 after more than 700 new nodes examines those alone.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::gc;
///
/// #[pyclass_like]
/// #[slots(other)]
/// struct Node;
///
/// gc::disable();
/// let a = Py::new(Node::default());
/// setattr(&mut *a.write(), "other", Value::from(&a))?; // a self-cycle
/// drop(a);
/// assert!(gc::collect() >= 1); // only an explicit collection frees it
/// gc::enable();
/// # Ok::<(), pyslots::Error>(())
/// ```
pub fn disable() {
    ENABLED.store(false, Relaxed);
}

/// Whether automatic collection is on (`gc.isenabled()`).
///
/// ```
/// let _on: bool = pyslots::gc::is_enabled();
/// ```
pub fn is_enabled() -> bool {
    ENABLED.load(Relaxed)
}

/// The automatic collection thresholds of the three generations
/// (`gc.get_threshold()`): `(700, 10, 10)` unless [`set_threshold`]
/// changed them. See [`collect`] for what they mean.
///
/// ```
/// assert_eq!(pyslots::gc::get_threshold(), (700, 10, 10));
/// ```
pub fn get_threshold() -> (usize, usize, usize) {
    let t = |g: usize| THRESHOLD[g].load(Relaxed);
    (t(0), t(1), t(2))
}

/// Sets the automatic collection thresholds (`gc.set_threshold()`):
/// generation 0 is collected when more than `threshold0` nodes were
/// tracked since its last collection, generation 1 after more than
/// `threshold1` collections of generation 0, generation 2 after more
/// than `threshold2` of generation 1 (and when the long-lived nodes grew
/// by a quarter). `threshold0` 0 turns automatic collection off, as
/// [`disable`] does (dead entries are still pruned at the threshold 700).
///
/// ```
/// use pyslots::gc;
///
/// let before = gc::get_threshold();
/// gc::set_threshold(1000, 15, 15);
/// assert_eq!(gc::get_threshold(), (1000, 15, 15));
/// gc::set_threshold(before.0, before.1, before.2);
/// ```
pub fn set_threshold(threshold0: usize, threshold1: usize, threshold2: usize) {
    for (t, v) in THRESHOLD.iter().zip([threshold0, threshold1, threshold2]) {
        t.store(v, Relaxed);
    }
}

/// The current collection counts (`gc.get_count()`): the nodes tracked
/// since generation 0 was last collected (the calling thread's batch of
/// nodes not yet in the registry included, other threads' not), the
/// collections of generation 0 since generation 1 was last collected, and
/// those of generation 1 since generation 2 was. A node freed by
/// reference counting while it is the newest of its thread's batch (a
/// temporary: made and dropped) is taken off the first count, as CPython
/// takes every freed object off; any other node freed before generation 0
/// is collected stays counted until then.
///
/// ```
/// use pyslots::prelude::*;
/// use pyslots::gc;
///
/// gc::disable();
/// gc::collect();
/// assert_eq!(gc::get_count(), (0, 0, 0));
/// let list = Value::list(vec![Value::None]);
/// assert_eq!(gc::get_count().0, 1);
/// gc::collect_generation(0);
/// assert_eq!(gc::get_count(), (0, 1, 0));
/// # drop(list);
/// gc::enable();
/// ```
pub fn get_count() -> (usize, usize, usize) {
    flush_own();
    let r = lock(&REGISTRY);
    (r.count[0], r.count[1], r.count[2])
}

/// How many registry entries each generation holds that point at a cell:
/// the live nodes, and the dead ones whose entries (and cells' memory) are
/// left for a collection or a sweep to prune; not the calling thread's
/// batch, not yet in generation 0, nor the holes dead nodes left. For
/// tests.
#[doc(hidden)]
pub fn generation_sizes() -> [usize; GENERATIONS] {
    unlist_dead();
    let r = lock(&REGISTRY);
    let hole = hole().as_ptr() as *const ();
    let cells = |g: &Vec<Weak<dyn Node>>| g.iter().filter(|w| !std::ptr::eq(w.as_ptr() as *const (), hole)).count();
    [cells(&r.gens[0]), cells(&r.gens[1]), cells(&r.gens[2])]
}

/// Collection numbers, for tests: a collection tags what it meets with
/// its number, and the numbers go round after 2^32 collections.
#[doc(hidden)]
pub mod testing {
    /// How many collections so far counted the references between the
    /// nodes they examined (the rest skipped it: their generations held
    /// no cycle of their own, see the module's "Cycles of a generation's own").
    pub fn counted() -> usize {
        super::COUNTED.load(super::Relaxed)
    }

    /// How many registry entries collections took out to examine so far
    /// (live nodes, dead ones, holes).
    pub fn examined() -> usize {
        super::EXAMINED.load(super::Relaxed)
    }

    /// How many entries each generation's list holds, holes included
    /// (after this thread's dead nodes took theirs out).
    pub fn list_lengths() -> [usize; super::GENERATIONS] {
        super::unlist_dead();
        let r = super::lock(&super::REGISTRY);
        [r.gens[0].len(), r.gens[1].len(), r.gens[2].len()]
    }

    /// The number of the last collection.
    pub fn last_collection() -> u32 {
        super::lock(&super::COLLECTOR).epoch
    }

    /// Makes `n` the number of the last collection: the next one is
    /// `n + 1`, as it would be again once the numbers went round (which
    /// this counts as their going round).
    pub fn set_last_collection(n: u32) {
        let mut last = super::lock(&super::COLLECTOR);
        super::WENT_ROUND.store(true, super::Relaxed);
        last.epoch = n;
    }

    /// Runs `f` holding the registry's lock: a node that dies meanwhile
    /// cannot take its entry out (it is counted, for the prunings and the
    /// sweep to find), as when another thread holds the lock. `f` must not
    /// track a node (it would wait for the lock).
    pub fn with_registry_held<R>(f: impl FnOnce() -> R) -> R {
        let _held = super::lock(&super::REGISTRY);
        let result = f();
        super::unlist_dead();
        result
    }
}

/// What the collections of one generation did (a `gc.get_stats()` entry).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GenerationStats {
    /// How many times the generation was collected (with the younger
    /// ones), automatically or not.
    pub collections: usize,
    /// How many tracked nodes those collections freed.
    pub collected: usize,
}

/// The statistics of each generation since the program started
/// (`gc.get_stats()`), youngest first.
///
/// ```
/// use pyslots::gc;
///
/// let before = gc::get_stats();
/// gc::collect();
/// let after = gc::get_stats();
/// assert_eq!(after[2].collections, before[2].collections + 1);
/// ```
pub fn get_stats() -> [GenerationStats; GENERATIONS] {
    lock(&REGISTRY).stats
}

// ---------------------------------------------------------------------------
// A collection.

/// Marks this thread as collecting while it lives.
struct Collecting;

impl Collecting {
    fn enter() -> Collecting {
        COLLECTING.with(|c| c.set(true));
        Collecting
    }
}

impl Drop for Collecting {
    fn drop(&mut self) {
        let _ = COLLECTING.try_with(|c| c.set(false));
    }
}

/// A node's strong count when it could not be traversed: it is alive.
const ALIVE: u32 = u32::MAX;
/// Not in the garbage list ([`check_order`]).
const NONE: u32 = u32::MAX;

/// What a collection learns of one node of the generations it examines.
/// A node's index is its position in the registry's list once the dead
/// entries are pruned, and in [`Scratch::nodes`].
#[derive(Clone, Copy)]
struct Entry {
    /// Strong count less the collector's own handle, or [`ALIVE`].
    count: u32,
    /// References from the traversed nodes.
    internal: u32,
    /// The node's edges: `edges[start..end]`.
    start: u32,
    end: u32,
}

/// The nodes a collection examines: what it learns of each, and the
/// edges between them (an edge to a node it does not examine is left
/// out: such a node counts as alive, and what it holds is not looked at).
struct Census {
    tag: u64,
    /// Where the survivors will be listed in their next generation: a
    /// header tagged by this collection holds `base` plus the node's index
    /// here, which is its position there once it survives.
    base: usize,
    entries: Vec<Entry>,
    edges: Vec<u32>,
    /// The address of each node's header: what tells a node this
    /// collection numbered from one with a stale tag ([`Census::known`]).
    /// Kept only once the collection numbers went round (`checked`):
    /// before, no tag is stale.
    headers: Vec<usize>,
    checked: bool,
    /// The index of the node step 2 traverses now.
    current: u32,
    /// Whether step 2 met a reference from a node to one not older than
    /// it (an index not below its own, or a node of a batch not yet
    /// listed), or a node it could not traverse: what survives may hold a
    /// cycle of its own ("Cycles of a generation's own").
    forward: bool,
}

impl Census {
    const EMPTY: Census = Census {
        tag: 0,
        base: 0,
        entries: Vec::new(),
        edges: Vec::new(),
        headers: Vec::new(),
        checked: false,
        current: 0,
        forward: false,
    };

    /// The index this collection gave the node with header `h`, if it is
    /// one of the nodes it examines. The tag alone could be one a node
    /// kept from a collection 2^32 collections ago (the numbers go round;
    /// a node in generation 2, or in an idle thread's batch, may be met by
    /// none of them), so once they went round the index is checked to be
    /// this node's.
    #[inline(always)]
    fn known(&self, h: &Header) -> Option<usize> {
        let word = h.0.load(Relaxed);
        let i = ((word & INDEX) as usize).wrapping_sub(self.base);
        (word & !0xffff_ffff == self.tag && (!self.checked || self.is(i, h))).then_some(i)
    }

    /// Whether index `i` is the node with header `h` (kept only when
    /// `checked`).
    #[inline(never)]
    fn is(&self, i: usize, h: &Header) -> bool {
        self.headers.get(i) == Some(&(h as *const Header as usize))
    }

    /// Step 2's count of `n` references to the node with header `h`: one
    /// edge for step 3 (which only asks what a node reaches), `n` for the
    /// count.
    #[inline(always)]
    fn count(&mut self, h: &Header, n: u32) {
        if let Some(j) = self.known(h) {
            if let Some(e) = self.entries.get_mut(j) {
                e.internal += n;
                self.edges.push(j as u32);
                self.forward |= j as u32 >= self.current;
                return;
            }
        }
        // Not examined: older (tagged), in a batch not yet listed
        // (stamped), or never tracked (0: a tuple of plain values, which
        // holds no reference).
        let word = h.0.load(Relaxed);
        self.forward |= word >> 32 == 0 && word != 0;
    }

    fn children(&self, i: usize) -> &[u32] {
        let e = self.entries[i];
        &self.edges[e.start as usize..e.end as usize]
    }

    /// Marks `i` and all it reaches alive, unless it is; `stack` is
    /// scratch space. Returns how many nodes it marked. Out of line: a
    /// collection calls it once per node with outside references that
    /// holds others, and its loop gets registers of its own rather than
    /// what `run` leaves.
    #[inline(never)]
    fn mark_alive(&self, i: usize, alive: &mut [bool], stack: &mut Vec<u32>) -> usize {
        if alive[i] {
            return 0;
        }
        alive[i] = true;
        let mut marked = 1;
        // A local while it grows and shrinks (behind `&mut`, its length
        // went back to memory at every push and pop).
        let mut work = std::mem::take(stack);
        let mut k = i;
        loop {
            // The last node newly reached is walked next, not pushed and
            // popped: a chain (a linked list) is followed with no stack.
            let mut next = None;
            for &j in self.children(k) {
                let a = &mut alive[j as usize];
                if !*a {
                    *a = true;
                    marked += 1;
                    if let Some(other) = next.replace(j) {
                        work.push(other);
                    }
                }
            }
            match next.or_else(|| work.pop()) {
                Some(j) => k = j as usize,
                None => break,
            }
        }
        *stack = work;
        marked
    }
}

/// A collection's working memory, kept from one to the next in
/// [`COLLECTOR`]: a young collection runs every 700 new nodes, and
/// vectors allocated anew for each cost more than its traversal (glibc
/// consolidating its free chunks for every one, a full collection's
/// mapped and unmapped).
struct Scratch {
    /// A handle to each node examined, by index: held from the first step
    /// until the second has traversed it (so it is read there without
    /// upgrading a weak pointer again), then let go while its lines are
    /// still in the cache; a node found garbage is held again from the
    /// third step to the end.
    nodes: Vec<Option<Arc<dyn Node>>>,
    census: Census,
    alive: Vec<bool>,
    stack: Vec<u32>,
}

/// What the collecting thread holds.
struct Collector {
    /// The number of the last collection.
    epoch: u32,
    scratch: Scratch,
}

/// One collection of `generation` and the younger ones (CPython's
/// `gc_collect_main`). The caller holds the global interpreter lock (no
/// borrow of an object starts or ends meanwhile, but where a collection
/// lets it go: a `Drop` of garbage that waits for another thread) and
/// [`COLLECTOR`].
fn run(collector: &mut Collector, generation: usize, automatic: bool, held: gil::Held<'_>) -> usize {
    let _collecting = Collecting::enter();
    flush_own();
    unlist_dead();
    let Collector { epoch, scratch } = collector;
    if *epoch >= u32::MAX - 1 {
        WENT_ROUND.store(true, Relaxed);
        *epoch = 1;
    } else {
        *epoch += 1;
    }
    // Whether the generations examined may hold a cycle of their own
    // ("Cycles of a generation's own" above); their flags are cleared for this count, and
    // what is stored from now on sets them again.
    // Sequentially consistent with the marks and the batches' counting: a
    // mark on a node of another thread's batch made before this clears it
    // is seen here as that batch (its thread counted it first), and the
    // flag set again.
    let lists =
        if automatic && generation == GENERATIONS - 1 && young_will_do(*epoch) { generation - 1 } else { generation };
    let examined = (2u8 << lists) - 1;
    let counts = MAY_CYCLE.fetch_and(!examined, SeqCst) & examined != 0;
    if BATCHES.load(SeqCst) != 0 {
        MAY_CYCLE.fetch_or(1, SeqCst);
    }
    let Scratch { nodes, census, alive, stack } = scratch;
    // Left as they were if the last collection panicked; let go before
    // the lists are taken out (a `Drop` may panic).
    nodes.clear();
    let (weaks, base) = {
        let mut r = lock(&REGISTRY);
        let weaks = r.take(lists, Some(*epoch));
        // Where the survivors will be listed: after what their next
        // generation holds now (nothing, for a full collection).
        (weaks, r.gens[(lists + 1).min(GENERATIONS - 1)].len())
    };
    EXAMINED.fetch_add(weaks.len(), Relaxed);
    // Nodes whose last reference this collection holds, dropped once the
    // survivors are listed again (their `Drop` finds their entries):
    // declared before `taken`, so that after a panic too.
    let mut last: Vec<Arc<dyn Node>> = Vec::new();
    // The lists go back however this ends: dropping a node may run a
    // `Drop`, and a traversal another crate's code, either of which may
    // panic.
    let mut taken = Taken { weaks, lists, generation, back: false };
    census.entries.clear();
    census.edges.clear();
    census.headers.clear();
    census.tag = u64::from(*epoch) << 32;
    census.base = base;
    census.checked = WENT_ROUND.load(Relaxed);
    let old = if lists > 0 { OLD } else { MIDDLE };
    if !counts {
        last = renumber(&mut taken.weaks, census, old);
        taken.put_back(0);
        drop(last);
        return 0;
    }
    // Grown once to what this collection needs, not doubling entry by
    // entry (at most what the largest collection so far needed).
    let n = taken.weaks.len();
    nodes.reserve(n);
    census.entries.reserve(n);
    census.edges.reserve(n);
    if census.checked {
        census.headers.reserve(n);
    }

    // 1. Each live node of the generations collected, numbered in the
    // list's order (its header tagged with the number), with its strong
    // count (CPython's `update_refs`). Dead entries are pruned.
    // The vectors as locals while they grow (fields behind `&mut`, each
    // push stored the length back to memory).
    let mut entries = std::mem::take(&mut census.entries);
    let mut found = std::mem::take(nodes);
    let (tag, checked) = (census.tag, census.checked);
    let mark = tag | old;
    let mut pruned = false;
    for weak in taken.weaks.iter() {
        let Some(node) = weak.upgrade() else {
            pruned = true;
            continue;
        };
        let h = node.header();
        let word = h.0.load(Relaxed);
        // Garbage already (its entry goes), or listed twice (`DEAD`'s high
        // half is no collection's number).
        if word == DEAD
            || word & !0xffff_ffff == tag && (!checked || census.is(((word & INDEX) as usize).wrapping_sub(base), h))
        {
            pruned = true;
            continue;
        }
        // The generation its survivors go to, marked in the tag (what is
        // garbage becomes `DEAD`).
        h.0.store(mark | (base + found.len()) as u64 & INDEX, Relaxed);
        if checked {
            census.headers.push(h as *const Header as usize);
        }
        let count = u32::try_from(Arc::strong_count(&node) - 1).unwrap_or(ALIVE);
        entries.push(Entry { count, internal: 0, start: 0, end: 0 });
        found.push(Some(node));
    }
    if pruned {
        // The entries kept are those of `found`, in order (an entry listed
        // twice meets the next node there, not its own).
        let mut k = 0;
        taken.weaks.retain(|w| {
            let kept =
                found.get(k).and_then(Option::as_ref).is_some_and(|n| std::ptr::addr_eq(w.as_ptr(), Arc::as_ptr(n)));
            k += usize::from(kept);
            kept
        });
    }
    census.entries = entries;
    *nodes = found;
    let garbage =
        if counts { count(nodes, &taken.weaks, &mut last, census, alive, stack, lists, held) } else { Vec::new() };
    let freed = garbage.len();
    // The garbage is what is not alive (`confirm`): its entries become
    // holes, so that every survivor is listed where its header says.
    for &i in &garbage {
        taken.weaks[i] = hole();
    }
    taken.put_back(freed);
    // A `Drop` that panics (of a node let go, or of one cleared, which
    // drops what it held) leaves the rest to be cleared all the same: the
    // garbage's entries are gone, no later collection would find it. The
    // first panic goes on once everything is done.
    let mut panicked = None;
    carry_on(&mut panicked, || drop(last));
    // Held again since the third step (`count`).
    let garbage = garbage.into_iter().filter_map(|i| nodes[i].as_ref());
    let (objects, containers): (Vec<_>, Vec<_>) = garbage.partition(|n| n.is_object());
    let garbage: Vec<Weak<dyn Node>> = objects.into_iter().chain(containers).map(Arc::downgrade).collect();
    carry_on(&mut panicked, || nodes.clear());
    for node in garbage {
        // Gone already if clearing another node freed it.
        carry_on(&mut panicked, || {
            if let Some(node) = node.upgrade() {
                node.clear();
            }
        });
    }
    if let Some(payload) = panicked {
        std::panic::resume_unwind(payload);
    }
    freed
}

/// Runs `f`; if it panics, keeps the first panic's payload in `panicked`
/// and returns.
fn carry_on(panicked: &mut Option<Box<dyn std::any::Any + Send>>, f: impl FnOnce()) {
    if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        panicked.get_or_insert(payload);
    }
}

/// The lists a collection took out of the registry: put back by
/// [`put_back`](Taken::put_back), or, if the collection panics first
/// (a `Drop` of a node it lets go, another crate's `SlotValue::traverse`),
/// when this drops, as a collection that found nothing leaves them. Lost
/// with the panic, their nodes would never be examined again, and a cycle
/// among them never freed. After the first step every node is numbered
/// where it is put back; a panic within it leaves some numbered for
/// positions they do not get, which only leaves a dead node's entry to
/// be pruned rather than taken out (`unlist` checks the address).
struct Taken {
    weaks: Vec<Weak<dyn Node>>,
    lists: usize,
    generation: usize,
    back: bool,
}

impl Taken {
    /// The survivors (and the holes the garbage left) back in the
    /// registry, the collection counted with `freed` nodes freed.
    fn put_back(&mut self, freed: usize) {
        self.back = true;
        let weaks = std::mem::take(&mut self.weaks);
        let mut r = lock(&REGISTRY);
        r.put_back(self.lists, weaks);
        r.collected(self.generation, self.lists, freed);
    }
}

impl Drop for Taken {
    fn drop(&mut self) {
        if !self.back {
            self.put_back(0);
            // The flags of what it examined were cleared for a count that
            // did not finish: a cycle among these nodes is not ruled out.
            set_may_cycle((1 << GENERATIONS) - 1);
        }
    }
}

/// Whether an automatic full collection may examine generations 0 and 1
/// only, as a collection of generation 1 does, and leave generation 2's
/// list as it is: generation 2 holds no cycle of its own (its flag is
/// clear), so every cycle has its oldest node, and with it all its nodes,
/// in the younger generations; and its list holds few holes, which only
/// a full collection that examines it takes out. A heap of long-lived
/// objects with no cycles among them is then not examined again and again
/// (each of its nodes a cache miss and two atomic operations): the
/// workload's build examined its 77,000 oldest nodes once more. Not when
/// generation 2 was last examined 2^28 collections before `collection`
/// (hours of allocation): its nodes' tags are compared as the numbers go
/// round (`listed_before`, `unlist`), which holds for tags less than 2^31
/// collections old.
fn young_will_do(collection: u32) -> bool {
    MAY_CYCLE.load(SeqCst) & (1 << (GENERATIONS - 1)) == 0 && {
        let r = lock(&REGISTRY);
        r.holes_oldest * 4 <= r.gens[GENERATIONS - 1].len()
            && collection.wrapping_sub(r.positions_since[GENERATIONS - 1]) < 1 << 28
    }
}

/// Step 1 of a collection ([`run`]) that cannot find garbage ("Cycles of
/// a generation's own"): each live node of `weaks` numbered where it will
/// be listed, its header tagged, and the dead entries dropped, with
/// nothing kept for a count. Each node is let go as soon as its header is
/// written, while the line holding its counts is still in the cache:
/// holding every node to the end, as a count must, missed the cache a
/// second time per node when they were let go (the workload's young
/// collections, half their time). A node this holds the last reference
/// to (its other holders let go meanwhile) is returned instead, to be
/// dropped once the survivors are listed again, where its `Drop` finds
/// its entry.
fn renumber(weaks: &mut Vec<Weak<dyn Node>>, census: &mut Census, old: u64) -> Vec<Arc<dyn Node>> {
    let Census { tag, base, checked, headers, .. } = census;
    let (tag, base, checked) = (*tag, *base, *checked);
    let mut last = Vec::new();
    let mut kept = 0;
    weaks.retain(|weak| {
        let Some(node) = weak.upgrade() else { return false };
        let h = node.header();
        let word = h.0.load(Relaxed);
        let address = h as *const Header as usize;
        // Garbage already, or listed twice (as in `run`).
        if word == DEAD
            || word & !0xffff_ffff == tag
                && (!checked || headers.get(((word & INDEX) as usize).wrapping_sub(base)) == Some(&address))
        {
            return false;
        }
        h.0.store(tag | old | (base + kept) as u64 & INDEX, Relaxed);
        if checked {
            headers.push(address);
        }
        kept += 1;
        if Arc::strong_count(&node) == 1 {
            last.push(node);
        }
        true
    });
    last
}

/// Steps 2 to 4 of a collection ([`run`]) of `generation`, over the nodes
/// step 1 numbered: the garbage, confirmed. Whatever survives goes to the
/// next generation; if it held a cycle of its own, so may that one.
#[allow(clippy::too_many_arguments)]
fn count(
    nodes: &mut [Option<Arc<dyn Node>>],
    weaks: &[Weak<dyn Node>],
    last: &mut Vec<Arc<dyn Node>>,
    census: &mut Census,
    alive: &mut Vec<bool>,
    stack: &mut Vec<u32>,
    generation: usize,
    held: gil::Held<'_>,
) -> Vec<usize> {
    COUNTED.fetch_add(1, Relaxed);
    census.forward = false;

    // 2. The references they hold to each other subtracted (CPython's
    // `subtract_refs`), and kept as edges for step 3. A node of an older
    // generation (or in another thread's batch, not yet listed) is not
    // counted: it is not examined, so it is alive, and what it holds
    // keeps an outside reference.
    for (i, held_node) in nodes.iter_mut().enumerate() {
        let Some(node) = held_node.take() else { continue };
        let start = census.edges.len() as u32;
        census.current = i as u32;
        let traversed = node.try_traverse(&mut Visit { to: To::Census(census), held });
        // Let go now, while its lines are in the cache: at the end, after
        // a million others, each was a cache miss again (the counted full
        // collection's third of its time). One this holds the last
        // reference to is dropped once the survivors are listed again.
        if Arc::strong_count(&node) == 1 {
            last.push(node);
        } else {
            drop(node);
        }
        let end = census.edges.len() as u32;
        let entry = &mut census.entries[i];
        if traversed {
            (entry.start, entry.end) = (start, end);
        } else {
            entry.count = ALIVE;
            census.edges.truncate(start as usize);
            census.forward = true;
        }
    }
    if census.forward {
        set_may_cycle(1 << (generation + 1).min(GENERATIONS - 1));
    }

    // 3. What outside references reach is alive.
    let m = census.entries.len();
    alive.clear();
    alive.resize(m, false);
    let mut reached = 0;
    {
        let (entries, alive) = (&census.entries[..m], &mut alive[..m]);
        for (i, e) in entries.iter().enumerate() {
            if e.count > e.internal && !alive[i] {
                if e.start == e.end {
                    // Holds nothing examined (a leaf, the common case): no walk.
                    alive[i] = true;
                    reached += 1;
                } else {
                    reached += census.mark_alive(i, alive, stack);
                }
            }
        }
    }
    // Everything reached (a young collection of a growing heap): no scan
    // for what was not.
    let garbage: Vec<usize> = if reached == m { Vec::new() } else { (0..m).filter(|&i| !alive[i]).collect() };

    if garbage.is_empty() {
        return garbage;
    }
    // Held again. One that died since it was let go (its last holder
    // outside let go) is no garbage of this collection; what it reached
    // is taken for alive, as a node another thread holds is.
    let mut gone = false;
    for &i in &garbage {
        nodes[i] = weaks[i].upgrade();
        if nodes[i].is_none() {
            census.mark_alive(i, alive, stack);
            gone = true;
        }
    }
    let mut garbage = garbage;
    if gone {
        garbage.retain(|&i| !alive[i]);
    }

    // 4. Confirmed (then cleared by the caller, objects first).
    if garbage.is_empty() {
        garbage
    } else {
        confirm(nodes, census, alive, stack, garbage, held)
    }
}

/// Confirms `garbage` (indices of nodes no outside reference reached in
/// the counts of steps 1-2, which other threads may have changed since):
/// locks every node, then checks that each one's strong count is the
/// references the others hold to it. A node that fails, and what it
/// reaches, is alive; the rest are tried again. Returns the garbage,
/// marked dead: nothing reaches it any more but itself. It is then
/// exactly the nodes not `alive`.
fn confirm(
    nodes: &[Option<Arc<dyn Node>>],
    census: &mut Census,
    alive: &mut [bool],
    stack: &mut Vec<u32>,
    mut garbage: Vec<usize>,
    held: gil::Held<'_>,
) -> Vec<usize> {
    let _no_upgrades = UPGRADES.write();
    let (tag, base) = (census.tag, census.base);
    while !garbage.is_empty() {
        let mut locks = Vec::with_capacity(garbage.len());
        // The nodes locked, in `garbage`'s order once none is busy: each
        // is held (`count`; one that is not is busy, taken for alive).
        let mut locked = Vec::with_capacity(garbage.len());
        let mut busy = Vec::new();
        for &i in &garbage {
            match nodes[i].as_ref().and_then(|n| Some((n, n.try_lock()?))) {
                Some((n, l)) => {
                    locked.push(n);
                    locks.push(l);
                }
                None => busy.push(i),
            }
        }
        if busy.is_empty() {
            let (entries, headers, checked) = (&mut census.entries, &census.headers, census.checked);
            for &i in &garbage {
                entries[i].internal = 0;
            }
            // Each node's references, counted again under the locks, and
            // what the collector recounts or orders by: how many a node
            // reported, and the edges along which another thread can move
            // a reference without a lock (what an immutable node holds, an
            // object's class).
            let mut reported = Vec::with_capacity(garbage.len());
            let mut order = Order { spans: Vec::with_capacity(garbage.len()), edges: Vec::new() };
            for (l, node) in locks.iter().zip(&locked) {
                let (immutable, class) = (node.immutable(), node.class_node().map(|h| h.0.load(Relaxed)));
                let start = order.edges.len() as u32;
                let mut n = 0usize;
                l.traverse(&mut Visit {
                    held,
                    to: To::Each(&mut |h: &Header| {
                        n += 1;
                        let word = h.0.load(Relaxed);
                        let j = ((word & INDEX) as usize).wrapping_sub(base);
                        let known = word & !0xffff_ffff == tag
                            && (!checked || headers.get(j) == Some(&(h as *const Header as usize)));
                        if known && !alive[j] {
                            entries[j].internal += 1;
                            if immutable || Some(word) == class {
                                order.edges.push(j as u32);
                            }
                        }
                    }),
                });
                reported.push(n);
                order.spans.push((start, order.edges.len() as u32));
            }
            // In an order where a node that holds another without a lock
            // comes first: an outside reference can only move along what
            // the nodes not yet checked hold, so it is seen. An immutable
            // node is read again once it passes: a function value it holds
            // is counted through only while nothing else shares it (see
            // `Value::traverse`), and one taken out meanwhile is seen so.
            busy = check_order(census, alive, &garbage, &order)
                .filter(|&k| {
                    let (i, node) = (garbage[k], locked[k]);
                    if Arc::strong_count(node) - 1 > census.entries[i].internal as usize {
                        return true;
                    }
                    if !node.immutable() {
                        return false;
                    }
                    let mut n = 0usize;
                    locks[k].traverse(&mut Visit { to: To::Each(&mut |_: &Header| n += 1), held });
                    n < reported[k]
                })
                .map(|k| garbage[k])
                .collect();
            if busy.is_empty() {
                for node in &locked {
                    node.header().0.store(DEAD, Relaxed);
                }
                drop(locks);
                return garbage;
            }
        }
        drop(locks);
        for i in busy {
            census.mark_alive(i, alive, stack);
        }
        garbage.retain(|&i| !alive[i]);
    }
    garbage
}

/// The edges [`check_order`] follows, by position in the garbage list:
/// `edges[spans[k].0..spans[k].1]`, node indices.
struct Order {
    spans: Vec<(u32, u32)>,
    edges: Vec<u32>,
}

/// Positions in `garbage` in the order their counts are checked: the
/// reverse post-order of a depth-first walk along `order`'s edges (what an
/// immutable node holds, an object's class), so that a node comes before
/// every node it holds without a lock. Those edges go from newer nodes to
/// older ones (a class's contents and a tuple's items exist before it, an
/// instance's class before the instance), so they form no cycle; the walk
/// ends whatever they are.
fn check_order(census: &Census, alive: &[bool], garbage: &[usize], order: &Order) -> impl Iterator<Item = usize> {
    let mut at = vec![NONE; census.entries.len()];
    for (k, &i) in garbage.iter().enumerate() {
        at[i] = k as u32;
    }
    let mut seen = vec![false; garbage.len()];
    let mut post = Vec::with_capacity(garbage.len());
    let mut stack = Vec::new();
    for root in 0..garbage.len() {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        stack.push((root, order.spans[root].0));
        while let Some((k, e)) = stack.pop() {
            if e < order.spans[k].1 {
                stack.push((k, e + 1));
                let j = order.edges[e as usize] as usize;
                let next = at[j] as usize;
                if !alive[j] && at[j] != NONE && !seen[next] {
                    seen[next] = true;
                    stack.push((next, order.spans[next].0));
                }
            } else {
                post.push(k);
            }
        }
    }
    post.into_iter().rev()
}
