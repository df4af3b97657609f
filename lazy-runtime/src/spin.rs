//! Asynchronous tasks that poll (the prototype's `@lazy.asynchronous` with `Task.spin`).
//!
//! A spin task's function receives a [`Spin`] handle and loops over [`Spin::spin`] until
//! its condition holds. Between polls the worker does not idle: it runs other ready tasks of
//! the pool that it spawned itself (rayon's `yield_local`), and only sleeps when there is nothing else to do. The
//! runtime learns, per function, how long after its start a task usually becomes ready, and
//! delays the first poll by that much, so a task that is ready after 50 ms is polled about
//! once instead of dozens of times.

use std::cell::Cell;
use std::fmt;
use std::time::{Duration, Instant};

use crate::lazy::{Lazy, Value};
use crate::op::{Op, Operation};
use crate::task::{Args, task};

/// The first interval between polls of a function with no history; it doubles up to
/// [`MAX_INTERVAL`].
const FIRST_INTERVAL: Duration = Duration::from_micros(100);
const MAX_INTERVAL: Duration = Duration::from_millis(10);
/// The longest a worker sleeps at once when it has nothing else to run.
const MAX_NAP: Duration = Duration::from_millis(1);

/// The handle a spin task's function receives.
pub struct Spin {
    /// The operation's record, where how long its runs took to be ready is learned.
    op: &'static Operation,
    start: Instant,
    polls: Cell<u32>,
    last_poll: Cell<Option<Instant>>,
}

impl Spin {
    fn new(op: &'static Operation) -> Spin {
        Spin {
            op,
            start: Instant::now(),
            polls: Cell::new(0),
            last_poll: Cell::new(None),
        }
    }

    /// An endless iterator: each step waits until the next poll is due (running other
    /// tasks meanwhile), then yields. Break out of the loop when the condition holds.
    pub fn spin(&self) -> SpinIter<'_> {
        SpinIter { spin: self }
    }

    /// How many polls this run has made so far.
    #[must_use]
    pub fn polls(&self) -> u32 {
        self.polls.get()
    }

    /// When the next poll is due.
    fn next_poll(&self) -> Instant {
        let polls = self.polls.get();
        let Some(last) = self.last_poll.get() else {
            // The first poll: when this function was ready in earlier runs.
            return self.start + self.op.ready_after().unwrap_or(Duration::ZERO);
        };
        let interval = match self.op.ready_after() {
            // Late by the usual measure: poll often, it should be ready any moment.
            Some(usual) => (usual / 8).max(FIRST_INTERVAL),
            None => FIRST_INTERVAL
                .saturating_mul(1 << polls.min(10))
                .min(MAX_INTERVAL),
        };
        last + interval
    }
}

impl Drop for Spin {
    fn drop(&mut self) {
        // The last poll is the one that found the task ready.
        if let Some(last) = self.last_poll.get()
            && !std::thread::panicking()
        {
            self.op.learn_ready_after(last - self.start);
        }
    }
}

impl fmt::Debug for Spin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spin")
            .field("task", &self.op.name)
            .field("polls", &self.polls.get())
            .finish_non_exhaustive()
    }
}

/// The iterator of [`Spin::spin`].
#[derive(Debug)]
pub struct SpinIter<'a> {
    spin: &'a Spin,
}

impl Iterator for SpinIter<'_> {
    type Item = ();

    fn next(&mut self) -> Option<()> {
        wait_until(self.spin.next_poll());
        self.spin.polls.set(self.spin.polls.get() + 1);
        self.spin.last_poll.set(Some(Instant::now()));
        Some(())
    }
}

/// Waits until `deadline`, lending this thread to other tasks of its rayon pool meanwhile.
fn wait_until(deadline: Instant) {
    loop {
        let now = Instant::now();
        if now >= deadline {
            return;
        }
        // Only jobs this worker spawned itself: a job injected by another force could be
        // waiting for this very task, which sits below it on this thread's stack.
        match rayon::yield_local() {
            Some(rayon::Yield::Executed) => {}
            // Nothing else to run, or not on a pool's thread: nap briefly.
            _ => std::thread::sleep((deadline - now).min(MAX_NAP)),
        }
    }
}

