//! The global revision: how many times an input cell has changed, plus one; and the lock
//! that keeps changes of input cells and forces apart.
//!
//! Invariants:
//! - the revision only grows. A node's value records the revision as of which it was
//!   computed or verified, and the revision at which it last changed;
//! - a change (a cell's new value, and marking its dependents stale) happens only while no
//!   force from user code runs, so every force reads one revision of every input cell.
//!   Forces run together; a change waits for the forces running, and forces that begin
//!   while a change waits wait for it in turn (the lock prefers writers), as salsa's `set`
//!   waits for the queries in flight.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

static REVISION: AtomicU64 = AtomicU64::new(1);
static CHANGES: RwLock<()> = RwLock::new(());

/// The current revision.
pub(crate) fn current() -> u64 {
    REVISION.load(Ordering::Acquire)
}

/// Moves to the next revision and returns it. Called only during a [`Change`].
pub(crate) fn advance() -> u64 {
    REVISION.fetch_add(1, Ordering::AcqRel) + 1
}

/// A change of input cells in progress; no force from user code runs meanwhile.
pub(crate) struct Change {
    _turn: RwLockWriteGuard<'static, ()>,
}

/// Begins a change, once the forces running have finished; it ends when dropped.
pub(crate) fn begin_change() -> Change {
    Change {
        _turn: CHANGES.write().unwrap_or_else(PoisonError::into_inner),
    }
}

/// Keeps changes from starting while a force runs (see the module docs).
pub(crate) fn hold_changes() -> RwLockReadGuard<'static, ()> {
    CHANGES.read().unwrap_or_else(PoisonError::into_inner)
}
