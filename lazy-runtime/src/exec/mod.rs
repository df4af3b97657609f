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

use std::sync::Arc;

pub use plan::{Plan, TaskId};
pub use pool::ThreadPool;
pub(crate) use run::{inside_a_run, run_eagerly};
pub use schedule::{Parallel, Scheduler, Sequential, set_scheduler, with_scheduler};

use crate::error::Error;
use crate::graph::{Erased, Node, revision};

/// How many times a force runs again, because an input cell changed while it ran, before
/// it holds changes off for its last try.
const RETRIES: u32 = 3;

/// A force: computes `roots` and returns their values in order, all computed from one
/// revision of every input cell they read.
///
/// A change of an input while the force runs may leave it with values from before and
/// after the change, so it runs again (what did not change is not recomputed, so a force
/// that an unrelated change disturbed runs no task the second time); after [`RETRIES`]
/// tries it keeps changes waiting while it runs. A failure is returned as it is: running
/// a failed task again would only repeat it. A force from inside a run is
/// part of the force that started that run, which checks for both.
pub(crate) fn force(roots: &[Arc<Node>]) -> Result<Vec<Erased>, Error> {
    if inside_a_run() {
        return run_nodes(roots);
    }
    for _ in 0..RETRIES {
        let point = revision::quiet_point();
        let values = run_nodes(roots)?;
        if revision::unchanged_since(point) {
            return Ok(values);
        }
    }
    let _held = revision::hold_changes();
    run_nodes(roots)
}

/// Computes `roots` and returns their values in order: with the current scheduler, or on
/// this thread if it is inside a run (see [`inside_a_run`]): a worker that waits for the
/// pool while it holds a claimed run could wait for itself, or, with every worker doing
/// so, deadlock.
pub(crate) fn run_nodes(roots: &[Arc<Node>]) -> Result<Vec<Erased>, Error> {
    let plan = Plan::build(roots);
    if plan.has_tasks() {
        if inside_a_run() {
            Sequential.run(&plan);
        } else {
            schedule::current_scheduler().run(&plan);
        }
    }
    plan.into_results()
}

/// Forces a node from inside a running task (a conditional's branch). A failure unwinds
/// with the original error, which the enclosing task reports as its own.
pub(crate) fn force_in_task(node: &Arc<Node>) -> Erased {
    match run_nodes(std::slice::from_ref(node)) {
        Ok(mut values) => values.pop().expect("one value per root"),
        Err(e) => std::panic::resume_unwind(Box::new(e)),
    }
}
