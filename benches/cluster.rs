//! Forces across local processes (`docs/cluster.md`): a tree of 24 CPU tasks of about
//! 20 ms on 1, 2 and 3 processes with one worker thread each; the cost of a small value
//! crossing processes; and the encoding of an 8 MB array.
//!
//! Each sample starts a cluster of copies of this bench on loopback ports (the same
//! binary, told by `LAZY_CLUSTER_ARGS` that it is a member) which forces the workload as
//! many times as criterion asks, each force over fresh keys so that no value is found in
//! the memo store; process 0 times the forces alone (not the start-up or the connection)
//! and prints the total, which the sample reports.
//!
//! `cargo bench --bench cluster`; `-- --test` runs each once.

use std::hint::black_box;
use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use lazy::cluster::{LAUNCH_ENV, decode, encode, execute_from_args, launch_local};
use lazy::{Lazy, lazy};
use ndarray::Array1;

/// The environment variables a member reads its workload from.
const WORKLOAD: &str = "LAZY_BENCH_WORKLOAD";
const FORCES: &str = "LAZY_BENCH_FORCES";
const ROUNDS: &str = "LAZY_BENCH_ROUNDS";

/// How many small values the fan-in of `small` gathers.
const SMALL: u64 = 2000;

/// About 20 ms of arithmetic, `rounds` steps of a xorshift: the same work on every process.
#[lazy]
fn burn(seed: u64, rounds: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

#[lazy]
fn mix(a: u64, b: u64) -> u64 {
    a.rotate_left(5) ^ b
}

/// A value of a few bytes, cheap to compute: what crosses is the cost measured.
#[lazy]
fn tiny(i: u64, force: u64) -> u64 {
    i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ force
}

#[lazy]
fn total(xs: Vec<u64>) -> u64 {
    xs.iter().fold(0, |a, &x| a.wrapping_add(x))
}

/// 24 tasks of `burn` and a tree of `mix` over them, keyed by `force`.
fn tree(force: u64, rounds: u64) -> Lazy<u64> {
    let mut level: Vec<Lazy<u64>> = (0..24).map(|i| burn(force * 100 + i, rounds)).collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => mix(a, b),
                [a] => a.clone(),
                _ => unreachable!("chunks of two"),
            })
            .collect();
    }
    level.pop().expect("one value")
}

/// `SMALL` tiny tasks, spread over the processes, gathered into one vector and summed.
fn fan_in(force: u64) -> Lazy<u64> {
    let parts: Vec<Lazy<u64>> = (0..SMALL).map(|i| tiny(i, force)).collect();
    total(parts)
}

fn var(name: &str) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} is set by the bench"))
}

/// What a member of a bench cluster does.
fn member() {
    let workload = std::env::var(WORKLOAD).expect("set by the bench");
    let (forces, rounds) = (var(FORCES), var(ROUNDS));
    let outcome = execute_from_args(std::env::args(), |cluster| {
        let mut spent = Duration::ZERO;
        for force in 0..forces {
            let x = match workload.as_str() {
                "tree" => tree(force, rounds),
                "small" => fan_in(force),
                other => panic!("no workload {other}"),
            };
            let started = Instant::now();
            black_box(cluster.strict(&x));
            spent += started.elapsed();
        }
        if cluster.index() == 0 {
            println!("spent {}", spent.as_nanos());
        }
    });
    if let Err(error) = outcome {
        eprintln!("{error}");
        std::process::exit(1);
    }
}

/// Starts `processes` members with one worker thread each, which force `workload`
/// `forces` times; returns the time process 0 spent in the forces.
fn cluster_run(processes: usize, workload: &str, forces: u64, rounds: u64) -> Duration {
    let args = [String::from("-w"), String::from("1")];
    let mut cluster = launch_local(processes, &args, |index, command| {
        command
            .env(WORKLOAD, workload)
            .env(FORCES, forces.to_string())
            .env(ROUNDS, rounds.to_string())
            .stdout(if index == 0 {
                Stdio::piped()
            } else {
                Stdio::null()
            });
    })
    .expect("the members start");
    let mut out = cluster.children()[0]
        .stdout
        .take()
        .expect("process 0's output");
    let limit = Duration::from_secs(60 + forces * 5);
    let statuses = cluster.wait(limit);
    assert!(
        statuses.iter().all(|s| s.is_some_and(|s| s.success())),
        "a member failed or hung: {statuses:?}"
    );
    let mut printed = String::new();
    out.read_to_string(&mut printed)
        .expect("process 0's output");
    let nanos: u64 = printed
        .lines()
        .find_map(|l| l.strip_prefix("spent "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("process 0 printed no time: {printed:?}"));
    Duration::from_nanos(nanos)
}

/// The rounds of `burn` that take about 20 ms here, measured once in this process.
fn calibrate() -> u64 {
    let probe = 1_000_000;
    let started = Instant::now();
    black_box(burn_eagerly(black_box(probe)));
    let per_round = started.elapsed().as_secs_f64() / 1e6;
    // Truncating a positive count of rounds is what is meant.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a positive count of about a million"
    )]
    let rounds = (0.020 / per_round) as u64;
    rounds.max(1)
}

fn burn_eagerly(rounds: u64) -> u64 {
    lazy::strict(burn(7, rounds))
}

fn processes(c: &mut Criterion) {
    let rounds = calibrate();
    let mut group = c.benchmark_group("cluster_tree_24x20ms");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(12));
    for processes in [1, 2, 3] {
        group.bench_with_input(
            BenchmarkId::from_parameter(processes),
            &processes,
            |b, &processes| b.iter_custom(|iters| cluster_run(processes, "tree", iters, rounds)),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("cluster_small_values");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Elements(SMALL));
    for processes in [1, 2] {
        group.bench_with_input(
            BenchmarkId::from_parameter(processes),
            &processes,
            |b, &processes| b.iter_custom(|iters| cluster_run(processes, "small", iters, 0)),
        );
    }
    group.finish();
}

fn codec(c: &mut Criterion) {
    let array: Array1<f64> = Array1::from_iter((0..1_000_000_u32).map(f64::from));
    let bytes = encode(array.clone()).expect("arrays have a codec");
    let mut group = c.benchmark_group("cluster_codec_8mb");
    group.throughput(Throughput::Bytes(8_000_000));
    group.bench_function("encode", |b| {
        b.iter(|| black_box(encode(black_box(array.clone())).expect("a codec")));
    });
    group.bench_function("clone_alone", |b| b.iter(|| black_box(array.clone())));
    group.bench_function("decode", |b| {
        b.iter(|| black_box(decode::<Array1<f64>>(black_box(&bytes)).expect("an array")));
    });
    group.finish();
}

fn main() {
    if std::env::var_os(LAUNCH_ENV).is_some() {
        member();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    codec(&mut c);
    processes(&mut c);
    c.final_summary();
}
