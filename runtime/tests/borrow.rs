//! The borrow record of `borrow.rs` (what this thread borrows, so that a
//! same-thread conflict is an error and not a hang), driven over plain
//! locks through its hidden test face, `pyslots_runtime::__private::borrow_testing`.
//! Each test runs on a thread of its own, so it starts with this thread's
//! record empty.

use pyslots_runtime::__private::borrow_testing::*;
use pyslots_runtime::{Error, PyRef, PyRefMut};

fn message<R>(r: Result<R, Error>) -> String {
    match r {
        Ok(_) => "no conflict".to_string(),
        Err(e) => e.to_string(),
    }
}

/// Nothing borrowed: the word is empty, and so is the record.
fn assert_borrows_nothing() {
    assert_eq!(word(), 0);
    assert_eq!(len(), 0);
    assert_eq!(more_len(), 0);
}

#[test]
fn one_borrow_is_the_word() {
    let a = Lock::new(1u8);
    assert_borrows_nothing();
    let r = try_read(&a).unwrap();
    assert_eq!((word(), len()), (address(&a), 0));
    drop(r);
    assert_borrows_nothing();
    let w = try_write(&a).unwrap();
    assert_eq!((word(), len()), (address(&a) | WRITE, 0));
    drop(w);
    assert_borrows_nothing();
    assert!(!a.is_locked());
}

#[test]
fn a_second_object_moves_the_word_to_the_record_released_in_either_order() {
    let (a, b) = (Lock::new(1u8), Lock::new(2u8));
    for a_first in [true, false] {
        let ra = try_read(&a).unwrap();
        let mut wb = try_write(&b).unwrap();
        *wb += 1;
        assert_eq!(word(), IN_RECORD);
        assert_eq!(record(), [(address(&a), 1), (address(&b), WRITING)]);
        assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
        assert_eq!(message(try_read(&b)), ALREADY_MUTABLY_BORROWED);
        if a_first {
            drop(ra);
            assert_eq!(record(), [(address(&b), WRITING)]);
            assert_eq!(message(try_read(&b)), ALREADY_MUTABLY_BORROWED);
            drop(try_write(&a).unwrap());
            drop(wb);
        } else {
            drop(wb);
            assert_eq!(record(), [(address(&a), 1)]);
            assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
            drop(try_write(&b).unwrap());
            drop(ra);
        }
        assert_borrows_nothing();
        assert!(!a.is_locked() && !b.is_locked());
    }
    // The word serves the next borrow again.
    let w = try_write(&b).unwrap();
    assert_eq!((*w, word()), (4, address(&b) | WRITE));
}

#[test]
fn reentrant_reads_of_the_word_count_in_the_record() {
    let a = Lock::new(1u8);
    let first = try_read(&a).unwrap();
    let reads: Vec<_> = (0..3).map(|_| try_read(&a).unwrap()).collect();
    assert_eq!(word(), IN_RECORD);
    assert_eq!(record(), [(address(&a), 4)]);
    assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
    assert_eq!(reads.iter().map(|r| **r).sum::<u8>() + *first, 4);
    // The first read ends before the others: they still count.
    drop(first);
    assert_eq!(record(), [(address(&a), 3)]);
    assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
    drop(reads);
    assert_borrows_nothing();
    assert!(!a.is_locked());
    drop(try_write(&a).unwrap());
}

#[test]
fn conflicts_with_the_word() {
    let a = Lock::new(1u8);
    let r = try_read(&a).unwrap();
    assert_eq!(message(try_write(&a)), ALREADY_BORROWED);
    // The failed write left the read as it was, now in the record.
    assert_eq!(record(), [(address(&a), 1)]);
    drop(r);
    assert_borrows_nothing();
    assert!(!a.is_locked());
    let w = try_write(&a).unwrap();
    assert_eq!(message(try_read(&a)), ALREADY_MUTABLY_BORROWED);
    assert_eq!(message(try_write(&a)), ALREADY_MUTABLY_BORROWED);
    assert_eq!(record(), [(address(&a), WRITING)]);
    drop(w);
    assert_borrows_nothing();
    assert!(!a.is_locked());
}

#[test]
fn more_objects_than_inline_entries() {
    let locks: Vec<Lock<u8>> = (0..INLINE + 3).map(|_| Lock::new(0)).collect();
    let mut reads: Vec<_> = locks[..INLINE + 2].iter().map(|l| Some(try_read(l).unwrap())).collect();
    let last = &locks[INLINE + 2];
    let w = try_write(last).unwrap();
    assert_eq!(len(), INLINE + 3);
    assert_eq!(more_len(), 3);
    // Conflicts and re-entrant reads, inline and in the overflow.
    assert_eq!(message(try_write(&locks[0])), ALREADY_BORROWED);
    assert_eq!(message(try_read(last)), ALREADY_MUTABLY_BORROWED);
    let again = [try_read(&locks[1]).unwrap(), try_read(&locks[INLINE + 1]).unwrap()];
    assert!(record().contains(&(address(&locks[1]), 2)));
    assert!(record().contains(&(address(&locks[INLINE + 1]), 2)));
    drop(again);
    // Inline entries end while the overflow is in use: the overflow
    // fills their places, nothing is lost, and the record empties.
    for i in 0..INLINE {
        reads[i] = None;
        assert_eq!(len(), INLINE + 2 - i);
        assert!(!record().iter().any(|e| e.0 == address(&locks[i]) || e.0 == 0));
        assert_eq!(message(try_write(&locks[INLINE])), ALREADY_BORROWED);
    }
    assert_eq!(message(try_read(last)), ALREADY_MUTABLY_BORROWED);
    drop(w);
    drop(reads);
    assert_borrows_nothing();
    assert!(locks.iter().all(|l| !l.is_locked()));
    let r = try_read(&locks[0]).unwrap();
    assert_eq!(word(), address(&locks[0]));
    drop(r);
}

