//! The soak: random task graphs over shared leaves and input cells, forced from eight
//! threads at once, every result checked against an eager computation over the cell values
//! the same force returned (optionally while two writers keep setting the cells).
//!
//! The graphs share a small pool of leaf values and operation names, so that the threads'
//! graphs fold into one another; handles are dropped (and kept, in a shared pool) while
//! other threads force; rounds switch between the sequential, a shared two-thread parallel
//! and the default scheduler; and one operation panics on a rare value, which must be an
//! error naming it exactly when the eager computation says so.
//!
//! The default test runs for about twelve seconds; the `#[ignore]`d `long_soak` runs the
//! same body for `LAZY_SOAK_SECS` seconds (300 unless set).

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use lazy::scheduling::{Parallel, Scheduler, Sequential, with_scheduler};
use lazy::task::{Op, task};
use lazy::{Input, Lazy, input, try_strict};
use support::within;

const READERS: u64 = 8;
const CELLS: usize = 4;
/// Leaf values and cell values come from small pools, so that threads build equal nodes.
const LEAF_POOL: u64 = 12;
const CELL_POOL: u64 = 48;
/// Handles kept across rounds and threads, at most.
const KEPT: usize = 256;
/// The operation that panics when its result is a multiple of this.
const RARE: u64 = 97;
const CHECKED: &str = "soak::checked";

/// splitmix64: small, deterministic, good enough to pick shapes and values.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n")
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn leaf_value(i: u64) -> u64 {
    Rng::new(i ^ 0x5eed).next()
}

fn cell_value(rng: &mut Rng) -> u64 {
    leaf_value(1000 + rng.next() % CELL_POOL)
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Add,
    Mul,
    Xor,
    Rotate,
    Mix3,
    Checked,
}

impl Kind {
    fn pick(rng: &mut Rng) -> Kind {
        match rng.below(16) {
            0..=3 => Kind::Add,
            4..=6 => Kind::Mul,
            7..=9 => Kind::Xor,
            10..=11 => Kind::Rotate,
            12..=14 => Kind::Mix3,
            _ => Kind::Checked,
        }
    }

    fn arity(self) -> usize {
        match self {
            Kind::Rotate => 1,
            Kind::Mix3 => 3,
            Kind::Add | Kind::Mul | Kind::Xor | Kind::Checked => 2,
        }
    }
}

fn mix3(a: u64, b: u64, c: u64) -> u64 {
    a.wrapping_mul(3).wrapping_add(b.rotate_left(17)) ^ c
}

/// The checked operation's value, or `None` where it panics.
fn checked(a: u64, b: u64) -> Option<u64> {
    let r = a.wrapping_add(b).rotate_left(7);
    (!r.is_multiple_of(RARE)).then_some(r)
}

/// One node of a random graph: a leaf, an input cell, or an operation over earlier nodes.
#[derive(Clone, Debug)]
enum Spec {
    Leaf(u64),
    Cell(usize),
    Op(Kind, Vec<usize>),
}

/// A random graph of `20..=200` nodes in topological order. Arguments favour recent nodes
/// and sometimes reach back anywhere, so that nodes are read several times.
fn random_graph(rng: &mut Rng) -> Vec<Spec> {
    let n = 20 + rng.below(181);
    let mut specs = Vec::with_capacity(n);
    for i in 0..n {
        let spec = if i < 3 || rng.chance(10) {
            if rng.chance(30) {
                Spec::Cell(rng.below(CELLS))
            } else {
                Spec::Leaf(leaf_value(rng.next() % LEAF_POOL))
            }
        } else {
            let kind = Kind::pick(rng);
            let args = (0..kind.arity())
                .map(|_| {
                    if rng.chance(60) {
                        i - 1 - rng.below(i.min(6))
                    } else {
                        rng.below(i)
                    }
                })
                .collect();
            Spec::Op(kind, args)
        };
        specs.push(spec);
    }
    specs
}

