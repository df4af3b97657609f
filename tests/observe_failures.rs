//! Failures that read well: a task's panic reaches the panic hook no more, on top of the
//! error that carries it; `Debug` of an error shows its parts; and names in errors, the
//! task dictionary and DOT have no module paths in their type arguments.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::{Lazy, autodask, lazy, strict, try_strict};
use ndarray::Array1;

type Arr = Array1<i64>;

#[lazy]
fn explodes(x: i64) -> i64 {
    assert!(x < 0, "explodes: expected a negative number, got {x}");
    x
}

#[autodask(inline)]
fn plus(a: Arr, b: Arr) -> Arr {
    a + b
}

/// Tests that change the panic hook take turns.
static HOOK: Mutex<()> = Mutex::new(());

#[test]
fn a_failing_task_forced_three_times_is_not_printed_by_the_panic_hook() {
    static REPORTS: AtomicUsize = AtomicUsize::new(0);
    let _turn = HOOK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        if info.to_string().contains("explodes") {
            REPORTS.fetch_add(1, Ordering::SeqCst);
        }
    }));
    lazy::observe::filter_task_panics();
    let x = explodes(5);
    for _ in 0..3 {
        let error = try_strict(&x).unwrap_err();
        assert!(error.to_string().contains("got 5"), "{error}");
    }
    let under_try = REPORTS.load(Ordering::SeqCst);
    // `strict` panics with the error, and that panic is the program's to report, once.
    let caught = std::panic::catch_unwind(|| strict(&x));
    let under_strict = REPORTS.load(Ordering::SeqCst) - under_try;
    let _ = std::panic::take_hook();
    std::panic::set_hook(previous);
    assert!(caught.is_err());
    assert_eq!(under_try, 0, "try_strict's failures reached the panic hook");
    assert_eq!(under_strict, 1, "strict's own panic is reported once");
}

#[test]
fn debug_of_an_error_shows_the_task_the_key_and_the_message() {
    let _turn = HOOK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let error = try_strict(explodes(7)).unwrap_err();
    let debug = format!("{error:?}");
    assert!(
        debug.starts_with("Error { task: \"observe_failures::explodes\", key: "),
        "{debug}"
    );
    assert!(
        debug.ends_with("kind: Panicked(\"explodes: expected a negative number, got 7\") }"),
        "{debug}"
    );
    assert!(!debug.contains("ErrorInner"), "{debug}");
}

#[test]
fn an_ndarray_addition_is_named_by_its_operands() {
    let _turn = HOOK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let a = Lazy::new(Arr::from(vec![1, 2, 3]));
    let b = Lazy::new(Arr::from(vec![1, 2]));
    let sum = plus(&a, &b);
    let error = try_strict(&sum).unwrap_err();
    assert_eq!(
        error.task(),
        "add<(Array<i64, Ix1>, Array<i64, Ix1>)>",
        "{error}"
    );
    let graph = sum.graph();
    let dict = graph.task_dict();
    assert!(
        dict.contains("(add<(Array<i64, Ix1>, Array<i64, Ix1>)>, 'Array1-"),
        "{dict}"
    );
    assert!(dict.contains("<Array1<i64> leaf>"), "{dict}");
    let dot = graph.to_dot();
    assert!(
        dot.contains("label=\"add<(Array<i64, Ix1>, Array<i64, Ix1>)>\\n"),
        "{dot}"
    );
    for text in [&dict, &dot, &error.to_string()] {
        assert!(
            !text.contains("OwnedRepr") && !text.contains("ndarray::"),
            "{text}"
        );
    }
}
