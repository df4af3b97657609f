//! The core under adversarial use: forces during concurrent `set`s see one revision, nested
//! forces from many threads neither deadlock nor fail spuriously, a failing run is shared
//! by its waiters, and a panicking executor is an error, not a stuck node.
//!
//! Every test runs under a time limit, so a hang fails instead of stalling the suite.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lazy::scheduling::Executor;
use lazy::{Fingerprint, FingerprintHasher, Lazy, input, lazy, strict, try_strict};
use support::within;

/// A little work, so that tasks take long enough to run on the pool's workers and to
/// overlap with the writers' changes.
fn work() {
    std::thread::sleep(Duration::from_micros(30));
}

#[lazy]
fn double(x: i64) -> i64 {
    work();
    2 * x
}

#[lazy]
fn square(x: i64) -> i64 {
    work();
    x * x
}

#[lazy]
fn increment(x: i64) -> i64 {
    work();
    x + 1
}

#[lazy]
fn combine(a: i64, b: i64, c: i64) -> (i64, i64, i64) {
    (a, b, c)
}

/// Whether `(2x, x^2, x+1)` come from one `x`.
fn one_revision((a, b, c): (i64, i64, i64)) -> bool {
    let x = c - 1;
    a == 2 * x && b == x * x
}

#[test]
fn forces_during_concurrent_sets_see_one_revision_of_every_input() {
    within(Duration::from_mins(1), || {
        let x = Arc::new(input(1_i64));
        let stop = Arc::new(AtomicBool::new(false));
        let mixed = Arc::new(AtomicUsize::new(0));
        std::thread::scope(|s| {
            for w in 0..2_i64 {
                let (x, stop) = (Arc::clone(&x), Arc::clone(&stop));
                s.spawn(move || {
                    let mut v = w;
                    while !stop.load(Ordering::Relaxed) {
                        v += 7;
                        x.set(v % 1000);
                    }
                });
            }
            let readers: Vec<_> = (0..8)
                .map(|_| {
                    let (x, mixed) = (Arc::clone(&x), Arc::clone(&mixed));
                    s.spawn(move || {
                        let x = x.lazy();
                        let all = combine(double(&x), square(&x), increment(&x));
                        for _ in 0..300 {
                            if !one_revision(strict(&all)) {
                                mixed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    })
                })
                .collect();
            for reader in readers {
                reader.join().unwrap();
            }
            stop.store(true, Ordering::Relaxed);
        });
        assert_eq!(mixed.load(Ordering::Relaxed), 0, "results mixed revisions");
    });
}

/// A task that forces a graph of its own inside its run.
#[lazy]
fn nested(x: i64, k: i64) -> i64 {
    work();
    let inner = combine(double(x), square(k), increment(x + k));
    let (a, b, c) = strict(&inner);
    a + b + c
}

fn nested_eager(x: i64, k: i64) -> i64 {
    2 * x + k * k + x + k + 1
}

#[test]
fn nested_forces_from_many_threads_never_fail_or_hang() {
    within(Duration::from_mins(1), || {
        std::thread::scope(|s| {
            for t in 0..8_i64 {
                s.spawn(move || {
                    for round in 0..60_i64 {
                        // Overlapping graphs: every thread shares `round`, and neighbours
                        // share `k`.
                        let parts: Vec<Lazy<i64>> =
                            (0..4).map(|k| nested(round, (t + k) % 6)).collect();
                        let values = try_strict(&parts).expect("no spurious failure");
                        for (k, v) in (0..4).zip(values) {
                            assert_eq!(v, nested_eager(round, (t + k) % 6));
                        }
                    }
                });
            }
        });
    });
}

#[test]
fn sets_while_tasks_force_nested_graphs_do_not_deadlock() {
    within(Duration::from_mins(1), || {
        let x = Arc::new(input(3_i64));
        let stop = Arc::new(AtomicBool::new(false));
        std::thread::scope(|s| {
            for _ in 0..2 {
                let (x, stop) = (Arc::clone(&x), Arc::clone(&stop));
                s.spawn(move || {
                    let mut v = 0;
                    while !stop.load(Ordering::Relaxed) {
                        v = (v + 1) % 50;
                        x.set(v);
                        std::thread::yield_now();
                    }
                });
            }
            let readers: Vec<_> = (0..6_i64)
                .map(|t| {
                    let x = Arc::clone(&x);
                    s.spawn(move || {
                        for _ in 0..150 {
                            let (value, seen) = strict((nested(x.lazy(), t), x.lazy()));
                            assert_eq!(value, nested_eager(seen, t), "for x = {seen}");
                        }
                    })
                })
                .collect();
            for reader in readers {
                reader.join().unwrap();
            }
            stop.store(true, Ordering::Relaxed);
        });
    });
}

/// An executor that panics before or after running the job, or drops it.
#[derive(Debug)]
struct Faulty {
    mode: Mutex<&'static str>,
}

impl Executor for Faulty {
    fn execute(&self, job: &mut (dyn FnMut() + Send)) {
        let mode = *self.mode.lock().unwrap();
        match mode {
            "before" => panic!("executor broke before the job"),
            "after" => {
                job();
                panic!("executor broke after the job");
            }
            "drop" => {}
            _ => job(),
        }
    }
}

/// Only the executor test uses this function, so no other test folds onto its node.
#[lazy]
fn on_executor(x: i64) -> i64 {
    x + 1
}

#[test]
fn a_faulty_executor_fails_its_task_and_leaves_it_forceable() {
    within(Duration::from_secs(30), || {
        let faulty = Arc::new(Faulty {
            mode: Mutex::new("before"),
        });
        let x = on_executor(41);
        x.set_executor(faulty.clone());
        for (mode, says) in [
            ("before", "broke before the job"),
            ("after", "broke after the job"),
            ("drop", "without running the task"),
        ] {
            *faulty.mode.lock().unwrap() = mode;
            let error = try_strict(&x).unwrap_err();
            let text = error.to_string();
            assert!(text.contains("on_executor"), "names the task: {text}");
            assert!(text.contains("Faulty"), "names the executor: {text}");
            assert!(text.contains(says), "{text}");
        }
        *faulty.mode.lock().unwrap() = "run";
        assert_eq!(strict(&x), 42);
    });
}

/// A fingerprint that leaves out `label`, which `==` compares.
#[derive(Clone, Debug, PartialEq)]
struct Loose {
    id: u32,
    label: String,
}

impl Fingerprint for Loose {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        self.id.fingerprint(h);
    }
}

#[cfg(debug_assertions)]
#[test]
fn a_fingerprint_inconsistent_with_equality_is_caught_in_debug_builds() {
    let a = Lazy::new(Loose {
        id: 7,
        label: String::from("a"),
    });
    let again = Lazy::new(Loose {
        id: 7,
        label: String::from("a"),
    });
    assert_eq!(a.key(), again.key(), "equal values still fold");
    let folded = std::panic::catch_unwind(|| {
        Lazy::new(Loose {
            id: 7,
            label: String::from("b"),
        })
    });
    let payload = folded.expect_err("a different value folded silently");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("Loose"), "names the type: {message}");
    assert!(message.contains("same fingerprint"), "{message}");
    // Values unequal to themselves are not compared: NaN leaves fold as before.
    assert_eq!(Lazy::new(f64::NAN).key(), Lazy::new(f64::NAN).key());
}
