//! Issue #11 (<https://example.invalid/lazy/issues/11>), item 5: a lazy conditional is a
//! dynamic dependency of the plan that runs it. Once it has chosen its branch it is
//! suspended, the branch's tasks join the plan (so they run in parallel like any others),
//! and the conditional is resumed when they have run. A thread that needs a suspended
//! conditional computes its branch itself instead of waiting for the plan.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use lazy::scheduling::{Parallel, Sequential, with_scheduler};
use lazy::{autodask, lazy, strict};

use crate::support::within;

/// Two parties meet here: each waits (up to 20 s) for the other. 1 if it met the other.
static ARRIVED: Mutex<u32> = Mutex::new(0);
static MEETING: Condvar = Condvar::new();

#[lazy]
fn meet(x: i64, party: i64) -> i64 {
    let mut arrived = ARRIVED.lock().unwrap_or_else(PoisonError::into_inner);
    *arrived += 1;
    MEETING.notify_all();
    let (arrived, _) = MEETING
        .wait_timeout_while(arrived, Duration::from_secs(20), |n| *n < 2)
        .unwrap_or_else(PoisonError::into_inner);
    i64::from(*arrived >= 2) * (x + party - party)
}

#[autodask(inline)]
fn both_meet(c: bool, x: i64) -> i64 {
    if c { meet(x, 1) + meet(x, 2) } else { 0 }
}

#[test]
fn a_branchs_tasks_run_in_parallel_on_the_pool() {
    within(Duration::from_mins(1), || {
        // Forced inside the conditional's run on one thread, the first `meet` would wait
        // alone until its time ran out and give 0.
        let pool = Arc::new(Parallel::with_threads(2));
        let value = with_scheduler(pool, || strict(both_meet(true, 1)));
        assert_eq!(value, 2, "both parties of the branch met: they ran at once");
    });
}

static GATE: Mutex<bool> = Mutex::new(false);
static OPENED: Condvar = Condvar::new();
static SLOW_RUNS: AtomicUsize = AtomicUsize::new(0);
static QUICK_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Waits until the gate opens.
#[lazy]
fn slow(x: i64) -> i64 {
    SLOW_RUNS.fetch_add(1, Ordering::SeqCst);
    let open = GATE.lock().unwrap_or_else(PoisonError::into_inner);
    let _open = OPENED
        .wait_while(open, |open| !*open)
        .unwrap_or_else(PoisonError::into_inner);
    x * 10
}

#[lazy]
fn quick(x: i64) -> i64 {
    QUICK_RUNS.fetch_add(1, Ordering::SeqCst);
    x + 1
}

#[autodask(inline)]
fn gated(c: bool, x: i64) -> i64 {
    if c { slow(x) + quick(x) } else { x }
}

#[test]
fn a_suspended_conditional_needed_elsewhere_is_computed_there_without_running_twice() {
    within(Duration::from_mins(1), || {
        let value = gated(true, 7);
        let first = {
            let value = value.clone();
            // The sequential scheduler runs `slow` first, on this thread, and blocks there
            // while `quick` waits in its plan, the conditional suspended.
            std::thread::spawn(move || with_scheduler(Arc::new(Sequential), || strict(&value)))
        };
        while SLOW_RUNS.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        // Another force needs the conditional now: it computes the branch itself (`quick`
        // here, and it waits for `slow` where it runs), so both finish once the gate opens.
        let second = {
            let value = value.clone();
            std::thread::spawn(move || with_scheduler(Arc::new(Sequential), || strict(&value)))
        };
        std::thread::sleep(Duration::from_millis(50));
        *GATE.lock().unwrap_or_else(PoisonError::into_inner) = true;
        OPENED.notify_all();
        assert_eq!(first.join().expect("first force"), 78);
        assert_eq!(second.join().expect("second force"), 78);
        assert_eq!(SLOW_RUNS.load(Ordering::SeqCst), 1);
        assert_eq!(QUICK_RUNS.load(Ordering::SeqCst), 1);
    });
}

#[autodask(inline)]
fn count_down(n: u64) -> u64 {
    if n == 0 { 0 } else { 1 + count_down(n - 1) }
}

#[test]
fn recursion_through_conditionals_runs_from_many_threads_at_once() {
    within(Duration::from_mins(1), || {
        // Overlapping recursions forced from eight threads on the shared pool: each level
        // suspends on its branch, and threads meeting a level another force suspended
        // compute it themselves. No force sees "a task waiting on itself".
        let handles: Vec<_> = (0..8_u64)
            .map(|t| std::thread::spawn(move || strict(count_down(300 + t * 7))))
            .collect();
        for (t, handle) in (0..8_u64).zip(handles) {
            assert_eq!(handle.join().expect("no failure"), 300 + t * 7);
        }
    });
}
