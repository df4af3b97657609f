//! A validated, borrowed view of the annotated function.
//!
//! [`Function::from_syn`] rejects every signature that cannot be deferred, spanned on the
//! token at fault: a lazy call returns before its body runs, so the body can only use what
//! it owns.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;
use syn::{FnArg, GenericParam, ItemFn, Pat, Receiver, ReceiverKind, ReturnType, Safety, Type};

use crate::args::Args;
use crate::error::{bail, err};

/// At most this many parameters: the runtime's task arguments are tuples of up to 12 nodes.
pub(crate) const MAX_PARAMS: usize = 12;

/// The annotated function, checked.
#[derive(Debug)]
pub(crate) struct Function<'a> {
    pub(crate) item: &'a ItemFn,
    /// `self` or `mut self`, taken by value (never by reference).
    pub(crate) receiver: Option<&'a Receiver>,
    /// Whether the function names `Self`, which an inner function could not see.
    pub(crate) names_self: bool,
    /// `#[lazy(spin)]`: the first parameter, the `&Spin` handle the task receives.
    pub(crate) spin: Option<&'a syn::PatType>,
    /// The parameters after the receiver (and the spin handle).
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
        let mut receiver = None;
        let mut params = Vec::new();
        let mut inputs = sig.inputs.iter().peekable();
        let spin = match args.spin {
            Some(_) => Some(spin_handle(attr, sig, inputs.next())?),
            None => None,
        };
        for input in inputs {
            match input {
                FnArg::Receiver(self_param) => receiver = Some(check_receiver(args, self_param)?),
                FnArg::Typed(typed) => params.push(param(attr, typed)?),
            }
        }
        if params.len() + usize::from(receiver.is_some()) > MAX_PARAMS {
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
                if let Some(value) = lazy_argument(ty) {
                    bail!(
                        ty,
                        "{attr} functions declare the type of the value they compute: write `-> {}`; a call returns `{}` already",
                        type_text(value),
                        type_text(ty)
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
        let names_self = find_self_type(item.to_token_stream()).is_some();
        Ok(Function {
            item,
            receiver,
            names_self,
            spin,
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

/// A `self` receiver, which must be by value; `#[autodask(inline)]` takes none.
fn check_receiver<'a>(args: &Args, receiver: &'a Receiver) -> syn::Result<&'a Receiver> {
    let attr = args.attr_as_written();
    match &receiver.kind {
        ReceiverKind::Reference(..) => bail!(
            receiver,
            "{attr} cannot defer a method that borrows `self`: the borrow would have to outlive the call; take `self` by value"
        ),
        ReceiverKind::Value if args.is_inline() => bail!(
            receiver,
            "{attr} does not support `self`: the body is rewritten around its parameters; take the value as an ordinary parameter, or use #[autodask] without `inline`"
        ),
        ReceiverKind::Value => Ok(receiver),
        _ => bail!(
            receiver,
            "{attr} supports `self` by value only; write `self` or `mut self`"
        ),
    }
}

/// The spin handle `t: &Spin` that `#[lazy(spin)]` functions take first.
fn spin_handle<'a>(
    attr: &str,
    sig: &syn::Signature,
    first: Option<&'a FnArg>,
) -> syn::Result<&'a syn::PatType> {
    match first {
        Some(FnArg::Typed(typed)) if matches!(&*typed.ty, Type::Reference(r) if r.mutability.is_none()) => {
            Ok(typed)
        }
        Some(other) => bail!(
            other,
            "{attr} functions take the spin handle first: write `t: &lazy::spin::Spin` as the first parameter"
        ),
        None => bail!(
            sig.ident,
            "{attr} functions take the spin handle first: write `t: &lazy::spin::Spin` as the first parameter"
        ),
    }
}

/// One typed parameter, which must be owned.
fn param<'a>(attr: &str, typed: &'a syn::PatType) -> syn::Result<Param<'a>> {
    check_owned(attr, &typed.ty)?;
    if let Type::ImplTrait(impl_trait) = &*typed.ty {
        bail!(
            impl_trait,
            "{attr} parameters cannot be `impl Trait`: the parameter becomes `impl IntoLazy<T>`; use a named type parameter"
        );
    }
    if let Some(value) = lazy_argument(&typed.ty) {
        bail!(
            typed.ty,
            "{attr} parameters are declared with their value type: write `{}: {}`; callers may still pass a `{}`, a `&{}` or a plain value",
            typed.pat.to_token_stream(),
            type_text(value),
            type_text(&typed.ty),
            type_text(&typed.ty)
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
            "{attr} cannot defer a borrowed parameter: the borrow would have to outlive the call; take `{}` by value",
            owned_text(&reference.elem)
        )),
        None => Ok(()),
    }
}

/// The owned form of a borrowed type, as a user would write it: `String` for `str`,
/// `Vec<T>` for `[T]`, `PathBuf` for `Path`, else the type itself.
fn owned_text(ty: &Type) -> String {
    match ty {
        Type::Slice(slice) => format!("Vec<{}>", type_text(&slice.elem)),
        Type::Path(path) if path.qself.is_none() && path.path.is_ident("str") => "String".into(),
        Type::Path(path) if path.qself.is_none() && path.path.is_ident("Path") => "PathBuf".into(),
        _ => type_text(ty),
    }
}

/// A type as a user would write it: `Vec<i64>`, not `Vec < i64 >`.
fn type_text(ty: &Type) -> String {
    let text = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let prev = out.chars().last();
        let glued = c == ' '
            && (matches!(next, Some('<' | '>' | ',' | ':' | ')' | ']'))
                || matches!(prev, Some('<' | '&' | ':' | '(' | '[')));
        if !glued {
            out.push(c);
        }
    }
    out
}

/// `T`, if the type is written `Lazy<T>` (or `lazy::Lazy<T>`).
pub(crate) fn lazy_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if path.qself.is_some() || last.ident != "Lazy" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
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
            spin: None,
            no_memo: None,
            cache: None,
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
    fn self_by_value_is_accepted_outside_inline() {
        let item = parse_quote!(
            fn f(self, a: i64) -> Self {
                Self(a)
            }
        );
        assert_eq!(check(Macro::Lazy, false, &item), Ok(1));
        let inline = check(Macro::Autodask, true, &item).unwrap_err();
        assert!(inline.contains("does not support `self`"), "{inline}");
        let item = parse_quote!(
            fn f(&self) -> i64 {
                0
            }
        );
        let borrowed = check(Macro::Lazy, false, &item).unwrap_err();
        assert!(borrowed.contains("borrows `self`"), "{borrowed}");
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
