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

/// Forces a node from inside a running task (a conditional's branch). A failure unwinds
/// with the original error, which the enclosing task reports as its own.
pub(crate) fn force_in_task(node: &Arc<Node>) -> Erased {
    match run_nodes(std::slice::from_ref(node)) {
        Ok(mut values) => values.pop().expect("one value per root"),
        Err(e) => std::panic::resume_unwind(Box::new(e)),
    }
}
