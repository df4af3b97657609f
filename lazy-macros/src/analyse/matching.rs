//! `match` and `if let` on lazy values, as a multi-way lazy select built from the lazy
//! `if`: one node computes which arm the value takes (a `match` over all the patterns and
//! guards, so rustc still checks that it is exhaustive), then a chain of lazy `if`s on
//! that index builds and runs only the taken arm, in which each binding of its pattern is
//! a node extracting it from the value.
//!
//! The rewrite is done on the syn tree: the `match` becomes
//!
//! ```text
//! { let __lazy_match = e;
//!   let __lazy_arm = __lazy_match_arm!(__lazy_match; p0 if g0 => 0usize, p1 => 1usize);
//!   if __lazy_arm == 0usize { let v = __lazy_match_binding!(__lazy_match; p0 => v); a0 }
//!   else { a1 } }
//! ```
//!
//! whose two internal macros only this analysis knows (`StepKind::Match`).

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::visit_mut::VisitMut;
use syn::{Expr, Pat};

use super::lowering::StepKind;
use super::names::{Analyser, INSTEAD, format_names};
use crate::error::bail;

/// The internal macro naming the arm a value takes.
pub(super) const ARM: &str = "__lazy_match_arm";
/// The internal macro extracting one binding of a pattern.
pub(super) const BINDING: &str = "__lazy_match_binding";

impl Analyser {
    /// `match e { .. }` on a lazy value.
    pub(super) fn match_expr(&mut self, expr: &syn::ExprMatch) -> syn::Result<StepKind> {
        let arms: Vec<(Pat, Option<Expr>, Expr)> = expr
            .arms
            .iter()
            .map(|arm| match &arm.pat {
                Pat::Guard(guarded) => (
                    (*guarded.pat).clone(),
                    Some((*guarded.guard).clone()),
                    (*arm.body).clone(),
                ),
                pat => (pat.clone(), None, (*arm.body).clone()),
            })
            .collect();
        if arms.is_empty() {
            bail!(expr, "a `match` without arms has no value to defer");
        }
        self.lower_arms(expr.match_token.span, &expr.expr, &arms)
    }

