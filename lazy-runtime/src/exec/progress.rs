//! The progress bar: on a force from user code that runs longer than [`SHOW_AFTER`], a bar
//! on standard error with the tasks done and planned, the functions running, and the time
//! left.
//!
//! Runs only count: a finished task adds one to `record::DONE` and notes what its thread
//! runs (see `record.rs`). One poller thread, started the first time a force is watched,
//! reads them ten times a second while a force runs and parks otherwise; it alone draws.
//! With progress off, a force pays one relaxed load.

use std::sync::atomic::Ordering;
use std::sync::{LazyLock, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::Thread;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::record::{self, DONE, PROGRESS};

/// How long a force runs before its bar appears.
pub(crate) const SHOW_AFTER: Duration = Duration::from_secs(1);
/// How often the poller redraws.
const POLL: Duration = Duration::from_millis(100);

/// The forces being watched, together.
#[derive(Default)]
struct Watched {
    /// Forces running.
    active: u32,
    /// Tasks they planned.
    total: u64,
    /// `DONE` when the first of them began.
    done_before: u64,
    /// When the first of them began.
    since: Option<Instant>,
}

fn watched() -> MutexGuard<'static, Watched> {
    static WATCHED: LazyLock<Mutex<Watched>> = LazyLock::new(Mutex::default);
    WATCHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A force being watched, while it lives.
pub(crate) struct Watch(bool);

impl Watch {
    /// Watches a force of a plan of `tasks` tasks, if progress is on.
    pub(crate) fn force(tasks: usize) -> Watch {
        if record::init() & PROGRESS == 0 {
            return Watch(false);
        }
        let mut w = watched();
        if w.active == 0 {
            w.total = 0;
            w.done_before = DONE.load(Ordering::Relaxed);
            w.since = Some(Instant::now());
        }
        w.active += 1;
        w.total += tasks as u64;
        drop(w);
        poller().unpark();
        Watch(true)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if self.0 {
            let mut w = watched();
            w.active -= 1;
            if w.active == 0 {
                w.since = None;
            }
        }
    }
}

/// The poller thread, started on first use.
fn poller() -> &'static Thread {
    static POLLER: OnceLock<Thread> = OnceLock::new();
    POLLER.get_or_init(|| {
        std::thread::Builder::new()
            .name(String::from("lazy-progress"))
            .spawn(poll)
            .expect("lazy: could not start the progress bar's thread")
            .thread()
            .clone()
    })
}

fn poll() {
    let mut bar: Option<ProgressBar> = None;
    loop {
        let (since, total, done_before) = {
            let w = watched();
            (w.since, w.total, w.done_before)
        };
        let Some(since) = since else {
            if let Some(bar) = bar.take() {
                bar.finish_and_clear();
            }
            std::thread::park();
            continue;
        };
        if let Some(wait) = SHOW_AFTER.checked_sub(since.elapsed()) {
            std::thread::park_timeout(wait);
            continue;
        }
        let bar = bar.get_or_insert_with(|| new_bar(total));
        let done = DONE.load(Ordering::Relaxed).saturating_sub(done_before);
        bar.set_length(total.max(done));
        bar.set_position(done);
        bar.set_message(running());
        std::thread::park_timeout(POLL);
    }
}

fn new_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{elapsed:>4} [{bar:30}] {pos}/{len} tasks, {eta} left  {wide_msg}",
    )
    .expect("a valid template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

/// The short names of the functions running now, each once, first seen first.
fn running() -> String {
    let mut names: Vec<&'static str> = Vec::new();
    for slot in record::slots() {
        if let Some(name) = slot.running() {
            let short = short(name);
            if !names.contains(&short) {
                names.push(short);
            }
        }
    }
    names.join(", ")
}

/// An operation's last path segment without generic arguments.
fn short(name: &'static str) -> &'static str {
    let base = name.split('<').next().unwrap_or(name);
    base.rsplit("::").next().unwrap_or(base)
}
