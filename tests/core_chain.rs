//! Long chains must not overflow the stack when built, forced or dropped.

use lazy::{lazy, strict};

#[lazy]
fn step(x: u64, k: u64) -> u64 {
    step_eager(x, k)
}

#[test]
fn a_million_node_chain_builds_forces_and_drops() {
    let mut x = step(0, 0);
    for k in 1..1_000_000 {
        x = step(x, k);
    }
    let value = strict(&x);
    assert_eq!(value, (1..1_000_000).fold(step_eager(0, 0), step_eager));
    drop(x);
}

fn step_eager(x: u64, k: u64) -> u64 {
    x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(k)
}
