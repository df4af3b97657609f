//! Runtime of the `lazy` crate: the task graph, structural keys and folding, forcing,
//! schedulers and inspection. Use it through the `lazy` facade, which adds the macros.
//!
//! A [`Lazy<T>`] is a handle to a node of a task graph. Nodes are hash-consed: building a
//! node whose [`Key`] (a blake3 digest of its operation and its inputs' keys) already
//! exists returns the existing node, so common subexpressions are shared by construction.
//! [`strict`] plans the not-yet-computed ancestors of the requested values and hands the
//! plan to a [`Scheduler`](scheduling::Scheduler); values are kept while someone can still
//! ask for them.
//!
//! # Layers
//!
//! Modules import downwards only, and no two files import each other, directly or round a
//! circle (`tests/layers.rs` checks it; `docs/architecture.md` has the life of a node):
//!
//! ```text
//! 5  lift (rewritten-body support)   inspect   input   batch   outputs   spin
//!        |                              |        |       |        |        |
//! 4  task (building task nodes) -> force (strict, Force) -> lazy (Lazy<T>, IntoLazy, Value)
//!        |
//! 3  exec: force (mod) -> schedule -> plan + marks (building plans) -> run (one task);
//!        |        eager -> force, run;  pool
//! 2  graph: transitions -> node (counters, the folding table's instance) -> state,
//!        |        table (folding, generic), inputs (generic), value;  revision;  executor
//!        |
//! 1  key (Key, Fingerprint)   op (Op and the per-operation registry)   error   stats
//!
//!    oz: by-need values, dataflow variables, streams; on their own suspensions, beside it all
//!    persist: the disk cache (index, object files, codecs); on its own, imports nothing else
//! ```

#![warn(missing_docs)]

mod batch;
mod error;
mod exec;
mod force;
mod graph;
mod input;
pub mod inspect;
mod key;
mod lazy;
#[doc(hidden)]
pub mod lift;
mod op;
mod outputs;
pub mod oz;
pub mod persist;
pub mod spin;
mod stats;
pub mod task;

pub use batch::{Batch, Placeholder, batch};
pub use error::{Error, ErrorKind};
pub use exec::eager::eager;
pub use force::{Force, strict, try_strict};
pub use input::{Input, input};
pub use inspect::Graph;
pub use key::{Fingerprint, FingerprintHasher, Key};
pub use lazy::{IntoLazy, Lazy, Value};
pub use outputs::Split;
pub use oz::stream;

/// Choosing how forces run: the scheduler protocol, the built-in schedulers, per-node
/// executors, and eager mode.
pub mod scheduling {
    pub use crate::exec::eager::{EAGER_ENV, eager, is_eager};
    pub use crate::exec::{
        Parallel, Plan, Scheduler, Sequential, TaskId, ThreadPool, max_depth, set_max_depth,
        set_scheduler, with_scheduler,
    };
    pub use crate::graph::Executor;
}

/// The graph below `x` (a [`Lazy`], a reference to one, or a tuple or vector of them),
/// for inspection; nothing is computed.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, graph};
///
/// let a = Lazy::new(1_i64);
/// let b = Lazy::new(2_i64);
/// assert_eq!(graph(&(&a, &b)).node_count(), 2);
/// ```
#[must_use]
pub fn graph<F: Force>(x: &F) -> Graph {
    Graph::of(x)
}

/// Items used by the code the macros generate. Not public API: no semver promises.
#[doc(hidden)]
pub mod __private {
    pub use crate::force::{Nodes, Values};
    pub use crate::lift;
    pub use crate::lift::{Captures, CutoffByEq, NoCutoff, Probe, select, select_in};
    pub use crate::spin::spin_task;
    pub use crate::task::{ArgNodes, Args, Op, task, task_with_cutoff};
    pub use crate::{Lazy, Value};
}
