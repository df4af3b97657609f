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
//!    pages (huge-page advice for large buffers)
//!
//!    cmp (comparisons as nodes, above lift);  collect (collections of Lazy, above task);
//!    oz: by-need values, dataflow variables, streams; on their own suspensions, beside it all
//!    persist: the disk cache (index, object files, codecs); on its own, imports only pages
//! ```

#![warn(missing_docs)]

mod batch;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod cmp;
mod collect;
mod elementwise;
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
mod names;
pub mod observe;
mod op;
mod outputs;
pub mod oz;
mod pages;
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

/// The memo store: values released by their nodes, kept by key within a byte budget, so
/// that a node built again later takes its value instead of running (`docs/caching.md`).
///
/// A value goes to the store when nothing can ask for it any more (its last handle is
/// dropped, its last reader has read it); a node built later with the same key finds it
/// there when a force plans it. What is kept is chosen per operation ([`Memo`](memo::Memo)): `#[lazy]`
/// functions always, task-API operations when a run takes a microsecond or more, and
/// `#[lazy(no_memo)]` functions never. Under the budget ([`set_budget`](memo::set_budget), [`BUDGET_ENV`](memo::BUDGET_ENV),
/// [`DEFAULT_BUDGET`](memo::DEFAULT_BUDGET)), eviction keeps what is expensive to recompute per byte
/// (GreedyDual-Size). [`Lazy::persist`] pins a value beyond the budget.
///
/// # Examples
///
/// ```
/// use lazy_runtime::task::{Memo, Op, task};
/// use lazy_runtime::{Lazy, memo};
///
/// let op = Op::function("doc::memo::double").memo(Memo::Always);
/// let double = |x: u64| task(op, (Lazy::new(x),), |(x,): (u64,)| x * 2);
/// assert_eq!(double(4).get(), 8); // runs, and its value goes to the store
/// let again = double(4); // a new node with the same key
/// assert_eq!(again.get(), 8); // taken from the store
/// assert_eq!(lazy_runtime::graph(&again).nodes()[1].runs, 0);
/// assert!(memo::stats().hits >= 1);
/// ```
pub mod memo {
    pub use crate::graph::memo::{
        BUDGET_ENV, DEFAULT_BUDGET, MemoSize, MemoStats, budget, clear, register_size, set_budget,
        stats,
    };
    pub use crate::op::Memo;
}

/// What element-wise array methods compute per element where it is not the standard
/// library's function: `.tanh()` of an owned `f64` or `f32` array in an
/// `#[autodask(inline)]` body, fused or not, applies these (within 2 units in the last
/// place of the exact result; see `docs/arrays.md`). Use them to compute the same bits
/// outside lazy code.
///
/// # Examples
///
/// ```
/// use lazy_runtime::arrays::tanh_f64;
///
/// assert_eq!(tanh_f64(0.0), 0.0);
/// assert!((tanh_f64(0.5) - 0.5_f64.tanh()).abs() <= 2.0 * f64::EPSILON);
/// ```
pub mod arrays {
    pub use crate::elementwise::math::{tanh_f32, tanh_f64};
}

/// How leaves are keyed by their content: the hash that digests large content (arrays)
/// before it enters a leaf's key. XXH3 by default, at memory speed; blake3 for programs
/// whose arrays may be crafted to collide. Choose before the first array leaf, or with
/// `LAZY_CONTENT_HASH`; every process of a cluster and every run sharing a disk cache must
/// choose alike, or their keys differ (a cluster force then fails with a mismatch, and a
/// cache misses).
///
/// # Examples
///
/// ```
/// use lazy_runtime::keys::{ContentHash, content_hash, set_content_hash};
///
/// // Nothing has keyed large content yet in this program, so the choice is still open.
/// set_content_hash(ContentHash::Blake3).unwrap();
/// assert_eq!(content_hash(), ContentHash::Blake3);
/// // Once fixed, it stays.
/// assert_eq!(set_content_hash(ContentHash::Xxh3), Err(ContentHash::Blake3));
/// ```
pub mod keys {
    pub use crate::key::content::{CONTENT_HASH_ENV, ContentHash, content_hash, set_content_hash};
}

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
    pub use crate::lift::{Captures, Probe, select, select_in};
    pub use crate::op::MacroOp as Op;
    pub use crate::op::{Code, Persistence};
    pub use crate::spin::spin_task;
    pub use crate::task::{ArgNodes, Args, task, task_with_cutoff};
    pub use crate::{Lazy, Value};
}
