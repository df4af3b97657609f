//! Runtime of the `lazy` crate: the task graph, structural keys and folding, forcing,
//! schedulers and inspection. Use it through the `lazy` facade, which adds the macros.
//!
//! A [`Lazy<T>`] is a handle to a node of a task graph. Nodes are hash-consed: building a
//! node whose [`Key`] (a blake3 digest of its operation and its inputs' keys) already
//! exists returns the existing node, so common subexpressions are shared by construction.
//! [`strict`] plans the not-yet-computed ancestors of the requested values and hands the
//! plan to a [`Scheduler`]; values are kept while someone can still ask for them.

#![warn(missing_docs)]

mod batch;
mod by_need;
mod dataflow;
mod eager;
mod error;
mod exec;
mod force;
mod input;
mod inspect;
mod key;
mod lazy;
#[doc(hidden)]
pub mod lift;
mod node;
mod op;
mod outputs;
mod spin;
mod stats;
pub mod stream;
mod table;

pub use batch::{Batch, Placeholder, batch};
pub use by_need::ByNeed;
pub use dataflow::{BindError, Dataflow};
pub use eager::{EAGER_ENV, eager, is_eager};
pub use error::{Error, ErrorKind};
pub use exec::{
    Executor, Parallel, Plan, Scheduler, Sequential, TaskId, ThreadPool, set_scheduler,
    with_scheduler,
};
pub use force::{Force, strict, try_strict};
pub use input::{Input, input};
pub use inspect::{Graph, NodeInfo, NodeState};
pub use key::{Fingerprint, FingerprintHasher, Key};
pub use lazy::{IntoLazy, Lazy, Value};
pub use outputs::Split;
pub use spin::{Spin, SpinIter, learned_ready_time};
pub use stats::{Stats, stats};

/// The graph below `x` (a [`Lazy`], a reference to one, or a tuple or vector of them),
/// for inspection; nothing is computed.
#[must_use]
pub fn graph<F: Force>(x: &F) -> Graph {
    Graph::of(x)
}

/// Items used by the code the macros generate. Not public API: no semver promises.
#[doc(hidden)]
pub mod __private {
    pub use crate::force::{Nodes, Values};
    pub use crate::lazy::{
        ArgNodes, Args, CutoffByEq, NoCutoff, Probe, Value, select, task, task_with_cutoff,
    };
    pub use crate::lift;
    pub use crate::op::Op;
    pub use crate::spin::spin_task;
}
