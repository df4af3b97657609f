//! Forces across several local processes (issue #16): each test starts copies of this test
//! binary on loopback ports chosen at run time, running `cluster_process` below, and reads
//! what each printed. Results are compared with a force on one process; the run counts
//! show that each task ran on exactly one process and culled tasks on none.

mod support;

use std::io::Read;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lazy::cluster::{ClusterError, execute_from_args, launch_local};
use lazy::{Lazy, autodask, lazy};

static SQUARES: AtomicUsize = AtomicUsize::new(0);
static ADDS: AtomicUsize = AtomicUsize::new(0);
static CULLED: AtomicUsize = AtomicUsize::new(0);
static INDEX: AtomicUsize = AtomicUsize::new(usize::MAX);

#[lazy]
fn square(x: i64) -> i64 {
    SQUARES.fetch_add(1, Ordering::Relaxed);
    assert!(x != 1003, "square of {x} refused");
    if x >= 2000 && INDEX.load(Ordering::Relaxed) == 1 {
        // Process 1 dies in the middle of the force, as a crash would end it.
        std::process::exit(3);
    }
    std::thread::sleep(Duration::from_millis(5));
    x * x
}

#[lazy]
fn add(a: i64, b: i64) -> i64 {
    ADDS.fetch_add(1, Ordering::Relaxed);
    a + b
}

#[lazy]
fn culled(x: i64) -> i64 {
    CULLED.fetch_add(1, Ordering::Relaxed);
    -x
}

/// The sum of the squares of `from..from + n`, as a tree of additions.
fn tree(from: i64, n: i64) -> Lazy<i64> {
    let mut level: Vec<Lazy<i64>> = (from..from + n).map(square).collect();
    while level.len() > 1 {
        let mut next: Vec<Lazy<i64>> = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => add(a, b),
                [a] => a.clone(),
                _ => unreachable!(),
            })
            .collect();
        std::mem::swap(&mut level, &mut next);
    }
    level.pop().expect("one value")
}

/// A lazy `if`: only the branch taken is built, once `x` is known, by the process that
/// owns the conditional, and its tasks run there.
#[autodask(inline)]
fn choose(x: i64) -> i64 {
    if x > 100 {
        add(square(x), square(x + 1))
    } else {
        culled(x)
    }
}

/// Two conditionals in one force, one taking each branch.
fn branches() -> (Lazy<i64>, Lazy<i64>) {
    (choose(tree(0, 8)), choose(tree(0, 3)))
}

/// What one process of a test cluster does, by `LAZY_TEST_SCENARIO`; run only as a child
/// of the tests below.
#[test]
#[ignore = "a process of the clusters the other tests start"]
fn cluster_process() {
    let scenario = std::env::var("LAZY_TEST_SCENARIO").expect("started by a cluster test");
    let outcome = execute_from_args(std::env::args(), |cluster| {
        INDEX.store(cluster.index(), Ordering::Relaxed);
        match scenario.as_str() {
            "sum" => {
                let total = tree(0, 16);
                let _unused = culled(&total);
                let first = cluster.strict(&total);
                // A second force on top of the first one's result.
                let more = add(&total, tree(100, 5));
                let second = cluster.strict(&more);
                println!("result {first} {second}");
            }
            "branch" => {
                let (big, small) = branches();
                let (big, small) = cluster.strict((&big, &small));
                println!("result {big} {small}");
            }
            "panic" => report(cluster.try_strict(&tree(1000, 8))),
            "die" => report(cluster.try_strict(&tree(2000, 8))),
            other => panic!("unknown scenario {other}"),
        }
        println!(
            "runs {} {} {}",
            SQUARES.load(Ordering::Relaxed),
            ADDS.load(Ordering::Relaxed),
            CULLED.load(Ordering::Relaxed)
        );
    });
    outcome.expect("the cluster ran");
}

fn report(outcome: Result<i64, ClusterError>) {
    match outcome {
        Ok(value) => println!("result {value}"),
        Err(error) => println!("error {error}"),
    }
}

