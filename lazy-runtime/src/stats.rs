//! Process-wide counters: how many nodes exist, were built, were folded, and ran.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

static CREATED: AtomicU64 = AtomicU64::new(0);
static DROPPED: AtomicU64 = AtomicU64::new(0);
static FOLDED: AtomicU64 = AtomicU64::new(0);
static EXECUTED: AtomicU64 = AtomicU64::new(0);

pub(crate) fn node_created() {
    CREATED.fetch_add(1, Relaxed);
}

pub(crate) fn node_dropped() {
    DROPPED.fetch_add(1, Relaxed);
}

pub(crate) fn folded() {
    FOLDED.fetch_add(1, Relaxed);
}

pub(crate) fn executed() {
    EXECUTED.fetch_add(1, Relaxed);
}

/// A snapshot of the process-wide counters, from [`stats`].
///
/// The counters are shared by every thread of the process; compare two snapshots taken
/// around the code you are interested in, and keep other threads quiet meanwhile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// Nodes alive now.
    pub live_nodes: u64,
    /// Nodes built since the process started.
    pub nodes_created: u64,
    /// Times building a node returned an existing one.
    pub folds: u64,
    /// Tasks run.
    pub tasks_executed: u64,
}

/// The process-wide counters.
///
/// # Examples
///
/// ```
/// let before = lazy_runtime::stats();
/// let x = lazy_runtime::Lazy::new(12_345_678_u64);
/// let y = lazy_runtime::Lazy::new(12_345_678_u64);
/// assert!(lazy_runtime::stats().folds > before.folds);
/// # drop((x, y));
/// ```
#[must_use]
pub fn stats() -> Stats {
    let created = CREATED.load(Relaxed);
    let dropped = DROPPED.load(Relaxed);
    Stats {
        live_nodes: created.saturating_sub(dropped),
        nodes_created: created,
        folds: FOLDED.load(Relaxed),
        tasks_executed: EXECUTED.load(Relaxed),
    }
}
