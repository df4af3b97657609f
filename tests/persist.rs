//! The disk cache across runs of a program: each test runs this test binary again as a
//! child process (the ignored `child` test, told what to do by environment variables), so
//! that "the next run" is a real new process with a fresh graph, memo store and registry.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::float_cmp,
    reason = "small exact numbers: values computed two ways must agree bit for bit"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lazy::task::{Op, Persistence, task};
use lazy::{Lazy, cache, lazy, strict};

mod support;

/// How many times each function's body ran in this process.
static LOADS: AtomicUsize = AtomicUsize::new(0);
static SCALES: AtomicUsize = AtomicUsize::new(0);
static SUMMARIES: AtomicUsize = AtomicUsize::new(0);

/// A large value: stored in an object file of its own.
#[lazy(cache)]
fn load(n: u64) -> Vec<f64> {
    LOADS.fetch_add(1, Ordering::Relaxed);
    (0..n).map(|i| (i as f64).sqrt()).collect()
}

/// Not cached: computed again in a run only if something above it is.
#[lazy]
fn scale(v: Vec<f64>, k: u64) -> Vec<f64> {
    SCALES.fetch_add(1, Ordering::Relaxed);
    v.iter().map(|x| x * k as f64).collect()
}

/// A small value: stored inline in the index.
#[lazy(cache)]
fn summarize(v: Vec<f64>) -> (f64, u64) {
    SUMMARIES.fetch_add(1, Ordering::Relaxed);
    (v.iter().sum(), v.len() as u64)
}

/// Cheap: under `cache(auto)`, not worth a write.
#[lazy(cache(auto))]
fn cheap(x: u64) -> u64 {
    x + 1
}

/// Slow: under `cache(auto)`, worth one.
#[lazy(cache(auto))]
fn slow(x: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(3));
    x * 3
}

/// Over an opaque leaf (keyed by identity): never stored.
#[lazy(cache)]
fn over_opaque(v: Vec<u64>) -> u64 {
    v.iter().sum()
}

fn pipeline(n: u64) -> Lazy<(f64, u64)> {
    summarize(scale(load(n), 2))
}

/// What the eager program computes.
fn expected(n: u64) -> (f64, u64) {
    let sum: f64 = (0..n).map(|i| (i as f64).sqrt() * 2.0).sum();
    (sum, n)
}

/// An operation of the task API whose code fingerprint comes from `$CODE` (as if the
/// function's body had been edited between runs), with `$TYPED` choosing its value type.
fn fingerprinted(name: &'static str, x: Lazy<u64>) -> Lazy<u64> {
    let code = lazy::__private::Code {
        tokens: if std::env::var("CODE").as_deref() == Ok("b") {
            "b"
        } else {
            "a"
        },
        krate: Some("persist-test"),
        version: Some("1"),
    };
    let op = lazy::__private::Op::function(name, code).persisted::<u64>(Persistence::Always);
    task(op, (x,), |(x,): (u64,)| x * 10)
}

fn line(name: &str, value: impl std::fmt::Debug) {
    println!("@{name}={value:?}");
}

fn print_activity() {
    let a = cache::activity();
    line("loaded", a.loaded);
    line("computed", a.computed);
    line("stored", a.stored);
    line("skipped", a.skipped);
    line("failures", a.failures);
    line("loads", LOADS.load(Ordering::Relaxed));
    line("scales", SCALES.load(Ordering::Relaxed));
    line("summaries", SUMMARIES.load(Ordering::Relaxed));
}

/// The child: does what `$SCENARIO` says, in the cache `$LAZY_CACHE_DIR` names (opened at
/// first use), and prints what happened as `@name=value` lines.
#[test]
#[ignore = "run by the other tests of this file, in a child process"]
fn child() {
    let scenario = std::env::var("SCENARIO").expect("run by the other tests with $SCENARIO");
    match scenario.as_str() {
        "pipeline" => {
            let got = strict(pipeline(20_000));
            assert_eq!(got, expected(20_000));
            line("value", got);
        }
        "load" => {
            let got = strict(load(20_000));
            assert_eq!(got.len(), 20_000);
            assert!(got.iter().enumerate().all(|(i, x)| *x == (i as f64).sqrt()));
            let damaged = cache::current().expect("a cache is open").events().total();
            line("damaged", damaged);
        }
        "many" => {
            // One value at a time, so that a kill lands between, and during, writes.
            for i in 0..200_u64 {
                let got = strict(load(20_000 + i));
                assert_eq!(got.len() as u64, 20_000 + i);
                assert_eq!(got[got.len() - 1], ((19_999 + i) as f64).sqrt());
                line("done", i);
            }
        }
        "fingerprint" => {
            let got = strict(fingerprinted("persist::fingerprinted", Lazy::new(4)));
            assert_eq!(got, 40);
            // Edited below the root: the root's stored value must miss too.
            let inner = fingerprinted("persist::inner", Lazy::new(5));
            let outer = task(
                Op::function("persist::outer").persisted::<u64>(Persistence::Always),
                (inner,),
                |(x,): (u64,)| x + 1,
            );
            assert_eq!(strict(outer), 51);
        }
        "typed" => {
            if std::env::var("TYPED").as_deref() == Ok("i64") {
                let op = Op::function("persist::typed").persisted::<i64>(Persistence::Always);
                assert_eq!(
                    strict(task(op, (Lazy::new(3_u64),), |(x,): (u64,)| -(x as i64))),
                    -3
                );
            } else {
                let op = Op::function("persist::typed").persisted::<u64>(Persistence::Always);
                assert_eq!(strict(task(op, (Lazy::new(3_u64),), |(x,): (u64,)| x)), 3);
            }
        }
        "auto" => {
            assert_eq!(strict(cheap(1)), 2);
            assert_eq!(strict(slow(2)), 6);
        }
        "opaque" => {
            assert_eq!(strict(over_opaque(Lazy::opaque(vec![1, 2, 3]))), 6);
            let input = lazy::input(4_u64);
            assert_eq!(strict(slow(input.lazy())), 12);
        }
        other => panic!("unknown scenario {other}"),
    }
    print_activity();
}

