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
pub(crate) use run::run_eagerly;
pub use schedule::{Parallel, Scheduler, Sequential, set_scheduler, with_scheduler};

use crate::error::Error;
use crate::graph::{Erased, Node};

/// Computes `roots` with the current scheduler and returns their values in order.
pub(crate) fn run_nodes(roots: &[Arc<Node>]) -> Result<Vec<Erased>, Error> {
    let plan = Plan::build(roots);
    if plan.has_tasks() {
        schedule::current_scheduler().run(&plan);
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
