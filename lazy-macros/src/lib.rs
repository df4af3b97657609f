//! Attribute macros of the `lazy` crate. Use them through `lazy`.