/// A fresh cache directory for one test.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lazy-persist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A child process running `scenario` on the cache in `dir`.
fn spawn(scenario: &str, dir: &Path, env: &[(&str, &str)]) -> std::process::Child {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args([
            "--exact",
            "child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SCENARIO", scenario)
        .env(cache::CACHE_DIR_ENV, dir)
        .env_remove(cache::CACHE_BUDGET_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    command.spawn().expect("a child process")
}

/// Waits for `child`, killing it if it takes longer than a minute.
fn finish(mut child: std::process::Child) -> Output {
    let started = Instant::now();
    while child.try_wait().expect("waiting for the child").is_none() {
        if started.elapsed() > Duration::from_mins(1) {
            let _ = child.kill();
            panic!("hung: the child ran for over a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("the child's output")
}

/// What a child printed, as `name=value` pairs; panics with its output if it failed.
struct Report(String);

impl Report {
    fn of(output: &Output) -> Report {
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "the child failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        Report(stdout)
    }

    fn get(&self, name: &str) -> u64 {
        let prefix = format!("@{name}=");
        // The harness prints `test child ... ` before the first line, on the same line.
        let value = self
            .0
            .lines()
            .find_map(|l| l.find(&prefix).map(|at| &l[at + prefix.len()..]))
            .unwrap_or_else(|| panic!("the child printed no {name}: {}", self.0));
        value.parse().unwrap_or_else(|_| panic!("{name}={value}"))
    }
}

fn run(scenario: &str, dir: &Path, env: &[(&str, &str)]) -> Report {
    Report::of(&finish(spawn(scenario, dir, env)))
}

#[test]
fn a_second_run_takes_the_cached_values_and_runs_nothing() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("second-run");
        let first = run("pipeline", &dir, &[]);
        assert_eq!(
            (
                first.get("loads"),
                first.get("scales"),
                first.get("summaries")
            ),
            (1, 1, 1)
        );
        assert_eq!((first.get("computed"), first.get("stored")), (2, 2));
        assert_eq!(first.get("loaded"), 0);

        // The root is on disk: nothing below it is planned, let alone run.
        let second = run("pipeline", &dir, &[]);
        assert_eq!(second.get("computed"), 0, "{}", second.0);
        assert_eq!(second.get("loaded"), 1);
        assert_eq!(
            (
                second.get("loads"),
                second.get("scales"),
                second.get("summaries")
            ),
            (0, 0, 0)
        );
        assert_eq!(second.get("failures"), 0);
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn two_processes_at_once_share_one_cache() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("concurrent");
        let children = [spawn("pipeline", &dir, &[]), spawn("pipeline", &dir, &[])];
        for child in children {
            let report = Report::of(&finish(child));
            assert_eq!(report.get("failures"), 0, "{}", report.0);
        }
        let after = run("pipeline", &dir, &[]);
        assert_eq!((after.get("computed"), after.get("loaded")), (0, 1));
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn a_process_killed_while_writing_leaves_a_cache_the_next_run_uses() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("killed");
        let mut child = spawn("many", &dir, &[]);
        // Kill it once it has stored a few values, while it is storing more.
        let mut stdout = child.stdout.take().expect("piped");
        let mut seen = String::new();
        let mut buf = [0; 4096];
        while !seen.contains("@done=20\n") {
            let n = std::io::Read::read(&mut stdout, &mut buf).expect("the child's output");
            assert!(n > 0, "the child ended early: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        child.kill().expect("kill");
        let _ = child.wait();

        let cache = lazy::cache::DiskCache::open(&dir).expect("the cache opens after a kill");
        let report = cache.verify().expect("verify");
        assert_eq!(report.removed.total(), 0, "no entry is damaged: {report:?}");
        assert!(report.ok >= 20, "{report:?}");
        drop(cache);

        let next = run("many", &dir, &[]);
        assert!(next.get("loaded") >= 20, "{}", next.0);
        assert_eq!(next.get("loaded") + next.get("computed"), 200);
        assert_eq!(next.get("failures"), 0);
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn a_damaged_object_file_is_recomputed() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("damaged");
        let first = run("load", &dir, &[]);
        assert_eq!(first.get("stored"), 1);
        // Flip one byte in the middle of the value's object file.
        let object = walk_files(&dir.join("objects"))
            .into_iter()
            .max_by_key(|p| p.metadata().map_or(0, |m| m.len()))
            .expect("the value has an object file");
        let mut bytes = std::fs::read(&object).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x40;
        std::fs::write(&object, bytes).unwrap();

        let second = run("load", &dir, &[]);
        assert_eq!((second.get("loaded"), second.get("loads")), (0, 1));
        assert_eq!(second.get("damaged"), 1);
        // Stored again, whole: the run after takes it.
        let third = run("load", &dir, &[]);
        assert_eq!((third.get("loaded"), third.get("loads")), (1, 0));
        let _ = std::fs::remove_dir_all(&dir);
    });
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_changed_code_fingerprint_misses_also_above_it() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("fingerprint");
        let a = run("fingerprint", &dir, &[("CODE", "a")]);
        assert_eq!((a.get("computed"), a.get("loaded")), (3, 0));
        let again = run("fingerprint", &dir, &[("CODE", "a")]);
        assert_eq!((again.get("computed"), again.get("loaded")), (0, 2));
        // Both roots miss: one has the edited code, the other reads a value that does.
        let b = run("fingerprint", &dir, &[("CODE", "b")]);
        assert_eq!((b.get("computed"), b.get("loaded")), (3, 0));
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn a_changed_type_misses() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("typed");
        assert_eq!(run("typed", &dir, &[]).get("stored"), 1);
        assert_eq!(run("typed", &dir, &[]).get("loaded"), 1);
        let retyped = run("typed", &dir, &[("TYPED", "i64")]);
        assert_eq!((retyped.get("loaded"), retyped.get("computed")), (0, 1));
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn auto_stores_only_what_is_slower_to_compute_than_to_read() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("auto");
        let first = run("auto", &dir, &[]);
        assert_eq!((first.get("stored"), first.get("skipped")), (1, 1));
        let second = run("auto", &dir, &[]);
        assert_eq!((second.get("loaded"), second.get("computed")), (1, 1));
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn values_over_identity_keyed_leaves_or_input_cells_are_never_stored() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("opaque");
        for _ in 0..2 {
            let report = run("opaque", &dir, &[]);
            assert_eq!((report.get("stored"), report.get("loaded")), (0, 0));
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn without_an_open_cache_marks_are_inert() {
    support::within(Duration::from_mins(1), || {
        // This process never opens a cache, and the test harness sets no $LAZY_CACHE_DIR:
        // values are computed and nothing is stored.
        if std::env::var_os(cache::CACHE_DIR_ENV).is_some() {
            return;
        }
        let before = cache::activity();
        assert_eq!(strict(summarize(Lazy::new(vec![1.0, 2.0]))), (3.0, 2));
        let after = cache::activity();
        assert_eq!(after.stored, before.stored);
        assert_eq!(after.loaded, before.loaded);
        assert!(cache::current().is_none());
    });
}

#[test]
fn the_command_reports_verifies_and_clears_a_cache() {
    support::within(Duration::from_mins(3), || {
        let dir = fresh_dir("command");
        run("pipeline", &dir, &[]);
        let tool = |command: &str| {
            let output = Command::new(env!("CARGO_BIN_EXE_lazy-cache"))
                .args([command, "--dir"])
                .arg(&dir)
                .output()
                .expect("lazy-cache runs");
            assert!(output.status.success(), "{output:?}");
            String::from_utf8(output.stdout).unwrap()
        };
        assert!(tool("stats").contains("entries: 2 (1 inline, 1 in object files)"));
        assert!(tool("verify").contains("checked: 2; ok: 2; damaged and removed: 0"));
        assert!(tool("clear").contains("removed: 2 entries"));
        assert!(tool("stats").contains("entries: 0"));
        // Cleared: the next run computes again.
        assert_eq!(run("pipeline", &dir, &[]).get("computed"), 2);
        let bad = Command::new(env!("CARGO_BIN_EXE_lazy-cache"))
            .arg("shrink")
            .output()
            .unwrap();
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("usage: lazy-cache"));
        let _ = std::fs::remove_dir_all(&dir);
    });
}
