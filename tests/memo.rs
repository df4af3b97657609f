//! The memo store: released values are kept by key, so memoization, re-asking for an
//! intermediate and early cut-off work without user-held handles, within a byte budget.
//!
//! The store is process-wide: tests that change its budget or clear it take `TURN`, and
//! every test uses functions of its own so that counts do not mix.

mod support;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lazy::memo::{self, MemoSize};
use lazy::{Lazy, input, lazy, strict};

/// Held by tests that change the budget or clear the store.
static TURN: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

static FIB_BODIES: AtomicU64 = AtomicU64::new(0);

#[lazy]
fn fib(n: u64) -> u64 {
    FIB_BODIES.fetch_add(1, Ordering::Relaxed);
    if n < 2 {
        n
    } else {
        strict(fib(n - 1)) + strict(fib(n - 2))
    }
}

#[test]
fn a_recursive_function_forcing_its_calls_runs_each_body_once() {
    let _turn = turn();
    support::within(Duration::from_mins(1), || {
        assert_eq!(strict(fib(90)), 2_880_067_194_370_816_120);
        assert_eq!(FIB_BODIES.load(Ordering::Relaxed), 91, "n + 1 bodies");
        // Asked again with no handle held anywhere: taken from the store, no body runs.
        assert_eq!(strict(fib(90)), 2_880_067_194_370_816_120);
        assert_eq!(FIB_BODIES.load(Ordering::Relaxed), 91);
    });
}

static LOADS: AtomicU64 = AtomicU64::new(0);
static SUMS: AtomicU64 = AtomicU64::new(0);

#[lazy]
fn load(n: u64) -> Vec<u64> {
    LOADS.fetch_add(1, Ordering::Relaxed);
    (0..n).collect()
}

#[lazy]
fn sum(values: Vec<u64>) -> u64 {
    SUMS.fetch_add(1, Ordering::Relaxed);
    values.iter().sum()
}

#[test]
fn re_asking_for_an_intermediate_does_not_run_it_again() {
    let total = sum(load(1000));
    assert_eq!(strict(&total), 499_500);
    // `load`'s value was released when `sum` read it; asking for it again finds it.
    assert_eq!(strict(load(1000)).len(), 1000);
    assert_eq!(LOADS.load(Ordering::Relaxed), 1);
    // And the whole pipeline, built again after every handle is gone.
    drop(total);
    assert_eq!(strict(sum(load(1000))), 499_500);
    assert_eq!(
        (LOADS.load(Ordering::Relaxed), SUMS.load(Ordering::Relaxed)),
        (1, 1)
    );
}

static BANDS: AtomicU64 = AtomicU64::new(0);
static REPORTS: AtomicU64 = AtomicU64::new(0);

#[lazy]
fn band(x: i64) -> i64 {
    BANDS.fetch_add(1, Ordering::Relaxed);
    x / 10
}

#[lazy]
fn report(band: i64) -> String {
    REPORTS.fetch_add(1, Ordering::Relaxed);
    format!("band {band}")
}

#[test]
fn early_cut_off_works_without_a_handle_to_the_intermediate() {
    let x = input(12_i64);
    let r = report(band(&x));
    assert_eq!(strict(&r), "band 1");
    // 15 is in the same band: `band` runs again, finds its value unchanged (the old one is
    // in the store, released by the node when `report` read it), and `report` does not.
    x.set(15);
    assert_eq!(strict(&r), "band 1");
    assert_eq!(BANDS.load(Ordering::Relaxed), 2);
    assert_eq!(REPORTS.load(Ordering::Relaxed), 1, "report ran again");
    // A value in another band does reach `report`.
    x.set(27);
    assert_eq!(strict(&r), "band 2");
    assert_eq!(REPORTS.load(Ordering::Relaxed), 2);
    // Back to the first band: the store's entry for `band` is the latest value (2), not the
    // first one (1), so `report` runs again with the right value.
    x.set(11);
    assert_eq!(strict(&r), "band 1");
    assert_eq!(REPORTS.load(Ordering::Relaxed), 3);
}

static BLOCKS: AtomicU64 = AtomicU64::new(0);

/// 8 MiB, written so that its pages are resident.
#[lazy]
fn block(seed: u64) -> Vec<u8> {
    BLOCKS.fetch_add(1, Ordering::Relaxed);
    vec![u8::try_from(seed % 256).unwrap(); 8 << 20]
}

/// The process's resident set in bytes (`VmRSS`), where the platform reports it.
fn resident() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: usize = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn the_budget_holds_with_many_large_values() {
    let _turn = turn();
    memo::clear();
    let budget = 64 << 20;
    memo::set_budget(budget);
    let before = resident();
    for seed in 0..60 {
        // Each value is released as its handle goes, and offered to the store.
        let b = block(seed);
        assert_eq!(strict(&b)[0], u8::try_from(seed).unwrap());
        drop(b);
    }
    let stats = memo::stats();
    assert!(stats.bytes <= budget, "{stats:?}");
    assert!(stats.evictions > 0, "{stats:?}");
    // 60 × 8 MiB = 480 MiB went through; the store keeps at most its budget of it.
    if let (Some(before), Some(after)) = (before, resident()) {
        let growth = after.saturating_sub(before);
        assert!(
            growth < budget + (64 << 20),
            "resident set grew by {} MiB",
            growth >> 20
        );
    }
    memo::clear();
    memo::set_budget(memo::DEFAULT_BUDGET);
}

