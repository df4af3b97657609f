//! Blocks used as expressions, and `if`: the control flow an inlined body can defer.

use quote::ToTokens;
use syn::Expr;
use syn::spanned::Spanned;

use super::lowering::{Capture, Step, StepKind};
use super::names::Analyser;
use crate::error::bail;

impl Analyser {
    /// `{ stmts; e }` as an expression, in its own scope.
    pub(super) fn block_expr(&mut self, block: &syn::ExprBlock) -> syn::Result<StepKind> {
        if let Some(label) = &block.label {
            bail!(
                label,
                "labelled blocks cannot be rewritten by #[autodask(inline)]"
            );
        }
        Ok(StepKind::Block(self.block(&block.block, false)?))
    }

    /// `if c { a } else { b }` on a lazy `bool`: the branches become builders, and only the
    /// taken one is built and run. `if let` must look at the value, and an `if` without
    /// `else` has no value.
    pub(super) fn if_expr(&mut self, if_expr: &syn::ExprIf) -> syn::Result<StepKind> {
        let Some((_, otherwise)) = &if_expr.else_branch else {
            bail!(
                if_expr.if_token,
                "an `if` without `else` has no value to defer; add an `else` branch so both outcomes are expressions"
            );
        };
        if let Expr::Let(let_expr) = &*if_expr.cond {
            return self.if_let(let_expr, &if_expr.then_branch, otherwise);
        }
        self.open_branch();
        let cond = self.boxed(&if_expr.cond);
        let cond_uses = self.close_branch();
        let cond = cond?;
        let label = format!(
            "{} else {}",
            if_expr.then_branch.to_token_stream(),
            otherwise.to_token_stream()
        );
        self.open_branch();
        let then = self.block(&if_expr.then_branch, false);
        let then_uses = self.close_branch();
        let then = Step {
            span: if_expr.then_branch.span(),
            kind: StepKind::Block(then?),
        };
        self.open_branch();
        let otherwise = self.expr(otherwise);
        let otherwise_uses = self.close_branch();
        let otherwise = otherwise?;
        let mut captures: Vec<Capture> = Vec::new();
        for (branch, uses) in [then_uses, otherwise_uses].into_iter().enumerate() {
            for ident in uses {
                if let Some(capture) = captures.iter_mut().find(|c| c.ident == ident) {
                    capture.used[branch] = true;
                } else {
                    let mut used = [false; 2];
                    used[branch] = true;
                    let strict = cond_uses.contains(&ident);
                    captures.push(Capture {
                        ident,
                        used,
                        strict,
                    });
                }
            }
        }
        Ok(StepKind::If {
            cond,
            then: Box::new(then),
            otherwise: Box::new(otherwise),
            captures,
            label,
        })
    }
}
