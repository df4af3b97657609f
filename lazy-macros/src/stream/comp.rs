//! `comp![head | pattern <- source, guard, …]`: a lazy comprehension (slides 22–25).
//!
//! # Expansion
//!
//! Each generator becomes a `flat_map` over `::lazy::stream::from_iter(source)`, each guard
//! an `if` that yields the empty stream when it fails, and the head a one-element stream:
//!
//! ```text
//! comp![x * y | x <- 1..4, y <- 1..x, x * y <= 4]
//! ```
//!
//! becomes (paths shortened)
//!
//! ```text
//! from_iter(1..4).flat_map(move |item| {
//!     let x = clone(item);
//!     from_iter(1..x).flat_map(move |item| {
//!         let x = clone(&x);
//!         let y = clone(item);
//!         let keep: bool = x * y <= 4;
//!         if keep { cons(x * y, nil()) } else { nil() }
//!     })
//! })
//! ```
//!
//! The variables bound so far are cloned at the start of each closure, because each
//! closure runs once per element and must leave its captures intact.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Expr, Pat, Token};

use super::stream_path;

/// A parsed comprehension.
struct Comprehension {
    head: Expr,
    clauses: Vec<Clause>,
}

enum Clause {
    /// `pattern <- source`
    Generator { pattern: Pat, source: Expr },
    /// A boolean expression.
    Guard(Expr),
}

/// Expands `comp!`'s input, or returns the error as `compile_error!`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    match parse(input) {
        Ok(comprehension) => expand_comprehension(&comprehension),
        Err(error) => error.to_compile_error(),
    }
}

fn parse(input: TokenStream) -> syn::Result<Comprehension> {
    let (head, clauses) = split_at_bar(input)?;
    let head: Expr = syn::parse2(head)?;
    let clauses = parse_clauses.parse2(clauses)?;
    if !clauses
        .iter()
        .any(|clause| matches!(clause, Clause::Generator { .. }))
    {
        return Err(syn::Error::new(
            head.span(),
            "comp! expects at least one generator such as `x <- 1..10` after `|`",
        ));
    }
    Ok(Comprehension { head, clauses })
}

/// Splits at the first top-level `|` that is not part of `||`. A closure in the head must
/// be parenthesized, since its `|` would otherwise end the head.
fn split_at_bar(input: TokenStream) -> syn::Result<(TokenStream, TokenStream)> {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let mut index = 0;
    while index < tokens.len() {
        if let TokenTree::Punct(punct) = &tokens[index]
            && punct.as_char() == '|'
        {
            let next_is_bar = matches!(
                tokens.get(index + 1),
                Some(TokenTree::Punct(next)) if next.as_char() == '|'
            );
            if next_is_bar && punct.spacing() == proc_macro2::Spacing::Joint {
                index += 2; // `||`
                continue;
            }
            let head = tokens[..index].iter().cloned().collect();
            let rest = tokens[index + 1..].iter().cloned().collect();
            return Ok((head, rest));
        }
        index += 1;
    }
    Err(syn::Error::new(
        Span::call_site(),
        "comp! expects `head | generators`, as in `comp![x * y | x <- 1..10, y <- 1..x]`",
    ))
}

fn parse_clauses(input: ParseStream<'_>) -> syn::Result<Vec<Clause>> {
    let mut clauses = Vec::new();
    while !input.is_empty() {
        clauses.push(input.parse()?);
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(clauses)
}

impl Parse for Clause {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // A generator is `pattern <- source`; anything else is a guard.
        let fork = input.fork();
        if Pat::parse_single(&fork).is_ok() && fork.peek(Token![<-]) {
            let pattern = Pat::parse_single(input)?;
            input.parse::<Token![<-]>()?;
            let source = input.parse()?;
            return Ok(Self::Generator { pattern, source });
        }
        Ok(Self::Guard(input.parse()?))
    }
}

