//! The task recorder and the progress counters: what each run of a task did, noted per
//! thread, for the timeline, the profile and the progress bar (`observe/` turns them into
//! those).
//!
//! Cost: with nothing on, a run pays one relaxed load of [`FLAGS`]. With the recorder on, a
//! run reuses the clock readings it takes anyway (one subtraction turns its start into a
//! time since the epoch) and writes one event of eight words (`chunk.rs`) straight into its
//! own thread's current chunk with plain (relaxed) stores, then publishes it with one
//! release store of the chunk's length: no lock, no read-modify-write and no allocation per
//! event, and a thread-local reached with one check. A thread takes its slot's lock once
//! per [`CHUNK`] events, to get a fresh chunk; [`drain`] takes it to read the chunks. The
//! size of a value is measured through the measure of its type, which each thread keeps
//! for the type it saw last (a type with no known heap buffer costs no call).
//! With progress on, a run adds one to a counter and notes its operation in its thread's
//! slot, for the bar's poller to read.
//!
//! Invariants:
//! - a thread's slot is registered once, the first time the thread notes anything, and is
//!   never removed: the registry only grows, by one entry per thread;
//! - an event's times are relative to [`epoch`], fixed the first time anything asks for it
//!   (every chunk holds a copy of it);
//! - only a slot's own thread writes events into its chunks, and only into the chunk it
//!   holds, at positions past the chunk's published length; it never writes into a full
//!   chunk, so [`drain`] may recycle a full chunk (drained) while the thread still holds it;
//! - of a slot's chunks, the events before `taken` in the first have been drained, and so
//!   have none of the others';
//! - the counters only grow; a force's bar shows their change since the force began.

use std::any::{Any, TypeId};
use std::cell::{Cell, OnceCell, RefCell};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

pub(crate) use super::chunk::Event;
use super::chunk::{self, CHUNK, Chunk, WORDS};
use super::size::{self, Heap};

use crate::key::Key;
use crate::op::Operation;

/// Set while nothing has read the environment yet (see [`init`]).
const UNREAD: u8 = 1;
/// The recorder is on.
pub(crate) const RECORD: u8 = 2;
/// The progress counters are on.
pub(crate) const PROGRESS: u8 = 4;

/// What is on: [`RECORD`], [`PROGRESS`], and [`UNREAD`] until the first force.
static FLAGS: AtomicU8 = AtomicU8::new(UNREAD);

/// The environment variable that turns the recorder on for the whole process (`1`).
pub const RECORD_ENV: &str = "LAZY_RECORD";
/// The environment variable that switches the progress bar: `1` on, `0` off; unset, it is
/// on when standard error is a terminal.
pub const PROGRESS_ENV: &str = "LAZY_PROGRESS";

/// What is on now, after reading the environment the first time.
pub(crate) fn init() -> u8 {
    let flags = FLAGS.load(Ordering::Relaxed);
    if flags & UNREAD == 0 {
        return flags;
    }
    let mut on = 0;
    if std::env::var(RECORD_ENV).is_ok_and(|v| v == "1") {
        on |= RECORD;
        epoch();
    }
    let progress = progress_from(std::env::var(PROGRESS_ENV).ok().as_deref(), || {
        std::io::IsTerminal::is_terminal(&std::io::stderr())
    });
    if progress {
        on |= PROGRESS;
    }
    // Only the first reader applies the environment; a switch made meanwhile wins.
    let _ = FLAGS.compare_exchange(flags, on, Ordering::Relaxed, Ordering::Relaxed);
    FLAGS.load(Ordering::Relaxed) & !UNREAD
}

/// Whether progress starts on, given the value of [`PROGRESS_ENV`]: `1` on, anything else
/// off; unset, on when standard error is a terminal (asked only then).
pub(crate) fn progress_from(
    value: Option<&str>,
    stderr_is_terminal: impl FnOnce() -> bool,
) -> bool {
    match value {
        Some(value) => value == "1",
        None => stderr_is_terminal(),
    }
}

