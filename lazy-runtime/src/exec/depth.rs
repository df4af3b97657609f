//! How deep recursion through conditionals may go: the limit, and the count of branch
//! forces nested on one thread.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

/// The default of [`max_depth`]: deep enough for any recursion that terminates in
/// reasonable memory (each level costs a few kilobytes), shallow enough to fail within a
/// second when it does not.
const DEFAULT_MAX_DEPTH: u32 = 10_000;

/// 0 until set: then [`DEFAULT_MAX_DEPTH`], or `LAZY_MAX_DEPTH`.
static MAX_DEPTH: AtomicU32 = AtomicU32::new(0);

thread_local! {
    /// How many conditionals' branches this thread is forcing, one inside the other.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// How many conditionals may wait for a branch one inside the other (recursion through a
/// lazy `if`): `LAZY_MAX_DEPTH` if set, else 10,000. Past it, the force fails with
/// [`ErrorKind::TooDeep`](crate::ErrorKind::TooDeep) naming the conditional.
pub fn max_depth() -> u32 {
    match MAX_DEPTH.load(Ordering::Relaxed) {
        0 => {
            let depth = std::env::var("LAZY_MAX_DEPTH")
                .ok()
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|&d| d > 0)
                .unwrap_or(DEFAULT_MAX_DEPTH);
            MAX_DEPTH.store(depth, Ordering::Relaxed);
            depth
        }
        depth => depth,
    }
}

/// Sets [`max_depth`] for the whole process (at least 1).
pub fn set_max_depth(depth: u32) {
    MAX_DEPTH.store(depth.max(1), Ordering::Relaxed);
}

/// How many branch forces this thread is inside.
pub(super) fn current() -> u32 {
    DEPTH.with(Cell::get)
}

/// Counts one nested branch force on this thread while it lives, also when it unwinds.
pub(super) struct Nested(());

impl Nested {
    /// Enters one more nested branch force, or `None` past [`max_depth`].
    pub(super) fn enter() -> Option<Nested> {
        let depth = current() + 1;
        if depth > max_depth() {
            return None;
        }
        DEPTH.with(|d| d.set(depth));
        Some(Nested(()))
    }
}

impl Drop for Nested {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}
