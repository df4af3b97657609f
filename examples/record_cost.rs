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
//! Both runs first force one chain with the recorder on, so that the thread's chunks are
//! made (and kept) before the five forces that differ: the difference of the two totals
//! over 500,000 is what the recorder adds per task, as in the bench, where the chunks are
//! reused from one iteration to the next.

use std::sync::Arc;

use lazy::scheduling::{Sequential, with_scheduler};
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

fn main() {
    let on = match std::env::args().nth(1).as_deref() {
        Some("on") => true,
        Some("off") => false,
        _ => panic!("usage: record_cost on|off"),
    };
    lazy::memo::set_budget(0);
    let mut checksum = 0_u64;
    with_scheduler(Arc::new(Sequential), || {
        checksum = run(true);
        for _ in 0..FORCES {
            checksum = checksum.wrapping_add(run(on));
        }
    });
    println!("recording {}: {checksum}", if on { "on" } else { "off" });
}
