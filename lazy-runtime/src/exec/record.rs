//! The task recorder and the progress counters: what each run of a task did, noted per
//! thread, for the timeline, the profile and the progress bar (`observe/` turns them into
//! those).
//!
//! Cost: with nothing on, a run pays one relaxed load of [`FLAGS`]. With the recorder on, a
//! run reads the clock it reads anyway and pushes one event into its own thread's buffer,
//! behind a lock only the exporter ever contends for: there is no global lock per task.
//! With progress on, a run adds one to a counter and notes its operation in its thread's
//! slot, for the bar's poller to read.
//!
//! Invariants:
//! - a thread's slot is registered once, the first time the thread notes anything, and is
//!   never removed: the registry only grows, by one entry per thread;
//! - an event's times are relative to [`epoch`], fixed the first time anything asks for it;
//! - the counters only grow; a force's bar shows their change since the force began.

use std::any::Any;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

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

/// One run of a task, as the recorder noted it.
#[derive(Clone, Copy)]
pub(crate) struct Event {
    pub(crate) op: &'static Operation,
    pub(crate) key: Key,
    /// When the function began, since [`epoch`].
    pub(crate) start: Duration,
    /// How long it ran.
    pub(crate) duration: Duration,
    /// The size of the value it produced (0 for a failure).
    pub(crate) bytes: u64,
    pub(crate) failed: bool,
}

/// One thread's notes.
pub(crate) struct Slot {
    /// The position of the thread in the registry: its id in the timeline.
    pub(crate) index: u32,
    pub(crate) thread_name: String,
    pub(crate) events: Mutex<Vec<Event>>,
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
}

/// Every thread's slot, in the order they were registered.
pub(crate) fn slots() -> Vec<Arc<Slot>> {
    registry().clone()
}

fn registry() -> std::sync::MutexGuard<'static, Vec<Arc<Slot>>> {
    static SLOTS: LazyLock<Mutex<Vec<Arc<Slot>>>> = LazyLock::new(Mutex::default);
    SLOTS.lock().unwrap_or_else(PoisonError::into_inner)
}

thread_local! {
    static SLOT: Arc<Slot> = {
        let mut slots = registry();
        let thread = std::thread::current();
        let slot = Arc::new(Slot {
            index: u32::try_from(slots.len()).unwrap_or(u32::MAX),
            thread_name: thread.name().map_or_else(|| format!("{:?}", thread.id()), str::to_owned),
            events: Mutex::new(Vec::new()),
            running: Mutex::new(None),
        });
        slots.push(Arc::clone(&slot));
        slot
    };
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
        SLOT.with(|s| s.set_running(Some(op)));
    }
}

/// Notes a finished run of `op` (node `key`) that began at `start` and took `duration`.
pub(crate) fn end(
    flags: u8,
    op: &'static Operation,
    key: Key,
    start: Instant,
    duration: Duration,
    value: Option<&(dyn Any + Send + Sync)>,
) {
    if flags & PROGRESS != 0 {
        DONE.fetch_add(1, Ordering::Relaxed);
        SLOT.with(|s| s.set_running(None));
    }
    if flags & RECORD != 0 {
        let event = Event {
            op,
            key,
            start: start.saturating_duration_since(epoch()),
            duration,
            bytes: value.map_or(0, super::size::bytes_of),
            failed: value.is_none(),
        };
        SLOT.with(|s| {
            s.events
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(event);
        });
    }
}

/// Takes every thread's events, leaving the buffers empty: each with its thread's slot.
pub(crate) fn drain() -> Vec<(Arc<Slot>, Vec<Event>)> {
    slots()
        .into_iter()
        .map(|slot| {
            let events =
                std::mem::take(&mut *slot.events.lock().unwrap_or_else(PoisonError::into_inner));
            (slot, events)
        })
        .collect()
}
