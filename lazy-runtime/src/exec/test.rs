//! Execution semantics: minimal execution, sharing, memory, faults, schedulers, threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::inspect::NodeState;
use crate::lift::select;
use crate::scheduling::{Executor, Parallel, Scheduler, Sequential, ThreadPool, with_scheduler};
use crate::task::{Op, task};
use crate::{Graph, Lazy, strict, try_strict};

/// A unique operation name per test, so tests running in parallel never fold together.
macro_rules! op {
    ($name:literal) => {
        Op::function(concat!(module_path!(), "::", line!(), "::", $name))
    };
}

fn add(op: Op, a: &Lazy<i64>, b: &Lazy<i64>, runs: &Arc<AtomicUsize>) -> Lazy<i64> {
    let runs = Arc::clone(runs);
    task(op, (a.clone(), b.clone()), move |(a, b): (i64, i64)| {
        runs.fetch_add(1, Ordering::SeqCst);
        a + b
    })
}

fn runs_of<T>(x: &Lazy<T>) -> u32 {
    x.graph().nodes().last().expect("the value's own node").runs
}

#[test]
fn only_the_requested_value_and_its_missing_inputs_run() {
    let runs = Arc::new(AtomicUsize::new(0));
    let a = add(op!("a"), &Lazy::new(1), &Lazy::new(2), &runs);
    let b = add(op!("b"), &Lazy::new(3), &Lazy::new(4), &runs);
    let c = add(op!("c"), &a, &b, &runs);
    let d = add(op!("d"), &a, &b, &runs);
    assert_eq!(runs.load(Ordering::SeqCst), 0, "building runs nothing");
    assert_eq!(strict(&c), 10);
    assert_eq!(runs.load(Ordering::SeqCst), 3, "a, b and c ran; d did not");
    assert_eq!(d.state(), NodeState::Pending);
    assert_eq!(strict(&d), 10);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        4,
        "only d ran: a and b were kept for it"
    );
    assert_eq!(strict(&c), 10);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        4,
        "c is kept while its handle lives"
    );
    c.check_invariants();
    d.check_invariants();
}

#[test]
fn building_the_same_call_twice_returns_the_same_node() {
    let runs = Arc::new(AtomicUsize::new(0));
    let x = Lazy::new(7_i64);
    let op = op!("same");
    let first = add(op, &x, &x, &runs);
    let second = add(op, &x, &x, &runs);
    assert_eq!(first.key(), second.key());
    assert_eq!(first.graph().nodes().last().unwrap().folds, 1);
    assert_eq!(strict((&first, &second)), (14, 14));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn impure_operations_never_fold() {
    let runs = Arc::new(AtomicUsize::new(0));
    let x = Lazy::new(7_i64);
    let op = Op::impure("impure");
    let first = add(op, &x, &x, &runs);
    let second = add(op, &x, &x, &runs);
    assert_ne!(first.key(), second.key());
    strict((&first, &second));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[test]
fn forcing_several_values_shares_their_common_work() {
    let runs = Arc::new(AtomicUsize::new(0));
    let shared = add(op!("shared"), &Lazy::new(1), &Lazy::new(1), &runs);
    let left = add(op!("left"), &shared, &Lazy::new(10), &runs);
    let right = add(op!("right"), &shared, &Lazy::new(20), &runs);
    assert_eq!(strict(vec![&left, &right]), vec![12, 22]);
    assert_eq!(runs.load(Ordering::SeqCst), 3);
    assert_eq!(runs_of(&shared), 1);
}

#[test]
fn intermediates_are_released_once_their_consumers_have_run() {
    let runs = Arc::new(AtomicUsize::new(0));
    // The memo store would keep `inner` once a run takes a microsecond: this test is about
    // the graph's own release.
    let (inner_op, outer_op) = (op!("inner").memo(crate::task::Memo::Never), op!("outer"));
    let inner = add(inner_op, &Lazy::new(1), &Lazy::new(2), &runs);
    let outer = add(outer_op, &inner, &Lazy::new(3), &runs);
    let other = add(op!("other"), &inner, &Lazy::new(4), &runs);
    drop(inner);
    assert_eq!(strict(&outer), 6);
    let inner_state = |g: &Graph| {
        g.nodes()
            .iter()
            .find(|n| n.name.ends_with("inner"))
            .unwrap()
            .state
    };
    assert_eq!(
        inner_state(&outer.graph()),
        NodeState::Ready,
        "`other` still needs it"
    );
    assert_eq!(strict(&other), 7);
    assert_eq!(
        inner_state(&outer.graph()),
        NodeState::Released,
        "no one can ask for it"
    );
    // Rebuilding the same expression folds onto the existing nodes and reuses `outer`'s
    // value; asking for the released intermediate recomputes it.
    let inner2 = add(inner_op, &Lazy::new(1), &Lazy::new(2), &runs);
    let outer2 = add(outer_op, &inner2, &Lazy::new(3), &runs);
    assert_eq!(outer2.key(), outer.key());
    assert_eq!(strict(&outer2), 6);
    assert_eq!(runs.load(Ordering::SeqCst), 3, "outer's value is reused");
    assert_eq!(strict(&inner2), 3);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        4,
        "the released inner ran again"
    );
}

#[test]
fn a_value_is_kept_while_a_handle_points_at_it() {
    let runs = Arc::new(AtomicUsize::new(0));
    let inner = add(op!("kept"), &Lazy::new(1), &Lazy::new(2), &runs);
    let outer = add(op!("reader"), &inner, &inner, &runs);
    assert_eq!(strict(&outer), 6);
    assert_eq!(inner.state(), NodeState::Ready);
    assert_eq!(strict(&inner), 3);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[test]
fn a_panicking_task_is_an_error_naming_it_and_the_graph_stays_usable() {
    let bad = task(
        op!("explodes"),
        (Lazy::new(1_i64),),
        |(x,): (i64,)| -> i64 {
            assert!(x > 1, "x was {x}");
            x
        },
    );
    let runs = Arc::new(AtomicUsize::new(0));
    let dependent = add(op!("dependent"), &bad, &Lazy::new(1), &runs);
    let independent = add(op!("independent"), &Lazy::new(2), &Lazy::new(3), &runs);
    let err = try_strict((&dependent, &independent)).unwrap_err();
    assert!(err.task().ends_with("explodes"), "{err}");
    assert_eq!(err.message(), Some("x was 1"));
    assert!(err.to_string().contains("panicked: x was 1"), "{err}");
    assert_eq!(
        independent.state(),
        NodeState::Ready,
        "independent work completed"
    );
    assert_eq!(dependent.state(), NodeState::Failed);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the dependent task's function never ran"
    );
    assert_eq!(strict(&independent), 5);
    dependent.check_invariants();
    let panic = std::panic::catch_unwind(|| strict(&dependent)).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("explodes") && message.contains("x was 1"),
        "{message}"
    );
}

