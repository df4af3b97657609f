//! The global revision: how many times an input cell has changed, plus one; and the
//! sequence that lets a force tell whether a change happened while it ran.
//!
//! Invariants:
//! - the revision only grows. A node's value records the revision as of which it was
//!   computed or verified, and the revision at which it last changed;
//! - changes are serialised, and `SEQUENCE` is odd exactly while one is in progress (from
//!   before the revision moves until every dependent is marked stale), so a force that
//!   saw the same even sequence before and after it ran saw no change at all.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

static REVISION: AtomicU64 = AtomicU64::new(1);
static SEQUENCE: AtomicU64 = AtomicU64::new(0);
static CHANGES: Mutex<()> = Mutex::new(());

/// The current revision.
pub(crate) fn current() -> u64 {
    REVISION.load(Ordering::Acquire)
}

/// Moves to the next revision and returns it. Called only inside a [`Change`].
pub(crate) fn advance() -> u64 {
    REVISION.fetch_add(1, Ordering::AcqRel) + 1
}

/// A change of input cells in progress: changes wait for each other and for forces that
/// hold them off ([`hold_changes`]).
pub(crate) struct Change {
    _turn: MutexGuard<'static, ()>,
    published: bool,
}

/// Begins a possible change: it has its turn, and ends when the value is dropped. Forces
/// see it only once it is [published](Change::publish), so setting a cell to the value it
/// has disturbs none.
pub(crate) fn begin_change() -> Change {
    let turn = CHANGES.lock().unwrap_or_else(PoisonError::into_inner);
    Change {
        _turn: turn,
        published: false,
    }
}

impl Change {
    /// Makes the change visible to forces: from now until it ends, the sequence is odd.
    /// Called before the revision moves.
    pub(crate) fn publish(&mut self) {
        if !std::mem::replace(&mut self.published, true) {
            SEQUENCE.fetch_add(1, Ordering::AcqRel);
        }
    }
}

impl Drop for Change {
    fn drop(&mut self) {
        if self.published {
            SEQUENCE.fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// A point at which no change is in progress, to compare with [`unchanged_since`].
pub(crate) fn quiet_point() -> u64 {
    loop {
        let seen = SEQUENCE.load(Ordering::Acquire);
        if seen.is_multiple_of(2) {
            return seen;
        }
        std::thread::yield_now();
    }
}

/// Whether no change began since `point`.
pub(crate) fn unchanged_since(point: u64) -> bool {
    SEQUENCE.load(Ordering::Acquire) == point
}

/// Keeps changes from starting until the guard is dropped.
pub(crate) fn hold_changes() -> MutexGuard<'static, ()> {
    CHANGES.lock().unwrap_or_else(PoisonError::into_inner)
}
