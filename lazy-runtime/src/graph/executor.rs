//! Where one node's task runs.

use std::fmt;

/// Where one node's task runs (the prototype's `data.executor`), set with
/// [`Lazy::set_executor`](crate::Lazy::set_executor). The scheduler still decides when it
/// runs; [`ThreadPool`](crate::scheduling::ThreadPool) is one executor.
///
/// `execute` must run `job` exactly once before returning, on whatever thread it chooses.
///
/// # Examples
///
/// An executor that runs the job on a thread of its own:
///
/// ```
/// use lazy_runtime::Lazy;
/// use lazy_runtime::scheduling::Executor;
/// use std::sync::Arc;
///
/// #[derive(Debug)]
/// struct OwnThread;
///
/// impl Executor for OwnThread {
///     fn execute(&self, job: &mut (dyn FnMut() + Send)) {
///         std::thread::scope(|s| {
///             s.spawn(|| job());
///         });
///     }
/// }
///
/// let x = Lazy::new(20_i64) + Lazy::new(22_i64);
/// x.set_executor(Arc::new(OwnThread));
/// assert_eq!(x.get(), 42);
/// ```
pub trait Executor: Send + Sync + fmt::Debug {
    /// Runs `job` to completion.
    fn execute(&self, job: &mut (dyn FnMut() + Send));
}
