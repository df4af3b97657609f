//! Asynchronous spin tasks (the prototype's `@lazy.asynchronous` with `Task.spin`).
//!
//! Four "network receives" that each answer after about 100 ms run next to eight CPU tasks
//! on a two-worker scheduler. Between polls a waiting task lends its worker to the CPU
//! tasks, so the whole graph takes about 100 ms plus the CPU work, not four times 100 ms.
//! Run it a few times in one process and the runtime learns when the receives answer: the
//! first poll is delayed accordingly and the polls per receive drop to one or two.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lazy::scheduling::{Parallel, with_scheduler};
use lazy::spin::Spin;
use lazy::{Lazy, lazy, strict};

/// Pretends to wait for a reply that arrives `after_ms` after the task starts.
#[lazy(spin)]
fn receive(t: &Spin, id: u32, after_ms: u64) -> (u32, u32) {
    let start = Instant::now();
    for () in t.spin() {
        if start.elapsed() >= Duration::from_millis(after_ms) {
            break;
        }
    }
    (id, t.polls())
}

#[lazy]
fn crunch(seed: u64) -> u64 {
    (0..2_000_000_u64).fold(seed, |a, x| a.wrapping_mul(31).wrapping_add(x))
}

fn main() {
    let scheduler = Arc::new(Parallel::with_threads(2));
    let start = Instant::now();
    let cpu_only: Vec<Lazy<u64>> = (0..8).map(crunch).collect();
    with_scheduler(scheduler.clone(), || strict(&cpu_only));
    let cpu_time = start.elapsed();
    println!(
        "8 CPU tasks alone on 2 workers: {:.0} ms",
        cpu_time.as_secs_f64() * 1e3
    );

    for round in 0..4_u64 {
        // Distinct arguments per round: the receives are new nodes, not folded results.
        let receives: Vec<Lazy<(u32, u32)>> = (0..4)
            .map(|i| receive(i + 10 * u32::try_from(round).unwrap(), 100))
            .collect();
        let work: Vec<Lazy<u64>> = (0..8).map(|i| crunch(100 * (round + 1) + i)).collect();
        let start = Instant::now();
        let (replies, _) = with_scheduler(scheduler.clone(), || strict((&receives, &work)));
        let polls: Vec<u32> = replies.iter().map(|r| r.1).collect();
        println!(
            "round {round}: 4 receives (100 ms each) + 8 CPU tasks in {:.0} ms; polls per receive {polls:?}",
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}
