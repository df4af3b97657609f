//! The task recorder's cost in instructions, which stay put on a noisy machine where times
//! do not. Forces a 100,000-task chain (as in `benches/overhead.rs`'s `record` group, memo
//! store off) on the sequential scheduler, five times with the recorder off and five with
//! it on, each force inside `force`, so that a count can cover the forces alone:
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='record_cost::force*' \
//!     target/release/examples/record_cost off
//! valgrind --tool=callgrind --toggle-collect='record_cost::force*' \
//!     target/release/examples/record_cost on
//! ```
//!
//! `record_cost time ROUNDS` times instead: each round forces one chain with the recorder
//! off and one with it on (in turn first), on the sequential and the parallel scheduler,
//! and it prints the medians and their ratio. Interleaving the two keeps a noisy machine's
//! drift out of the ratio.
//!
//! Both counting runs first force one chain with the recorder on, so that the thread's chunks are
//! made (and kept) before the five forces that differ: the difference of the two totals
//! over 500,000 is what the recorder adds per task, as in the bench, where the chunks are
//! reused from one iteration to the next.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lazy::scheduling::{Parallel, Scheduler, Sequential, with_scheduler};
use lazy::task::{Op, task};
use lazy::{Lazy, strict};

const TASKS: u64 = 100_000;
const FORCES: u64 = 5;

fn inc(x: Lazy<u64>) -> Lazy<u64> {
    task(Op::function("record_cost::inc"), (x,), |(x,): (u64,)| {
        x.wrapping_add(1)
    })
}

fn chain(n: u64) -> Lazy<u64> {
    let mut x = Lazy::new(0_u64);
    for _ in 0..n {
        x = inc(x);
    }
    x
}

/// One force of a fresh chain, with the recorder `on` or off; the trace is taken after.
#[inline(never)]
fn force(root: &Lazy<u64>, on: bool) -> u64 {
    lazy::observe::set_recording(on);
    let value = strict(root);
    lazy::observe::set_recording(false);
    value
}

fn run(on: bool) -> u64 {
    let root = chain(TASKS);
    let value = force(&root, on);
    let tasks = lazy::observe::take_trace().tasks().len() as u64;
    assert_eq!(value, TASKS);
    assert_eq!(tasks, if on { TASKS } else { 0 });
    value
}

/// How long one force of a fresh chain takes, with the recorder `on` or off.
fn time(on: bool) -> Duration {
    let root = chain(TASKS);
    let start = Instant::now();
    let value = force(&root, on);
    let elapsed = start.elapsed();
    let tasks = lazy::observe::take_trace().tasks().len() as u64;
    assert_eq!((value, tasks), (TASKS, if on { TASKS } else { 0 }));
    elapsed
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn time_rounds(rounds: usize) {
    let schedulers: [(&str, Arc<dyn Scheduler>); 2] = [
        ("sequential", Arc::new(Sequential)),
        ("parallel", Arc::new(Parallel::new())),
    ];
    for (name, scheduler) in schedulers {
        let (mut off, mut on) = (Vec::new(), Vec::new());
        with_scheduler(scheduler, || {
            time(true);
            for round in 0..rounds {
                for first in [round % 2 == 0, round % 2 != 0] {
                    if first {
                        on.push(time(true));
                    } else {
                        off.push(time(false));
                    }
                }
            }
        });
        let (off, on) = (median(off), median(on));
        println!(
            "{name}: off {:.2} ms, on {:.2} ms, on/off {:.3}",
            off.as_secs_f64() * 1e3,
            on.as_secs_f64() * 1e3,
            on.as_secs_f64() / off.as_secs_f64()
        );
    }
}

fn main() {
    lazy::memo::set_budget(0);
    let mut args = std::env::args().skip(1);
    let on = match args.next().as_deref() {
        Some("on") => true,
        Some("off") => false,
        Some("time") => {
            let rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
            time_rounds(rounds);
            return;
        }
        _ => panic!("usage: record_cost on|off|time [ROUNDS]"),
    };
    let mut checksum = 0_u64;
    with_scheduler(Arc::new(Sequential), || {
        checksum = run(true);
        for _ in 0..FORCES {
            checksum = checksum.wrapping_add(run(on));
        }
    });
    println!("recording {}: {checksum}", if on { "on" } else { "off" });
}