    /// `if let p = e { a } else { b }`: the `match` with the arms `p => a` and `_ => b`.
    pub(super) fn if_let(
        &mut self,
        let_expr: &syn::ExprLet,
        then: &syn::Block,
        otherwise: &Expr,
    ) -> syn::Result<StepKind> {
        let then: Expr = syn::parse_quote!(#then);
        let arms = vec![
            ((*let_expr.pat).clone(), None, then),
            (syn::parse_quote!(_), None, otherwise.clone()),
        ];
        self.lower_arms(let_expr.let_token.span, &let_expr.expr, &arms)
    }

    /// The arms as lazy `if`s on the index of the arm taken; `span` is the `match`'s, which
    /// rustc's errors about the patterns (a missing arm) point at.
    fn lower_arms(
        &mut self,
        span: Span,
        scrutinee: &Expr,
        arms: &[(Pat, Option<Expr>, Expr)],
    ) -> syn::Result<StepKind> {
        for (pat, guard, _) in arms {
            let Some(guard) = guard else { continue };
            let bound = bindings(pat);
            if let Some(outer) = idents(&guard.to_token_stream())
                .into_iter()
                .find(|i| self.is_lazy(i) && !bound.contains(i))
            {
                bail!(
                    guard,
                    "a `match` guard in an #[autodask(inline)] body may use the arm's bindings and constants, not the lazy value `{outer}`: the guard runs inside the node that picks the arm; {INSTEAD}"
                );
            }
        }
        let matched = Ident::new("__lazy_match", Span::mixed_site());
        let arm = Ident::new("__lazy_arm", Span::mixed_site());
        let index_arms = arms.iter().enumerate().map(|(n, (pat, guard, _))| {
            let guard_tokens = guard.to_token_stream();
            let pat = strip_bindings(pat, |ident| mentions(&guard_tokens, ident));
            let guard = guard.as_ref().map(|g| quote!(if #g));
            quote!(#pat #guard => #n,)
        });
        let index_arms: TokenStream = index_arms.collect();
        let bodies: Vec<Expr> = arms
            .iter()
            .map(|(pat, _, body)| {
                let body_tokens = body.to_token_stream();
                let used = bindings(pat)
                    .into_iter()
                    .filter(|ident| mentions(&body_tokens, ident));
                let lets = used.map(|ident| {
                    let extract = strip_bindings(pat, |other| other == &ident);
                    let mutability = binding_mutability(pat, &ident);
                    quote!(let #mutability #ident = #BINDING_MACRO!(#matched; #extract => #ident);)
                });
                syn::parse_quote!({ #(#lets)* #body })
            })
            .collect();
        let (last, init) = bodies.split_last().expect("at least one arm");
        let mut chain = last.clone();
        for (n, body) in init.iter().enumerate().rev() {
            chain = syn::parse_quote!(if #arm == #n { #body } else { #chain });
        }
        let arm_macro = Ident::new(ARM, span);
        let block: Expr = syn::parse_quote!({
            let #matched = #scrutinee;
            let #arm = #arm_macro!(#matched; #index_arms);
            #chain
        });
        Ok(self.expr(&block)?.kind)
    }

    /// `__lazy_match_arm!(m; arms)` and `__lazy_match_binding!(m; p => v)`: a node over the
    /// matched value running `match` with those arms.
    pub(super) fn match_marker(
        &mut self,
        mac: &syn::Macro,
        binding: bool,
    ) -> syn::Result<StepKind> {
        let mut tokens = mac.tokens.clone().into_iter();
        let Some(TokenTree::Ident(matched)) = tokens.next() else {
            bail!(
                mac,
                "bug in #[autodask(inline)]: a malformed `match` marker"
            );
        };
        tokens.next();
        let rest: Vec<TokenTree> = tokens.collect();
        let arms = if binding {
            // `pattern => name`, as `lower_arms` wrote it: the name is the last token, after
            // the two of `=>`.
            let pattern: TokenStream = rest[..rest.len().saturating_sub(3)]
                .iter()
                .cloned()
                .collect();
            let name = rest.last();
            quote! {
                ::core::option::Option::Some(#pattern) => #name,
                _ => ::core::unreachable!("lazy: internal error: a `match` arm built for another value"),
            }
        } else {
            rest.iter().cloned().collect()
        };
        let rest: TokenStream = rest.into_iter().collect();
        let scrutinee = self.expr(&syn::parse_quote!(#matched))?;
        Ok(StepKind::Match {
            scrutinee: Box::new(scrutinee),
            arms,
            label: format!("match {{ {rest} }}"),
            in_some: binding,
        })
    }
}

const BINDING_MACRO: MacroName = MacroName(BINDING);

struct MacroName(&'static str);

impl ToTokens for MacroName {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        Ident::new(self.0, Span::call_site()).to_tokens(tokens);
    }
}

/// Whether a name in a pattern binds a value (not a constant or a unit variant, which
/// rustc's convention writes in upper case).
fn is_binding(pat: &syn::PatIdent) -> bool {
    pat.ident
        .to_string()
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c == '_')
        || pat.by_ref.is_some()
        || pat.mutability.is_some()
}

/// The names a pattern binds, in order.
fn bindings(pat: &Pat) -> Vec<Ident> {
    struct Collect(Vec<Ident>);
    impl VisitMut for Collect {
        fn visit_pat_ident_mut(&mut self, pat: &mut syn::PatIdent) {
            if is_binding(pat) && !self.0.contains(&pat.ident) {
                self.0.push(pat.ident.clone());
            }
            syn::visit_mut::visit_pat_ident_mut(self, pat);
        }
    }
    let mut collect = Collect(Vec::new());
    collect.visit_pat_mut(&mut pat.clone());
    collect.0
}

/// `mut` if the pattern binds `ident` mutably.
fn binding_mutability(pat: &Pat, ident: &Ident) -> Option<syn::Token![mut]> {
    struct Find<'a>(&'a Ident, Option<syn::Token![mut]>);
    impl VisitMut for Find<'_> {
        fn visit_pat_ident_mut(&mut self, pat: &mut syn::PatIdent) {
            if &pat.ident == self.0 {
                self.1 = self.1.or(pat.mutability);
            }
            syn::visit_mut::visit_pat_ident_mut(self, pat);
        }
    }
    let mut find = Find(ident, None);
    find.visit_pat_mut(&mut pat.clone());
    find.1
}

/// The pattern with every binding `keep` rejects made `_` (or its sub-pattern), and the
/// kept ones bound by value without `mut`.
fn strip_bindings(pat: &Pat, keep: impl Fn(&Ident) -> bool) -> Pat {
    struct Strip<F>(F);
    impl<F: Fn(&Ident) -> bool> VisitMut for Strip<F> {
        fn visit_pat_mut(&mut self, pat: &mut Pat) {
            if let Pat::Ident(ident) = pat
                && is_binding(ident)
            {
                if (self.0)(&ident.ident) {
                    ident.mutability = None;
                    ident.by_ref = None;
                } else {
                    *pat = match ident.subpat.take() {
                        Some((_, sub)) => *sub,
                        None => syn::parse_quote!(_),
                    };
                }
            }
            syn::visit_mut::visit_pat_mut(self, pat);
        }

        fn visit_field_pat_mut(&mut self, field: &mut syn::FieldPat) {
            // `P { w }` names the field and binds it: write `w: w` so it can become `w: _`.
            field.colon_token.get_or_insert_with(Default::default);
            syn::visit_mut::visit_field_pat_mut(self, field);
            if let (Pat::Ident(ident), syn::Member::Named(member)) = (&*field.pat, &field.member)
                && &ident.ident == member
                && ident.subpat.is_none()
                && ident.by_ref.is_none()
                && ident.mutability.is_none()
            {
                field.colon_token = None;
            }
        }
    }
    let mut pat = pat.clone();
    Strip(keep).visit_pat_mut(&mut pat);
    pat
}

/// Every identifier in `tokens`.
fn idents(tokens: &TokenStream) -> Vec<Ident> {
    let mut out = Vec::new();
    for tree in tokens.clone() {
        match tree {
            TokenTree::Ident(ident) => out.push(ident),
            TokenTree::Group(group) => out.extend(idents(&group.stream())),
            _ => {}
        }
    }
    out
}

/// Whether `tokens` mention `ident`, also in a format string (`format!("{v}")` in a
/// closure).
fn mentions(tokens: &TokenStream, ident: &Ident) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(i) => &i == ident,
        TokenTree::Group(group) => mentions(&group.stream(), ident),
        TokenTree::Literal(literal) => format_names(&literal.to_string())
            .iter()
            .any(|name| ident == name),
        TokenTree::Punct(_) => false,
    })
}
