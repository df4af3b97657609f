//! Regression tests, one module per issue (`regression/issue_<n>.rs`), in one test binary.

mod regression {
    mod issue_11;
}
