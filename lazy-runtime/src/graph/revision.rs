//! The global revision: how many times an input cell has changed, plus one.
//!
//! Invariant: the revision only grows. A node's value records the revision as of which it
//! was computed or verified, and the revision at which it last changed.

use std::sync::atomic::{AtomicU64, Ordering};

static REVISION: AtomicU64 = AtomicU64::new(1);

/// The current revision.
pub(crate) fn current() -> u64 {
    REVISION.load(Ordering::Acquire)
}

/// Moves to the next revision and returns it.
pub(crate) fn advance() -> u64 {
    REVISION.fetch_add(1, Ordering::AcqRel) + 1
}
