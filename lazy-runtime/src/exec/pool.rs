//! An executor with threads of its own.

use std::fmt;

use crate::graph::Executor;

/// An [`Executor`] with its own threads, named `lazy-pool-N`: for tasks that must not
/// compete with the scheduler's workers (blocking I/O, say).
pub struct ThreadPool(rayon::ThreadPool);

impl ThreadPool {
    /// A pool of `threads` threads.
    ///
    /// # Panics
    ///
    /// If the operating system cannot start the threads.
    #[must_use]
    pub fn new(threads: usize) -> ThreadPool {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("lazy-pool-{i}"))
            .build()
            .expect("lazy: could not start the executor's threads");
        ThreadPool(pool)
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("threads", &self.0.current_num_threads())
            .finish()
    }
}

impl Executor for ThreadPool {
    fn execute(&self, job: &mut (dyn FnMut() + Send)) {
        self.0.install(job);
    }
}