/// What is on, for a run: one relaxed load. Before the first force, nothing is.
#[inline]
pub(crate) fn flags() -> u8 {
    FLAGS.load(Ordering::Relaxed) & !UNREAD
}

/// Switches `flag` on or off (the environment no longer applies to it afterwards).
pub(crate) fn set(flag: u8, on: bool) {
    init();
    if on {
        if flag & RECORD != 0 {
            epoch();
        }
        FLAGS.fetch_or(flag, Ordering::Relaxed);
    } else {
        FLAGS.fetch_and(!flag, Ordering::Relaxed);
    }
}

/// The instant event times count from.
pub(crate) fn epoch() -> Instant {
    static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
    *EPOCH
}

/// Drained chunks a thread keeps for its next events (8 MiB), so that recording again does
/// not fault fresh pages in.
const KEPT: usize = 128;

/// A slot's chunks, behind its lock.
#[derive(Default)]
struct Chunks {
    /// Oldest first; every one but the last is full, and the last is the one its thread
    /// writes (or a full one its thread has not replaced yet).
    list: Vec<Arc<Chunk>>,
    /// Events of `list[0]` already drained.
    taken: usize,
    /// Drained chunks, for the thread's next ones (at most [`KEPT`]).
    free: Vec<Arc<Chunk>>,
}

/// One thread's notes.
pub(crate) struct Slot {
    /// The position of the thread in the registry: its id in the timeline.
    pub(crate) index: u32,
    pub(crate) thread_name: String,
    chunks: Mutex<Chunks>,
    /// The operation this thread runs now, for the progress bar: behind a lock of its own,
    /// which only the bar's poller contends for.
    running: Mutex<Option<&'static Operation>>,
}

impl Slot {
    /// The name of the operation this thread runs now.
    pub(crate) fn running(&self) -> Option<&'static str> {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map(|op| op.name)
    }

    fn set_running(&self, op: Option<&'static Operation>) {
        *self.running.lock().unwrap_or_else(PoisonError::into_inner) = op;
    }

    fn chunks(&self) -> std::sync::MutexGuard<'_, Chunks> {
        self.chunks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A chunk to write into, entered in the slot's list.
    fn fresh_chunk(&self) -> Arc<Chunk> {
        let mut chunks = self.chunks();
        let chunk = chunks
            .free
            .pop()
            .unwrap_or_else(|| Arc::new(Chunk::new(epoch())));
        if chunks.list.is_empty() {
            chunks.taken = 0;
        }
        chunks.list.push(Arc::clone(&chunk));
        chunk
    }

    /// Takes the events not drained yet, recycling the chunks that are full.
    fn drain(&self, ops: &mut Vec<&'static Operation>) -> Vec<Event> {
        let mut chunks = self.chunks();
        let Chunks { list, taken, free } = &mut *chunks;
        let mut events = Vec::new();
        let mut from = std::mem::take(taken);
        let mut partial = None;
        for chunk in list.drain(..) {
            let len = chunk.len.load(Ordering::Acquire);
            chunk.read(from, len, ops, &mut events);
            from = 0;
            if len < CHUNK {
                // Only the last chunk is not full: its thread writes on in it.
                *taken = len;
                partial = Some(chunk);
            } else if free.len() < KEPT {
                chunk.len.store(0, Ordering::Relaxed);
                free.push(chunk);
            }
        }
        list.extend(partial);
        events
    }
}

/// Every thread's slot, in the order they were registered.
pub(crate) fn slots() -> Vec<Arc<Slot>> {
    registry().clone()
}

fn registry() -> std::sync::MutexGuard<'static, Vec<Arc<Slot>>> {
    static SLOTS: LazyLock<Mutex<Vec<Arc<Slot>>>> = LazyLock::new(Mutex::default);
    SLOTS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a thread keeps for itself: its slot, the chunk it writes and where, and the size
