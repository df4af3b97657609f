//! Issue #11 (<https://example.invalid/lazy/issues/11>), item 6: a recursive
//! `#[autodask(inline)]` function overflowed the stack, because a lazy `if` built both of
//! its branches before its condition was known. A branch is now built only once the
//! condition's value is known, and only the taken one, so recursion ends where the
//! condition says, and unbounded recursion is an error naming the function.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::scheduling::{Sequential, with_scheduler};
use lazy::{ErrorKind, Lazy, autodask, eager, inspect, strict, try_strict};

use crate::support::within;

#[autodask(inline)]
fn fib(n: u64) -> u64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

fn fib_eager(n: u64) -> u64 {
    let (mut a, mut b) = (0_u64, 1_u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

#[test]
fn recursive_fib_terminates_and_builds_linearly_many_nodes() {
    within(std::time::Duration::from_mins(1), || {
        assert_eq!(strict(fib(10)), 55);
        // On the sequential scheduler, the conditionals run on this thread, and their
        // branches are built and forced inside their runs, so this thread's counters see
        // every node and run of the force.
        let before = inspect::thread_stats();
        let value = with_scheduler(Arc::new(Sequential), || strict(fib(80)));
        let after = inspect::thread_stats();
        let (built, runs) = (
            after.nodes_created - before.nodes_created,
            after.tasks_executed - before.tasks_executed,
        );
        assert_eq!(value, fib_eager(80));
        // Per level: the condition, two conditionals, `n - 1`, `n - 2`, the sum and their
        // leaves, a dozen or two; without folding by value it would be about 2^55.
        assert!(built < 80 * 25, "fib(80) built {built} nodes");
        assert!(runs < 80 * 15, "fib(80) ran {runs} tasks");
    });
}

#[autodask(inline)]
fn depth(n: u64) -> u64 {
    if n == 0 { 0 } else { 1 + depth(n - 1) }
}

#[test]
fn deep_recursion_on_a_thread_with_a_small_stack_does_not_overflow_it() {
    within(std::time::Duration::from_mins(1), || {
        // 256 KiB holds a few dozen levels; the nested forces move to fresh stack segments
        // as it runs low. Dropping the result drops the kept branches in a loop.
        let on_small_stack = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| with_scheduler(Arc::new(Sequential), || strict(depth(5000))))
            .expect("a thread")
            .join()
            .expect("no overflow, no panic");
        assert_eq!(on_small_stack, 5000);
    });
}

#[autodask(inline)]
fn forever(n: u64) -> u64 {
    if n == 0 { 0 } else { forever(n + 1) }
}

#[test]
fn unbounded_recursion_is_an_error_naming_the_function() {
    within(std::time::Duration::from_mins(2), || {
        let error = try_strict(forever(1)).expect_err("never ends");
        assert!(
            matches!(error.kind(), ErrorKind::TooDeep(limit) if *limit == lazy::scheduling::max_depth()),
            "{error}"
        );
        assert!(
            error.task().contains("forever"),
            "names the function: {error}"
        );
        assert!(error.to_string().contains("unbounded recursion"), "{error}");
        // The graph is left usable.
        assert_eq!(strict(forever(0)), 0);
    });
}

static BUILT_THEN: AtomicUsize = AtomicUsize::new(0);
static BUILT_OTHERWISE: AtomicUsize = AtomicUsize::new(0);

/// Counts how often a branch's graph is built, and passes the value through.
fn counted(counter: &'static AtomicUsize, x: Lazy<i64>) -> Lazy<i64> {
    counter.fetch_add(1, Ordering::SeqCst);
    x
}

fn then_built(x: Lazy<i64>) -> Lazy<i64> {
    counted(&BUILT_THEN, x)
}

fn otherwise_built(x: Lazy<i64>) -> Lazy<i64> {
    counted(&BUILT_OTHERWISE, x)
}

#[autodask(inline)]
fn pick(c: bool, x: i64) -> i64 {
    if c {
        inline(then_built)(x + 1)
    } else {
        inline(otherwise_built)(x - 1)
    }
}

#[test]
fn only_the_taken_branch_is_built_and_only_when_forced() {
    let (then0, otherwise0) = (
        BUILT_THEN.load(Ordering::SeqCst),
        BUILT_OTHERWISE.load(Ordering::SeqCst),
    );
    let yes = pick(true, 7_000_001);
    let no = pick(false, 7_000_001);
    assert_eq!(
        BUILT_THEN.load(Ordering::SeqCst),
        then0,
        "nothing built before the force"
    );
    assert_eq!(BUILT_OTHERWISE.load(Ordering::SeqCst), otherwise0);
    assert_eq!(strict(&yes), 7_000_002);
    assert_eq!(BUILT_THEN.load(Ordering::SeqCst), then0 + 1);
    assert_eq!(BUILT_OTHERWISE.load(Ordering::SeqCst), otherwise0);
    assert_eq!(strict(&no), 7_000_000);
    assert_eq!(BUILT_OTHERWISE.load(Ordering::SeqCst), otherwise0 + 1);
    // Forcing again reads the kept value: no branch is built again.
    assert_eq!(strict(&yes), 7_000_002);
    assert_eq!(BUILT_THEN.load(Ordering::SeqCst), then0 + 1);
}

#[test]
fn eager_mode_builds_only_the_taken_branch_too() {
    let then0 = BUILT_THEN.load(Ordering::SeqCst);
    let otherwise0 = BUILT_OTHERWISE.load(Ordering::SeqCst);
    let value = eager(|| strict(pick(false, 7_000_101)));
    assert_eq!(value, 7_000_100);
    assert_eq!(BUILT_THEN.load(Ordering::SeqCst), then0);
    assert_eq!(BUILT_OTHERWISE.load(Ordering::SeqCst), otherwise0 + 1);
}

/// Two conditionals of one module with the same text, condition and captures fold; a
/// different text, or the same text over another capture, does not.
mod texts {
    use lazy::autodask;

    #[autodask(inline)]
    pub(super) fn clamp_a(x: i64, k: i64) -> i64 {
        if x > k { k } else { x }
    }

    #[autodask(inline)]
    pub(super) fn clamp_b(x: i64, k: i64) -> i64 {
        if x > k { k } else { x }
    }

    #[autodask(inline)]
    pub(super) fn floor(x: i64, k: i64) -> i64 {
        if x > k { x } else { k }
    }

    #[autodask(inline)]
    pub(super) fn shifted(x: i64, k: i64) -> i64 {
        let k = k + 1;
        if x > k { k } else { x }
    }
}

#[test]
fn conditionals_fold_exactly_when_their_code_and_inputs_agree() {
    let (a, b) = (texts::clamp_a(9, 4), texts::clamp_b(9, 4));
    assert_eq!(a.key(), b.key(), "same text, same module, same inputs");
    let f = texts::floor(9, 4);
    assert_ne!(a.key(), f.key(), "the branches differ");
    let s = texts::shifted(9, 4);
    assert_ne!(a.key(), s.key(), "a captured `k` of another value");
    assert_eq!(strict((&a, &b, &f, &s)), (4, 4, 9, 5));
}

/// Captures used only by one branch, names shadowed inside a branch, nested conditionals,
/// and more captures than one tuple holds.
#[autodask(inline)]
#[allow(
    clippy::many_single_char_names,
    reason = "the names of the conditional's parts, as in the issue"
)]
fn nested(c: bool, d: bool, a: i64, b: i64) -> i64 {
    let e = a * 2;
    if c {
        let a = a + 100;
        if d { a + e } else { b }
    } else if d {
        e
    } else {
        a - b
    }
}

#[test]
fn nested_conditionals_capture_what_they_use() {
    for (c, d) in [(true, true), (true, false), (false, true), (false, false)] {
        let (a, b) = (5_i64, 3_i64);
        let e = a * 2;
        let expected = if c {
            if d { a + 100 + e } else { b }
        } else if d {
            e
        } else {
            a - b
        };
        assert_eq!(strict(nested(c, d, a, b)), expected, "c = {c}, d = {d}");
    }
}

#[autodask(inline)]
fn wide(c: bool, x: i64) -> i64 {
    let x0 = x;
    let x1 = x + 1;
    let x2 = x + 2;
    let x3 = x + 3;
    let x4 = x + 4;
    let x5 = x + 5;
    let x6 = x + 6;
    let x7 = x + 7;
    let x8 = x + 8;
    let x9 = x + 9;
    let x10 = x + 10;
    let x11 = x + 11;
    let x12 = x + 12;
    let x13 = x + 13;
    if c {
        x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12 + x13
    } else {
        x13 - x0
    }
}

#[test]
fn more_captures_than_one_tuple_holds() {
    let sum = wide(true, 0);
    let diff = wide(false, 0);
    assert_eq!(strict((&sum, &diff)), (91, 13));
}
