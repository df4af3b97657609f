//! Regression tests, one module per issue (`regression/issue_<n>.rs`), in one test binary.

#[path = "support/mod.rs"]
mod support;

mod regression {
    mod issue_11;
    mod issue_11_branches;
    mod issue_11_conditionals;
}
