//! Compile errors of the stream macros (`comp!`, `#[lazy_stream]`), one file per mistake.
//! Refresh the `.stderr` snapshots with `TRYBUILD=overwrite`.

#[rustversion::attr(not(stable(1.95)), ignore = "snapshots come from rustc 1.95")]
#[test]
fn stream_macro_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/comp/*.rs");
    cases.compile_fail("tests/ui/lazy_stream/*.rs");
}
