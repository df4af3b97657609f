//! The execution layer: plans, running tasks, schedulers, executors and eager mode. Built
//! on the graph layer; knows nothing of typed handles. See `README.md` beside this file.

pub(crate) mod eager;
mod marks;
mod plan;
mod pool;
mod run;
mod schedule;
#[cfg(test)]
mod test;

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

pub use plan::{Plan, TaskId};
pub use pool::ThreadPool;
pub(crate) use run::{inside_a_run, run_eagerly};

pub use schedule::{Parallel, Scheduler, Sequential, set_scheduler, with_scheduler};

use crate::error::{Error, ErrorKind};
use crate::graph::{Erased, Node, revision};

/// A force: computes `roots` and returns their values in order, all computed from one
/// revision of every input cell they read: input changes wait while it runs (see
/// `graph::revision`). A force from inside a run is part of the force that started that
/// run, which holds changes off already.
pub(crate) fn force(roots: &[Arc<Node>]) -> Result<Vec<Erased>, Error> {
    if inside_a_run() {
        return run_nodes(roots);
    }
    let _held = revision::hold_changes();
    run_nodes(roots)
}

/// Computes `roots` and returns their values in order: with the current scheduler, or on
/// this thread if it is inside a run (see [`inside_a_run`]): a worker that waits for the
/// pool while it holds a claimed run could wait for itself, or, with every worker doing
/// so, deadlock.
pub(crate) fn run_nodes(roots: &[Arc<Node>]) -> Result<Vec<Erased>, Error> {
    let plan = Plan::build(roots, run_nodes);
    if plan.has_tasks() {
        if inside_a_run() {
            Sequential.run(&plan);
        } else {
            schedule::current_scheduler().run(&plan);
        }
    }
    plan.into_results()
}

/// The default of [`max_depth`]: deep enough for any recursion that terminates in
/// reasonable memory (each level costs a few kilobytes of stack), shallow enough to fail
/// within a second when it does not.
const DEFAULT_MAX_DEPTH: u32 = 10_000;

/// 0 until set: then [`DEFAULT_MAX_DEPTH`], or `LAZY_MAX_DEPTH`.
static MAX_DEPTH: AtomicU32 = AtomicU32::new(0);

thread_local! {
    /// How many conditionals' branches this thread is forcing, one inside the other.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// How many conditionals' branches one thread may force one inside the other (recursion
/// through a lazy `if`): `LAZY_MAX_DEPTH` if set, else 10,000. Past it, the force fails
/// with [`ErrorKind::TooDeep`](crate::ErrorKind::TooDeep).
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

/// The stack left below which a branch's force moves to a new stack segment, and the
/// segment's size: a level of recursion through a conditional takes a few kilobytes, and
/// rayon's workers have 2 MiB stacks.
const RED_ZONE: usize = 128 * 1024;
const SEGMENT: usize = 2 * 1024 * 1024;

/// Forces the branch `node` of the conditional `conditional` from inside the conditional's
/// run. A failure unwinds with the original error, which the conditional's run reports as
/// its own. Recursion through conditionals nests these forces on one thread: each runs on
/// a fresh stack segment when the stack runs low, and past [`max_depth`] of them the force
/// fails naming the conditional.
pub(crate) fn force_branch(conditional: &'static str, node: &Arc<Node>) -> Erased {
    let depth = DEPTH.with(Cell::get) + 1;
    let limit = max_depth();
    if depth > limit {
        let error = Error::new(conditional, node.key, ErrorKind::TooDeep(limit));
        std::panic::resume_unwind(Box::new(error));
    }
    DEPTH.with(|d| d.set(depth));
    let _depth = Depth;
    let result = stacker::maybe_grow(RED_ZONE, SEGMENT, || run_nodes(std::slice::from_ref(node)));
    match result {
        Ok(mut values) => values.pop().expect("one value per root"),
        Err(e) => std::panic::resume_unwind(Box::new(e)),
    }
}

/// Counts one nested branch force while it lives, also when it unwinds.
struct Depth;

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}