fn build(specs: &[Spec], cells: &[Input<u64>]) -> Vec<Lazy<u64>> {
    let mut nodes: Vec<Lazy<u64>> = Vec::with_capacity(specs.len());
    for spec in specs {
        let node = match spec {
            Spec::Leaf(v) => Lazy::new(*v),
            Spec::Cell(c) => cells[*c].lazy(),
            Spec::Op(kind, args) => {
                let arg = |i: usize| nodes[args[i]].clone();
                match kind {
                    Kind::Add => task(
                        Op::function("soak::add"),
                        (arg(0), arg(1)),
                        |(a, b): (u64, u64)| a.wrapping_add(b),
                    ),
                    Kind::Mul => task(
                        Op::function("soak::mul"),
                        (arg(0), arg(1)),
                        |(a, b): (u64, u64)| a.wrapping_mul(b),
                    ),
                    Kind::Xor => task(
                        Op::function("soak::xor"),
                        (arg(0), arg(1)),
                        |(a, b): (u64, u64)| a ^ b,
                    ),
                    Kind::Rotate => task(Op::function("soak::rotate"), (arg(0),), |(a,): (u64,)| {
                        a.rotate_left(13)
                    }),
                    Kind::Mix3 => task(
                        Op::function("soak::mix3"),
                        (arg(0), arg(1), arg(2)),
                        |(a, b, c): (u64, u64, u64)| mix3(a, b, c),
                    ),
                    Kind::Checked => task(
                        Op::function(CHECKED),
                        (arg(0), arg(1)),
                        |(a, b): (u64, u64)| {
                            checked(a, b).unwrap_or_else(|| {
                                panic!("{CHECKED}: {a} + {b} hit a multiple of {RARE}")
                            })
                        },
                    ),
                }
            }
        };
        nodes.push(node);
    }
    nodes
}

/// The graph computed eagerly over the given cell values: each node's value (`None` where
/// it or one of its ancestors panics) and whether it reads a cell.
fn eager(specs: &[Spec], cells: &[u64]) -> Vec<(Option<u64>, bool)> {
    let mut out: Vec<(Option<u64>, bool)> = Vec::with_capacity(specs.len());
    for spec in specs {
        let node = match spec {
            Spec::Leaf(v) => (Some(*v), false),
            Spec::Cell(c) => (Some(cells[*c]), true),
            Spec::Op(kind, args) => {
                let volatile = args.iter().any(|&a| out[a].1);
                let values: Option<Vec<u64>> = args.iter().map(|&a| out[a].0).collect();
                let value = values.and_then(|v| match kind {
                    Kind::Add => Some(v[0].wrapping_add(v[1])),
                    Kind::Mul => Some(v[0].wrapping_mul(v[1])),
                    Kind::Xor => Some(v[0] ^ v[1]),
                    Kind::Rotate => Some(v[0].rotate_left(13)),
                    Kind::Mix3 => Some(mix3(v[0], v[1], v[2])),
                    Kind::Checked => checked(v[0], v[1]),
                });
                (value, volatile)
            }
        };
        out.push(node);
    }
    out
}

#[derive(Default)]
struct Tally {
    rounds: AtomicU64,
    forces: AtomicU64,
    failures: AtomicU64,
    mismatches: Mutex<Vec<String>>,
}

impl Tally {
    fn mismatch(&self, what: String) {
        let mut m = self.mismatches.lock().unwrap();
        if m.len() < 20 {
            m.push(what);
        }
    }

    /// Compares one force's outcome with the eager values of the forced nodes.
    fn check(&self, context: &str, got: Result<Vec<u64>, lazy::Error>, expected: &[Option<u64>]) {
        self.forces.fetch_add(1, Ordering::Relaxed);
        let expected: Option<Vec<u64>> = expected.iter().copied().collect();
        match (got, expected) {
            (Ok(got), Some(expected)) if got == expected => {}
            (Err(e), None) if genuine(&e) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
            }
            (got, expected) => self.mismatch(format!("{context}: got {got:?}, eager {expected:?}")),
        }
    }
}

/// The checked operation's panics are expected: keep them out of the output.
fn quiet_expected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            if !message.is_some_and(|m| m.starts_with(CHECKED)) {
                previous(info);
            }
        }));
    });
}

struct Shared {
    cells: Vec<Input<u64>>,
    kept: Mutex<Vec<(Lazy<u64>, Option<u64>)>>,
    parallel: Arc<dyn Scheduler>,
    tally: Tally,
}

