//! Unit tests of the stream internals: memoization, laziness, freeing (by the per-thread
//! live-cell counter of `cell::live`) and the buffer protocol.

use std::io::{self, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::cell::live;
use super::{Stream, cons, from, from_iter, lazy, nil, recursive};

/// Cells created on this thread and not yet freed, relative to the start of a test.
struct LiveCells(isize);

impl LiveCells {
    fn start() -> Self {
        Self(live::count())
    }

    fn now(&self) -> isize {
        live::count() - self.0
    }
}

fn counted_naturals(runs: &Arc<AtomicUsize>) -> Stream<u64> {
    let runs = Arc::clone(runs);
    from(0_u64).map(move |x| {
        runs.fetch_add(1, Ordering::SeqCst);
        *x
    })
}

fn hamming() -> Stream<u64> {
    recursive(|h| {
        let twos = h.clone().map(|x| 2 * x);
        let threes = h.clone().map(|x| 3 * x);
        let fives = h.map(|x| 5 * x);
        cons(1, twos.merge(threes.merge(fives)))
    })
}

#[test]
fn each_cell_is_computed_once_for_all_readers() {
    let runs = Arc::new(AtomicUsize::new(0));
    let xs = counted_naturals(&runs);
    assert_eq!(xs.iter().take(10).sum::<u64>(), 45);
    assert_eq!(xs.iter().take(10).sum::<u64>(), 45);
    assert_eq!(xs.nth(14), Some(14));
    assert_eq!(runs.load(Ordering::SeqCst), 15);
}

#[test]
fn building_transformations_forces_nothing() {
    let runs = Arc::new(AtomicUsize::new(0));
    let xs = counted_naturals(&runs)
        .filter(|x| x % 3 == 0)
        .map(|x| x + 1)
        .take(5)
        .skip(2);
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    assert!(!xs.is_evaluated());
    assert_eq!(xs.collect::<Vec<_>>(), [7, 10, 13]);
    assert_eq!(runs.load(Ordering::SeqCst), 13); // up to 12, the fifth multiple of 3
}

#[test]
fn recursive_producer_is_not_eager() {
    fn generate(n: u64, calls: Arc<AtomicUsize>) -> Stream<u64> {
        calls.fetch_add(1, Ordering::SeqCst);
        lazy(move || cons(n, generate(n + 1, calls)))
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let xs = generate(0, Arc::clone(&calls));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(xs.take(3).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[test]
fn dropping_ones_frees_its_cell() {
    let live = LiveCells::start();
    let ones = recursive(|ones| cons(1_u8, ones));
    assert_eq!(ones.iter().take(1000).map(u32::from).sum::<u32>(), 1000);
    // The definition is one self-referring cell plus the head's suspended thunk cell.
    assert!(live.now() <= 2, "{} cells live", live.now());
    drop(ones);
    assert_eq!(live.now(), 0);
}

#[test]
fn self_referential_map_is_freed_when_dropped() {
    let live = LiveCells::start();
    let xs = recursive(|xs| cons(1_u64, xs.map(|x| x + 1)));
    assert_eq!(xs.iter().take(1000).last(), Some(1000));
    assert!(live.now() >= 1000);
    drop(xs);
    assert_eq!(live.now(), 0);
}

#[test]
fn derived_handles_keep_a_self_referential_stream_alive() {
    let live = LiveCells::start();
    // Only the iterator holds the stream: its tails are weak links, anchored to the head.
    let first: Vec<u64> = hamming().into_iter().take(20).collect();
    assert_eq!(
        first,
        [
            1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24, 25, 27, 30, 32, 36
        ]
    );
    let later = hamming().skip(1000);
    assert_eq!(later.first(), Some(51_840_000));
    drop(later);
    assert_eq!(live.now(), 0);
}

#[test]
fn dropping_hamming_frees_all_cells() {
    let live = LiveCells::start();
    let h = hamming();
    assert_eq!(h.nth(1690), Some(2_125_764_000));
    drop(h);
    assert_eq!(live.now(), 0);
}

#[test]
fn hamming_creates_a_constant_number_of_cells_per_element() {
    let cells_for = |n: usize| {
        let before = live::created();
        assert!(hamming().nth(n - 1).is_some());
        live::created() - before
    };
    // Linear work: a bounded number of cells per element whatever N (each element costs
    // one cell of each merge and at most one of each of the three maps).
    for n in [1_000, 5_000, 10_000] {
        let cells = cells_for(n);
        assert!(cells <= 5 * n, "{cells} cells for {n} elements");
    }
}

#[test]
fn consuming_without_the_head_runs_in_constant_memory() {
    let live = LiveCells::start();
    let mut peak = 0;
    let total = from(0_u64).take(200_000).fold(0, |sum, x| {
        peak = peak.max(live.now());
        sum + x
    });
    assert_eq!(total, 199_999 * 200_000 / 2);
    assert!(peak <= 4, "peak of {peak} live cells");
    assert_eq!(live.now(), 0);
}

#[test]
fn long_evaluated_stream_drops_without_recursion() {
    // Deep enough to overflow a 2 MiB test-thread stack if dropping recursed.
    let xs: Stream<u32> = (0..1_000_000).collect();
    assert_eq!(xs.iter().count(), 1_000_000);
    drop(xs);
    let ys = from(0_u32).take(1_000_000);
    assert_eq!(ys.iter().last(), Some(999_999));
    drop(ys);
}

#[test]
fn a_panic_in_a_cell_is_an_error_value_for_every_reader() {
    let xs = cons(1, lazy(|| -> Stream<i32> { panic!("broken tail") }));
    let tail = xs.tail().unwrap();
    assert!(tail.try_first().unwrap_err().is_panic());
    assert!(tail.try_first().unwrap_err().is_panic());
    let items: Vec<_> = xs.try_iter().collect();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1].as_ref().unwrap_err().to_string(),
        "thunk panicked: broken tail"
    );
}

#[test]
fn a_black_hole_is_a_cycle_error() {
    let hole: Stream<u8> = recursive(|this| this.map(|x| x + 1));
    assert!(hole.try_first().unwrap_err().is_cycle());
}

#[test]
fn merge_keeps_order_and_drops_duplicates() {
    let a = from_iter([1, 3, 5, 7]);
    let b = from_iter([1, 2, 3, 8]);
    assert_eq!(a.merge(b).collect::<Vec<_>>(), [1, 2, 3, 5, 7, 8]);
    assert_eq!(nil().merge(from_iter([4, 5])).collect::<Vec<_>>(), [4, 5]);
}

#[test]
fn flat_map_skips_empty_inner_streams_without_recursion() {
    let xs = from(0_u32).flat_map(|&x| {
        if x % 100_000 == 99_999 {
            cons(x, nil())
        } else {
            nil()
        }
    });
    assert_eq!(xs.take(2).collect::<Vec<_>>(), [99_999, 199_999]);
}

#[test]
fn debug_shows_the_evaluated_prefix_only() {
    let xs = from(1_u8);
    assert_eq!(format!("{xs:?}"), "Stream[..]");
    let _ = xs.nth(1);
    assert_eq!(format!("{xs:?}"), "Stream[1, 2, ..]");
    let done: Stream<_> = (0..3).collect();
    assert_eq!(format!("{done:?}"), "Stream[0, 1, 2]");
}

#[test]
fn streams_are_send_and_sync() {
    fn check<S: Send + Sync>() {}
    fn check_send<S: Send>() {}
    check::<Stream<String>>();
    check_send::<super::IntoIter<String>>();
}

#[test]
fn buffer_runs_ahead_by_exactly_n() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (buffered, shared) = counted_naturals(&runs).buffer_with_state(5);
    let shared = shared.unwrap();
    // Filling: the producer computes the first five elements before anyone reads.
    assert_eq!(shared.wait_idle(), 5);
    assert_eq!(runs.load(Ordering::SeqCst), 5);
    let mut consumer = buffered.into_iter();
    for consumed in 1..=20_usize {
        assert_eq!(consumer.next(), Some(u64::try_from(consumed).unwrap() - 1));
        // Each element read lets the producer compute exactly one more.
        assert_eq!(shared.wait_idle(), consumed + 5);
        assert_eq!(runs.load(Ordering::SeqCst), consumed + 5);
    }
}

#[test]
fn buffer_stops_at_the_end_and_when_dropped() {
    let (buffered, shared) = from_iter(0..3_u8).buffer_with_state(10);
    assert_eq!(shared.unwrap().wait_idle(), 4); // three elements and the end
    assert_eq!(buffered.collect::<Vec<_>>(), [0, 1, 2]);

    let runs = Arc::new(AtomicUsize::new(0));
    let (buffered, shared) = counted_naturals(&runs).buffer_with_state(3);
    let shared = shared.unwrap();
    assert_eq!(buffered.first(), Some(0));
    assert_eq!(shared.wait_idle(), 4);
    drop(buffered);
    // The producer thread ends: it does not wait forever for permits.
    shared.wait_finished();
    assert_eq!(runs.load(Ordering::SeqCst), 4);
}

/// A reader that counts the bytes asked for and whether it was dropped (closed).
struct CountingReader {
    data: io::Cursor<Vec<u8>>,
    read: Arc<AtomicUsize>,
    closed: Arc<AtomicUsize>,
}

impl Read for CountingReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let n = self.data.read(buffer)?;
        self.read.fetch_add(n, Ordering::SeqCst);
        Ok(n)
    }
}

