//! The identifiers the macro introduces.
//!
//! Locals get `Span::mixed_site()`, so they can neither capture nor be captured by the user's
//! names; items are prefixed `__lazy_` (items cannot be mixed-site hygienic across the
//! generated code that names them).

use proc_macro2::{Ident, Span};

/// The inner function that holds the user's body unchanged.
///
/// Items cannot be hidden from the user's names on stable Rust (an item in the function's
/// block would shadow a parameter of the same name), so the `__lazy_` prefix is reserved.
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

/// The local holding the scope an inlined body's methods, fields and struct literals are
/// keyed with (`lift::Scope`).
pub(crate) fn scope() -> Ident {
    local("__lazy_scope")
}

/// The guard naming the inlined function whose body builds nodes (`lift::Site`).
pub(crate) fn site() -> Ident {
    local("__lazy_site")
}

/// The empty item generic like an inlined function, whose type name names the function's
/// instance in its scope.
pub(crate) fn instance_fn() -> Ident {
    Ident::new("__lazy_instance", Span::call_site())
}

/// The parameter of a one-input node's closure (`|value| value.x`), which reads well in the
/// expansion and, being mixed-site, never meets a user's `value`.
pub(crate) fn value() -> Ident {
    local("value")
}
