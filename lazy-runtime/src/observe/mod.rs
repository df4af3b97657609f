//! Seeing what ran: the task recorder and its timeline (a Chrome trace), the per-function
//! profile, the progress bar, a picture of the graph, and one HTML report with all of them.
//!
//! The recorder is off by default; while it is off a task pays one relaxed atomic load.
//! Turn it on with [`set_recording`] or `LAZY_RECORD=1`, run some forces, then
//! [`take_trace`] gives what ran: per task, its function, its worker thread, when it began
//! and how long it took, and the size of what it produced.
//!
//! # Examples
//!
//! ```
//! use lazy_runtime::{Lazy, strict, observe};
//! use lazy_runtime::task::{Op, task};
//!
//! let x = task(Op::function("app::double"), (Lazy::new(21_u64),), |(x,): (u64,)| x * 2);
//! let (value, trace) = observe::record(|| strict(&x));
//! assert_eq!(value, 42);
//! assert_eq!(trace.tasks().len(), 1);
//! assert!(trace.to_chrome_json().contains("\"name\":\"app::double\""));
//! println!("{}", trace.profile());
//! ```

mod html;
mod picture;
mod profile;
mod report;
mod svg;
mod timeline;
mod trace;

use std::sync::{Mutex, PoisonError};

use crate::exec::record::{self, PROGRESS, RECORD};
pub use crate::exec::record::{PROGRESS_ENV, RECORD_ENV};
pub use picture::SUMMARY_ABOVE;
pub use profile::{FunctionProfile, Profile};
pub use report::Report;
pub use svg::{Renderer, graphviz_installed};
pub use trace::{TaskRecord, Trace};

/// Turns the task recorder on or off for the whole process.
pub fn set_recording(on: bool) {
    record::set(RECORD, on);
}

/// Whether the task recorder is on (after `LAZY_RECORD` has been read).
#[must_use]
pub fn is_recording() -> bool {
    record::init() & RECORD != 0
}

/// Everything recorded since the last call, from every thread; the buffers are emptied.
#[must_use]
pub fn take_trace() -> Trace {
    Trace::from_events(record::drain())
}

/// Runs `work` with the recorder on and returns its result and what ran meanwhile. The
/// recorder is left as it was. Calls from several threads at once are run one at a time,
/// so that each trace holds its own tasks; tasks another thread runs meanwhile are in it
/// too.
pub fn record<R>(work: impl FnOnce() -> R) -> (R, Trace) {
    let _one = one_at_a_time();
    let was_on = is_recording();
    let _ = take_trace();
    set_recording(true);
    let result = work();
    let trace = take_trace();
    set_recording(was_on);
    (result, trace)
}

/// Held by [`record`] while it runs.
pub(crate) fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Turns the progress bar on or off for the whole process. By default it is on when
/// standard error is a terminal, unless `LAZY_PROGRESS=0`; `LAZY_PROGRESS=1` turns it on
/// everywhere. The bar appears on forces that run longer than a second.
pub fn set_progress(on: bool) {
    record::set(PROGRESS, on);
}

/// Whether the progress bar is on.
#[must_use]
pub fn progress_enabled() -> bool {
    record::init() & PROGRESS != 0
}

/// Puts the runtime's panic filter in front of the current panic hook. A panic in a task
/// becomes the task's [`Error`](crate::Error), which carries its message, so the filter
/// keeps the hook from reporting it too (once per run of the failing task). The runtime
/// installs the filter the first time a task runs; a program that sets a panic hook of its
/// own after that calls this to keep task panics out of its hook. Panics outside tasks,
/// and `strict`'s own panic with the error, reach the hook as before.
pub fn filter_task_panics() {
    crate::exec::quiet::install();
}
