//! The dispatch over expressions, operators, and the folding of constant subexpressions.

use syn::spanned::Spanned;
use syn::{BinOp, Expr, UnOp};

use super::bindings::compound_base;
use super::lowering::{Step, StepKind};
use super::names::Analyser;
use crate::error::bail;

impl Analyser {
    /// One expression as a step; each construct family has its own method.
    pub(super) fn expr(&mut self, expr: &Expr) -> syn::Result<Step> {
        let span = expr.span();
        let kind = match expr {
            Expr::Lit(_) => StepKind::Leaf(expr.clone()),
            Expr::Path(path) => match path.path.get_ident() {
                Some(ident) if path.qself.is_none() && self.is_lazy(ident) => {
                    self.use_local(ident);
                    StepKind::Local(ident.clone())
                }
                _ => StepKind::Constant(expr.clone()),
            },
            Expr::Binary(binary) => self.binary(binary)?,
            Expr::Unary(unary) => self.unary(unary)?,
            Expr::Paren(paren) => StepKind::Paren(self.boxed(&paren.expr)?),
            Expr::Group(group) => return self.expr(&group.expr),
            Expr::Block(block) => self.block_expr(block)?,
            Expr::If(if_expr) => self.if_expr(if_expr)?,
            Expr::Match(match_expr) => self.match_expr(match_expr)?,
            Expr::Call(call) => self.call(call)?,
            Expr::MethodCall(call) => self.method_call(call)?,
            Expr::Field(field) => self.field(field)?,
            Expr::Index(index) => self.index(index)?,
            Expr::Tuple(tuple) if tuple.elems.is_empty() => StepKind::Leaf(expr.clone()),
            Expr::Tuple(tuple) => StepKind::Tuple(self.parts(expr, "a tuple", &tuple.elems)?),
            Expr::Array(array) => {
                StepKind::Array(self.parts(expr, "an array literal", &array.elems)?)
            }
            Expr::Repeat(repeat) => self.repeat(repeat)?,
            Expr::Macro(mac) => self.macro_call(&mac.mac)?,
            Expr::Struct(lit) => self.struct_literal(lit)?,
            Expr::Cast(cast) => self.cast(cast)?,
            _ => return Err(self.reject(expr)),
        };
        // Literals and constants combined by operators (`40 + 2`, `-1`, `N as f64`) are one
        // leaf, evaluated when the graph is built: no node would be worth its overhead, and
        // Rust's literal type inference then works exactly as in the eager function.
        if is_constant(&kind) {
            return Ok(Step {
                span,
                kind: StepKind::Leaf(expr.clone()),
            });
        }
        Ok(Step { span, kind })
    }

    pub(super) fn exprs<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e Expr>,
    ) -> syn::Result<Vec<Step>> {
        exprs.into_iter().map(|e| self.expr(e)).collect()
    }

    pub(super) fn boxed(&mut self, expr: &Expr) -> syn::Result<Box<Step>> {
        self.expr(expr).map(Box::new)
    }

    /// `a + b` (an operator node), `a < b` (a `lift` comparison); `a += b` only as a statement.
    fn binary(&mut self, binary: &syn::ExprBinary) -> syn::Result<StepKind> {
        let lhs = self.boxed(&binary.left)?;
        let rhs = self.boxed(&binary.right)?;
        match comparison(&binary.op) {
            Some(func) => Ok(StepKind::Compare { func, lhs, rhs }),
            None if compound_base(&binary.op).is_some() => {
                bail!(
                    binary.op,
                    "compound assignment inside an expression cannot be rewritten by #[autodask(inline)]; write it as its own statement"
                )
            }
            None => Ok(StepKind::Binary {
                op: binary.op,
                lhs,
                rhs,
            }),
        }
    }

    /// `-a` and `!a`; `*a` has no meaning on an owned lazy value.
    fn unary(&mut self, unary: &syn::ExprUnary) -> syn::Result<StepKind> {
        match &unary.op {
            UnOp::Deref(star) => bail!(
                star,
                "dereferencing cannot be rewritten by #[autodask(inline)]: lazy values are owned, not references"
            ),
            op => Ok(StepKind::Unary {
                op: *op,
                operand: self.boxed(&unary.expr)?,
            }),
        }
    }
}

/// Whether a step is an operator, cast or parenthesis over leaves only.
fn is_constant(kind: &StepKind) -> bool {
    let leaf = |step: &Step| matches!(step.kind, StepKind::Leaf(_) | StepKind::Constant(_));
    match kind {
        StepKind::Binary { lhs, rhs, .. } | StepKind::Compare { lhs, rhs, .. } => {
            leaf(lhs) && leaf(rhs)
        }
        StepKind::Unary { operand: inner, .. }
        | StepKind::Paren(inner)
        | StepKind::Cast { value: inner, .. } => leaf(inner),
        _ => false,
    }
}

/// The `lift` function of a comparison or short-circuiting operator.
fn comparison(op: &BinOp) -> Option<&'static str> {
    Some(match op {
        BinOp::Eq(_) => "eq",
        BinOp::Ne(_) => "ne",
        BinOp::Lt(_) => "lt",
        BinOp::Le(_) => "le",
        BinOp::Gt(_) => "gt",
        BinOp::Ge(_) => "ge",
        BinOp::And(_) => "and",
        BinOp::Or(_) => "or",
        _ => return None,
    })
}
