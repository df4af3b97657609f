//! Compile-time behaviour of the macros: every error message is pinned by a `.stderr` file
//! under `tests/ui/`, and `tests/ui-pass/` holds programs that must compile and run.
//!
//! One test function, so trybuild builds all cases in one go. The messages come from rustc
//! 1.95; other toolchains word their own diagnostics differently, so the test is gated on
//! it. Refresh with `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[rustversion::stable(1.95)]
#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
    cases.pass("tests/ui-pass/*.rs");
}
