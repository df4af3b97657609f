//! Process-wide counters: how many nodes exist, were built, were folded, and ran, and how
//! many entries the folding table holds.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};

/// One thread's counters. Only the owning thread writes them, with a plain load and store
/// (no locked read-modify-write, which costs about 10 ns on this kind of machine and bounces
/// a shared cache line between cores); `stats` reads every thread's with relaxed loads.
#[derive(Default)]
struct Counters {
    created: AtomicU64,
    dropped: AtomicU64,
    folded: AtomicU64,
    executed: AtomicU64,
    entries_added: AtomicU64,
    entries_removed: AtomicU64,
    fused_passes: AtomicU64,
    fused_operations: AtomicU64,
    buffers_allocated: AtomicU64,
    buffers_reused: AtomicU64,
    buffers_lent: AtomicU64,
}

/// Every thread's counters, kept after the thread exits so that totals never go back.
static ALL: Mutex<Vec<Arc<Counters>>> = Mutex::new(Vec::new());

thread_local! {
    static MINE: Arc<Counters> = {
        let counters = Arc::new(Counters::default());
        ALL.lock().unwrap_or_else(PoisonError::into_inner).push(Arc::clone(&counters));
        counters
    };
}

fn bump(field: fn(&Counters) -> &AtomicU64) {
    // During thread teardown the counters may be gone; a count lost then is harmless.
    let _ = MINE.try_with(|c| {
        let counter = field(c);
        counter.store(counter.load(Relaxed) + 1, Relaxed);
    });
}

pub(crate) fn node_created() {
    bump(|c| &c.created);
}

pub(crate) fn node_dropped() {
    bump(|c| &c.dropped);
}

pub(crate) fn folded() {
    bump(|c| &c.folded);
}

pub(crate) fn executed() {
    bump(|c| &c.executed);
}

pub(crate) fn entry_added() {
    bump(|c| &c.entries_added);
}

pub(crate) fn entry_removed() {
    bump(|c| &c.entries_removed);
}

/// A fused region ran its pass over memory.
pub(crate) fn fused_pass() {
    bump(|c| &c.fused_passes);
}

/// An element-wise operation was computed inside a fused region instead of as a task.
pub(crate) fn fused_operation() {
    bump(|c| &c.fused_operations);
}

/// A fused region wrote its result into a fresh buffer.
pub(crate) fn buffer_allocated() {
    bump(|c| &c.buffers_allocated);
}

/// A fused region wrote its result into the buffer of an input that died with it.
pub(crate) fn buffer_reused() {
    bump(|c| &c.buffers_reused);
}

/// A fused region wrote its result into a buffer lent by `Lazy::force_into`.
pub(crate) fn buffer_lent() {
    bump(|c| &c.buffers_lent);
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
    /// Entries in the folding table, the index from structural key to node that makes
    /// equal nodes one. A node that can fold (every node but opaque leaves, input cells and
    /// impure tasks) has one while it lives, so with no node alive this is zero.
    pub table_entries: u64,
    /// Passes over memory made by fused regions of element-wise array operations: one per
    /// region run (see `docs/arrays.md`).
    pub fused_passes: u64,
    /// Element-wise operations computed inside fused regions, where they run as steps of
    /// the region's pass rather than as tasks of their own.
    pub fused_operations: u64,
    /// Result buffers fused regions allocated.
    pub buffers_allocated: u64,
    /// Result buffers fused regions took over from an input that died with them.
    pub buffers_reused: u64,
    /// Fused regions that wrote their result into a buffer lent by `Lazy::force_into`.
    pub buffers_lent: u64,
}

/// The process-wide counters.
///
/// # Examples
///
/// ```
/// let before = lazy_runtime::inspect::stats();
/// let x = lazy_runtime::Lazy::new(12_345_678_u64);
/// let y = lazy_runtime::Lazy::new(12_345_678_u64);
/// assert!(lazy_runtime::inspect::stats().folds > before.folds);
/// // One node, so one folding-table entry, at least while `x` lives.
/// assert!(lazy_runtime::inspect::stats().table_entries >= 1);
/// # drop((x, y));
/// ```
#[must_use]
pub fn stats() -> Stats {
    let all = ALL.lock().unwrap_or_else(PoisonError::into_inner);
    let sum = |field: fn(&Counters) -> &AtomicU64| -> u64 {
        all.iter().map(|c| field(c).load(Relaxed)).sum()
    };
    let created = sum(|c| &c.created);
    let dropped = sum(|c| &c.dropped);
    Stats {
        live_nodes: created.saturating_sub(dropped),
        nodes_created: created,
        folds: sum(|c| &c.folded),
        tasks_executed: sum(|c| &c.executed),
        table_entries: sum(|c| &c.entries_added).saturating_sub(sum(|c| &c.entries_removed)),
        fused_passes: sum(|c| &c.fused_passes),
        fused_operations: sum(|c| &c.fused_operations),
        buffers_allocated: sum(|c| &c.buffers_allocated),
        buffers_reused: sum(|c| &c.buffers_reused),
        buffers_lent: sum(|c| &c.buffers_lent),
    }
}

/// The counters of the calling thread alone: what it built, folded and ran, whatever other
/// threads do meanwhile. `live_nodes` and `table_entries` count this thread's creations
/// and entries less its own drops and removals, so they mean little for nodes that other
/// threads drop.
#[must_use]
pub fn thread_stats() -> Stats {
    MINE.with(|c| {
        let created = c.created.load(Relaxed);
        Stats {
            live_nodes: created.saturating_sub(c.dropped.load(Relaxed)),
            nodes_created: created,
            folds: c.folded.load(Relaxed),
            tasks_executed: c.executed.load(Relaxed),
            table_entries: c
                .entries_added
                .load(Relaxed)
                .saturating_sub(c.entries_removed.load(Relaxed)),
            fused_passes: c.fused_passes.load(Relaxed),
            fused_operations: c.fused_operations.load(Relaxed),
            buffers_allocated: c.buffers_allocated.load(Relaxed),
            buffers_reused: c.buffers_reused.load(Relaxed),
            buffers_lent: c.buffers_lent.load(Relaxed),
        }
    })
}