static SLOW: AtomicU64 = AtomicU64::new(0);
static FAST: AtomicU64 = AtomicU64::new(0);

/// Small and slow: worth keeping.
#[lazy]
fn slow_small(seed: u64) -> u64 {
    SLOW.fetch_add(1, Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(5));
    seed
}

/// Large and fast: cheap per byte.
#[lazy]
fn fast_large(seed: u64) -> Vec<u64> {
    FAST.fetch_add(1, Ordering::Relaxed);
    vec![seed; 64 << 10]
}

#[test]
fn eviction_prefers_values_cheap_per_byte() {
    let _turn = turn();
    memo::clear();
    // Room in each shard for a few of the 512 KiB values only.
    memo::set_budget(8 << 20);
    for seed in 0..16 {
        assert_eq!(strict(slow_small(seed)), seed);
    }
    for seed in 0..64 {
        // Held, then dropped: a value taken by move (`strict(fast_large(seed))`) that is
        // large and fast to compute is moved out rather than kept at all.
        let large = fast_large(seed);
        assert_eq!(strict(&large).len(), 64 << 10);
    }
    let stats = memo::stats();
    assert!(stats.evictions > 0, "{stats:?}");
    // Every slow value survived the flood of fast ones.
    for seed in 0..16 {
        assert_eq!(strict(slow_small(seed)), seed);
    }
    assert_eq!(SLOW.load(Ordering::Relaxed), 16, "a slow value was evicted");
    memo::clear();
    memo::set_budget(memo::DEFAULT_BUDGET);
}

static OPTED_OUT: AtomicU64 = AtomicU64::new(0);

#[lazy(no_memo)]
fn opted_out(x: u64) -> u64 {
    OPTED_OUT.fetch_add(1, Ordering::Relaxed);
    x + 1
}

#[test]
fn a_function_can_opt_out() {
    assert_eq!(strict(opted_out(1)), 2);
    assert_eq!(strict(opted_out(1)), 2);
    assert_eq!(OPTED_OUT.load(Ordering::Relaxed), 2);
}

static PINNED: AtomicU64 = AtomicU64::new(0);

#[lazy]
fn pinned(x: u64) -> u64 {
    PINNED.fetch_add(1, Ordering::Relaxed);
    x * 3
}

#[test]
fn persist_pins_a_value_beyond_the_budget_and_clear_lets_it_go() {
    let _turn = turn();
    let kept = pinned(5).persist();
    drop(kept);
    memo::set_budget(0);
    // The store keeps nothing new now, but the pin stays.
    assert_eq!(strict(pinned(5)), 15);
    assert_eq!(PINNED.load(Ordering::Relaxed), 1);
    assert!(memo::stats().pinned >= 1);
    memo::set_budget(memo::DEFAULT_BUDGET);
    memo::clear();
    assert_eq!(strict(pinned(5)), 15);
    assert_eq!(PINNED.load(Ordering::Relaxed), 2, "cleared: it ran again");
}

static SHARED: AtomicU64 = AtomicU64::new(0);

#[lazy]
fn shared(a: u64, b: u64) -> u64 {
    SHARED.fetch_add(1, Ordering::Relaxed);
    a.wrapping_mul(31).wrapping_add(b)
}

fn shared_eager(a: u64, b: u64) -> u64 {
    a.wrapping_mul(31).wrapping_add(b)
}

#[test]
fn eight_threads_share_the_store() {
    support::within(Duration::from_mins(2), || {
        let threads: Vec<_> = (0..8_u64)
            .map(|t| {
                std::thread::spawn(move || {
                    for round in 0..200_u64 {
                        // Overlapping keys across threads and rounds.
                        let (a, b) = ((t + round) % 13, round % 7);
                        let x: Lazy<u64> = shared(a, b);
                        let y = shared(&x, a);
                        assert_eq!(strict(&y), shared_eager(shared_eager(a, b), a));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("a thread failed");
        }
    });
    // 13 × 7 first-level keys and their second levels: far fewer runs than 8 × 200 × 2,
    // though a value being computed by one thread while another builds the same node
    // afresh may run twice. Every result above was checked.
    let runs = SHARED.load(Ordering::Relaxed);
    assert!(runs < 8 * 200, "{runs} runs");
}

#[derive(Clone, PartialEq, Debug)]
struct Table {
    rows: Vec<Vec<f64>>,
}

impl MemoSize for Table {
    fn memo_size(&self) -> usize {
        self.rows.memo_size()
    }
}

#[lazy]
fn make_table(rows: u64) -> Table {
    Table {
        rows: vec![vec![0.0; 1000]; usize::try_from(rows).unwrap()],
    }
}

#[test]
fn a_registered_type_is_measured_by_its_memo_size() {
    let _turn = turn();
    memo::register_size::<Table>();
    memo::clear();
    let table = make_table(10);
    assert_eq!(strict(&table).rows.len(), 10);
    drop(table);
    // Released into the store, and charged its rows, not its 24-byte shallow size.
    assert!(memo::stats().bytes >= 80_000, "{:?}", memo::stats());
    memo::clear();
}