/// A spin task: like [`task`], but `f` also receives the [`Spin`] handle of this run.
pub fn spin_task<A, R, F>(op: Op, args: A, f: F) -> Lazy<R>
where
    A: Args,
    R: Value,
    F: Fn(&Spin, A::Values) -> R + Send + Sync + 'static,
{
    let operation = op.operation;
    task(op, args, move |values| f(&Spin::new(operation), values))
}

/// How long after its start the spinning function `name` is usually ready, if it has run.
#[must_use]
pub fn learned_ready_time(name: &str) -> Option<Duration> {
    Operation::find(name).and_then(Operation::ready_after)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::{learned_ready_time, spin_task};
    use crate::scheduling::{Parallel, with_scheduler};
    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    fn ready_after(name: &'static str, delay: Duration, polls: Arc<AtomicUsize>) -> Lazy<u32> {
        spin_task(Op::impure(name), (), move |t, ()| {
            let start = Instant::now();
            for () in t.spin() {
                if start.elapsed() >= delay {
                    break;
                }
            }
            polls.fetch_add(t.polls() as usize, Ordering::SeqCst);
            t.polls()
        })
    }

    #[test]
    fn waiting_spin_tasks_leave_the_workers_to_other_tasks() {
        // Two workers, four spin tasks that each wait 100 ms, and eight CPU tasks. If a
        // waiting task held its worker, at most two tasks could be in progress at once and
        // no CPU task could finish before a spin task did.
        let events = Arc::new(Mutex::new(Vec::new()));
        let polls = Arc::new(AtomicUsize::new(0));
        let spins: Vec<Lazy<u32>> = (0..4)
            .map(|i| {
                let events = Arc::clone(&events);
                let waiting = ready_after(
                    "spin::wait100",
                    Duration::from_millis(100),
                    Arc::clone(&polls),
                );
                task(
                    Op::impure("spin::after"),
                    (waiting, Lazy::new(i)),
                    move |(p, _): (u32, u32)| {
                        events.lock().unwrap().push("spin");
                        p
                    },
                )
            })
            .collect();
        let cpu: Vec<Lazy<u64>> = (0..8_u64)
            .map(|i| {
                let events = Arc::clone(&events);
                task(
                    Op::impure("spin::cpu"),
                    (Lazy::new(i),),
                    move |(i,): (u64,)| {
                        let s = (0..200_000_u64).fold(i, |a, x| a.wrapping_mul(31).wrapping_add(x));
                        events.lock().unwrap().push("cpu");
                        s
                    },
                )
            })
            .collect();
        with_scheduler(Arc::new(Parallel::with_threads(2)), || {
            strict((&spins, &cpu))
        });
        let events = events.lock().unwrap();
        let first_spin = events.iter().position(|e| *e == "spin").unwrap();
        assert_eq!(events.iter().filter(|e| **e == "cpu").count(), 8);
        assert!(
            first_spin >= 8,
            "every CPU task finished while the spin tasks waited: {events:?}"
        );
    }

    #[test]
    fn the_first_poll_is_delayed_by_what_earlier_runs_learned() {
        let mut per_run = Vec::new();
        for _ in 0..5 {
            let polls = Arc::new(AtomicUsize::new(0));
            let x = ready_after(
                "spin::learned50",
                Duration::from_millis(50),
                Arc::clone(&polls),
            );
            strict(&x);
            per_run.push(polls.load(Ordering::SeqCst));
        }
        assert!(learned_ready_time("spin::learned50").unwrap() >= Duration::from_millis(50));
        assert!(
            per_run[0] > 3,
            "without history it polls with back-off: {per_run:?}"
        );
        assert!(
            per_run[3..].iter().all(|&p| p <= 3),
            "with history, three polls at most: {per_run:?}"
        );
    }
}
