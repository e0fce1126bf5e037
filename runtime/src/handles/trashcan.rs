//! Deep drops without deep recursion, as CPython's "trashcan".
//!
//! Dropping the last reference to a container or an object drops what it
//! holds, and so on: a linked list of a million nodes, or a list nested a
//! million deep, would recurse a million frames and overflow the stack.
//! Every shared cell (an object's, a list's, a tuple's, a dict's) opens a
//! level when it drops ([`enter`]) and closes it after its contents are gone
//! (an [`Exit`] field, or [`drop_nested`]); past a fixed depth the contents
//! are queued instead ([`defer`]), and the outermost drop empties the queue
//! in a loop.

use std::any::Any;
use std::cell::{Cell, RefCell};

use crate::handles::gc;

/// How deep drops may nest before contents are queued instead.
const MAX_DEPTH: u32 = 64;

/// How many cells an outermost drop may free (with those freed since the
/// last time) before it asks the allocator to merge its free chunks.
const MERGE_AFTER: u64 = 1024;

/// One level of nesting in [`LEVELS`], and one cell dropped.
const LEVEL: u64 = 1;
const DROP: u64 = 1 << 32;

thread_local! {
    /// How deep drops nest now (the low half), and how many cells were
    /// dropped since the allocator was last asked to merge (the high
    /// half): one thread-local word for both, read and written once a drop.
    static LEVELS: Cell<u64> = const { Cell::new(0) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    static QUEUE: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Opens one level of nesting; true when the contents must be deferred.
/// The level is closed by dropping an [`Exit`].
pub(crate) fn enter() -> bool {
    LEVELS.with(|l| {
        let levels = l.get() + LEVEL;
        l.set(levels);
        levels as u32 > MAX_DEPTH
    })
}

/// Queues contents to be dropped by the outermost drop.
pub(crate) fn defer<T: 'static>(contents: T) {
    QUEUE.with(|q| q.borrow_mut().push(Box::new(contents)));
}

/// Drops `contents` (what a cell held, moved out of it) now, or queues it
/// when drops already nest too deep.
pub(crate) fn drop_nested<T: 'static>(contents: T) {
    let _exit = Exit;
    if enter() {
        defer(contents);
    } else {
        drop(contents);
    }
}

/// Closes the level [`enter`] opened; the outermost one drains the queue.
/// A cell keeps one as its last field, so it drops after the contents.
#[derive(Debug, Default)]
pub(crate) struct Exit;

impl Drop for Exit {
    fn drop(&mut self) {
        let levels = LEVELS.with(|l| {
            // Closing a level never opened (`Exit::default()` outside a
            // drop) leaves the depth at 0.
            let levels = if l.get() as u32 == 0 { l.get() + DROP } else { l.get() - LEVEL + DROP };
            l.set(levels);
            levels
        });
        if levels as u32 > 0 || DRAINING.with(Cell::get) {
            return;
        }
        outermost();
    }
}

/// The end of an outermost drop: the queue emptied, the dead nodes'
/// registry entries taken out, and, after many cells, the allocator asked
/// to merge its free chunks.
#[inline(never)]
fn outermost() {
    DRAINING.with(|f| f.set(true));
    while let Some(contents) = QUEUE.with(|q| q.borrow_mut().pop()) {
        drop(contents);
    }
    DRAINING.with(|f| f.set(false));
    gc::unlist_dead();
    if LEVELS.with(Cell::get) >> 32 >= MERGE_AFTER {
        LEVELS.with(|l| l.set(l.get() as u32 as u64));
        merge_free_memory();
    }
}

/// Asks the allocator to merge the chunks just freed, after many cells
/// were: glibc keeps small freed chunks (a cell, a boxed value) in
/// per-size lists without merging them, and hands them out again
/// last-freed first, refilled seven at a time. A structure rebuilt over a
/// structure just freed was then laid out in runs of a few cells going
/// the wrong way, and walking it missed the cache at every run (a list of
/// 10^5 objects was walked up to five times slower than the same list
/// built over fresh memory). A request of 1 KiB or more makes glibc merge
/// those lists into whole free blocks first, which later requests are cut
/// from in address order; to any other allocator it is one allocation.
#[inline(never)]
fn merge_free_memory() {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(4096)));
}
