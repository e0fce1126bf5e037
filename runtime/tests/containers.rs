//! A list's own lock and the global interpreter lock: a thread holding
//! the global lock never blocks on a container's lock, so a thread that
//! holds a container's lock and then needs the global lock always gets
//! it. Driven through the list's hidden test face,
//! `pyslots_runtime::__private::list_testing`, which holds the list's
//! lock across other work (no public operation does).

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use pyslots_runtime::__private::list_testing::with_items_locked;
use pyslots_runtime::{gil, PyList};

#[test]
fn a_thread_in_a_scope_lets_the_gil_go_while_it_waits_for_a_list() {
    let list = PyList::new();
    list.push(1);
    let (locked_tx, locked_rx) = mpsc::channel();
    let holder = {
        let list = list.clone();
        thread::spawn(move || {
            with_items_locked(&list, || {
                locked_tx.send(()).unwrap();
                // Let the other thread take the global lock and wait for
                // this list, then need the global lock while holding it.
                thread::sleep(Duration::from_millis(100));
                gil::with_gil(|| ());
            });
        })
    };
    locked_rx.recv().unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    let reader = {
        let list = list.clone();
        thread::spawn(move || {
            let len = gil::with_gil(|| list.len());
            done_tx.send(len).unwrap();
        })
    };
    // Before the global lock was let go around a container's lock, the
    // reader held it while waiting for the list, and the holder waited for
    // it while holding the list: a deadlock, which this times out on.
    let len = done_rx.recv_timeout(Duration::from_secs(30)).expect("deadlock: the reader never finished");
    assert_eq!(len, 1);
    holder.join().unwrap();
    reader.join().unwrap();
}
