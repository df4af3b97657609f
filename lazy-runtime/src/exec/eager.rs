//! Eager mode, for debugging: annotated functions run at the call, on the caller's thread.
//!
//! Laziness moves work, and so time and panics, away from the code that asked for it. In
//! eager mode every task runs as soon as it is built, so a profiler shows it under its
//! caller and a panic unwinds through the caller with the caller's backtrace. Results are
//! the same as in lazy mode: the graph is built and folded as usual, and the values are
//! kept in it. The one difference is that both branches of a lazy conditional are computed.

use std::cell::Cell;
use std::sync::{Arc, LazyLock};

use crate::graph::Node;

/// The environment variable that turns eager mode on for the whole process (`1` or `true`).
pub const EAGER_ENV: &str = "LAZY_EAGER";

static FROM_ENV: LazyLock<bool> = LazyLock::new(|| {
    std::env::var(EAGER_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
});

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` in eager mode on this thread: every task built inside runs immediately.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, eager};
/// use lazy_runtime::task::{Op, task};
///
/// let x = eager(|| task(Op::function("triple"), (Lazy::new(2_i32),), |(x,): (i32,)| x * 3));
/// assert!(x.is_ready());
/// ```
pub fn eager<R>(f: impl FnOnce() -> R) -> R {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            DEPTH.with(|d| d.set(d.get() - 1));
        }
    }
    DEPTH.with(|d| d.set(d.get() + 1));
    let _leave = Leave;
    f()
}

/// Whether tasks run when they are built: inside [`eager`], or with `LAZY_EAGER=1` set.
#[must_use]
pub fn is_eager() -> bool {
    DEPTH.with(Cell::get) > 0 || *FROM_ENV
}

/// In eager mode, computes `node` now. A panic in its function unwinds from here.
pub(crate) fn run_if_eager(node: &Arc<Node>) {
    if !is_eager() {
        return;
    }
    // Inputs built before eager mode began may still be pending.
    let pending: Vec<Arc<Node>> = node
        .strict()
        .iter()
        .filter(|i| !i.is_fresh())
        .cloned()
        .collect();
    if !pending.is_empty()
        && let Err(e) = super::run_nodes(&pending)
    {
        panic!("{e}");
    }
    if let Err(e) = super::run_eagerly(node, super::run_nodes) {
        panic!("{e}");
    }
}

#[cfg(test)]
mod tests {
    use super::eager;
    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    #[test]
    fn eager_mode_runs_at_the_call_with_the_same_results() {
        let build = || {
            let a = task(
                Op::function("eager::sq"),
                (Lazy::new(3_i64),),
                |(x,): (i64,)| x * x,
            );
            task(Op::function("eager::inc"), (a,), |(x,): (i64,)| x + 1)
        };
        let lazy = build();
        assert!(!lazy.is_ready());
        let now = eager(build);
        assert!(now.is_ready());
        assert_eq!(strict(&lazy), strict(&now));
    }

    #[test]
    fn a_panic_in_eager_mode_unwinds_through_the_caller() {
        let caught = std::panic::catch_unwind(|| {
            eager(|| {
                task(
                    Op::function("eager::bad"),
                    (Lazy::new(0_i64),),
                    |(x,): (i64,)| 10 / x,
                )
            })
        });
        let payload = caught.unwrap_err();
        // The task's own panic, not a runtime error wrapped around it.
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .map(String::from)
            .or_else(|| payload.downcast_ref::<String>().cloned());
        assert!(message.unwrap().contains("divide by zero"));
    }
}
