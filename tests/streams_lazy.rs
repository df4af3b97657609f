//! Lazy streams, by-need values and dataflow variables through the facade: the issue's
//! acceptance criteria, checked by counts (thunk runs, live elements), never by time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use lazy::oz::{ByNeed, Dataflow};
use lazy::stream::{self, Stream, cons};

/// An element that counts how many of its kind are alive.
#[derive(Debug)]
struct Tracked {
    value: u64,
    live: Arc<AtomicUsize>,
}

impl Tracked {
    fn new(value: u64, live: &Arc<AtomicUsize>) -> Self {
        live.fetch_add(1, Ordering::SeqCst);
        Self {
            value,
            live: Arc::clone(live),
        }
    }
}

impl Clone for Tracked {
    fn clone(&self) -> Self {
        Self::new(self.value, &self.live)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PartialEq for Tracked {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for Tracked {}

impl PartialOrd for Tracked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Tracked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

#[test]
fn by_need_runs_once_for_many_threads() {
    let runs = Arc::new(AtomicUsize::new(0));
    let value = {
        let runs = Arc::clone(&runs);
        ByNeed::new(move || {
            runs.fetch_add(1, Ordering::SeqCst);
            111_u64 * 111
        })
    };
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let value = value.clone();
            thread::spawn(move || *value.get())
        })
        .collect();
    for reader in readers {
        assert_eq!(reader.join().unwrap(), 12321);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn by_need_panic_is_an_error_not_a_hang() {
    let value: ByNeed<u8> = ByNeed::new(|| panic!("thunk failed"));
    let other = value.clone();
    let error = thread::spawn(move || other.try_get().copied().unwrap_err())
        .join()
        .unwrap();
    assert!(error.is_panic());
    assert!(value.try_get().unwrap_err().is_panic());
}

#[test]
fn dataflow_is_single_assignment_and_data_driven() {
    let x = Dataflow::new();
    let y = Dataflow::new();
    // A = B + C runs when its inputs are bound, whoever binds them.
    let sum = {
        let (x, y) = (x.clone(), y.clone());
        thread::spawn(move || *x.get() + *y.get())
    };
    y.bind(2).unwrap();
    x.bind(40).unwrap();
    assert_eq!(sum.join().unwrap(), 42);
    assert_eq!(x.bind(1).unwrap_err().into_inner(), 1);
    assert_eq!(*x.get(), 40);
}

#[test]
fn infinite_streams_and_combinators() {
    let naturals = stream::from(0_u64);
    assert_eq!(naturals.clone().skip(5).first(), Some(5));
    assert_eq!(stream::repeat(7).take(3).collect::<Vec<_>>(), [7, 7, 7]);
    assert_eq!(
        stream::iterate(1_u64, |x| 3 * x)
            .take(4)
            .collect::<Vec<_>>(),
        [1, 3, 9, 27]
    );
    let pairs = naturals
        .clone()
        .zip_with(naturals.map(|x| x * x), |a, b| (*a, *b));
    assert_eq!(pairs.nth(3), Some((3, 9)));
    let nested = stream::from_iter(1_u32..=3).flat_map(|&n| stream::repeat(n).take(n as usize));
    assert_eq!(nested.collect::<Vec<_>>(), [1, 2, 2, 3, 3, 3]);
    let total = stream::from(1_u64).take(100).fold(0, |sum, x| sum + x);
    assert_eq!(total, 5050);
}

#[test]
fn streams_convert_to_and_from_iterators() {
    let collected: Stream<u8> = (1..=3).collect();
    let back: Vec<u8> = collected.iter().collect();
    assert_eq!(back, [1, 2, 3]);
    let lazy_from_iterator = stream::from_iter((0_u64..).map(|x| x * 10));
    assert_eq!(lazy_from_iterator.nth(4), Some(40));
    let mut total = 0;
    for x in &collected {
        total += x;
    }
    assert_eq!(total, 6);
}

#[test]
fn recursive_producer_written_with_lazy() {
    fn generate(n: u64) -> Stream<u64> {
        stream::lazy(move || cons(n, generate(n + 1)))
    }
    assert_eq!(generate(3).take(3).collect::<Vec<_>>(), [3, 4, 5]);
}

fn tracked_hamming(live: &Arc<AtomicUsize>) -> Stream<Tracked> {
    let live = Arc::clone(live);
    stream::recursive(move |h| {
        let scale = |factor: u64, live: Arc<AtomicUsize>| {
            move |x: &Tracked| Tracked::new(factor * x.value, &live)
        };
        let twos = h.clone().map(scale(2, Arc::clone(&live)));
        let threes = h.clone().map(scale(3, Arc::clone(&live)));
        let fives = h.map(scale(5, Arc::clone(&live)));
        cons(Tracked::new(1, &live), twos.merge(threes.merge(fives)))
    })
}

#[test]
fn self_referential_streams_free_their_elements_when_dropped() {
    let live = Arc::new(AtomicUsize::new(0));
    let ones = {
        let live = Arc::clone(&live);
        stream::recursive(move |ones| cons(Tracked::new(1, &live), ones))
    };
    assert_eq!(ones.iter().take(100).map(|t| t.value).sum::<u64>(), 100);
    assert_eq!(live.load(Ordering::SeqCst), 1); // one cell, referring to itself
    drop(ones);
    assert_eq!(live.load(Ordering::SeqCst), 0);

    let hamming = tracked_hamming(&live);
    let first: Vec<u64> = hamming.iter().take(15).map(|t| t.value).collect();
    assert_eq!(first, [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24]);
    assert!(hamming.nth(2000).is_some());
    assert!(live.load(Ordering::SeqCst) > 2000);
    drop(hamming);
    assert_eq!(live.load(Ordering::SeqCst), 0);
}

#[test]
fn derived_handles_outlive_the_definition_handle() {
    let live = Arc::new(AtomicUsize::new(0));
    let later = tracked_hamming(&live).skip(10);
    let values: Vec<u64> = later.take(3).iter().map(|t| t.value).collect();
    assert_eq!(values, [15, 16, 18]);
    assert_eq!(live.load(Ordering::SeqCst), 0); // `take` consumed `later`: all freed
}

/// The slides' `Sum Xs 0 15000000` with `Xs = Generate 0`, at a tenth of the count: a
/// debug build takes about 0.7 µs per element on the CI machine, so the full 15,000,000
/// (about 10 s) run in `examples/streams.rs` and `benches/streams.rs` instead. Constant
/// memory is shown by the runtime's live-cell unit test
/// (`consuming_without_the_head_runs_in_constant_memory`); an allocation counter would
/// need `unsafe`.
#[test]
fn sum_of_a_million_and_a_half_elements() {
    let sum: u64 = stream::from(0_u64).into_iter().take(1_500_000).sum();
    assert_eq!(sum, 1_500_000 * 1_499_999 / 2);
}

/// Test threads have 2 MiB stacks: a recursive drop would overflow after a few thousand
/// cells, so a million shows the drop is iterative.
#[test]
fn dropping_a_million_evaluated_cells_does_not_overflow_the_stack() {
    let xs: Stream<u32> = (0..1_000_000).collect();
    assert!(xs.is_evaluated());
    drop(xs);
    let ys = stream::from(0_u32).map(|x| x + 1);
    assert_eq!(ys.nth(999_999), Some(1_000_000));
    drop(ys);
}

/// The 10,000,000 cells: 7 s and 1.1 GB in a debug build, so not run by default
/// (`cargo test --test streams_lazy -- --ignored`); `examples/streams.rs` does it too.
#[test]
#[ignore = "7 s and 1.1 GB in a debug build; the 1,000,000-cell test runs by default"]
fn dropping_ten_million_evaluated_cells_does_not_overflow_the_stack() {
    let xs: Stream<u32> = (0..10_000_000).collect();
    assert!(xs.is_evaluated());
    drop(xs);
}

#[test]
fn threads_reading_one_stream_compute_each_element_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let squares = {
        let runs = Arc::clone(&runs);
        stream::from(0_u64).map(move |x| {
            runs.fetch_add(1, Ordering::SeqCst);
            x * x
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let squares = squares.clone();
            thread::spawn(move || squares.iter().take(2000).sum::<u64>())
        })
        .collect();
    let expected: u64 = (0..2000_u64).map(|x| x * x).sum();
    for reader in readers {
        assert_eq!(reader.join().unwrap(), expected);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2000);
}

#[test]
fn a_self_referential_stream_can_be_buffered_on_another_thread() {
    let live = Arc::new(AtomicUsize::new(0));
    let values: Vec<u64> = tracked_hamming(&live)
        .buffer(8)
        .take(12)
        .iter()
        .map(|t| t.value)
        .collect();
    assert_eq!(values, [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16]);
}