impl Drop for CountingReader {
    fn drop(&mut self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

fn large_text() -> Vec<u8> {
    (0..200_000)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect()
}

#[test]
fn reading_the_first_line_reads_at_most_one_block() {
    let read = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let reader = CountingReader {
        data: io::Cursor::new(large_text()),
        read: Arc::clone(&read),
        closed: Arc::clone(&closed),
    };
    let lines = super::lines(BufReader::with_capacity(4096, reader));
    assert_eq!(read.load(Ordering::SeqCst), 0); // nothing read before demand
    assert_eq!(lines.first().unwrap().unwrap(), "line 0");
    assert!(read.load(Ordering::SeqCst) <= 4096);
    assert_eq!(closed.load(Ordering::SeqCst), 0);
    drop(lines);
    assert_eq!(closed.load(Ordering::SeqCst), 1); // dropping the stream closes the reader
}

#[test]
fn blocks_close_the_reader_at_the_end() {
    let read = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let reader = CountingReader {
        data: io::Cursor::new(vec![1; 10_000]),
        read: Arc::clone(&read),
        closed: Arc::clone(&closed),
    };
    let blocks = super::blocks(reader, 4096);
    let sizes: Vec<usize> = blocks.iter().map(|b| b.unwrap().len()).collect();
    assert_eq!(sizes, [4096, 4096, 1808]);
    // The end was reached: the reader is closed although `blocks` is still held.
    assert_eq!(closed.load(Ordering::SeqCst), 1);
    assert_eq!(read.load(Ordering::SeqCst), 10_000);
}

#[test]
fn io_errors_are_elements_and_end_the_stream() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    let items: Vec<_> = super::blocks(Failing, 16).collect();
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().unwrap_err();
    assert_eq!(error.to_string(), "i/o error: disk on fire");
    assert!(std::error::Error::source(error).is_some());
}

#[test]
fn an_unshared_source_advances_in_place_without_new_cells() {
    let live = LiveCells::start();
    let mut peak = 0;
    let mut iterator = from(0_u64).into_iter();
    for expected in 0..1000 {
        assert_eq!(iterator.next(), Some(expected));
        peak = peak.max(live.now());
    }
    // The source's thunk was detached from its cell on the first read and advanced in
    // place from then on: no cell is alive at all.
    assert_eq!(peak, 0);
    drop(iterator);
    assert_eq!(live.now(), 0);
}

#[test]
fn a_shared_source_is_memoized_not_advanced_in_place() {
    let runs = Arc::new(AtomicUsize::new(0));
    let source = {
        let runs = Arc::clone(&runs);
        super::unfold(0_u64, move |n| {
            runs.fetch_add(1, Ordering::SeqCst);
            Some((n, n + 1))
        })
    };
    let other = source.clone();
    assert_eq!(
        source.into_iter().take(5).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert_eq!(
        other.into_iter().take(5).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert_eq!(runs.load(Ordering::SeqCst), 5);
}

#[test]
fn a_panicking_source_advanced_in_place_is_an_error_item() {
    let source = super::unfold(0_u32, |n| {
        assert!(n < 2, "source exhausted");
        Some((n, n + 1))
    });
    let items: Vec<_> = source.try_iter().collect();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[2].as_ref().unwrap_err().to_string(),
        "thunk panicked: source exhausted"
    );
}

#[test]
fn consuming_lines_closes_the_reader_at_the_end() {
    let read = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let reader = CountingReader {
        data: io::Cursor::new(b"a\nb\n".to_vec()),
        read: Arc::clone(&read),
        closed: Arc::clone(&closed),
    };
    let mut lines = super::lines(BufReader::new(reader)).into_iter();
    assert_eq!(lines.next().unwrap().unwrap(), "a");
    assert_eq!(closed.load(Ordering::SeqCst), 0);
    assert_eq!(lines.next().unwrap().unwrap(), "b");
    assert!(lines.next().is_none());
    assert_eq!(closed.load(Ordering::SeqCst), 1);
}

#[test]
fn an_unshared_pipeline_is_consumed_without_a_cell_per_element() {
    let before = live::created();
    let total: u64 = from(0_u64)
        .map(|x| x * 2)
        .filter(|x| x % 3 == 0)
        .take(10_000)
        .sum();
    assert_eq!(total, (0..10_000_u64).map(|k| 6 * k).sum::<u64>());
    assert!(
        live::created() - before <= 4,
        "{} cells",
        live::created() - before
    );
}

#[test]
fn a_pipeline_over_a_shared_source_still_memoizes_it() {
    let runs = Arc::new(AtomicUsize::new(0));
    let source = counted_naturals(&runs);
    let evens = source.clone().filter(|x| x % 2 == 0).take(5);
    assert_eq!(evens.collect::<Vec<_>>(), [0, 2, 4, 6, 8]);
    assert_eq!(
        source.take(9).collect::<Vec<_>>(),
        (0..9).collect::<Vec<_>>()
    );
    assert_eq!(runs.load(Ordering::SeqCst), 9);
}
