//! Every runtime path the generated code names, spelled once.
//!
//! Runtime items are reached only through the facade (`::lazy`), and hidden ones only through
//! `::lazy::__private`, which is exempt from semver (STYLE §4).

use proc_macro2::TokenStream;
use quote::quote;

/// `::lazy::Lazy`
pub(crate) fn lazy() -> TokenStream {
    quote!(::lazy::Lazy)
}

/// `::lazy::IntoLazy`
pub(crate) fn into_lazy() -> TokenStream {
    quote!(::lazy::IntoLazy)
}

/// `::lazy::__private`
pub(crate) fn private() -> TokenStream {
    quote!(::lazy::__private)
}

/// `::lazy::__private::lift`: the runtime half of rewritten bodies.
pub(crate) fn lift() -> TokenStream {
    quote!(::lazy::__private::lift)
}

/// `::lazy::__private::Value`
pub(crate) fn value() -> TokenStream {
    quote!(::lazy::__private::Value)
}

/// `::core::clone::Clone::clone`
pub(crate) fn clone() -> TokenStream {
    quote!(::core::clone::Clone::clone)
}
