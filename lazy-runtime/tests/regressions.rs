//! Regressions found by review: lost invalidation during a run, a panicking cut-off test,
//! eager mode over an invalidated input, and a spin task lending its thread to a job that
//! waits for it. The tests that used to hang run under a time limit, so a regression fails
//! instead of hanging CI.

#![allow(
    clippy::many_single_char_names,
    reason = "short names for the barriers' ends"
)]

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use lazy_runtime::scheduling::{Parallel, with_scheduler};
use lazy_runtime::spin::spin_task;
use lazy_runtime::task::{Op, task, task_with_cutoff};
use lazy_runtime::{eager, input, strict, try_strict};

fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs)).ok()
}

/// 1. Input set while a dependent is Running: the invalidation is lost.
#[test]
fn set_during_run_is_not_lost() {
    let x = input(1_i64);
    let started = Arc::new(Barrier::new(2));
    let go = Arc::new(Barrier::new(2));
    let (s, g) = (started.clone(), go.clone());
    let double = task(
        Op::function("review::double_slow"),
        (x.lazy(),),
        move |(v,): (i64,)| {
            s.wait();
            g.wait();
            v * 2
        },
    );
    let d = double.clone();
    let t = std::thread::spawn(move || strict(&d));
    started.wait(); // task has read x == 1
    // The change waits for the force running, which reads one revision: x == 1.
    let x = Arc::new(x);
    let setter = {
        let x = Arc::clone(&x);
        std::thread::spawn(move || x.set(10))
    };
    go.wait();
    let forced = within(5, move || t.join().unwrap());
    assert_eq!(forced, Some(2), "the force read one revision");
    within(5, move || setter.join().unwrap()).expect("the change went ahead after the force");
    // x is 10 now: `double` must run again. Let that run pass the barriers too.
    let (s2, g2) = (started.clone(), go.clone());
    let helper = std::thread::spawn(move || {
        s2.wait();
        g2.wait();
    });
    let r = within(5, move || strict(&double));
    helper.join().unwrap();
    assert_eq!(r, Some(20), "the change made during the run was not lost");
}

/// 2. A panicking cut-off equality runs under the node lock and leaves the node Running.
#[derive(Clone, Debug)]
struct Bad(i64);
impl PartialEq for Bad {
    fn eq(&self, _: &Bad) -> bool {
        panic!("eq panics")
    }
}
#[test]
fn panicking_cutoff_does_not_leave_node_running() {
    let x = input(1_i64);
    let b = task_with_cutoff(
        Op::function("review::bad"),
        (x.lazy(),),
        |(v,): (i64,)| Bad(v),
        Some(Bad::eq),
    );
    assert_eq!(strict(&b).0, 1);
    x.set(2);
    let b2 = b.clone();
    // The equality panics: the value counts as changed, and the force succeeds.
    assert_eq!(try_strict(&b2).map(|v| v.0), Ok(2));
    let r = within(5, move || try_strict(&b).map(|v| v.0));
    assert_eq!(
        r,
        Some(Ok(2)),
        "a second force must not hang on a node stuck in Running"
    );
}

/// 3. Eager mode reads a stale input without verifying it.
#[test]
fn eager_task_over_stale_input() {
    let x = input(3_i64);
    let a = task(Op::function("review::a"), (x.lazy(),), |(v,): (i64,)| v * 2);
    assert_eq!(strict(&a), 6);
    x.set(4);
    let b = eager(|| {
        task(Op::function("review::b"), (a.clone(),), |(v,): (i64,)| {
            v + 1
        })
    });
    assert_eq!(strict(&b), 9, "eager task used a's stale value");
}

/// 4. A spin task yields to rayon, which runs a job that waits on the spin node itself.
#[test]
fn spin_yield_self_deadlock() {
    let sched = Arc::new(Parallel::with_threads(1));
    let (tx, rx) = mpsc::channel::<()>();
    let tx = std::sync::Mutex::new(tx);
    let spin = spin_task(Op::impure("review::spin"), (), move |t, ()| {
        let _ = tx.lock().unwrap().send(());
        let start = std::time::Instant::now();
        for () in t.spin() {
            if start.elapsed() >= Duration::from_millis(300) {
                break;
            }
        }
        1_u32
    });
    let other = task(Op::impure("review::other"), (), |()| 2_u32);
    let other2 = task(Op::impure("review::other2"), (), |()| 3_u32);
    let (sp, sc) = (spin.clone(), sched.clone());
    let first = std::thread::spawn(move || with_scheduler(sc, || strict((&sp, &other))));
    rx.recv().unwrap(); // spin is Running on the pool's only worker
    let r = within(10, move || {
        with_scheduler(sched, || strict((&spin, &other2)))
    });
    assert!(r.is_some(), "second force deadlocked");
    assert_eq!(first.join().unwrap(), (1, 2));
}
