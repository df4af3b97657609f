//! Batches (distarray's `lazy_eval()` scope): values requested from many places are forced
//! together, as one plan and one scheduler run, when the batch syncs.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::error::Error;
use crate::exec;
use crate::force::Values;
use crate::graph::{Erased, Node};
use crate::lazy::{Lazy, Value};

type Fill = Box<dyn FnOnce(Result<Erased, Error>) + Send>;

/// Collects requests and forces them all at once on [`sync`](Batch::sync), or when it is
/// dropped. Work the requested values share runs once.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Batch, Lazy};
///
/// let batch = Batch::new();
/// let a = batch.request(&Lazy::new(1_u8));
/// let b = batch.request(&Lazy::new(2_u8));
/// batch.sync();
/// assert_eq!((a.get(), b.get()), (1, 2));
/// ```
#[derive(Default)]
pub struct Batch {
    pending: Mutex<Vec<(Arc<Node>, Fill)>>,
}

/// A value requested from a [`Batch`]: empty until the batch syncs, then it holds the
/// value (or the failure).
pub struct Placeholder<T> {
    slot: Arc<OnceLock<Result<T, Error>>>,
}

impl Batch {
    /// An empty batch.
    #[must_use]
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Asks for `x` at the next sync.
    pub fn request<T: Value>(&self, x: &Lazy<T>) -> Placeholder<T> {
        let slot = Arc::new(OnceLock::new());
        let fill_slot = Arc::clone(&slot);
        let fill: Fill = Box::new(move |result: Result<Erased, Error>| {
            let _ = fill_slot.set(result.map(|v| Values::new(vec![v]).next_value::<T>()));
        });
        self.lock().push((Arc::clone(x.node()), fill));
        Placeholder { slot }
    }

    /// How many requests wait for the next sync.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no request waits.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Forces every value requested since the last sync, as one plan run by one call of the
    /// scheduler, and fills their placeholders.
    ///
    /// # Errors
    ///
    /// The first failure among the requested values; each placeholder holds its own result.
    pub fn try_sync(&self) -> Result<(), Error> {
        let pending = std::mem::take(&mut *self.lock());
        if pending.is_empty() {
            return Ok(());
        }
        let (nodes, fills): (Vec<Arc<Node>>, Vec<Fill>) = pending.into_iter().unzip();
        match exec::force(&nodes) {
            Ok(values) => {
                for (fill, value) in fills.into_iter().zip(values) {
                    fill(Ok(value));
                }
                Ok(())
            }
            Err(first) => {
                // Some value failed: fill each placeholder with its own outcome. Values
                // computed by the batched run are kept, so this runs nothing twice.
                for (fill, node) in fills.into_iter().zip(&nodes) {
                    fill(exec::run_nodes(std::slice::from_ref(node)).map(|mut v| v.remove(0)));
                }
                Err(first)
            }
        }
    }

    /// Like [`try_sync`](Batch::try_sync); failures stay in the placeholders.
    pub fn sync(&self) {
        let _ = self.try_sync();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Arc<Node>, Fill)>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Syncs what is still pending.
impl Drop for Batch {
    fn drop(&mut self) {
        self.sync();
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Batch({} pending)", self.len())
    }
}

/// Runs `f` with a new batch and syncs it at the end (distarray's `with lazy_eval():`).
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, batch};
///
/// let (x, y) = batch(|b| (b.request(&Lazy::new(3_i32)), b.request(&Lazy::new(4_i32))));
/// assert_eq!(x.get() + y.get(), 7);
/// ```
pub fn batch<R>(f: impl FnOnce(&Batch) -> R) -> R {
    let batch = Batch::new();
    let result = f(&batch);
    batch.sync();
    result
}

impl<T: Clone> Placeholder<T> {
    /// The value.
    ///
    /// # Panics
    ///
    /// If the batch has not synced yet, or the value's task failed (the message names it).
    #[must_use]
    pub fn get(&self) -> T {
        match self.try_get() {
            Some(Ok(v)) => v,
            Some(Err(e)) => panic!("{e}"),
            None => panic!("lazy: placeholder read before its batch was synced"),
        }
    }

    /// The result, or `None` before the batch syncs.
    #[must_use]
    pub fn try_get(&self) -> Option<Result<T, Error>> {
        self.slot.get().cloned()
    }

    /// Whether the batch has synced.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.slot.get().is_some()
    }
}

impl<T> fmt::Debug for Placeholder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.slot.get().is_some() {
            "synced"
        } else {
            "waiting"
        };
        write!(f, "Placeholder<{}>({state})", std::any::type_name::<T>())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::{Batch, batch};
    use crate::Lazy;
    use crate::scheduling::{Plan, Scheduler, Sequential, with_scheduler};
    use crate::task::{Op, task};

    #[derive(Debug, Default)]
    struct CountPlans(AtomicUsize);

    impl Scheduler for CountPlans {
        fn run(&self, plan: &Plan<'_>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            Sequential.run(plan);
        }
    }

    #[test]
    fn a_batch_runs_one_plan_and_shared_work_once() {
        let plans = Arc::new(CountPlans::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let shared = task(
            Op::function("batch::shared"),
            (Lazy::new(5_i64),),
            move |(x,): (i64,)| {
                counted.fetch_add(1, Ordering::SeqCst);
                x * 10
            },
        );
        let parts: Vec<Lazy<i64>> = (0..4)
            .map(|i| {
                task(
                    Op::function("batch::part"),
                    (shared.clone(), Lazy::new(i)),
                    |(s, i): (i64, i64)| s + i,
                )
            })
            .collect();
        let placeholders = with_scheduler(plans.clone(), || {
            batch(|b| {
                let ps: Vec<_> = parts.iter().map(|p| b.request(p)).collect();
                assert!(!ps[0].is_ready(), "nothing runs before sync");
                ps
            })
        });
        let values: Vec<i64> = placeholders.iter().map(super::Placeholder::get).collect();
        assert_eq!(values, [50, 51, 52, 53]);
        assert_eq!(plans.0.load(Ordering::SeqCst), 1);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failure_stays_in_its_placeholder() {
        let b = Batch::new();
        let good = b.request(&Lazy::new(1_u8));
        let bad = b.request(&task(Op::function("batch::bad"), (), |()| -> u8 {
            panic!("boom")
        }));
        assert!(b.try_sync().is_err());
        assert_eq!(good.get(), 1);
        assert!(
            bad.try_get()
                .unwrap()
                .unwrap_err()
                .to_string()
                .contains("boom")
        );
    }

    #[test]
    #[should_panic(expected = "placeholder read before its batch was synced")]
    fn reading_before_sync_is_a_clear_panic() {
        let b = Batch::new();
        let p = b.request(&Lazy::new(1_u8));
        let _ = p.get();
    }
}
