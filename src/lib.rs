//! Lazy evaluation for ordinary Rust functions.

pub use lazy_macros::{comp, lazy_stream};
pub use lazy_runtime::*;
