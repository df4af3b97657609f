//! `for` over a range of integer literals, unrolled: each iteration is a block binding the
//! loop variable to a leaf of its value, then the body's statements, so the loop's
//! assignments (`acc += x;`) become one node per iteration.

use quote::ToTokens;
use syn::{Expr, Lit, Pat, RangeLimits};

use super::lowering::{Step, StepKind, Stmt};
use super::names::{Analyser, INSTEAD, Origin};
use crate::error::bail;

/// At most this many iterations are unrolled: each is a copy of the body's nodes.
pub(super) const MAX_UNROLL: u64 = 16;

impl Analyser {
    /// The loop as one block per iteration; an error if it cannot be unrolled.
    pub(super) fn unrolled(&mut self, for_loop: &syn::ExprForLoop) -> syn::Result<Stmt> {
        if self.involved(for_loop.expr.to_token_stream()).is_some() {
            return Err(self.strict(
                &for_loop.for_token,
                "`for` loop",
                "over",
                for_loop.expr.to_token_stream(),
                "the loop must look at the value to know how often to run",
            ));
        }
        let Some((start, count, suffix)) = literal_range(&for_loop.expr) else {
            bail!(
                for_loop.expr,
                "#[autodask(inline)] unrolls a `for` loop only over a range of integer literals (`for i in 0..4`): its trip count must be known when the macro expands; {INSTEAD}"
            );
        };
        if count > MAX_UNROLL {
            bail!(
                for_loop.expr,
                "this `for` loop runs {count} times, and #[autodask(inline)] unrolls at most {MAX_UNROLL} iterations, each a copy of the body's nodes; {INSTEAD}"
            );
        }
        if let Some(label) = &for_loop.label {
            bail!(
                label,
                "a labelled `for` loop cannot be unrolled by #[autodask(inline)]; {INSTEAD}"
            );
        }
        let binding = match &*for_loop.pat {
            Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => {
                Some(pat.ident.clone())
            }
            Pat::Wild(_) => None,
            other => bail!(
                other,
                "an unrolled `for` loop binds a plain name or `_`; {INSTEAD}"
            ),
        };
        let mut iterations = Vec::new();
        for n in 0..count {
            self.open_scope();
            let iteration =
                self.iteration(for_loop, binding.as_ref(), start + i128::from(n), &suffix);
            self.close_scope();
            iterations.push(Stmt::Scoped(iteration?));
        }
        Ok(Stmt::Scoped(iterations))
    }

    fn iteration(
        &mut self,
        for_loop: &syn::ExprForLoop,
        binding: Option<&syn::Ident>,
        value: i128,
        suffix: &str,
    ) -> syn::Result<Vec<Stmt>> {
        let mut stmts = Vec::new();
        if let Some(ident) = binding {
            let span = ident.span();
            let literal = syn::LitInt::new(&format!("{value}{suffix}"), span);
            stmts.push(Stmt::Let {
                ident: ident.clone(),
                mutable: false,
                ty: None,
                init: Step {
                    span,
                    kind: StepKind::Leaf(Expr::Lit(syn::ExprLit {
                        attrs: Vec::new(),
                        lit: Lit::Int(literal),
                    })),
                },
            });
            self.bind(ident, Origin::Binding);
        }
        for stmt in &for_loop.body.stmts {
            if let syn::Stmt::Item(item) = stmt {
                bail!(
                    item,
                    "an unrolled `for` loop cannot declare items: each iteration would declare them again; move the item before the loop"
                );
            }
            if let Some(stmt) = self.stmt(stmt)? {
                stmts.push(stmt);
            }
        }
        Ok(stmts)
    }
}

/// `(start, trip count, suffix)` of `a..b` or `a..=b` with integer literal bounds.
fn literal_range(expr: &Expr) -> Option<(i128, u64, String)> {
    let Expr::Range(range) = strip(expr) else {
        return None;
    };
    let bound = |e: &Option<Box<Expr>>| -> Option<(i128, String)> {
        match strip(e.as_deref()?) {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Int(lit), ..
            }) => Some((lit.base10_parse().ok()?, lit.suffix().to_owned())),
            _ => None,
        }
    };
    let (start, start_suffix) = bound(&range.start)?;
    let (end, end_suffix) = bound(&range.end)?;
    let end = match range.limits {
        RangeLimits::HalfOpen(_) => end,
        RangeLimits::Closed(_) => end + 1,
    };
    let count = u64::try_from((end - start).max(0)).ok()?;
    let suffix = if start_suffix.is_empty() {
        end_suffix
    } else {
        start_suffix
    };
    Some((start, count, suffix))
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => strip(&paren.expr),
        Expr::Group(group) => strip(&group.expr),
        other => other,
    }
}
