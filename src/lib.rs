//! Lazy evaluation for ordinary Rust functions.

pub use lazy_runtime::{
    Error, ErrorKind, Executor, Fingerprint, FingerprintHasher, Force, Graph, IntoLazy, Key, Lazy,
    NodeInfo, NodeState, Parallel, Plan, Scheduler, Sequential, Stats, TaskId, ThreadPool, Value,
    graph, set_scheduler, stats, strict, try_strict, with_scheduler,
};

#[doc(inline)]
pub use lazy_macros::{autodask, lazy};

/// Items used by the code the macros generate. Not public API: no semver promises.
#[doc(hidden)]
pub mod __private {
    pub use lazy_runtime::__private::*;
}
