//! Several threads building and forcing overlapping graphs at once agree with each other
//! and with the eager computation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// How many times `knit` has run.
static KNITS: AtomicUsize = AtomicUsize::new(0);

#[lazy]
fn knit(a: u64, b: u64) -> u64 {
    KNITS.fetch_add(1, Ordering::Relaxed);
    eager_mix(a, b)
}

/// A diamond lattice `width` wide and `depth` deep over `seed`: every node reads two nodes
/// of the row below, so each intermediate value has two readers.
fn lattice(seed: u64, width: usize, depth: usize) -> (Vec<lazy::Lazy<u64>>, Vec<u64>) {
    let mut row: Vec<lazy::Lazy<u64>> = (0..width as u64).map(|j| knit(seed, j)).collect();
    let mut values: Vec<u64> = (0..width as u64).map(|j| eager_mix(seed, j)).collect();
    for _ in 0..depth {
        row = (0..width)
            .map(|j| knit(&row[j], &row[(j + 1) % width]))
            .collect();
        values = (0..width)
            .map(|j| eager_mix(values[j], values[(j + 1) % width]))
            .collect();
    }
    (row, values)
}

#[test]
fn threads_forcing_different_tops_of_one_lattice_at_once_agree_and_run_each_node_once() {
    // Every thread builds the same lattice (the nodes fold into one graph) and forces its
    // own top node, so plans over shared nodes are built and run at the same time, and
    // intermediate values are released while other plans still need them. Each force may
    // run each node of the lattice at most once: a plan whose inputs were released under
    // it once recomputed them one reader at a time, which takes time exponential in the
    // depth.
    const THREADS: usize = 6;
    const ROUNDS: u64 = 30;
    const WIDTH: usize = 16;
    const DEPTH: usize = 60;
    std::thread::scope(|s| {
        for t in 0..THREADS {
            s.spawn(move || {
                for round in 0..ROUNDS {
                    let (top, expected) = lattice(round % 3, WIDTH, DEPTH);
                    let scheduler: Arc<dyn lazy::scheduling::Scheduler> =
                        if (t + usize::try_from(round).unwrap()) % 2 == 0 {
                            Arc::new(lazy::scheduling::Parallel::new())
                        } else {
                            Arc::new(lazy::scheduling::Sequential)
                        };
                    let i = t % WIDTH;
                    let value = lazy::scheduling::with_scheduler(scheduler, || strict(&top[i]));
                    assert_eq!(value, expected[i]);
                }
            });
        }
    });
    let most = THREADS * usize::try_from(ROUNDS).unwrap() * WIDTH * (DEPTH + 1);
    let runs = KNITS.load(Ordering::Relaxed);
    assert!(runs <= most, "knit ran {runs} times, more than {most}");
}
