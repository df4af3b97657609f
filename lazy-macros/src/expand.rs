//! Turns a [`Lowering`] into the generated function. Never reports user errors.
//!
//! Both shapes keep the user's attributes, visibility, name and generics, and change the
//! signature the same way: each parameter `x: T` becomes `x: impl IntoLazy<T>` (so callers
//! pass plain values and `Lazy` values alike) and the result `R` becomes `Lazy<R>`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{GenericParam, Generics, ItemFn};

use crate::analyse::{Kind, Lowering, NameScope};
use crate::model::Function;
use crate::rewrite::Rewriter;
use crate::{hygiene, paths};

pub(crate) fn expand(lowering: &Lowering<'_>) -> TokenStream {
    match &lowering.kind {
        Kind::Task {
            impure,
            no_memo,
            cache,
        } => {
            let op = op_constructor(*impure, *no_memo);
            let code = (!*impure).then(|| code_fingerprint(&lowering.function, cache.as_ref()));
            let persisted = cache
                .as_ref()
                .map(|cache| persisted(&lowering.function, cache));
            let op = OpTokens {
                constructor: &op,
                code: code.as_ref(),
                persisted: persisted.as_ref(),
            };
            if lowering.function.receiver.is_some() || lowering.function.names_self {
                expand_method_task(&lowering.function, &op)
            } else {
                expand_task(&lowering.function, &op)
            }
        }
        Kind::Inline { body, names } => {
            let mut rewriter = Rewriter::default();
            let contents = rewriter.block_parts(body);
            let scope = rewriter
                .scoped
                .then(|| inline_scope(&lowering.function, *names));
            expand_inline(
                &lowering.function,
                [rewriter.calls, rewriter.strict_captures],
                scope.as_ref(),
                &contents,
            )
        }
    }
}

/// The parts of a task's operation expression: `Op::function(name, code).persisted::<R>(…)`.
struct OpTokens<'a> {
    /// `function`, `unmemoized` or `impure`.
    constructor: &'a TokenStream,
    /// The code fingerprint argument (pure functions only).
    code: Option<&'a TokenStream>,
    /// `.persisted::<R>(mode)` for `cache`.
    persisted: Option<&'a TokenStream>,
}

