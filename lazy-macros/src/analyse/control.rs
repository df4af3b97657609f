//! Blocks used as expressions, and `if`: the control flow an inlined body can defer.

use syn::Expr;
use syn::spanned::Spanned;

use super::lowering::{Step, StepKind};
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

    /// `if c { a } else { b }` on a lazy `bool`: both branches become graphs, and only the
    /// taken one runs. `if let` must look at the value, and an `if` without `else` has no
    /// value.
    pub(super) fn if_expr(&mut self, if_expr: &syn::ExprIf) -> syn::Result<StepKind> {
        if let Expr::Let(let_expr) = &*if_expr.cond {
            return Err(self.strict(
                &let_expr,
                "`if let`",
                "on",
                quote::ToTokens::to_token_stream(&let_expr.expr),
                "matching a pattern must look at the value; an `if` on a lazy `bool` whose branches are expressions is deferred",
            ));
        }
        let Some((_, otherwise)) = &if_expr.else_branch else {
            bail!(
                if_expr.if_token,
                "an `if` without `else` has no value to defer; add an `else` branch so both outcomes are expressions"
            );
        };
        let cond = self.boxed(&if_expr.cond)?;
        let then = Step {
            span: if_expr.then_branch.span(),
            kind: StepKind::Block(self.block(&if_expr.then_branch, false)?),
        };
        Ok(StepKind::If {
            cond,
            then: Box::new(then),
            otherwise: self.boxed(otherwise)?,
        })
    }
}
