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
const MERGE_AFTER: u32 = 1024;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Cells dropped since the allocator was last asked to merge.
    static DROPPED: Cell<u32> = const { Cell::new(0) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    static QUEUE: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Opens one level of nesting; true when the contents must be deferred.
/// The level is closed by dropping an [`Exit`].
pub(crate) fn enter() -> bool {
    DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get() > MAX_DEPTH
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
        let depth = DEPTH.with(|d| {
            d.set(d.get().saturating_sub(1));
            d.get()
        });
        let dropped = DROPPED.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        if depth > 0 || DRAINING.with(Cell::get) {
            return;
        }
        DRAINING.with(|f| f.set(true));
        while let Some(contents) = QUEUE.with(|q| q.borrow_mut().pop()) {
            drop(contents);
        }
        DRAINING.with(|f| f.set(false));
        gc::unlist_dead();
        if dropped >= MERGE_AFTER || DROPPED.with(Cell::get) >= MERGE_AFTER {
            DROPPED.with(|n| n.set(0));
            merge_free_memory();
        }
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
