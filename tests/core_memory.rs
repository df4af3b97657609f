//! Dropping every handle frees every node. Alone in its test binary: it reads the
//! process-wide live-node count, which other tests would disturb.

use lazy::inspect::stats;
use lazy::{lazy, strict};

#[lazy]
fn step(x: u64, k: u64) -> u64 {
    x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(k)
}

#[lazy]
fn join(x: u64, y: u64) -> u64 {
    x ^ y.rotate_left(7)
}

#[test]
fn building_and_dropping_many_graphs_frees_every_node() {
    let before = stats().live_nodes;
    for round in 0..200_u64 {
        let mut xs: Vec<_> = (0..50).map(|k| step(round, k)).collect();
        while xs.len() > 1 {
            xs = xs
                .chunks(2)
                .map(|p| {
                    if p.len() == 2 {
                        join(&p[0], &p[1])
                    } else {
                        p[0].clone()
                    }
                })
                .collect();
        }
        // Force some graphs, leave others unforced, and keep an intermediate while forcing.
        if round % 3 != 0 {
            let kept = xs[0].clone();
            let _ = strict(&xs[0]);
            drop(kept);
        }
        assert!(stats().live_nodes > before);
    }
    assert_eq!(stats().live_nodes, before, "every node was freed");
}