/// A guard of either kind, held by the random test below.
enum Held<'a> {
    Read(#[allow(dead_code)] PyRef<'a, u8>),
    Write(#[allow(dead_code)] PyRefMut<'a, u8>),
}

#[test]
fn random_borrows_agree_with_a_model() {
    random_borrows(0x9e37_79b9_7f4a_7c15, false);
}

#[test]
fn random_borrows_inside_a_gil_scope_agree_with_a_model() {
    // The same, each borrow's flag changed with plain stores under the
    // scope's lock, and the guards dropped inside it.
    pyslots_runtime::gil::with_gil(|| random_borrows(0x2545_f491_4f6c_dd1d, false));
}

#[test]
fn random_borrows_in_and_out_of_scopes_agree_with_a_model() {
    // Guards taken in one scope and dropped outside it or in another.
    random_borrows(0x1234_5678_9abc_def1, true);
}

/// Random reads, writes and releases in any order over more objects than
/// the record holds inline, against a model of `RefCell`'s rules for what
/// this thread holds: every outcome, every cell's flag, and the word going
/// back to serving one borrow once nothing is held. With `scoped`, half
/// the steps run inside a GIL scope, so guards taken in one scope drop
/// outside it or in another.
fn random_borrows(seed: u64, scoped: bool) {
    let locks: Vec<Lock<u8>> = (0..INLINE + 4).map(|i| Lock::new(i as u8)).collect();
    let mut state = seed;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut readers, mut writing) = (vec![0u32; locks.len()], vec![false; locks.len()]);
    let mut held: Vec<(usize, Held<'_>)> = Vec::new();
    let (mut emptied, mut most) = (0, 0);
    for step in 0..50_000 {
        // Few objects most of the time, so that borrows nest and
        // conflict; all of them now and then, past the inline record.
        let i = next(if step % 1000 < 100 { locks.len() } else { 3 });
        let step_in_scope = scoped && next(2) == 0;
        let mut body = || match next(5) {
            0 | 1 => {
                let got = try_read(&locks[i]).map(Held::Read);
                let want = if writing[i] { Err(ALREADY_MUTABLY_BORROWED) } else { Ok(()) };
                assert_eq!(got.as_ref().map(|_| ()).map_err(|e| e.to_string()), want.map_err(str::to_owned));
                if let Ok(g) = got {
                    readers[i] += 1;
                    held.push((i, g));
                }
            }
            2 => {
                let got = try_write(&locks[i]).map(Held::Write);
                let want = match (writing[i], readers[i]) {
                    (true, _) => Err(ALREADY_MUTABLY_BORROWED),
                    (false, 0) => Ok(()),
                    (false, _) => Err(ALREADY_BORROWED),
                };
                assert_eq!(got.as_ref().map(|_| ()).map_err(|e| e.to_string()), want.map_err(str::to_owned));
                if let Ok(g) = got {
                    writing[i] = true;
                    held.push((i, g));
                }
            }
            _ if !held.is_empty() => {
                let (j, g) = held.swap_remove(next(held.len()));
                match g {
                    Held::Read(_) => readers[j] -= 1,
                    Held::Write(_) => writing[j] = false,
                }
                drop(g);
            }
            _ => {}
        };
        if step_in_scope {
            pyslots_runtime::gil::with_gil(&mut body);
        } else {
            body();
        }
        for (k, lock) in locks.iter().enumerate() {
            assert_eq!(lock.is_locked(), readers[k] > 0 || writing[k], "step {step}");
            let flag = if writing[k] { usize::MAX } else { readers[k] as usize };
            assert_eq!(lock.flag(), flag, "step {step}");
        }
        let recorded = if word() == IN_RECORD { len() } else { usize::from(word() != 0) };
        let objects = (0..locks.len()).filter(|&k| readers[k] > 0 || writing[k]).count();
        assert_eq!(recorded, objects, "step {step}: one entry per object held");
        most = most.max(objects);
        if held.is_empty() {
            assert_borrows_nothing();
            emptied += 1;
        }
    }
    assert!(emptied > 300, "the run empties the record often ({emptied})");
    assert!(most > INLINE, "the run holds more objects than the inline record ({most})");
    drop(held);
    assert_borrows_nothing();
}