/// measure of the type it measured last. Made without a lock or an allocation, so that
/// reaching it costs one check of whether it is alive; the slot is registered the first
/// time the thread needs it.
struct Local {
    slot: OnceCell<Arc<Slot>>,
    chunk: RefCell<Option<Arc<Chunk>>>,
    /// The next position in `chunk` ([`CHUNK`] when there is none to write into).
    at: Cell<usize>,
    heap: Cell<Option<(TypeId, Option<Heap>)>>,
}

thread_local! {
    static LOCAL: Local = const { Local::new() };
}

/// A slot for this thread, entered in the registry.
fn register() -> Arc<Slot> {
    let mut slots = registry();
    let thread = std::thread::current();
    let slot = Arc::new(Slot {
        index: u32::try_from(slots.len()).unwrap_or(u32::MAX),
        thread_name: thread
            .name()
            .map_or_else(|| format!("{:?}", thread.id()), str::to_owned),
        chunks: Mutex::default(),
        running: Mutex::new(None),
    });
    slots.push(Arc::clone(&slot));
    slot
}

impl Local {
    const fn new() -> Local {
        Local {
            slot: OnceCell::new(),
            chunk: RefCell::new(None),
            at: Cell::new(CHUNK),
            heap: Cell::new(None),
        }
    }

    fn slot(&self) -> &Arc<Slot> {
        self.slot.get_or_init(register)
    }

    /// Notes a finished run of `op` (see [`end`]).
    fn note(
        &self,
        op: &'static Operation,
        key: &Key,
        start: Instant,
        duration: Duration,
        value: Option<&(dyn Any + Send + Sync)>,
    ) {
        let bytes = value.map_or(0, |v| self.bytes(v));
        self.push(|chunk| {
            let start = start.saturating_duration_since(chunk.epoch);
            chunk::words(op, value.is_none(), key, start, duration, bytes)
        });
    }

    /// Writes the event `words` makes (given the chunk, for its epoch) into the current
    /// chunk, after taking a fresh one if it is full.
    #[inline]
    fn push(&self, words: impl FnOnce(&Chunk) -> [u64; WORDS]) {
        let mut at = self.at.get();
        if at >= CHUNK {
            self.fresh_chunk();
            at = 0;
        }
        // A chunk is held whenever `at` is below `CHUNK`.
        if let Some(chunk) = &*self.chunk.borrow() {
            chunk.write(at, words(chunk));
            self.at.set(at + 1);
        }
    }

    /// Takes a fresh chunk from the slot, to write from its start.
    #[cold]
    #[inline(never)]
    fn fresh_chunk(&self) {
        *self.chunk.borrow_mut() = Some(self.slot().fresh_chunk());
        self.at.set(0);
    }

    fn bytes(&self, value: &(dyn Any + Send + Sync)) -> u64 {
        let id = Any::type_id(value);
        let heap = match self.heap.get() {
            Some((seen, heap)) if seen == id => heap,
            _ => {
                let heap = size::heap_of(id);
                self.heap.set(Some((id, heap)));
                heap
            }
        };
        size::bytes_with(heap, value)
    }
}

/// Tasks finished, over all forces, while progress is on.
pub(crate) static DONE: AtomicU64 = AtomicU64::new(0);

/// Counts a task computed inside a fused region's pass as done (with progress on).
pub(crate) fn absorbed() {
    if flags() & PROGRESS != 0 {
        DONE.fetch_add(1, Ordering::Relaxed);
    }
}

/// Notes that this thread begins running `op` (with progress on).
pub(crate) fn begin(flags: u8, op: &'static Operation) {
    if flags & PROGRESS != 0 {
        LOCAL.with(|l| l.slot().set_running(Some(op)));
    }
}