impl OpTokens<'_> {
    /// The operation, named by `name` (an expression giving the full name).
    fn build(&self, name: &TokenStream) -> TokenStream {
        let private = paths::private();
        let constructor = self.constructor;
        let code = self.code.map(|code| quote!(, #code));
        let persisted = self.persisted;
        quote!(#private::Op::#constructor(#name #code) #persisted)
    }
}

/// `Code { tokens, krate, version }`: the function's code fingerprint (`code.rs`).
fn code_fingerprint(function: &Function<'_>, cache: Option<&crate::args::Cache>) -> TokenStream {
    let private = paths::private();
    let tokens = crate::code::of_function(function.item, cache.map_or("", |c| c.salt.as_str()));
    quote! {
        #private::Code {
            tokens: #tokens,
            krate: ::core::option_env!("CARGO_PKG_NAME"),
            version: ::core::option_env!("CARGO_PKG_VERSION"),
        }
    }
}

/// `.persisted::<R>(mode)`, spanned on the return type, so that a type the disk cache cannot
/// store is reported there (with `Persist`'s message).
fn persisted(function: &Function<'_>, cache: &crate::args::Cache) -> TokenStream {
    let private = paths::private();
    let output = function
        .output
        .map_or_else(|| quote!(()), ToTokens::to_token_stream);
    let span = function
        .output
        .map_or(cache.span, syn::spanned::Spanned::span);
    let mode = if cache.auto {
        quote!(Auto)
    } else {
        quote!(Always)
    };
    quote::quote_spanned!(span=> .persisted::<#output>(#private::Persistence::#mode))
}

/// `#[lazy]`, `#[autodask]`: the body moves, unchanged, into an inner function that one task
/// node calls on its inputs' values.
fn expand_task(function: &Function<'_>, op: &OpTokens<'_>) -> TokenStream {
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
    let names = param_names(function);
    let inner_params = function.params.iter().map(|p| {
        let (pat, ty) = (p.pat, p.ty);
        quote!(#pat: #ty)
    });
    let output = &sig.output;
    let turbofish = turbofish(&sig.generics);
    let (_, _, where_clause) = sig.generics.split_for_impl();
    let inner_generics = &sig.generics;
    let outer = outer_signature(function);
    if let Some(handle) = function.spin {
        // `#[lazy(spin)]`: the runtime hands each run its own `Spin` handle.
        let spin = hygiene::local("__lazy_spin");
        let spin_op = op.build(&quote!(::core::any::type_name_of_val(&#body_fn #turbofish)));
        let body = user_braces(
            function,
            quote! {
                #[doc(hidden)]
                fn #body_fn #inner_generics (#handle, #(#inner_params),*) #output #where_clause #block
                #private::spin_task(
                    #spin_op,
                    (#(#into_lazy::into_lazy(#names),)*),
                    |#spin, (#(#names,)*)| #body_fn #turbofish (#spin, #(#names),*),
                )
            },
        );
        return quote! {
            #(#attrs)*
            #vis #outer #body
        };
    }
    let cutoff = cutoff(function);
    let dispatch = dispatch_traits(&CUTOFF_TRAITS);
    let op = op.build(&quote!(::core::any::type_name_of_val(&#body_fn #turbofish)));
    let body = user_braces(
        function,
        quote! {
            #dispatch
            #[doc(hidden)]
            fn #body_fn #inner_generics (#(#inner_params),*) #output #where_clause #block
            #private::task_with_cutoff(
                #op,
                (#(#into_lazy::into_lazy(#names),)*),
                |(#(#names,)*)| #body_fn #turbofish (#(#names),*),
                #cutoff,
            )
        },
    );
    quote! {
        #(#attrs)*
        #vis #outer #body
    }
}

/// Early cut-off for results that implement `PartialEq`, decided at compile time: the
/// probe's `PartialEq` method is found before the fallback's (autoref specialization). Its
/// traits are imported with the others, by [`dispatch_traits`].
fn cutoff(function: &Function<'_>) -> TokenStream {
    let private = paths::private();
    let output = function
        .output
        .map_or_else(|| quote!(()), ToTokens::to_token_stream);
    quote!((&#private::Probe::<#output>::new()).cutoff())
}

/// The traits of the cut-off probe, for [`dispatch_traits`].
const CUTOFF_TRAITS: [&str; 2] = ["CutoffByEq", "NoCutoff"];

/// The one lint suppression in generated code, at the top of the function's body: the
/// traits whose methods are chosen at compile time, imported as `_` (which brings their
/// methods into scope without naming anything the body could clash with). Each comes in a
/// pair: a call's `ViaLazy`/`ViaPlain`, a constant's `ViaContent`/`ViaType`, a strict
/// capture's `ByContent`/`ByIdentity`, the cut-off probe's `CutoffByEq`/`NoCutoff`; which
/// of a pair a use resolves to is known only after type checking, so one may go unused.
fn dispatch_traits(traits: &[&str]) -> Option<TokenStream> {
    let lift = paths::lift();
    (!traits.is_empty()).then(|| {
        let traits = traits.iter().map(|t| Ident::new(t, Span::call_site()));
        quote! {
            #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
            use #lift::{#(#traits as _),*};
        }
    })
}

/// The name each parameter's value is bound to: its own, or `__lazy_argN` for a pattern.
fn param_names(function: &Function<'_>) -> Vec<proc_macro2::Ident> {
    function
        .params
        .iter()
        .enumerate()
        .map(|(n, p)| p.ident.cloned().unwrap_or_else(|| hygiene::arg(n)))
        .collect()
}

/// `Op::function` for pure functions, `Op::impure` for `#[lazy(impure)]`,
/// `Op::unmemoized` for `no_memo`.
fn op_constructor(impure: bool, no_memo: bool) -> TokenStream {
    match (impure, no_memo) {
        (true, _) => quote!(impure),
        (false, true) => quote!(unmemoized),
        (false, false) => quote!(function),
    }
}

/// `#[lazy]` on a method taking `self`, or on any function naming `Self`: an inner function
/// cannot see the impl's `Self`, so the body stays in the task's closure (with `self`
/// renamed), and an empty inner function generic over `Self` names the operation.
fn expand_method_task(function: &Function<'_>, op: &OpTokens<'_>) -> TokenStream {
    let private = paths::private();
    let into_lazy = paths::into_lazy();
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
        ..
    } = function.item;
    let key_fn = hygiene::body_fn();
    let this = hygiene::local("__lazy_self");
    let names = param_names(function);
    let patterns = function.params.iter().map(|p| p.pat);
    let (self_input, self_binding) = match function.receiver {
        Some(receiver) => {
            let mutability = &receiver.mutability;
            (
                Some(quote!(#into_lazy::into_lazy(self),)),
                Some(quote!(#mutability #this,)),
            )
        }
        None => (None, None),
    };
    let output = function
        .output
        .map_or_else(|| quote!(()), ToTokens::to_token_stream);
    let body = crate::rewrite::rename_self(block.to_token_stream(), &this);
    let (key_params, key_args) = key_generics(&sig.generics, true);
    let outer = outer_signature(function);
    let cutoff = cutoff(function);
    let dispatch = dispatch_traits(&CUTOFF_TRAITS);
    let op = op.build(&quote!(::core::any::type_name_of_val(&#key_fn::<#key_args>)));
    let body = user_braces(
        function,
        quote! {
            #dispatch
            #[doc(hidden)]
            fn #key_fn<#key_params>() {}
            #private::task_with_cutoff(
                #op,
                (#self_input #(#into_lazy::into_lazy(#names),)*),
                |(#self_binding #(#patterns,)*)| -> #output #body,
                #cutoff,
            )
        },
    );
    quote! {
        #(#attrs)*
        #vis #outer #body
    }
}

/// A naming function's generics: the function's own type and const parameters, unbounded,
/// led by `Self` if `with_self`, so the key distinguishes `Wrapper<i64>::f` from
/// `Wrapper<f64>::f`.
fn key_generics(generics: &Generics, with_self: bool) -> (TokenStream, TokenStream) {
    let mut params = Vec::new();
    let mut args = Vec::new();
    if with_self {
        params.push(quote!(__LazySelf: ?::core::marker::Sized));
        args.push(quote!(Self));
    }
    for param in &generics.params {
        match param {
            GenericParam::Type(ty) => {
                let ident = &ty.ident;
                params.push(quote!(#ident: ?::core::marker::Sized));
                args.push(quote!(#ident));
            }
            GenericParam::Const(c) => {
                let (ident, ty) = (&c.ident, &c.ty);
                params.push(quote!(const #ident: #ty));
                args.push(quote!(#ident));
            }
            GenericParam::Lifetime(_) => {}
        }
    }
    (quote!(#(#params),*), quote!(#(#args),*))
}

/// `#[autodask(inline)]`: the parameters become nodes and the rewritten body adds its
/// operations to the caller's graph; there is no node for the call itself.
fn expand_inline(
    function: &Function<'_>,
    [calls, captures]: [bool; 2],
    scope: Option<&TokenStream>,
    (items, contents): &(TokenStream, TokenStream),
) -> TokenStream {
    let lazy = paths::lazy();
    let into_lazy = paths::into_lazy();
    let ItemFn { attrs, vis, .. } = function.item;
    let outer = outer_signature(function);
    let mut traits = Vec::new();
    if calls {
        traits.extend(["ViaContent", "ViaLazy", "ViaPlain", "ViaType"]);
    }
    if captures {
        traits.extend(["ByContent", "ByIdentity"]);
    }
    let dispatch = dispatch_traits(&traits);
    let params = function.params.iter().filter_map(|p| {
        let (ident, ty) = (p.ident?, p.ty);
        Some(quote!(let #ident: #lazy<#ty> = #into_lazy::into_lazy(#ident);))
    });
    // Messages about the nodes the body builds (a shape mismatch) name the function.
    let lift = paths::lift();
    let site = hygiene::site();
    let name = function.item.sig.ident.unraw().to_string();
    let body = user_braces(
        function,
        quote! {
            #dispatch
            #items
            let #site = #lift::Site::enter(#name);
            #scope
            #(#params)*
            #contents
        },
    );
    quote! {
        #(#attrs)*
        #vis #outer #body
    }
}

/// `{ tokens }`, in the braces of the user's body: the function's span then ends in the
/// user's code, which rustc's `dead_code` lint needs to report an unused function.
fn user_braces(function: &Function<'_>, tokens: TokenStream) -> proc_macro2::Group {
    let mut group = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, tokens);
    group.set_span(function.item.block.brace_token.span.join());
    group
}

/// The binding of an inlined body's scope, `let __lazy_scope = Scope::module(..);`, which its
/// methods, fields and struct literals are keyed with. A generic function's scope names
/// its instance through an empty item generic like it, declared first.
fn inline_scope(function: &Function<'_>, names: NameScope) -> TokenStream {
    let lift = paths::lift();
    let scope = hygiene::scope();
    let name = function.item.sig.ident.unraw().to_string();
    let module = quote!(::core::module_path!());
    if names == NameScope::Module {
        return quote! { let #scope = #lift::Scope::module(#module, #name); };
    }
    let Some(args) = turbofish(&function.item.sig.generics) else {
        return quote! { let #scope = #lift::Scope::function(#module, #name, ""); };
    };
    let instance_fn = hygiene::instance_fn();
    let (params, _) = key_generics(&function.item.sig.generics, false);
    quote! {
        #[doc(hidden)]
        fn #instance_fn<#params>() {}
        let #scope = #lift::Scope::function(
            #module,
            #name,
            ::core::any::type_name_of_val(&#instance_fn #args),
        );
    }
}

/// `fn name<T: Bounds + Value>(x: impl IntoLazy<T>) -> Lazy<R> where ..`
fn outer_signature(function: &Function<'_>) -> TokenStream {
    let lazy = paths::lazy();
    let into_lazy = paths::into_lazy();
    let value = paths::value();
    let sig = &function.item.sig;
    let (fn_token, ident) = (&sig.fn_token, &sig.ident);
    let mut generics = sig.generics.clone();
    // Each type parameter must be a `Value`. The bound goes where the user put theirs, so
    // clippy's `multiple_bound_locations` never fires on the expansion.
    let mut where_bounds: Vec<syn::WherePredicate> = Vec::new();
    for param in &mut generics.params {
        if let GenericParam::Type(ty) = param {
            let bounded_in_where =
                ty.bounds.is_empty() && mentions_in_where(&sig.generics, &ty.ident);
            if bounded_in_where {
                let ident = &ty.ident;
                where_bounds.push(syn::parse_quote!(#ident: #value));
            } else {
                ty.bounds.push(syn::parse_quote!(#value));
            }
        }
    }
    if !where_bounds.is_empty() {
        generics.make_where_clause().predicates.extend(where_bounds);
    }
    let (params_decl, _, where_clause) = generics.split_for_impl();
    let receiver = function.receiver.map(|_| quote!(self,));
    let params = function.params.iter().enumerate().map(|(n, p)| {
        let name = p.ident.cloned().unwrap_or_else(|| hygiene::arg(n));
        let ty = p.ty;
        quote!(#name: impl #into_lazy<#ty>)
    });
    let output = function
        .output
        .map_or_else(|| quote!(()), ToTokens::to_token_stream);
    // The user's own `fn` token: its span is what rustc's `dead_code` lint reports on, and a
    // span of the macro's would make an unused function pass silently.
    quote! { #fn_token #ident #params_decl (#receiver #(#params),*) -> #lazy<#output> #where_clause }
}

/// Whether the where clause bounds the type parameter `ident` directly (`T: Trait`).
fn mentions_in_where(generics: &Generics, ident: &syn::Ident) -> bool {
    generics.where_clause.iter().flat_map(|w| &w.predicates).any(|predicate| match predicate {
        syn::WherePredicate::Type(bound) => matches!(&bound.bounded_ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(ident)),
        _ => false,
    })
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
