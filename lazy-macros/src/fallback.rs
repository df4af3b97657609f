//! What a rejected function expands to, next to its `compile_error!`: the lazy signature
//! with a body that never runs, so that callers keep type-checking against `Lazy<R>` and a
//! mistake is reported once, where it is, rather than again at every call.
//!
//! The signature is rebuilt from the raw syn tree, without the checks of `model`: each
//! parameter the macro could have deferred becomes `_: impl IntoLazy<T>` (a `Lazy<T>`
//! written as a parameter type becomes `impl IntoLazy<T>`, which is what was meant), and
//! one it could not (a borrow, `impl Trait`) keeps its type. The patterns become `_`, so
//! the unused parameters raise no warnings. A result the macro could not defer (a borrow,
//! `impl Trait`) cannot be given a lazy type; the function is then emitted unchanged.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit::Visit;
use syn::{FnArg, GenericParam, ItemFn, ReturnType, Type};

use crate::args::Args;
use crate::model::lazy_argument;
use crate::paths;

/// The stand-in for `item`, whose expansion failed; `args` when they parsed.
pub(crate) fn fallback(args: Option<&Args>, item: &ItemFn) -> TokenStream {
    let sig = &item.sig;
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) if deferrable(ty) => value_type(ty).to_token_stream(),
        ReturnType::Type(..) => return item.to_token_stream(),
    };
    let lazy = paths::lazy();
    let into_lazy = paths::into_lazy();
    let value = paths::value();
    let skip_spin = args.is_some_and(|args| args.spin.is_some());
    let inputs = sig
        .inputs
        .iter()
        .skip(usize::from(skip_spin))
        .map(|input| match input {
            FnArg::Receiver(receiver) => receiver.to_token_stream(),
            FnArg::Typed(typed) if deferrable(&typed.ty) => {
                let ty = value_type(&typed.ty);
                quote!(_: impl #into_lazy<#ty>)
            }
            FnArg::Typed(typed) => {
                let ty = &typed.ty;
                quote!(_: #ty)
            }
        });
    let mut generics = sig.generics.clone();
    for param in &mut generics.params {
        if let GenericParam::Type(ty) = param {
            ty.bounds.push(syn::parse_quote!(#value));
        }
    }
    let (params, _, where_clause) = generics.split_for_impl();
    let ItemFn { attrs, vis, .. } = item;
    let (fn_token, ident) = (&sig.fn_token, &sig.ident);
    let message = format!(
        "`{ident}` was rejected at compile time; this stand-in only lets its callers type-check"
    );
    quote! {
        #(#attrs)*
        #vis #fn_token #ident #params (#(#inputs),*) -> #lazy<#output> #where_clause {
            ::core::unreachable!(#message)
        }
    }
}

/// Whether a value of this type can be a parameter or result of a lazy function: owned
/// (`'static` borrows aside) and named.
fn deferrable(ty: &Type) -> bool {
    struct Borrows(bool);
    impl Visit<'_> for Borrows {
        fn visit_type_reference(&mut self, reference: &syn::TypeReference) {
            let is_static = reference
                .lifetime
                .as_ref()
                .is_some_and(|l| l.ident == "static");
            self.0 |= !is_static;
            syn::visit::visit_type_reference(self, reference);
        }
        fn visit_type_impl_trait(&mut self, _: &syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut borrows = Borrows(false);
    borrows.visit_type(ty);
    !borrows.0
}

/// `T` for a type written `Lazy<T>` (a parameter or result is declared with its value
/// type), else the type itself.
fn value_type(ty: &Type) -> &Type {
    lazy_argument(ty).unwrap_or(ty)
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    #[test]
    fn the_stand_in_has_the_lazy_signature() {
        let item: ItemFn = parse_quote!(
            fn f(a: i64, s: &str, l: Lazy<u8>) -> i64 {
                match a {
                    _ => 0,
                }
            }
        );
        let text = fallback(None, &item).to_string();
        assert!(
            text.contains("_ : impl :: lazy :: IntoLazy < i64 >"),
            "{text}"
        );
        assert!(text.contains("_ : & str"), "{text}");
        assert!(
            text.contains("_ : impl :: lazy :: IntoLazy < u8 >"),
            "{text}"
        );
        assert!(text.contains("-> :: lazy :: Lazy < i64 >"), "{text}");
        assert!(!text.contains("match"), "{text}");
    }

    #[test]
    fn a_borrowed_result_keeps_the_function() {
        let item: ItemFn = parse_quote!(
            fn f(a: &str) -> &str {
                a
            }
        );
        assert_eq!(
            fallback(None, &item).to_string(),
            item.to_token_stream().to_string()
        );
    }
}
