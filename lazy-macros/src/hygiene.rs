//! The identifiers the macro introduces.
//!
//! Locals get `Span::mixed_site()`, so they can neither capture nor be captured by the user's
//! names; items are prefixed `__lazy_` (items cannot be mixed-site hygienic across the
//! generated code that names them).

use proc_macro2::{Ident, Span};

/// The inner function that holds the user's body unchanged.
pub(crate) fn body_fn() -> Ident {
    Ident::new("__lazy_body", Span::call_site())
}

/// A generated local, invisible to the user's code.
pub(crate) fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// The `n`th generated parameter or closure binding.
pub(crate) fn arg(n: usize) -> Ident {
    local(&format!("__lazy_{n}"))
}
