//! `#[lazy(spin)]`: polling tasks receive a `Spin` handle and learn when to poll.

use std::time::{Duration, Instant};

use lazy::spin::{Spin, learned_ready_time};
use lazy::{lazy, strict};

#[lazy(spin)]
fn ready_after(t: &Spin, token: u64, after_ms: u64) -> u32 {
    let start = Instant::now();
    for () in t.spin() {
        if start.elapsed() >= Duration::from_millis(after_ms) {
            break;
        }
    }
    let _ = token;
    t.polls()
}

#[test]
fn a_spin_function_polls_until_ready_and_learns_when_to_poll() {
    // Each token is a new node, so every call really runs.
    let polls: Vec<u32> = (0..5)
        .map(|token| strict(&ready_after(token, 30)))
        .collect();
    assert!(
        polls[0] > 3,
        "without history the polls back off from short intervals: {polls:?}"
    );
    assert!(
        polls[3..].iter().all(|&p| p <= 3),
        "with history, at most three polls: {polls:?}"
    );
    let learned = learned_ready_time("spin::ready_after").expect("learned");
    assert!(learned >= Duration::from_millis(30), "{learned:?}");
}