/// One reader round: build a random graph, drop some of its handles, force the rest
/// together with the cells, and compare with the eager values over the forced cells.
fn round(shared: &Shared, rng: &mut Rng) {
    let specs = random_graph(rng);
    let mut nodes: Vec<Option<Lazy<u64>>> =
        build(&specs, &shared.cells).into_iter().map(Some).collect();
    let mut read = vec![false; specs.len()];
    for spec in &specs {
        if let Spec::Op(_, args) = spec {
            for &a in args {
                read[a] = true;
            }
        }
    }
    let sinks: Vec<usize> = (0..specs.len()).filter(|&i| !read[i]).collect();
    // Intermediate handles go away before the force; their sinks still need them.
    for (i, node) in nodes.iter_mut().enumerate() {
        if read[i] && rng.chance(30) {
            *node = None;
        }
    }
    let cells: Vec<Lazy<u64>> = shared.cells.iter().map(Input::lazy).collect();
    let force = |context: &str, wanted: &[usize]| {
        let handles: Vec<Lazy<u64>> = wanted
            .iter()
            .map(|&i| nodes[i].clone().expect("kept"))
            .collect();
        match try_strict((&handles, &cells)) {
            // The cells' forced values are one revision of each: the eager graph over them
            // must agree exactly.
            Ok((got, values)) => {
                let expected = eager(&specs, &values);
                let wanted: Vec<Option<u64>> = wanted.iter().map(|&i| expected[i].0).collect();
                shared.tally.check(context, Ok(got), &wanted);
            }
            Err(e) => check_failure(&shared.tally, context, &specs, wanted, &e),
        }
    };
    if rng.chance(50) {
        force("sinks", &sinks);
    } else {
        let kept: Vec<usize> = (0..specs.len()).filter(|&i| nodes[i].is_some()).collect();
        for _ in 0..=rng.below(4) {
            force("one node", &[kept[rng.below(kept.len())]]);
        }
    }
    keep_some(shared, rng, &specs, &nodes);
}

/// Whether `e` is the checked operation's panic, on inputs that do hit the rare value.
fn genuine(e: &lazy::Error) -> bool {
    let inputs = e
        .message()
        .and_then(|m| m.strip_prefix(CHECKED))
        .and_then(|m| m.strip_prefix(": "))
        .and_then(|m| m.split_once(" hit").map(|(ab, _)| ab))
        .and_then(|ab| ab.split_once(" + "))
        .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)));
    e.task() == CHECKED && inputs.is_some_and(|(a, b)| checked(a, b).is_none())
}

/// The cells the `wanted` nodes read, directly or through their ancestors.
fn cells_read(specs: &[Spec], wanted: &[usize]) -> Vec<usize> {
    let mut needed = vec![false; specs.len()];
    for &i in wanted {
        needed[i] = true;
    }
    let mut cells = Vec::new();
    for i in (0..specs.len()).rev() {
        if !needed[i] {
            continue;
        }
        match &specs[i] {
            Spec::Leaf(_) => {}
            Spec::Cell(c) => cells.push(*c),
            Spec::Op(_, args) => args.iter().for_each(|&a| needed[a] = true),
        }
    }
    cells.sort_unstable();
    cells.dedup();
    cells
}

/// A force that failed returns no cell values, so the revision it saw is not known. The
/// error must name the checked operation, with a message whose inputs do hit the rare
/// value; and the eager graph must fail for some values of the cells the forced nodes read
/// (all of them, when they read at most two cells; when they read none, that is exact).
fn check_failure(tally: &Tally, context: &str, specs: &[Spec], wanted: &[usize], e: &lazy::Error) {
    tally.forces.fetch_add(1, Ordering::Relaxed);
    tally.failures.fetch_add(1, Ordering::Relaxed);
    if !genuine(e) {
        tally.mismatch(format!("{context}: unexpected error {e}"));
        return;
    }
    let read = cells_read(specs, wanted);
    if read.len() > 2 {
        return;
    }
    let fails = |values: &[u64]| {
        let expected = eager(specs, values);
        wanted.iter().any(|&i| expected[i].0.is_none())
    };
    let pool: Vec<u64> = (0..CELL_POOL).map(|i| leaf_value(1000 + i)).collect();
    let mut values = [0; CELLS];
    let some_revision_fails = match read[..] {
        [] => fails(&values),
        [c] => pool.iter().any(|&v| {
            values[c] = v;
            fails(&values)
        }),
        [c, d] => pool.iter().any(|&v| {
            pool.iter().any(|&w| {
                values[c] = v;
                values[d] = w;
                fails(&values)
            })
        }),
        _ => unreachable!("at most two cells"),
    };
    if !some_revision_fails {
        tally.mismatch(format!(
            "{context}: error {e}, but eager never fails (cells {read:?})"
        ));
    }
}

