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

/// How deep drops may nest before contents are queued instead.
const MAX_DEPTH: u32 = 64;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
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
        if depth > 0 || DRAINING.with(Cell::get) {
            return;
        }
        DRAINING.with(|f| f.set(true));
        while let Some(contents) = QUEUE.with(|q| q.borrow_mut().pop()) {
            drop(contents);
        }
        DRAINING.with(|f| f.set(false));
    }
}
