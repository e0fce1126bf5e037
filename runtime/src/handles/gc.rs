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
//! Collections run when [`collect`] is called, and automatically, as
//! CPython's generation 0: when the objects tracked since the last
//! collection exceed `max(700, survivors / 4)` (see [`collect`]).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError, Weak};

use crate::handles::gil;

/// The collector's word in every tracked cell: the collection that last
/// listed it (high half) and its index there (low half), or [`DEAD`].
#[derive(Debug, Default)]
pub(crate) struct Header(AtomicU64);

/// The header of a node a collection found garbage: a weak reference to
/// it no longer upgrades.
const DEAD: u64 = u64::MAX;

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

/// What a collection hands to a traversal: call [`Value::traverse`](crate::Value::traverse)
/// (or the `traverse` of a handle) on every value a type holds, so the
/// collector sees the references it holds. Only the collector makes one.
pub struct Visit<'a> {
    f: &'a mut dyn FnMut(&Header),
}

impl Visit<'_> {
    /// Reports a reference to the tracked node with header `header`.
    #[inline]
    pub(crate) fn node(&mut self, header: &Header) {
        (self.f)(header)
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
/// Collections start once this many nodes were tracked since the last one
/// (CPython's generation-0 threshold), or a quarter of the survivors.
const THRESHOLD: usize = 700;

/// Bytes the collector keeps per tracked node: its entry in the registry,
/// a weak pointer to the cell. Besides, each tracked cell carries an
/// 8-byte header word (in an object's cell it takes the place of what
/// std's lock needed beyond parking_lot's, so a `Py`'s cell is no larger
/// than before), and a dead cell's memory (not its contents) stays
/// allocated until the next collection prunes its entry.
pub const BYTES_PER_TRACKED: usize = std::mem::size_of::<Weak<dyn Node>>();

struct Registry {
    nodes: Vec<Weak<dyn Node>>,
    /// Nodes added since the last collection.
    added: usize,
    /// Nodes the last collection kept.
    survivors: usize,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { nodes: Vec::new(), added: 0, survivors: 0 });
/// Held by the collecting thread; the number of the last collection.
static COLLECTOR: Mutex<u32> = Mutex::new(0);
/// Weak references upgrade under it shared; a collection confirms and
/// marks its garbage under it exclusive, so none is resurrected.
static UPGRADES: parking_lot::RwLock<()> = parking_lot::const_rwlock(());
static ENABLED: AtomicBool = AtomicBool::new(true);

thread_local! {
    static PENDING: RefCell<Pending> = const { RefCell::new(Pending(Vec::new())) };
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
}

/// A thread's nodes not yet in the registry; added when the thread ends.
struct Pending(Vec<Weak<dyn Node>>);

impl Drop for Pending {
    fn drop(&mut self) {
        flush(&mut self.0, false);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Tracks a new cell. Nodes are added to the registry in batches; adding
/// one may run an automatic collection.
pub(crate) fn track(node: Weak<dyn Node>) {
    let mut node = Some(node);
    let full = PENDING.try_with(|p| {
        let mut p = p.borrow_mut();
        p.0.extend(node.take());
        (p.0.len() >= BATCH).then(|| std::mem::take(&mut p.0))
    });
    match (full, node) {
        (Ok(Some(mut batch)), _) => {
            flush(&mut batch, true);
            // The emptied batch holds the next one: a new vector would
            // grow through five reallocations per batch.
            let _ = PENDING.try_with(|p| {
                let mut p = p.borrow_mut();
                if p.0.capacity() == 0 {
                    p.0 = batch;
                }
            });
        }
        (Err(_), Some(node)) => flush(&mut vec![node], false),
        _ => {}
    }
}

/// Moves a batch into the registry, then collects (or, disabled, prunes
/// dead entries) if the threshold is passed and `may_collect`.
fn flush(batch: &mut Vec<Weak<dyn Node>>, may_collect: bool) {
    let due = {
        let mut r = lock(&REGISTRY);
        r.added += batch.len();
        r.nodes.append(batch);
        r.added > THRESHOLD.max(r.survivors / 4)
    };
    if !(due && may_collect) || COLLECTING.with(Cell::get) {
        return;
    }
    if !ENABLED.load(Relaxed) {
        let mut r = lock(&REGISTRY);
        r.nodes.retain(|w| w.strong_count() > 0);
        (r.added, r.survivors) = (0, r.nodes.len());
    } else {
        // Never waits: a thread that tracks a node may hold a container's
        // lock that the holder of the global lock waits for.
        gil::try_hold(|_| {
            if let Ok(mut epoch) = COLLECTOR.try_lock() {
                run(&mut epoch);
            }
        });
    }
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
/// Automatic collection runs the same collection on the thread that
/// tracks a new object (an instance in a [`Py`](crate::Py), a list, a
/// dict, or a tuple that holds references) once the nodes tracked since
/// the last collection exceed `max(700, survivors / 4)`, where survivors
/// are the nodes the last collection kept: CPython's generation-0
/// threshold of 700, and its rule for full collections (a quarter of the
/// long-lived objects), which keeps the amortized cost per allocation
/// constant. There is one generation: every collection is full.
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
    if COLLECTING.with(Cell::get) {
        return 0;
    }
    // The global lock first, then the collector's, taken without waiting:
    // a collection under way may wait, in a `Drop` of its garbage, for a
    // borrow another thread must take the global lock to end, so this
    // thread waits for that collection with the global lock let go.
    gil::hold(|_| loop {
        match COLLECTOR.try_lock() {
            Ok(mut epoch) => return run(&mut epoch),
            Err(TryLockError::Poisoned(p)) => return run(&mut p.into_inner()),
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
/// by [`collect`]. Dead entries are still pruned from the registry at the
/// same threshold.
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

/// A node's strong count when it is unknown (a node met only as what
/// another holds) or it could not be traversed: it is alive.
const ALIVE: u32 = u32::MAX;
/// No registry entry.
const NONE: u32 = u32::MAX;

/// What one pass over the registry learns, by node index (the order nodes
/// are first met: as a registry entry, or as what one holds).
struct Census {
    tag: u64,
    /// Strong count less the collector's own, or [`ALIVE`].
    count: Vec<u32>,
    /// References from the traversed nodes.
    internal: Vec<u32>,
    /// Position in the registry snapshot, or [`NONE`].
    pos: Vec<u32>,
    /// The node's edges: `edges[spans[i].0..spans[i].1]`.
    spans: Vec<(u32, u32)>,
    edges: Vec<u32>,
}

impl Census {
    /// The index of the node with header `h`, given one if it has none in
    /// this collection; `None` for a node already found garbage.
    #[inline(always)]
    fn index(&mut self, h: &Header) -> Option<usize> {
        let word = h.0.load(Relaxed);
        if word & !0xffff_ffff == self.tag {
            return Some(word as u32 as usize);
        }
        if word == DEAD {
            return None;
        }
        let i = self.count.len();
        h.0.store(self.tag | i as u64, Relaxed);
        self.count.push(ALIVE);
        self.internal.push(0);
        self.pos.push(NONE);
        self.spans.push((0, 0));
        Some(i)
    }

    fn children(&self, i: usize) -> &[u32] {
        let (a, b) = self.spans[i];
        &self.edges[a as usize..b as usize]
    }

    /// Marks `i` and all it reaches alive; `stack` is scratch space.
    fn mark_alive(&self, i: usize, alive: &mut [bool], stack: &mut Vec<u32>) {
        alive[i] = true;
        stack.push(i as u32);
        while let Some(i) = stack.pop() {
            for &j in self.children(i as usize) {
                if !alive[j as usize] {
                    alive[j as usize] = true;
                    stack.push(j);
                }
            }
        }
    }
}

/// One collection; `epoch` numbers it. The caller holds the global
/// interpreter lock (no borrow of an object starts or ends meanwhile, but
/// where a collection lets it go: a `Drop` of garbage that waits for
/// another thread) and [`COLLECTOR`].
fn run(epoch: &mut u32) -> usize {
    let _collecting = Collecting::enter();
    if let Ok(mut batch) = PENDING.try_with(|p| std::mem::take(&mut p.borrow_mut().0)) {
        flush(&mut batch, false);
    }
    *epoch = if *epoch >= u32::MAX - 1 { 1 } else { *epoch + 1 };
    let mut weaks = {
        let mut r = lock(&REGISTRY);
        r.added = 0;
        std::mem::take(&mut r.nodes)
    };

    // 1-2. In one pass over the registry (each node's memory touched once):
    // each live node's strong count, less the references the nodes
    // traversed hold to it; the edges, for step 3. Dead entries are pruned.
    let n = weaks.len();
    let mut census = Census {
        tag: u64::from(*epoch) << 32,
        count: Vec::with_capacity(n),
        internal: Vec::with_capacity(n),
        pos: Vec::with_capacity(n),
        spans: Vec::with_capacity(n),
        edges: Vec::with_capacity(n),
    };
    let mut live = 0;
    for p in 0..n {
        let Some(node) = weaks[p].upgrade() else { continue };
        if live != p {
            weaks.swap(live, p);
        }
        let Some(i) = census.index(node.header()) else { continue };
        census.pos[i] = live as u32;
        census.count[i] = u32::try_from(Arc::strong_count(&node) - 1).unwrap_or(ALIVE);
        live += 1;
        let start = census.edges.len() as u32;
        let traversed = node.try_traverse(&mut Visit {
            f: &mut |h: &Header| {
                if let Some(j) = census.index(h) {
                    census.internal[j] += 1;
                    census.edges.push(j as u32);
                }
            },
        });
        if traversed {
            census.spans[i] = (start, census.edges.len() as u32);
        } else {
            census.count[i] = ALIVE;
            census.edges.truncate(start as usize);
        }
    }
    weaks.truncate(live);

    // 3. What outside references reach is alive.
    let m = census.count.len();
    let mut alive = vec![false; m];
    let mut stack = Vec::new();
    for i in 0..m {
        if !alive[i] && census.count[i] > census.internal[i] {
            census.mark_alive(i, &mut alive, &mut stack);
        }
    }
    let garbage: Vec<usize> = (0..m).filter(|&i| !alive[i]).collect();

    // 4. Confirmed, then cleared, objects first.
    let garbage = if garbage.is_empty() { Vec::new() } else { confirm(&weaks, &mut census, &mut alive, garbage) };
    let freed = garbage.len();
    if freed > 0 {
        let mut keep = vec![true; weaks.len()];
        for (_, p, _) in &garbage {
            keep[*p] = false;
        }
        let mut p = 0;
        weaks.retain(|_| {
            p += 1;
            keep[p - 1]
        });
    }
    {
        let mut r = lock(&REGISTRY);
        weaks.append(&mut r.nodes);
        r.nodes = weaks;
        r.survivors = r.nodes.len();
    }
    let (objects, containers): (Vec<_>, Vec<_>) = garbage.into_iter().partition(|(_, _, node)| node.is_object());
    let garbage: Vec<Weak<dyn Node>> =
        objects.into_iter().chain(containers).map(|(_, _, node)| Arc::downgrade(&node)).collect();
    for node in garbage {
        // Gone already if clearing another node freed it.
        if let Some(node) = node.upgrade() {
            node.clear();
        }
    }
    freed
}

/// A garbage node: its index, its registry position, and a handle.
type Candidate = (usize, usize, Arc<dyn Node>);

/// Confirms `garbage` (nodes no outside reference reached in the counts of
/// steps 1-2, which other threads may have changed since): locks every
/// node, then checks that each one's strong count is the references the
/// others hold to it. A node that fails, and what it reaches, is alive;
/// the rest are tried again. Returns the garbage, marked dead: nothing
/// reaches it any more but itself.
fn confirm(weaks: &[Weak<dyn Node>], census: &mut Census, alive: &mut [bool], garbage: Vec<usize>) -> Vec<Candidate> {
    let mut garbage: Vec<Candidate> = garbage
        .into_iter()
        .filter_map(|i| {
            let p = census.pos[i] as usize;
            Some((i, p, weaks.get(p)?.upgrade()?))
        })
        .collect();
    let _no_upgrades = UPGRADES.write();
    let mut stack = Vec::new();
    let tag = census.tag;
    while !garbage.is_empty() {
        let mut locks = Vec::with_capacity(garbage.len());
        let mut busy = Vec::new();
        for (i, _, node) in &garbage {
            match node.try_lock() {
                Some(l) => locks.push(l),
                None => busy.push(*i),
            }
        }
        if busy.is_empty() {
            let internal = &mut census.internal;
            for (i, _, _) in &garbage {
                internal[*i] = 0;
            }
            // Each node's references, counted again under the locks, and
            // what the collector recounts or orders by: how many a node
            // reported, and the edges along which another thread can move
            // a reference without a lock (what an immutable node holds, an
            // object's class).
            let mut reported = Vec::with_capacity(garbage.len());
            let mut order = Order { spans: Vec::with_capacity(garbage.len()), edges: Vec::new() };
            for (l, (_, _, node)) in locks.iter().zip(&garbage) {
                let (immutable, class) = (node.immutable(), node.class_node().map(|h| h.0.load(Relaxed)));
                let start = order.edges.len() as u32;
                let mut n = 0usize;
                l.traverse(&mut Visit {
                    f: &mut |h: &Header| {
                        n += 1;
                        let word = h.0.load(Relaxed);
                        if word & !0xffff_ffff == tag && !alive[word as u32 as usize] {
                            internal[word as u32 as usize] += 1;
                            if immutable || Some(word) == class {
                                order.edges.push(word as u32);
                            }
                        }
                    },
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
                    let (i, _, node) = &garbage[k];
                    if Arc::strong_count(node) - 1 > census.internal[*i] as usize {
                        return true;
                    }
                    if !node.immutable() {
                        return false;
                    }
                    let mut n = 0usize;
                    locks[k].traverse(&mut Visit { f: &mut |_: &Header| n += 1 });
                    n < reported[k]
                })
                .map(|k| garbage[k].0)
                .collect();
            if busy.is_empty() {
                for (_, _, node) in &garbage {
                    node.header().0.store(DEAD, Relaxed);
                }
                drop(locks);
                return garbage;
            }
        }
        drop(locks);
        for i in busy {
            census.mark_alive(i, alive, &mut stack);
        }
        garbage.retain(|(i, _, _)| !alive[*i]);
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
fn check_order(census: &Census, alive: &[bool], garbage: &[Candidate], order: &Order) -> impl Iterator<Item = usize> {
    let mut at = vec![NONE; census.count.len()];
    for (k, (i, _, _)) in garbage.iter().enumerate() {
        at[*i] = k as u32;
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