#[test]
fn only_the_branch_taken_runs() {
    let runs = Arc::new(AtomicUsize::new(0));
    let then = add(op!("then"), &Lazy::new(1), &Lazy::new(1), &runs);
    let otherwise = task(op!("otherwise"), (), |()| -> i64 { panic!("must not run") });
    let chosen = select(Lazy::new(true), then.clone(), otherwise.clone());
    assert_eq!(strict(&chosen), 2);
    assert_eq!(otherwise.state(), NodeState::Pending);
    let failed = select(Lazy::new(false), then, otherwise);
    let err = try_strict(&failed).unwrap_err();
    assert!(
        err.task().ends_with("otherwise"),
        "the branch's failure is reported: {err}"
    );
}

#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl Executor for Counting {
    fn execute(&self, job: &mut (dyn FnMut() + Send)) {
        self.0.fetch_add(1, Ordering::SeqCst);
        job();
    }
}

#[test]
fn a_node_runs_on_its_executor() {
    let exec = Arc::new(Counting::default());
    let x = task(op!("on_executor"), (Lazy::new(2_i64),), |(x,): (i64,)| {
        x * 3
    });
    x.set_executor(exec.clone());
    assert_eq!(strict(&x), 6);
    assert_eq!(exec.0.load(Ordering::SeqCst), 1);
    let pool = Arc::new(ThreadPool::new(1));
    let name = task(op!("thread_name"), (), |()| {
        std::thread::current().name().map(String::from)
    });
    name.set_executor(pool);
    assert_eq!(strict(&name).as_deref(), Some("lazy-pool-0"));
}

fn chain(len: usize, op: Op) -> Lazy<u64> {
    let mut x = Lazy::new(0_u64);
    for _ in 0..len {
        x = task(op, (x,), |(x,): (u64,)| x + 1);
    }
    x
}

#[test]
fn a_million_node_chain_builds_runs_and_drops_without_overflowing_the_stack() {
    let n = 1_000_000;
    for scheduler in [
        Arc::new(Sequential) as Arc<dyn Scheduler>,
        Arc::new(Parallel::new()),
    ] {
        let x = chain(n, op!("chain"));
        assert_eq!(with_scheduler(scheduler, || strict(&x)), n as u64);
        drop(x);
    }
    // Dropped before it ran, too.
    drop(chain(n, op!("unrun_chain")));
}

#[test]
fn sequential_and_parallel_schedulers_agree() {
    let build = |op: Op| {
        let leaves: Vec<Lazy<i64>> = (0..64).map(Lazy::new).collect();
        let mut level = leaves;
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|p| {
                    task(op, (p[0].clone(), p[1].clone()), |(a, b): (i64, i64)| {
                        a * 3 + b
                    })
                })
                .collect();
        }
        level.pop().unwrap()
    };
    let seq = with_scheduler(Arc::new(Sequential), || strict(&build(op!("tree_seq"))));
    let par = with_scheduler(Arc::new(Parallel::with_threads(3)), || {
        strict(&build(op!("tree_par")))
    });
    assert_eq!(seq, par);
}

#[test]
fn threads_building_and_forcing_overlapping_graphs_agree() {
    let runs = Arc::new(AtomicUsize::new(0));
    let op = op!("stress");
    std::thread::scope(|s| {
        for t in 0..8_i64 {
            let runs = &runs;
            s.spawn(move || {
                for round in 0..50_i64 {
                    // Every thread builds the same diamond, plus a part of its own.
                    let base = add(op, &Lazy::new(round), &Lazy::new(1), runs);
                    let left = add(op, &base, &Lazy::new(2), runs);
                    let right = add(op, &base, &Lazy::new(3), runs);
                    let top = add(op, &left, &right, runs);
                    let mine = add(op, &top, &Lazy::new(1000 + t), runs);
                    assert_eq!(strict(&mine), (round + 1) * 2 + 5 + 1000 + t);
                }
            });
        }
    });
}
