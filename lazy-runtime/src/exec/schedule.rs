//! Schedulers: the protocol a scheduler follows to run a plan, the built-in ones, and how
//! the current one is chosen.

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use super::plan::{Plan, TaskId};

/// Runs the tasks of a [`Plan`] (daisy's `register_get`).
///
/// The protocol: call [`Plan::run`] once for every task, each after the call that reported
/// it ready (or, for [`Plan::initial`] tasks, in any order from the start), from any threads.
/// Return when every task has run. A scheduler never sees user values or user panics:
/// `Plan::run` records failures in the graph.
///
/// # Examples
///
/// A scheduler that runs tasks in first-in, first-out order and counts them:
///
/// ```
/// use std::collections::VecDeque;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use lazy_runtime::{Lazy, strict};
/// use lazy_runtime::scheduling::{Plan, Scheduler, with_scheduler};
///
/// #[derive(Debug, Default)]
/// struct Fifo(AtomicUsize);
///
/// impl Scheduler for Fifo {
///     fn run(&self, plan: &Plan<'_>) {
///         let mut queue: VecDeque<_> = plan.initial().iter().copied().collect();
///         let mut ready = Vec::new();
///         while let Some(task) = queue.pop_front() {
///             plan.run(task, &mut ready);
///             self.0.fetch_add(1, Ordering::Relaxed);
///             queue.extend(ready.drain(..));
///         }
///     }
/// }
///
/// let fifo = std::sync::Arc::new(Fifo::default());
/// let x = lazy_runtime::task::task(
///     lazy_runtime::task::Op::function("double"),
///     (Lazy::new(21_u64),),
///     |(x,): (u64,)| x * 2,
/// );
/// assert_eq!(with_scheduler(fifo.clone(), || strict(&x)), 42);
/// assert_eq!(fifo.0.load(Ordering::Relaxed), 1);
/// ```
pub trait Scheduler: Send + Sync + fmt::Debug {
    /// Runs every task of `plan`.
    fn run(&self, plan: &Plan<'_>);
}

/// Runs tasks one after another on the forcing thread, in dependency order.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sequential;

impl Scheduler for Sequential {
    fn run(&self, plan: &Plan<'_>) {
        let mut stack: Vec<TaskId> = plan.initial().iter().rev().copied().collect();
        let mut ready = Vec::new();
        while let Some(task) = stack.pop() {
            plan.run(task, &mut ready);
            stack.extend(ready.drain(..).rev());
        }
    }
}

/// Runs independent tasks in parallel on a rayon thread pool: the global one (one thread
/// per core, the default scheduler) or one of its own.
///
/// Tiny tasks do not pay for parallelism they cannot use: a task whose operation took under
/// 10 µs the last time it ran on a thread is run where it became ready, without a hand-off.
/// The forcing thread runs such tasks itself until it meets one that is not known to be
/// cheap; from then on the plan runs on the pool. A worker that finishes a task continues
/// with the cheap tasks and one of the expensive tasks it made ready and hands the other
/// expensive ones to the pool, so a chain runs on one thread, and a plan of one task runs
/// on the forcing thread. Expensive tasks run on the pool's workers only, so a pool of `n`
/// threads runs at most `n` of them at once.
#[derive(Clone, Debug, Default)]
pub struct Parallel {
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl Parallel {
    /// The scheduler on rayon's global pool.
    #[must_use]
    pub fn new() -> Parallel {
        Parallel::default()
    }

    /// A scheduler with a pool of its own with `threads` workers.
    ///
    /// # Panics
    ///
    /// If the operating system cannot start the threads.
    #[must_use]
    pub fn with_threads(threads: usize) -> Parallel {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("lazy-worker-{i}"))
            .build()
            .expect("lazy: could not start the scheduler's threads");
        Parallel {
            pool: Some(Arc::new(pool)),
        }
    }
}

impl Scheduler for Parallel {
    fn run(&self, plan: &Plan<'_>) {
        // Cheap tasks first, here, as the sequential scheduler would run them; and a plan of
        // one task, unless it grows (a conditional adds its branch).
        let mut alone = plan.len() == 1;
        let mut stack: Vec<TaskId> = plan.initial().iter().rev().copied().collect();
        let mut ready = Vec::new();
        while let Some(&task) = stack.last() {
            if !std::mem::take(&mut alone) && !plan.is_cheap(task) {
                break;
            }
            stack.pop();
            plan.run(task, &mut ready);
            stack.extend(ready.drain(..).rev());
        }
        if stack.is_empty() {
            return;
        }
        let run_all = || {
            rayon::scope(|scope| {
                for &task in &stack {
                    scope.spawn(move |scope| work(plan, task, scope));
                }
            });
        };
        match &self.pool {
            Some(pool) => pool.install(run_all),
            None => run_all(),
        }
    }
}

fn work<'s>(plan: &'s Plan<'_>, task: TaskId, scope: &rayon::Scope<'s>) {
    let mut local = vec![task];
    let mut ready = Vec::new();
    while let Some(task) = local.pop() {
        plan.run(task, &mut ready);
        // Cheap tasks stay on this thread; of the others, one stays (when nothing else is
        // left to do here) and the rest go to the pool.
        let mut keep_one = local.is_empty();
        for other in ready.drain(..).rev() {
            if plan.is_cheap(other) {
                local.push(other);
            } else if keep_one {
                keep_one = false;
                local.insert(0, other);
            } else {
                scope.spawn(move |scope| work(plan, other, scope));
            }
        }
    }
}

static DEFAULT: LazyLock<Arc<dyn Scheduler>> = LazyLock::new(|| Arc::new(Parallel::new()));
static GLOBAL: RwLock<Option<Arc<dyn Scheduler>>> = RwLock::new(None);

thread_local! {
    static SCOPED: RefCell<Vec<Arc<dyn Scheduler>>> = const { RefCell::new(Vec::new()) };
}

/// Sets the scheduler used by every thread that is not inside [`with_scheduler`].
///
/// # Examples
///
/// ```
/// lazy_runtime::scheduling::set_scheduler(std::sync::Arc::new(lazy_runtime::scheduling::Sequential));
/// # lazy_runtime::scheduling::set_scheduler(std::sync::Arc::new(lazy_runtime::scheduling::Parallel::new()));
/// ```
pub fn set_scheduler(scheduler: Arc<dyn Scheduler>) {
    *GLOBAL.write().unwrap_or_else(PoisonError::into_inner) = Some(scheduler);
}

/// Runs `f` with `scheduler` used for every force on this thread, then restores the
/// previous one (also if `f` panics). Tasks that force values themselves, on other threads,
/// use the global scheduler.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, strict};
/// use lazy_runtime::scheduling::{Sequential, with_scheduler};
///
/// let x = Lazy::new(5_i32);
/// assert_eq!(with_scheduler(std::sync::Arc::new(Sequential), || strict(&x)), 5);
/// ```
pub fn with_scheduler<R>(scheduler: Arc<dyn Scheduler>, f: impl FnOnce() -> R) -> R {
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPED.with(|s| s.borrow_mut().pop());
        }
    }
    SCOPED.with(|s| s.borrow_mut().push(scheduler));
    let _restore = Restore;
    f()
}

pub(crate) fn current_scheduler() -> Arc<dyn Scheduler> {
    if let Some(scoped) = SCOPED.with(|s| s.borrow().last().cloned()) {
        return scoped;
    }
    let global = GLOBAL
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    global.unwrap_or_else(|| Arc::clone(&DEFAULT))
}
