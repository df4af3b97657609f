//! Turns a [`Plan`] into the generated function. Never reports user errors.
//!
//! Both shapes keep the user's attributes, visibility, name and generics, and change the
//! signature the same way: each parameter `x: T` becomes `x: impl IntoLazy<T>` (so callers
//! pass plain values and `Lazy` values alike) and the result `R` becomes `Lazy<R>`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{GenericParam, Generics, ItemFn};

use crate::analyse::{Kind, Plan};
use crate::model::Function;
use crate::rewrite::Rewriter;
use crate::{hygiene, paths};

pub(crate) fn expand(plan: &Plan<'_>) -> TokenStream {
    match &plan.kind {
        Kind::Task { impure } => expand_task(&plan.function, *impure),
        Kind::Inline(body) => {
            let mut rewriter = Rewriter::default();
            let contents = rewriter.block_contents(body);
            expand_inline(&plan.function, rewriter.calls, &contents)
        }
    }
}

/// `#[lazy]`, `#[autodask]`: the body moves, unchanged, into an inner function that one task
/// node calls on its inputs' values.
fn expand_task(function: &Function<'_>, impure: bool) -> TokenStream {
    let private = paths::private();
    let into_lazy = paths::into_lazy();
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
        ..
    } = function.item;
    let body_fn = hygiene::body_fn();
    let names: Vec<_> = function
        .params
        .iter()
        .enumerate()
        .map(|(n, p)| p.ident.cloned().unwrap_or_else(|| hygiene::arg(n)))
        .collect();
    let inner_params = function.params.iter().map(|p| {
        let (pat, ty) = (p.pat, p.ty);
        quote!(#pat: #ty)
    });
    let output = &sig.output;
    let turbofish = turbofish(&sig.generics);
    let (_, _, where_clause) = sig.generics.split_for_impl();
    let inner_generics = &sig.generics;
    let op = if impure {
        quote!(impure)
    } else {
        quote!(function)
    };
    let outer = outer_signature(function);
    quote! {
        #(#attrs)*
        #vis #outer {
            #[doc(hidden)]
            fn #body_fn #inner_generics (#(#inner_params),*) #output #where_clause #block
            #private::task(
                #private::Op::#op(::core::any::type_name_of_val(&#body_fn #turbofish)),
                (#(#into_lazy::into_lazy(#names),)*),
                |(#(#names,)*)| #body_fn #turbofish (#(#names),*),
            )
        }
    }
}

/// `#[autodask(inline)]`: the parameters become nodes and the rewritten body adds its
/// operations to the caller's graph; there is no node for the call itself.
fn expand_inline(function: &Function<'_>, calls: bool, contents: &TokenStream) -> TokenStream {
    let lazy = paths::lazy();
    let into_lazy = paths::into_lazy();
    let lift = paths::lift();
    let ItemFn { attrs, vis, .. } = function.item;
    let outer = outer_signature(function);
    let dispatch = calls.then(|| quote!(use #lift::{ViaLazy as _, ViaPlain as _};));
    let params = function.params.iter().filter_map(|p| {
        let (ident, ty) = (p.ident?, p.ty);
        Some(quote!(let #ident: #lazy<#ty> = #into_lazy::into_lazy(#ident);))
    });
    quote! {
        #(#attrs)*
        #vis #outer {
            #dispatch
            #(#params)*
            #contents
        }
    }
}

/// `fn name<T: Bounds + Value>(x: impl IntoLazy<T>) -> Lazy<R> where ..`
fn outer_signature(function: &Function<'_>) -> TokenStream {
    let lazy = paths::lazy();
    let into_lazy = paths::into_lazy();
    let value = paths::value();
    let sig = &function.item.sig;
    let ident = &sig.ident;
    let mut generics = sig.generics.clone();
    for param in &mut generics.params {
        if let GenericParam::Type(ty) = param {
            ty.bounds.push(syn::parse_quote!(#value));
        }
    }
    let (params_decl, _, where_clause) = generics.split_for_impl();
    let params = function.params.iter().enumerate().map(|(n, p)| {
        let name = p.ident.cloned().unwrap_or_else(|| hygiene::arg(n));
        let ty = p.ty;
        quote!(#name: impl #into_lazy<#ty>)
    });
    let output = function
        .output
        .map_or_else(|| quote!(()), ToTokens::to_token_stream);
    quote! { fn #ident #params_decl (#(#params),*) -> #lazy<#output> #where_clause }
}

/// `::<T, N>` naming the function's own type and const parameters, or nothing.
fn turbofish(generics: &Generics) -> Option<TokenStream> {
    let args: Vec<_> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(ty) => Some(ty.ident.to_token_stream()),
            GenericParam::Const(c) => Some(c.ident.to_token_stream()),
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    (!args.is_empty()).then(|| quote!(::<#(#args),*>))
}
