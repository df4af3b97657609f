//! `#[lazy]` (or `#[autodask]`) on an inherent `impl` block: every function in it becomes
//! lazy, as if annotated one by one, and the methods taking `self` are also callable on
//! `Lazy<Self>` and `&Lazy<Self>`, through a generated extension trait `Lazy<Type>`
//! implemented for `Lazy<Type>` (a method cannot be added to `Lazy` itself on stable Rust:
//! `self: Lazy<Self>` needs an unstable feature).
//!
//! Each such method's task moves into a hidden associated function `__lazy_<name>` whose
//! receiver is one more `impl IntoLazy<Self>` parameter; the method and the trait's method
//! both call it, so `m.value()` on a plain value and on a lazy one are the same node.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, ImplItem, ItemFn, ItemImpl, Type};

use crate::analyse::Lowering;
use crate::args::Args;
use crate::error::bail;
use crate::model::Function;
use crate::{hygiene, paths};

/// The expanded impl block and its extension trait.
pub(crate) fn expand(args: &Args, block: &ItemImpl) -> syn::Result<TokenStream> {
    let self_ty = self_type(args, block)?;
    let type_name = &self_ty.path.segments[self_ty.path.segments.len() - 1].ident;
    let trait_name = format_ident!("Lazy{type_name}");
    let lazy = paths::lazy();
    let mut items = Vec::new();
    let mut trait_methods = Vec::new();
    let mut trait_impls = Vec::new();
    let mut public = false;
    for item in &block.items {
        let ImplItem::Fn(method) = item else {
            items.push(quote!(#item));
            continue;
        };
        let item_fn = ItemFn {
            attrs: method.attrs.clone(),
            vis: method.vis.clone(),
            modifiers: method.modifiers.clone(),
            sig: method.sig.clone(),
            block: Box::new(method.block.clone()),
        };
        let Some(FnArg::Receiver(receiver)) = method.sig.inputs.first() else {
            items.push(lazy_fn(args, &item_fn)?);
            continue;
        };
        public |= matches!(method.vis, syn::Visibility::Public(_));
        let [item, declared, implemented] = self_method(args, &item_fn, receiver, self_ty)?;
        items.push(item);
        trait_methods.push(declared);
        trait_impls.push(implemented);
    }
    let attrs = &block.attrs;
    let trait_vis = if public { quote!(pub) } else { quote!() };
    let trait_doc = format!(
        "The lazy methods of [`{type_name}`] taking `self`, callable on `Lazy<{type_name}>` and `&Lazy<{type_name}>`."
    );
    Ok(quote! {
        #(#attrs)*
        impl #self_ty {
            #(#items)*
        }

        #[doc = #trait_doc]
        #trait_vis trait #trait_name {
            #(#trait_methods)*
        }

        impl #trait_name for #lazy<#self_ty> {
            #(#trait_impls)*
        }
    })
}

/// The impl's type, if the block is one the attribute applies to.
fn self_type<'a>(args: &Args, block: &'a ItemImpl) -> syn::Result<&'a syn::TypePath> {
    let attr = args.attr_as_written();
    if args.is_inline() {
        bail!(
            block.impl_token,
            "{attr} does not apply to an impl block: inlined bodies take no `self`; use #[autodask] without `inline`, or #[lazy]"
        );
    }
    if let Some((path, _)) = &block.trait_ {
        bail!(
            path,
            "{attr} applies to inherent impl blocks only: a trait's methods keep the trait's signatures; annotate a plain function instead"
        );
    }
    if !block.generics.params.is_empty() {
        bail!(
            block.generics,
            "{attr} on an impl block supports types without generic parameters; annotate each method of a generic impl instead"
        );
    }
    match &*block.self_ty {
        Type::Path(path) if path.qself.is_none() && !path.path.segments.is_empty() => Ok(path),
        other => bail!(other, "{attr} on an impl block needs a named type"),
    }
}

