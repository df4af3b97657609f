//! Stream macros: `comp!` comprehensions and `#[lazy_stream]` producers.
//!
//! Both expand into calls to the public stream API of the facade (`::lazy::stream`), so
//! their expansions read like hand-written code.

pub(crate) mod comp;
pub(crate) mod producer;

use proc_macro2::TokenStream;
use quote::quote;

/// The path of the stream module, as generated code spells it.
fn stream_path() -> TokenStream {
    quote!(::lazy::stream)
}
