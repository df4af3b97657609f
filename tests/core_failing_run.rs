//! Threads waiting on a run that fails get that run's error, instead of each running the
//! failing task again in turn.
//!
//! In a binary of its own: forces of other tests, and input changes waiting between them,
//! would make threads arrive after the run failed, and those rightly run it again.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lazy::lazy;
use support::within;

static SLOW_FAILURES: AtomicUsize = AtomicUsize::new(0);
static FORCING: AtomicUsize = AtomicUsize::new(0);

#[lazy]
fn fails_slowly(threads: usize) -> i64 {
    SLOW_FAILURES.fetch_add(1, Ordering::SeqCst);
    // Fail only once every thread has asked for the value, and a moment after, so that
    // they are all waiting for this run.
    while FORCING.load(Ordering::SeqCst) < threads {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(500));
    panic!("no value today")
}

#[test]
fn threads_waiting_on_a_failing_run_share_its_error() {
    within(Duration::from_mins(1), || {
        const THREADS: usize = 16;
        let x = fails_slowly(THREADS);
        std::thread::scope(|s| {
            for _ in 0..THREADS {
                let x = x.clone();
                s.spawn(move || {
                    FORCING.fetch_add(1, Ordering::SeqCst);
                    let error = x.try_get().unwrap_err();
                    assert!(error.to_string().contains("no value today"), "{error}");
                });
            }
        });
        assert_eq!(
            SLOW_FAILURES.load(Ordering::SeqCst),
            1,
            "the failing task ran again"
        );
    });
}
