//! Lazy evaluation for ordinary Rust functions.

pub use lazy_runtime::{
    Batch, BindError, ByNeed, Dataflow, EAGER_ENV, Error, ErrorKind, Executor, Fingerprint,
    FingerprintHasher, Force, Graph, Input, IntoLazy, Key, Lazy, NodeInfo, NodeState, Parallel,
    Placeholder, Plan, Scheduler, Sequential, Spin, SpinIter, Split, Stats, TaskId, ThreadPool,
    Value, batch, eager, graph, input, is_eager, learned_ready_time, set_scheduler, stats, strict,
    try_strict, with_scheduler,
};

#[doc(inline)]
pub use lazy_macros::{autodask, comp, lazy, lazy_stream};

pub use lazy_runtime::stream;

/// Items used by the code the macros generate. Not public API: no semver promises.
#[doc(hidden)]
pub mod __private {
    pub use lazy_runtime::__private::*;
}