/// Notes a finished run of `op` (node `key`) that began at `start` and took `duration`.
pub(crate) fn end(
    flags: u8,
    op: &'static Operation,
    key: &Key,
    start: Instant,
    duration: Duration,
    value: Option<&(dyn Any + Send + Sync)>,
) {
    if flags & PROGRESS != 0 {
        DONE.fetch_add(1, Ordering::Relaxed);
        LOCAL.with(|l| l.slot().set_running(None));
    }
    if flags & RECORD != 0 {
        LOCAL.with(|local| local.note(op, key, start, duration, value));
    }
}

/// Takes every thread's events, leaving the buffers empty: each with its thread's slot.
pub(crate) fn drain() -> Vec<(Arc<Slot>, Vec<Event>)> {
    let mut ops = Operation::by_id();
    slots()
        .into_iter()
        .map(|slot| {
            let events = slot.drain(&mut ops);
            (slot, events)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::{CHUNK, Event, Local, Slot};
    use crate::key::Key;
    use crate::op::Operation;

    fn local() -> Local {
        let local = Local::new();
        let slot = Arc::new(Slot {
            index: 0,
            thread_name: "test".to_owned(),
            chunks: Mutex::default(),
            running: Mutex::new(None),
        });
        assert!(local.slot.set(slot).is_ok());
        local
    }

    fn event(i: u64) -> Event {
        let mut key = [0; 32];
        key[..8].copy_from_slice(&i.to_le_bytes());
        key[31] = 7;
        Event {
            op: Operation::named("record::tests::op"),
            key: Key(key),
            start: Duration::from_nanos(i),
            duration: Duration::from_nanos(2 * i),
            bytes: 3 * i,
            failed: i.is_multiple_of(5),
        }
    }

    fn same(a: &Event, b: &Event) -> bool {
        std::ptr::eq(a.op, b.op)
            && a.key == b.key
            && a.start == b.start
            && a.duration == b.duration
            && a.bytes == b.bytes
            && a.failed == b.failed
    }

    #[test]
    fn every_event_is_drained_once_across_chunks() {
        let local = local();
        let first = 2 * CHUNK as u64 + 17;
        for i in 0..first {
            local.push(|_| event(i).words());
        }
        let mut ops = Operation::by_id();
        let drained = local.slot().drain(&mut ops);
        assert_eq!(drained.len() as u64, first);
        assert!(drained.iter().zip(0..).all(|(e, i)| same(e, &event(i))));
        assert_eq!(
            local.slot().chunks().free.len(),
            2,
            "the full chunks are kept"
        );
        // The partial chunk goes on where it stopped; the kept chunks are written again.
        let second = CHUNK as u64 + 5;
        for i in first..first + second {
            local.push(|_| event(i).words());
        }
        let drained = local.slot().drain(&mut ops);
        assert_eq!(drained.len() as u64, second);
        assert!(drained.iter().zip(first..).all(|(e, i)| same(e, &event(i))));
        assert!(local.slot().drain(&mut ops).is_empty());
    }

    #[test]
    fn a_drain_while_a_thread_writes_loses_nothing() {
        let total = 3 * CHUNK as u64 + 100;
        let (send, slot) = std::sync::mpsc::channel();
        let writer = std::thread::spawn(move || {
            // The writer makes its own local state, as a thread's own is made.
            let local = local();
            send.send(Arc::clone(local.slot()))
                .expect("the test waits for the slot");
            for i in 0..total {
                local.push(|_| event(i).words());
            }
        });
        let slot = slot.recv().expect("the writer sends its slot");
        let mut ops = Operation::by_id();
        let mut seen = Vec::new();
        while !writer.is_finished() {
            seen.extend(slot.drain(&mut ops));
        }
        writer.join().expect("the writer does not panic");
        seen.extend(slot.drain(&mut ops));
        assert_eq!(seen.len() as u64, total);
        assert!(seen.iter().zip(0..).all(|(e, i)| same(e, &event(i))));
    }
}
