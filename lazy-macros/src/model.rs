//! A validated, borrowed view of the annotated function.
//!
//! [`Function::from_syn`] rejects every signature that cannot be deferred, spanned on the
//! token at fault: a lazy call returns before its body runs, so the body can only use what
//! it owns.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;
use syn::{FnArg, GenericParam, ItemFn, Pat, ReceiverKind, ReturnType, Safety, Type};

use crate::args::Args;
use crate::error::{bail, err};

/// At most this many parameters: the runtime's task arguments are tuples of up to 12 nodes.
pub(crate) const MAX_PARAMS: usize = 12;

/// The annotated function, checked.
#[derive(Debug)]
pub(crate) struct Function<'a> {
    pub(crate) item: &'a ItemFn,
    pub(crate) params: Vec<Param<'a>>,
    /// The declared return type; `None` only for `#[lazy(impure)]` functions run for effect.
    pub(crate) output: Option<&'a Type>,
}

/// One parameter, taken by value.
#[derive(Debug)]
pub(crate) struct Param<'a> {
    pub(crate) pat: &'a Pat,
    /// The name, when the pattern is a plain identifier (`x` or `mut x`).
    pub(crate) ident: Option<&'a Ident>,
    pub(crate) ty: &'a Type,
}

impl<'a> Function<'a> {
    pub(crate) fn from_syn(args: &Args, item: &'a ItemFn) -> syn::Result<Function<'a>> {
        let attr = args.attr_as_written();
        let sig = &item.sig;
        check_qualifiers(attr, sig)?;
        let params = sig
            .inputs
            .iter()
            .map(|input| param(attr, input))
            .collect::<syn::Result<Vec<_>>>()?;
        if params.len() > MAX_PARAMS {
            bail!(
                sig.inputs,
                "{attr} functions take at most {MAX_PARAMS} parameters"
            );
        }
        let output = match &sig.output {
            ReturnType::Type(_, ty) => {
                check_owned(attr, ty)?;
                if let Type::ImplTrait(impl_trait) = &**ty {
                    bail!(
                        impl_trait,
                        "{attr} functions cannot return `impl Trait`: a lazy call returns `Lazy<T>`, which needs the concrete type"
                    );
                }
                Some(&**ty)
            }
            ReturnType::Default if args.impure.is_some() => None,
            ReturnType::Default => bail!(
                sig.ident,
                "{attr} function `{}` needs a return type: a lazy call returns `Lazy<T>` of the value it will compute",
                sig.ident
            ),
        };
        if !args.is_inline() {
            // The body moves into an inner function, which cannot see the impl's `Self`.
            if let Some(token) = find_self_type(item.to_token_stream()) {
                bail!(
                    token,
                    "{attr} functions cannot name `Self`: the body runs in an inner function; write the type's name"
                );
            }
        }
        Ok(Function {
            item,
            params,
            output,
        })
    }
}

/// Rejects `async`, `unsafe`, `const`, `extern`, variadics and lifetime parameters.
fn check_qualifiers(attr: &str, sig: &syn::Signature) -> syn::Result<()> {
    if let Some(token) = &sig.asyncness {
        bail!(
            token,
            "{attr} cannot defer an `async fn`; remove `async`, a lazy call is already deferred"
        );
    }
    if let Safety::Unsafe(token) = &sig.safety {
        bail!(
            token,
            "{attr} cannot defer an `unsafe fn`: its safety contract is checked at the call, but the body would run later, elsewhere"
        );
    }
    if let Some(token) = &sig.constness {
        bail!(
            token,
            "{attr} cannot defer a `const fn`: a lazy call builds a graph at run time"
        );
    }
    if let Some(abi) = &sig.abi {
        bail!(abi, "{attr} cannot defer an `extern` function");
    }
    if let Some(variadic) = &sig.variadic {
        bail!(variadic, "{attr} cannot defer a variadic function");
    }
    for param in &sig.generics.params {
        if let GenericParam::Lifetime(lifetime) = param {
            bail!(
                lifetime,
                "{attr} functions cannot have lifetime parameters: a deferred body may only use values it owns"
            );
        }
    }
    Ok(())
}

/// One parameter, which must be owned.
fn param<'a>(attr: &str, input: &'a FnArg) -> syn::Result<Param<'a>> {
    match input {
        FnArg::Receiver(receiver) => match &receiver.kind {
            ReceiverKind::Reference(..) => bail!(
                receiver,
                "{attr} cannot defer a method that borrows `self`: the borrow would have to outlive the call; take `self` by value in a plain method and call a {attr} function from it"
            ),
            _ => bail!(
                receiver,
                "{attr} does not support `self` receivers yet; make it an associated function that takes the value as an ordinary parameter"
            ),
        },
        FnArg::Typed(typed) => {
            check_owned(attr, &typed.ty)?;
            if let Type::ImplTrait(impl_trait) = &*typed.ty {
                bail!(
                    impl_trait,
                    "{attr} parameters cannot be `impl Trait`: the parameter becomes `impl IntoLazy<T>`; use a named type parameter"
                );
            }
            let ident = match &*typed.pat {
                Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => Some(&pat.ident),
                _ => None,
            };
            Ok(Param {
                pat: &typed.pat,
                ident,
                ty: &typed.ty,
            })
        }
    }
}