/// A method taking `self`: the method, its hidden task function, and the trait's
/// declaration and implementation of it for `Lazy<Type>`.
fn self_method(
    args: &Args,
    method: &ItemFn,
    receiver: &syn::Receiver,
    self_ty: &syn::TypePath,
) -> syn::Result<[TokenStream; 3]> {
    let lazy = paths::lazy();
    let hidden = hidden_fn(method, receiver.mutability.is_some());
    let expanded = lazy_fn(args, &hidden)?;
    let (ident, hidden_ident) = (&method.sig.ident, &hidden.sig.ident);
    let names: Vec<syn::Ident> = (1..method.sig.inputs.len()).map(hygiene::arg).collect();
    let param_types: Vec<&Type> = method
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(&*typed.ty),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let typed: Vec<TokenStream> = names
        .iter()
        .zip(&param_types)
        .map(|(name, ty)| quote!(#name: impl ::lazy::IntoLazy<#ty>))
        .collect();
    let output = match &method.sig.output {
        syn::ReturnType::Type(_, ty) => quote!(#ty),
        syn::ReturnType::Default => quote!(()),
    };
    // In the trait, `Self` is `Lazy<Type>`: name the type instead.
    let trait_typed: Vec<TokenStream> = typed
        .iter()
        .map(|t| replace_self(t.clone(), self_ty))
        .collect();
    let trait_output = replace_self(output.clone(), self_ty);
    let (attrs, vis) = (&method.attrs, &method.vis);
    let item = quote! {
        #(#attrs)*
        #vis fn #ident(self, #(#typed),*) -> #lazy<#output> {
            Self::#hidden_ident(self, #(#names),*)
        }
        #expanded
    };
    let type_name = &self_ty.path.segments[self_ty.path.segments.len() - 1].ident;
    let doc = format!("[`{type_name}::{ident}`], on a lazy receiver.");
    let declared = quote! {
        #[doc = #doc]
        fn #ident(&self, #(#trait_typed),*) -> #lazy<#trait_output>;
    };
    let implemented = quote! {
        fn #ident(&self, #(#trait_typed),*) -> #lazy<#trait_output> {
            <#self_ty>::#hidden_ident(self, #(#names),*)
        }
    };
    Ok([item, declared, implemented])
}

/// One function of the block, expanded as if annotated alone.
fn lazy_fn(args: &Args, item: &ItemFn) -> syn::Result<TokenStream> {
    let function = Function::from_syn(args, item)?;
    let lowering = Lowering::from_function(args, function)?;
    Ok(crate::expand::expand(&lowering))
}

/// `fn __lazy_<name>(__lazy_self: Self, ..)`: the method with its receiver as the first
/// parameter, named as the expansion renames `self` in the body, and hidden.
fn hidden_fn(method: &ItemFn, mutable: bool) -> ItemFn {
    let mut hidden = method.clone();
    hidden.sig.ident = format_ident!("__lazy_{}", method.sig.ident);
    hidden.vis = syn::Visibility::Inherited;
    hidden.attrs = vec![syn::parse_quote!(#[doc(hidden)])];
    let this = hygiene::local("__lazy_self");
    let mutability = mutable.then(|| quote!(mut));
    let first: FnArg = syn::parse_quote!(#mutability #this: Self);
    let mut inputs: syn::punctuated::Punctuated<FnArg, syn::Token![,]> =
        method.sig.inputs.iter().skip(1).cloned().collect();
    inputs.insert(0, first);
    hidden.sig.inputs = inputs;
    hidden
}

/// `tokens` with every `Self` replaced by the impl's type.
fn replace_self(tokens: TokenStream, self_ty: &syn::TypePath) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    use quote::ToTokens;
    tokens
        .into_iter()
        .flat_map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "Self" => self_ty.to_token_stream(),
            TokenTree::Group(group) => {
                let mut replaced =
                    Group::new(group.delimiter(), replace_self(group.stream(), self_ty));
                replaced.set_span(group.span());
                TokenTree::Group(replaced).into_token_stream()
            }
            other => other.into_token_stream(),
        })
        .collect()
}