/// Runs `scenario` on `processes` local processes; returns each one's exit code and
/// output, within a time limit.
fn run_cluster(processes: usize, scenario: &str) -> Vec<(Option<i32>, String)> {
    let args: Vec<String> = [
        "--exact",
        "cluster_process",
        "--ignored",
        "--nocapture",
        "-q",
    ]
    .map(String::from)
    .to_vec();
    let mut cluster = launch_local(processes, &args, |_, command| {
        command
            .env("LAZY_TEST_SCENARIO", scenario)
            .env("LAZY_CLUSTER_SILENCE_MS", "10000")
            .env("LAZY_CLUSTER_CONNECT_MS", "20000")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
    })
    .expect("the processes start");
    let outputs: Vec<_> = cluster
        .children()
        .iter_mut()
        .map(|child| child.stdout.take().expect("piped"))
        .collect();
    let readers: Vec<_> = outputs
        .into_iter()
        .map(|mut out| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = out.read_to_string(&mut text);
                text
            })
        })
        .collect();
    let statuses = cluster.wait(Duration::from_secs(40));
    statuses
        .into_iter()
        .zip(readers)
        .map(|(status, reader)| {
            let code = status.expect("every process ended within the bound").code();
            (code, reader.join().expect("read"))
        })
        .collect()
}

fn line<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in {output:?}"))
}

fn runs(output: &str) -> [usize; 3] {
    let counts: Vec<usize> = line(output, "runs ")
        .split(' ')
        .map(|n| n.parse().expect("a count"))
        .collect();
    [counts[0], counts[1], counts[2]]
}

#[test]
fn two_and_three_processes_agree_with_one_and_run_each_task_once() {
    support::within(Duration::from_mins(2), || {
        let total = tree(0, 16);
        let first = lazy::strict(&total);
        let second = lazy::strict(add(&total, tree(100, 5)));
        let expected = format!("{first} {second}");
        for processes in [2, 3] {
            let outputs = run_cluster(processes, "sum");
            let mut sum = [0; 3];
            for (code, output) in &outputs {
                assert_eq!(*code, Some(0), "{output}");
                assert_eq!(line(output, "result "), expected);
                for (s, r) in sum.iter_mut().zip(runs(output)) {
                    *s += r;
                }
            }
            // 16 + 5 squares, 15 + 4 additions in the trees, one joining them; no culled.
            assert_eq!(sum, [21, 20, 0], "{processes} processes: {outputs:?}");
            assert!(
                outputs.iter().all(|(_, o)| runs(o)[0] > 0),
                "work is shared"
            );
        }
    });
}

#[test]
fn conditionals_across_processes_build_and_run_only_the_branch_taken() {
    support::within(Duration::from_mins(2), || {
        let (big, small) = branches();
        let expected = format!("{} {}", lazy::strict(&big), lazy::strict(&small));
        assert_eq!(expected, format!("{} {}", 140 * 140 + 141 * 141, -5));
        for processes in [2, 3] {
            let outputs = run_cluster(processes, "branch");
            let mut sum = [0; 3];
            for (code, output) in &outputs {
                assert_eq!(*code, Some(0), "{output}");
                assert_eq!(line(output, "result "), expected);
                for (s, r) in sum.iter_mut().zip(runs(output)) {
                    *s += r;
                }
            }
            // The trees: 8 squares (the second tree's 3 fold into the first's), 7 + 1
            // additions (`s0 + s1` folds too). The first `if` takes its first branch (2
            // squares and an addition), the second its other one (one `culled`); no
            // branch not taken runs anywhere, and nothing runs twice.
            assert_eq!(sum, [10, 9, 1], "{processes} processes: {outputs:?}");
        }
    });
}

#[test]
fn a_panicking_task_ends_the_force_on_every_process() {
    support::within(Duration::from_mins(1), || {
        for (code, output) in run_cluster(3, "panic") {
            assert_eq!(code, Some(0), "{output}");
            let error = line(&output, "error ");
            assert!(error.contains("square"), "{error}");
            assert!(error.contains("square of 1003 refused"), "{error}");
        }
    });
}

#[test]
fn a_killed_process_ends_the_force_on_the_others() {
    support::within(Duration::from_mins(1), || {
        let outputs = run_cluster(3, "die");
        assert_eq!(outputs[1].0, Some(3), "process 1 died");
        for (code, output) in [&outputs[0], &outputs[2]] {
            assert_eq!(*code, Some(0), "{output}");
            let error = line(output, "error ");
            assert!(error.contains("process 1"), "{error}");
        }
    });
}
