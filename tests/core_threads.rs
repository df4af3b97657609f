//! Several threads building and forcing overlapping graphs at once agree with each other
//! and with the eager computation.

use lazy::{lazy, strict};

#[lazy]
fn mix(a: u64, b: u64) -> u64 {
    a.wrapping_mul(31).wrapping_add(b)
}

fn eager_mix(a: u64, b: u64) -> u64 {
    a.wrapping_mul(31).wrapping_add(b)
}

#[test]
fn eight_threads_building_and_forcing_shared_graphs_get_the_eager_results() {
    std::thread::scope(|s| {
        for t in 0..8_u64 {
            s.spawn(move || {
                for round in 0..40_u64 {
                    // A prefix every thread shares, then a tail of its own.
                    let mut shared = mix(round, 1);
                    let mut expected = eager_mix(round, 1);
                    for k in 0..20 {
                        shared = mix(&shared, k);
                        expected = eager_mix(expected, k);
                    }
                    let own = mix(&shared, 1000 + t);
                    assert_eq!(strict(&own), eager_mix(expected, 1000 + t));
                    assert_eq!(strict(&shared), expected);
                }
            });
        }
    });
}