fn expand_comprehension(comprehension: &Comprehension) -> TokenStream {
    let body = expand_clauses(&comprehension.head, &comprehension.clauses, &[]);
    quote!({ #body })
}

/// The stream for `clauses` (then `head`), with `bound` the variables bound by earlier
/// generators.
fn expand_clauses(head: &Expr, clauses: &[Clause], bound: &[Ident]) -> TokenStream {
    let stream = stream_path();
    let Some((clause, rest)) = clauses.split_first() else {
        return quote_spanned!(head.span()=> #stream::cons(#head, #stream::nil()));
    };
    match clause {
        Clause::Guard(guard) => {
            let inner = expand_clauses(head, rest, bound);
            // A `let` rather than `if #guard`: no struct-literal ambiguity, no lint about
            // parentheses, and a type error names `bool` at the guard.
            let keep = Ident::new("__lazy_keep", Span::mixed_site());
            quote_spanned! {guard.span()=>
                let #keep: bool = #guard;
                if #keep { #inner } else { #stream::nil() }
            }
        }
        Clause::Generator { pattern, source } => {
            let mut now_bound = bound.to_vec();
            bind_names(pattern, &mut now_bound);
            let inner = expand_clauses(head, rest, &now_bound);
            let item = Ident::new("__lazy_item", Span::mixed_site());
            let reclone = bound
                .iter()
                .map(|name| quote!(let #name = ::core::clone::Clone::clone(&#name);));
            quote_spanned! {source.span()=>
                #stream::from_iter(#source).flat_map(move |#item: &_| {
                    #(#reclone)*
                    let #pattern = ::core::clone::Clone::clone(#item);
                    #inner
                })
            }
        }
    }
}

/// Collects the variables a pattern binds.
fn bind_names(pattern: &Pat, names: &mut Vec<Ident>) {
    match pattern {
        Pat::Ident(binding) => {
            names.push(binding.ident.clone());
            if let Some((_, sub)) = &binding.subpat {
                bind_names(sub, names);
            }
        }
        Pat::Tuple(tuple) => tuple.elems.iter().for_each(|p| bind_names(p, names)),
        Pat::TupleStruct(tuple) => tuple.elems.iter().for_each(|p| bind_names(p, names)),
        Pat::Struct(strukt) => strukt
            .fields
            .iter()
            .for_each(|field| bind_names(&field.pat, names)),
        Pat::Slice(slice) => slice.elems.iter().for_each(|p| bind_names(p, names)),
        Pat::Reference(reference) => bind_names(&reference.pat, names),
        Pat::Paren(paren) => bind_names(&paren.pat, names),
        Pat::Type(typed) => bind_names(&typed.pat, names),
        Pat::Or(or) => {
            if let Some(first) = or.cases.first() {
                bind_names(first, names);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{Clause, expand, parse};

    #[test]
    fn generators_and_guards_are_told_apart() {
        let parsed = parse(quote!(x * y | x <- 1..10, y <- 1..x, x * y <= 10)).unwrap();
        let kinds: Vec<bool> = parsed
            .clauses
            .iter()
            .map(|clause| matches!(clause, Clause::Generator { .. }))
            .collect();
        assert_eq!(kinds, [true, true, false]);
    }

    #[test]
    fn logical_or_in_the_head_is_not_the_separator() {
        let parsed = parse(quote!(a || b | (a, b) <- pairs)).unwrap();
        assert_eq!(parsed.clauses.len(), 1);
    }

    #[test]
    fn missing_bar_is_an_error() {
        let error = parse(quote!(x <- 1..3)).err().unwrap();
        assert!(
            error
                .to_string()
                .starts_with("comp! expects `head | generators`")
        );
    }

    #[test]
    fn a_comprehension_needs_a_generator() {
        let error = parse(quote!(x | x > 1)).err().unwrap();
        assert!(error.to_string().contains("at least one generator"));
    }

    #[test]
    fn expansion_clones_outer_variables_in_inner_closures() {
        let tokens = expand(quote!(x + y | x <- xs, y <- ys)).to_string();
        assert!(tokens.contains("let x = :: core :: clone :: Clone :: clone (& x) ;"));
        assert_eq!(tokens.matches("flat_map").count(), 2);
    }
}
