//! `#[lazy_stream]`: a function returning a `Stream` whose body runs only when the stream
//! is demanded (Oz's `fun lazy`).
//!
//! # Expansion
//!
//! ```text
//! #[lazy_stream]
//! fn generate(n: u64) -> Stream<u64> { cons(n, generate(n + 1)) }
//! ```
//!
//! becomes
//!
//! ```text
//! fn generate(n: u64) -> Stream<u64> {
//!     ::lazy::stream::lazy(move || -> Stream<u64> { cons(n, generate(n + 1)) })
//! }
//! ```
//!
//! so calling `generate` builds one suspended cell and returns; the recursive call happens
//! when that cell is demanded. Parameters move into the suspended body, so they must be
//! owned (`Send + 'static`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

use super::stream_path;

/// Expands `#[lazy_stream]`; on a mistake, emits the error next to the unchanged function.
pub(crate) fn expand(args: &TokenStream, item: &TokenStream) -> TokenStream {
    let function: ItemFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(error) => return error.to_compile_error(),
    };
    match check(args, &function) {
        Ok(()) => expand_function(function),
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#error #item)
        }
    }
}

fn check(args: &TokenStream, function: &ItemFn) -> syn::Result<()> {
    if !args.is_empty() {
        return Err(syn::Error::new(
            args.span(),
            "#[lazy_stream] takes no arguments",
        ));
    }
    let signature = &function.sig;
    if let Some(asyncness) = &signature.asyncness {
        return Err(syn::Error::new(
            asyncness.span(),
            "#[lazy_stream] cannot suspend an `async fn`; return a `Stream` from a plain `fn`",
        ));
    }
    if let Some(constness) = &signature.constness {
        return Err(syn::Error::new(
            constness.span(),
            "#[lazy_stream] cannot suspend a `const fn`",
        ));
    }
    if matches!(signature.output, ReturnType::Default) {
        return Err(syn::Error::new(
            signature.ident.span(),
            "#[lazy_stream] expects a function that returns a `Stream`",
        ));
    }
    for input in &signature.inputs {
        let borrowed = match input {
            FnArg::Receiver(receiver) => matches!(receiver.kind, syn::ReceiverKind::Reference(..)),
            FnArg::Typed(typed) => matches!(*typed.ty, Type::Reference(_)),
        };
        if borrowed {
            return Err(syn::Error::new(
                input.span(),
                "#[lazy_stream] moves parameters into the suspended body, so they must be owned, not borrowed",
            ));
        }
    }
    Ok(())
}

fn expand_function(mut function: ItemFn) -> TokenStream {
    let stream = stream_path();
    let ReturnType::Type(_, output) = &function.sig.output else {
        unreachable!("bug in lazy-macros: `check` accepts only functions with a return type")
    };
    let body = &function.block;
    let suspended = quote!({ #stream::lazy(move || -> #output #body) });
    *function.block =
        syn::parse2(suspended).expect("bug in lazy-macros: a `lazy` call in braces is a block");
    quote!(#function)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::expand;

    #[test]
    fn body_is_wrapped_in_a_suspended_stream() {
        let tokens = expand(
            &quote!(),
            &quote!(
                fn generate(n: u64) -> Stream<u64> {
                    cons(n, generate(n + 1))
                }
            ),
        );
        let expected = quote!(
            fn generate(n: u64) -> Stream<u64> {
                ::lazy::stream::lazy(move || -> Stream<u64> { cons(n, generate(n + 1)) })
            }
        );
        let squeeze = |text: String| text.split_whitespace().collect::<String>();
        assert_eq!(squeeze(tokens.to_string()), squeeze(expected.to_string()));
    }

    #[test]
    fn borrowed_parameters_are_rejected() {
        let tokens = expand(
            &quote!(),
            &quote!(
                fn f(x: &u64) -> Stream<u64> {
                    nil()
                }
            ),
        );
        assert!(tokens.to_string().contains("must be owned, not borrowed"));
        assert!(tokens.to_string().contains("fn f"));
    }

    #[test]
    fn arguments_are_rejected() {
        let tokens = expand(
            &quote!(eager),
            &quote!(
                fn f() -> Stream<u64> {
                    nil()
                }
            ),
        );
        assert!(
            tokens
                .to_string()
                .contains("#[lazy_stream] takes no arguments")
        );
    }

    #[test]
    fn a_return_type_is_required() {
        let tokens = expand(
            &quote!(),
            &quote!(
                fn f() {}
            ),
        );
        assert!(
            tokens
                .to_string()
                .contains("expects a function that returns a `Stream`")
        );
    }
}
