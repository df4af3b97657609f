//! Task panics without the panic hook's report. A panic in a plan's task is caught and
//! becomes the task's [`Error`](crate::Error), which carries its message: `strict` panics
//! with it, `try_strict` returns it. The hook's report would come on top, once per run:
//! three times for one failing task forced three times. So while a task's function runs
//! under `catch_unwind`, a hook installed in front of the program's (once, the first time)
//! stays silent on this thread; every other panic reaches the program's hook as before.
//! A hook the program sets after that replaces the filter; [`install`] puts it in front
//! again.
//! Eager mode does not catch task panics, and the hook reports them with their backtrace.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    /// How many caught task calls this thread is inside.
    static CAUGHT: Cell<u32> = const { Cell::new(0) };
}

/// Runs `call` (a task's function under `catch_unwind`) with the panic hook silent on
/// this thread.
pub(crate) fn caught<R>(call: impl FnOnce() -> R) -> R {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(install);
    CAUGHT.with(|c| c.set(c.get() + 1));
    let _leave = Leave;
    call()
}

/// Puts the filter in front of the current panic hook.
pub(crate) fn install() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if CAUGHT.with(Cell::get) == 0 {
            previous(info);
        }
    }));
}

struct Leave;

impl Drop for Leave {
    fn drop(&mut self) {
        CAUGHT.with(|c| c.set(c.get() - 1));
    }
}