/// Rejects borrowed types, except `'static` ones (`&'static str` is a fine value).
fn check_owned(attr: &str, ty: &Type) -> syn::Result<()> {
    struct Borrows<'a> {
        found: Option<&'a syn::TypeReference>,
    }
    impl<'a> Visit<'a> for Borrows<'a> {
        fn visit_type_reference(&mut self, reference: &'a syn::TypeReference) {
            let is_static = reference
                .lifetime
                .as_ref()
                .is_some_and(|l| l.ident == "static");
            if self.found.is_none() && !is_static {
                self.found = Some(reference);
            }
        }
    }
    let mut borrows = Borrows { found: None };
    borrows.visit_type(ty);
    match borrows.found {
        Some(reference) if reference.mutability.is_some() => Err(err!(
            reference,
            "{attr} cannot defer a `&mut` parameter: the body runs later and could not write back to the caller; take the value and return the new one"
        )),
        Some(reference) => Err(err!(
            reference,
            "{attr} cannot defer a borrowed parameter: the borrow would have to outlive the call; take the value by value (`{}`)",
            reference.elem.to_token_stream()
        )),
        None => Ok(()),
    }
}

/// The first `Self` token, if any.
fn find_self_type(tokens: TokenStream) -> Option<Ident> {
    tokens.into_iter().find_map(|tree| match tree {
        TokenTree::Ident(ident) if ident == "Self" => Some(ident),
        TokenTree::Group(group) => find_self_type(group.stream()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;
    use crate::args::Macro;

    fn check(attr: Macro, inline: bool, item: &ItemFn) -> Result<usize, String> {
        let span = proc_macro2::Span::call_site();
        let args = Args {
            attr,
            inline: inline.then_some(span),
            impure: None,
        };
        Function::from_syn(&args, item)
            .map(|f| f.params.len())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn owned_parameters_are_accepted() {
        let item = parse_quote!(
            fn f(a: i64, mut b: Vec<f64>, (c, d): (u8, u8), s: &'static str) -> i64 {
                a
            }
        );
        assert_eq!(check(Macro::Lazy, false, &item), Ok(4));
    }

    #[test]
    fn borrowed_parameters_are_rejected() {
        let item = parse_quote!(
            fn f(a: &i64) -> i64 {
                *a
            }
        );
        assert!(
            check(Macro::Lazy, false, &item)
                .unwrap_err()
                .contains("borrowed parameter")
        );
        let item = parse_quote!(
            fn f(a: Vec<&mut i64>) -> i64 {
                0
            }
        );
        assert!(
            check(Macro::Lazy, false, &item)
                .unwrap_err()
                .contains("`&mut` parameter")
        );
    }

    #[test]
    fn self_is_rejected_outside_inline() {
        let item = parse_quote!(
            fn f(a: i64) -> Self {
                Self(a)
            }
        );
        assert!(
            check(Macro::Lazy, false, &item)
                .unwrap_err()
                .contains("cannot name `Self`")
        );
        assert_eq!(check(Macro::Autodask, true, &item), Ok(1));
    }

    #[test]
    fn missing_return_type_is_rejected() {
        let item = parse_quote!(
            fn f(a: i64) {}
        );
        assert!(
            check(Macro::Lazy, false, &item)
                .unwrap_err()
                .contains("needs a return type")
        );
    }
}
