//! The execution layer: plans, running tasks, schedulers, executors and eager mode. Built
//! on the graph layer; knows nothing of typed handles. See `README.md` beside this file.

mod chunk;
mod depth;
pub(crate) mod eager;
mod fuse;
mod marks;
mod plan;
mod pool;
pub(crate) mod progress;
pub(crate) mod quiet;
pub(crate) mod record;
mod run;
mod schedule;
mod segment;
mod size;
mod tasks;
#[cfg(test)]
mod test;

use std::sync::Arc;

pub use depth::{max_depth, set_max_depth};
pub(crate) use fuse::{Candidate, regions};
pub use plan::{Plan, TaskId};
pub use pool::ThreadPool;
pub(crate) use run::{inside_a_run, run_eagerly};
use segment::Arena;

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
    let arena = Arena::new();
    let plan = Plan::build(roots, &arena, run_nodes);
    if plan.has_tasks() {
        if inside_a_run() {
            Sequential.run(&plan);
        } else {
            let _watched = progress::Watch::force(plan.len());
            #[cfg(feature = "tracing")]
            let _span = tracing::info_span!("lazy.force", tasks = plan.len()).entered();
            schedule::current_scheduler().run(&plan);
        }
    }
    plan.into_results()
}

/// A force whose plan `drive` runs instead of a scheduler (a force across processes): it
/// may run the plan's tasks, or complete them with values computed elsewhere
/// ([`Plan::complete_with`]). Input changes wait while it runs, as for [`force`]. Returns
/// what `drive` returns and the requested values.
pub(crate) fn force_with<R>(
    roots: &[Arc<Node>],
    drive: impl FnOnce(&Plan<'_>) -> R,
) -> (R, Result<Vec<Erased>, Error>) {
    let _held = (!inside_a_run()).then(revision::hold_changes);
    let arena = Arena::new();
    let plan = Plan::build(roots, &arena, run_nodes);
    let outcome = drive(&plan);
    (outcome, plan.into_results())
}

/// A conditional's chosen `branch`, from inside the conditional's run (`conditional` names
/// it). In a plan's task, the conditional suspends: the plan adds the branch's tasks to
/// the ones it runs, and resumes the conditional when they have run (so recursion through
/// conditionals nests nothing, and a branch's tasks run in parallel like any others); the
/// value returned then is a placeholder nobody reads. Elsewhere (eager mode, a function on
/// an executor) the branch is forced here, nested. A failure unwinds with the branch's
/// error, which the conditional's run reports as its own.
pub(crate) fn branch(conditional: &'static str, node: &Arc<Node>) -> Erased {
    if run::suspend_on(node) {
        return Arc::new(());
    }
    match run::force_nested(conditional, node.key, node, run_nodes) {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(Box::new(e)),
    }
}
