//! The recorder's storage: an event as eight words, and the chunks of [`CHUNK`] events that
//! one thread writes and the recorder's drain (`record.rs`) reads.
//!
//! Invariants:
//! - only the chunk's thread writes it, one event at a time at the position after the last
//!   published one, and publishes each with one release store of the length;
//! - a reader reads only the events before the length it loaded (with acquire).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::key::Key;
use crate::op::Operation;

/// One run of a task, as the recorder noted it.
#[derive(Clone, Copy)]
pub(crate) struct Event {
    pub(crate) op: &'static Operation,
    pub(crate) key: Key,
    /// When the function began, since the recorder's epoch.
    pub(crate) start: Duration,
    /// How long it ran.
    pub(crate) duration: Duration,
    /// The size of the value it produced (0 for a failure).
    pub(crate) bytes: u64,
    pub(crate) failed: bool,
}

/// Events per chunk: a thread takes its slot's lock once per this many events.
pub(crate) const CHUNK: usize = 1024;
/// Words per event: the operation's id and whether it failed, the key (four), the start,
/// the duration (both in nanoseconds) and the bytes.
pub(crate) const WORDS: usize = 8;

/// An event as it is stored: see [`WORDS`]. Nanoseconds saturate (at 584 years).
pub(crate) fn words(
    op: &'static Operation,
    failed: bool,
    key: &Key,
    start: Duration,
    duration: Duration,
    bytes: u64,
) -> [u64; WORDS] {
    let part = |i: usize| {
        let mut word = [0; 8];
        word.copy_from_slice(&key.0[8 * i..8 * i + 8]);
        u64::from_le_bytes(word)
    };
    [
        u64::from(op.id) << 1 | u64::from(failed),
        part(0),
        part(1),
        part(2),
        part(3),
        nanos(start),
        nanos(duration),
        bytes,
    ]
}

/// `d` in nanoseconds, saturating: one multiplication, cheaper than `as_nanos`'s `u128`.
#[inline]
fn nanos(d: Duration) -> u64 {
    d.as_secs()
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::from(d.subsec_nanos()))
}

impl Event {
    /// Its stored words.
    #[cfg(test)]
    pub(crate) fn words(&self) -> [u64; WORDS] {
        words(
            self.op,
            self.failed,
            &self.key,
            self.start,
            self.duration,
            self.bytes,
        )
    }
}

/// How many events ahead of the one it writes a write reads (see [`Chunk::write`]).
const AHEAD: usize = 4;

/// Room for [`CHUNK`] events, written by one thread and read by the recorder's drain.
pub(crate) struct Chunk {
    /// The recorder's epoch, which its events' start times count from (kept here, where
    /// the writer reaches it with the chunk).
    pub(crate) epoch: Instant,
    events: Box<[[AtomicU64; WORDS]; CHUNK]>,
    /// Events written and published: the writer stores it with `Release` after an event's
    /// words, readers load it with `Acquire` before reading them.
    pub(crate) len: AtomicUsize,
}

impl Chunk {
    pub(crate) fn new(epoch: Instant) -> Chunk {
        let events: Box<[[AtomicU64; WORDS]]> =
            std::iter::repeat_with(|| std::array::from_fn(|_| AtomicU64::new(0)))
                .take(CHUNK)
                .collect();
        Chunk {
            epoch,
            events: events.try_into().expect("CHUNK events"),
            len: AtomicUsize::new(0),
        }
    }

    /// Writes the event `words` at `at` (below [`CHUNK`]) and publishes it.
    #[inline]
    pub(crate) fn write(&self, at: usize, words: [u64; WORDS]) {
        for (slot, value) in self.events[at].iter().zip(words) {
            slot.store(value, Ordering::Relaxed);
        }
        self.len.store(at + 1, Ordering::Release);
        // Read a row a few events ahead, so that its line is in cache (the writer's own) by
        // the time it is written: a store that misses holds up every store after it, a load
        // does not. The value is unused; `black_box` keeps the load.
        if let Some(ahead) = self.events.get(at + AHEAD) {
            std::hint::black_box(ahead[0].load(Ordering::Relaxed));
        }
    }

    /// The events from `from` to `to` (at most the published length).
    /// `ops` is a list of every operation by id, taken before the read: one made since (and
    /// already run) refreshes it.
    pub(crate) fn read(
        &self,
        from: usize,
        to: usize,
        ops: &mut Vec<&'static Operation>,
        out: &mut Vec<Event>,
    ) {
        for words in &self.events[from..to] {
            let word = |i: usize| words[i].load(Ordering::Relaxed);
            let mut key = [0; 32];
            for (i, part) in key.chunks_exact_mut(8).enumerate() {
                part.copy_from_slice(&word(1 + i).to_le_bytes());
            }
            let id = usize::try_from(word(0) >> 1).unwrap_or(usize::MAX);
            if id >= ops.len() {
                *ops = Operation::by_id();
            }
            let Some(op) = ops.get(id).copied() else {
                continue;
            };
            out.push(Event {
                op,
                key: Key(key),
                start: Duration::from_nanos(word(5)),
                duration: Duration::from_nanos(word(6)),
                bytes: word(7),
                failed: word(0) & 1 != 0,
            });
        }
    }
}
