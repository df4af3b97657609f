//! Model-checked tests of a node's state and claim protocol: `loom` runs each scenario
//! under every interleaving of its threads' synchronisation steps (up to a preemption
//! bound), and fails on a broken assertion, a deadlock or a lost wake-up. Built only with
//! `RUSTFLAGS="--cfg loom"`, which makes `graph/sync.rs` hand out loom's types:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p lazy-runtime --release --lib graph::model
//! ```
//!
//! What the scenarios cover, each with two or three threads on one node:
//! - claiming: one run at a time, waiters woken with its value, never a second run;
//! - failure: a waiter shares the failed run's error and never runs it concurrently;
//! - claims and handles: a reader holding a claim always gets the value, however the last
//!   handle's release interleaves with it, and the value is released once nobody can ask;
//! - folding onto a node while its last handle goes: the value is kept or recomputed,
//!   never lost while a handle holds it;
//! - conditionals: suspending wakes waiters, either thread may compute the branch and
//!   resume, the result is stored once, and the conditional's function runs once.
//!
//! Not covered: the folding table (its shards are `std` locks), plans and schedulers,
//! input cells and revisions. The soak test (`tests/soak.rs`) exercises those.

use std::sync::Arc;
use std::time::Duration;

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use super::node::{Inputs, Node};
use super::transitions::{Begin, Read};
use super::value::Erased;
use crate::error::{Error, ErrorKind};
use crate::key::Key;
use crate::op::Operation;

/// A model with a preemption bound that keeps each scenario to seconds.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

