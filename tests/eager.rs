//! Eager mode: annotated functions run at the call, with the results of lazy mode.

use lazy::scheduling::{EAGER_ENV, is_eager};
use lazy::{eager, lazy, strict};

#[lazy]
fn area(w: u32, h: u32) -> u32 {
    w * h
}

#[lazy]
fn checked(x: u32) -> u32 {
    assert!(x < 100, "too large: {x}");
    x
}

#[test]
fn eager_mode_gives_the_same_results_at_the_call() {
    let lazy_value = area(3, 4);
    assert!(!lazy_value.is_ready());
    let eager_value = eager(|| area(5, 6));
    assert!(eager_value.is_ready(), "ran at the call");
    assert_eq!(strict(&lazy_value), 12);
    assert_eq!(strict(&eager_value), 30);
    assert!(!is_eager(), "the scope ended");
}

#[test]
fn an_eager_panic_unwinds_from_the_call_site() {
    let line = line!() + 1;
    let caught = std::panic::catch_unwind(|| eager(|| checked(1000)));
    let payload = caught.unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert_eq!(
        message, "too large: 1000",
        "the task's own panic, raised at line {line}"
    );
}

/// Run by `the_environment_variable_turns_eager_mode_on` in a child process.
#[test]
fn child_reports_eager_mode_from_the_environment() {
    if std::env::var(EAGER_ENV).is_ok() {
        assert!(is_eager());
        assert!(area(7, 8).is_ready());
    }
}

#[test]
fn the_environment_variable_turns_eager_mode_on() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_reports_eager_mode_from_the_environment",
            "--quiet",
        ])
        .env(EAGER_ENV, "1")
        .status()
        .unwrap();
    assert!(status.success());
}
