//! Lazy evaluation for ordinary Rust functions.

pub use lazy_runtime::*;