/// A task node without inputs, holding one handle (its builder's). Its function is never
/// called: the scenarios drive the transitions themselves.
fn task() -> Arc<Node> {
    let op = Operation::named("graph::model::task");
    let compute = Box::new(|_: super::node::TaskInput<'_>| -> Erased { unreachable!() });
    Arc::new(Node::task(
        Key::unique(),
        op,
        Inputs::Zero,
        0,
        compute,
        false,
        None,
    ))
}

fn value(v: &Erased) -> i64 {
    *v.downcast_ref::<i64>().expect("an i64")
}

fn failure() -> Error {
    Error::new(
        "graph::model::task",
        Key::unique(),
        ErrorKind::Panicked("boom".into()),
    )
}

/// Counts the runs in progress and in all; a second concurrent run fails the model.
#[derive(Default)]
struct Runs {
    now: AtomicUsize,
    all: AtomicUsize,
}

impl Runs {
    fn start(&self) {
        assert_eq!(
            self.now.fetch_add(1, Ordering::SeqCst),
            0,
            "two runs at once"
        );
        self.all.fetch_add(1, Ordering::SeqCst);
    }

    fn end(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Forces `node` as a plan's task does: claims and runs it, or takes the value.
fn force(node: &Node, runs: &Runs) -> i64 {
    match node.begin_run(true) {
        Begin::Claimed(_) => {
            runs.start();
            runs.end();
            node.count_run();
            node.finish(Ok(Arc::new(7_i64)), Duration::ZERO);
            7
        }
        Begin::Fresh(Some(v)) => value(&v),
        Begin::Fresh(None) => unreachable!("the value was wanted"),
        Begin::Failed(e) => panic!("unexpected failure: {e}"),
        Begin::Suspended(_) => unreachable!("not a conditional"),
    }
}

#[test]
fn one_run_at_a_time_and_waiters_get_its_value() {
    model(|| {
        let node = task();
        let runs = Arc::new(Runs::default());
        let other = {
            let (node, runs) = (node.clone(), runs.clone());
            thread::spawn(move || force(&node, &runs))
        };
        assert_eq!(force(&node, &runs), 7);
        assert_eq!(other.join().unwrap(), 7);
        assert_eq!(runs.all.load(Ordering::SeqCst), 1, "the task ran once");
        assert_eq!(node.runs(), 1);
        assert!(node.is_fresh());
    });
}

#[test]
fn a_waiter_shares_the_error_of_the_run_it_waited_for() {
    model(|| {
        let node = task();
        let runs = Arc::new(Runs::default());
        let attempt = |node: &Node, runs: &Runs| -> Result<(), Error> {
            match node.begin_run(true) {
                Begin::Claimed(_) => {
                    runs.start();
                    runs.end();
                    node.finish(Err(failure()), Duration::ZERO);
                    Err(failure())
                }
                Begin::Failed(e) => Err(e),
                Begin::Fresh(_) => panic!("a failed task has no value"),
                Begin::Suspended(_) => unreachable!("not a conditional"),
            }
        };
        let other = {
            let (node, runs) = (node.clone(), runs.clone());
            thread::spawn(move || attempt(&node, &runs))
        };
        assert!(attempt(&node, &runs).is_err());
        assert!(other.join().unwrap().is_err());
        // A thread that came after the failure retries (forcing a failed node again runs
        // it again); one that waited shares the error. Never more than the two attempts.
        let all = runs.all.load(Ordering::SeqCst);
        assert!((1..=2).contains(&all), "{all} runs");
        assert!(node.lock().error.is_some());
    });
}

#[test]
fn a_claimed_input_keeps_its_value_whatever_the_last_handle_does() {
    model(|| {
        let node = task();
        assert_eq!(force(&node, &Runs::default()), 7);
        // One handle (the builder's) and one reader's claim.
        node.add_keep();
        let reader = {
            let node = node.clone();
            thread::spawn(move || match node.read(true) {
                Read::Value(v, _) => value(&v),
                Read::Missing => panic!("a claimed value was released"),
                Read::Failed(e) => panic!("{e}"),
            })
        };
        node.release_keep();
        assert_eq!(reader.join().unwrap(), 7);
        // Nobody can ask for the value any more: it is released.
        assert_eq!(node.keep.load(Ordering::SeqCst), 0);
        assert!(node.kept_value().is_none(), "an unneeded value was kept");
    });
}

#[test]
fn folding_onto_a_node_while_its_last_handle_goes_never_loses_the_value() {
    model(|| {
        let node = task();
        assert_eq!(force(&node, &Runs::default()), 7);
        let folder = {
            let node = node.clone();
            thread::spawn(move || {
                // What the folding table does for a builder that finds the node.
                node.add_keep();
                force(&node, &Runs::default())
            })
        };
        node.release_keep();
        assert_eq!(folder.join().unwrap(), 7);
        // The folder's handle is held: the value is there, kept or recomputed.
        assert_eq!(node.keep.load(Ordering::SeqCst), 1);
        assert_eq!(node.kept_value().as_ref().map(value), Some(7));
    });
}

/// Forces a conditional: its function chooses `branch` (a computed leaf) and suspends; the
/// thread that finds it suspended computes the branch and resumes it.
fn force_conditional(node: &Node, branch: &Arc<Node>, runs: &Runs) -> i64 {
    loop {
        match node.begin_run(true) {
            Begin::Claimed(_) => {
                runs.start();
                runs.end();
                node.suspend(branch.clone());
            }
            Begin::Suspended(chosen) => {
                let v = chosen.kept_value().expect("the branch is computed");
                node.resume(Ok(v), Duration::ZERO);
            }
            Begin::Fresh(Some(v)) => return value(&v),
            Begin::Fresh(None) => unreachable!("the value was wanted"),
            Begin::Failed(e) => panic!("{e}"),
        }
    }
}

#[test]
fn a_suspended_conditional_is_resumed_once_by_either_thread() {
    model(|| {
        let node = task();
        let branch = Arc::new(Node::leaf(
            Key::unique(),
            Operation::named("graph::model::branch"),
            Arc::new(7_i64),
            false,
        ));
        let runs = Arc::new(Runs::default());
        let other = {
            let (node, branch, runs) = (node.clone(), branch.clone(), runs.clone());
            thread::spawn(move || force_conditional(&node, &branch, &runs))
        };
        assert_eq!(force_conditional(&node, &branch, &runs), 7);
        assert_eq!(other.join().unwrap(), 7);
        assert_eq!(runs.all.load(Ordering::SeqCst), 1, "the function ran once");
        assert!(node.is_fresh());
        assert!(node.lock().branch().is_none(), "the branch was let go");
    });
}