/// Keeps a few input-free handles of this round in the shared pool, and forces or drops a
/// few kept by any thread.
fn keep_some(shared: &Shared, rng: &mut Rng, specs: &[Spec], nodes: &[Option<Lazy<u64>>]) {
    let values = eager(specs, &[0; CELLS]);
    let mut taken = Vec::new();
    {
        let mut kept = shared.kept.lock().unwrap();
        for _ in 0..rng.below(6) {
            let i = rng.below(specs.len());
            if let (Some(node), (value, false)) = (&nodes[i], values[i]) {
                if kept.len() >= KEPT {
                    let j = rng.below(kept.len());
                    kept.swap_remove(j);
                }
                kept.push((node.clone(), value));
            }
        }
        for _ in 0..rng.below(4) {
            if kept.is_empty() {
                break;
            }
            let j = rng.below(kept.len());
            taken.push(kept.swap_remove(j));
        }
    }
    for (node, value) in taken {
        if rng.chance(50) {
            shared
                .tally
                .check("kept", try_strict(&node).map(|v| vec![v]), &[value]);
        }
    }
}

/// Runs the soak for `duration`, with `writers` threads setting the cells meanwhile.
fn soak(duration: Duration, writers: u64) {
    quiet_expected_panics();
    let shared = Arc::new(Shared {
        cells: (0..CELLS as u64)
            .map(|i| input(leaf_value(1000 + i)))
            .collect(),
        kept: Mutex::new(Vec::new()),
        parallel: Arc::new(Parallel::with_threads(2)),
        tally: Tally::default(),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + duration;
    std::thread::scope(|s| {
        for w in 0..writers {
            let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
            s.spawn(move || {
                let mut rng = Rng::new(0x00c0_ffee ^ w);
                while !stop.load(Ordering::Relaxed) {
                    let c = rng.below(CELLS);
                    shared.cells[c].set(cell_value(&mut rng));
                }
            });
        }
        let readers: Vec<_> = (0..READERS)
            .map(|t| {
                let shared = Arc::clone(&shared);
                s.spawn(move || {
                    let mut r = 0_u64;
                    while Instant::now() < deadline {
                        let mut rng = Rng::new((t << 32) ^ r);
                        match rng.below(10) {
                            0 | 1 => {
                                with_scheduler(Arc::new(Sequential), || round(&shared, &mut rng));
                            }
                            2 | 3 => with_scheduler(Arc::clone(&shared.parallel), || {
                                round(&shared, &mut rng);
                            }),
                            _ => round(&shared, &mut rng),
                        }
                        shared.tally.rounds.fetch_add(1, Ordering::Relaxed);
                        r += 1;
                    }
                })
            })
            .collect();
        for reader in readers {
            let _ = reader.join();
        }
        stop.store(true, Ordering::Relaxed);
    });
    let tally = &shared.tally;
    let (rounds, forces, failures) = (
        tally.rounds.load(Ordering::Relaxed),
        tally.forces.load(Ordering::Relaxed),
        tally.failures.load(Ordering::Relaxed),
    );
    eprintln!("soak: {rounds} rounds, {forces} forces, {failures} expected failures");
    let mismatches = tally.mismatches.lock().unwrap();
    assert!(
        mismatches.is_empty(),
        "lazy and eager disagree:\n{}",
        mismatches.join("\n")
    );
    assert!(rounds > 20, "only {rounds} rounds ran");
    assert!(forces > rounds, "only {forces} forces in {rounds} rounds");
}

#[test]
fn random_graphs_forced_from_many_threads_agree_with_eager() {
    within(Duration::from_mins(2), || soak(Duration::from_secs(6), 0));
}

/// With two threads setting the cells meanwhile: every force must see one revision of every
/// input. This found a force returning a node two tasks above a cell computed from one
/// revision with the cell's value from another; forces now keep changes waiting while they
/// run, which fixed that reproduction (0 of 20,000 forces disagree, from ~150).
///
/// It then found about 12 in 60,000 forces still disagreeing: a node built by one thread
/// could be folded onto and computed by another before the first registered it with its
/// input cells, and a change in between left it fresh with an older revision's value. The
/// table now registers a node before it is visible.
#[test]
fn random_graphs_forced_during_concurrent_sets_agree_with_eager() {
    within(Duration::from_mins(2), || soak(Duration::from_secs(8), 2));
}

/// The long soak, with two writers unless `LAZY_SOAK_WRITERS` says otherwise.
#[test]
#[ignore = "the long soak: LAZY_SOAK_SECS seconds (300 unless set)"]
fn long_soak() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let (secs, writers) = (env("LAZY_SOAK_SECS", 300), env("LAZY_SOAK_WRITERS", 2));
    within(Duration::from_secs(secs + 120), move || {
        soak(Duration::from_secs(secs), writers);
    });
}
