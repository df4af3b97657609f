//! Blocks, `let` bindings and assignments: the statements of an inlined body.

use syn::spanned::Spanned;
use syn::{BinOp, Expr, Pat};

use super::lowering::{Block, Stmt};
use super::names::{Analyser, INSTEAD, Origin};
use crate::error::bail;

impl Analyser {
    /// A block in its own scope; `is_body` allows a final `return e`.
    pub(super) fn block(&mut self, block: &syn::Block, is_body: bool) -> syn::Result<Block> {
        self.open_scope();
        let result = self.block_in_scope(block, is_body);
        self.close_scope();
        result
    }

    fn block_in_scope(&mut self, block: &syn::Block, is_body: bool) -> syn::Result<Block> {
        let Some((last, init)) = block.stmts.split_last() else {
            bail!(
                block,
                "an empty block has no value to defer; end it with an expression"
            );
        };
        let items = self.number_item_block(block);
        let mut stmts = Vec::new();
        for stmt in init {
            if let Some(stmt) = self.stmt(stmt)? {
                stmts.push(stmt);
            }
        }
        let tail = match last {
            syn::Stmt::Expr(Expr::Return(ret), _) if is_body => match &ret.expr {
                Some(expr) => self.expr(expr)?,
                None => bail!(
                    ret,
                    "`return` without a value has nothing to defer; return the result"
                ),
            },
            syn::Stmt::Expr(expr, None) => self.expr(expr)?,
            other => {
                // Report what is wrong with the statement itself first, if anything.
                self.stmt(other)?;
                bail!(
                    other,
                    "a lazy block must end with an expression without `;`: its value is the block's result"
                );
            }
        };
        Ok(Block {
            stmts,
            tail: Box::new(tail),
            items,
        })
    }

    pub(super) fn stmt(&mut self, stmt: &syn::Stmt) -> syn::Result<Option<Stmt>> {
        match stmt {
            syn::Stmt::Local(local) => self.local(local).map(Some),
            syn::Stmt::Item(item) => {
                self.check_item(item)?;
                Ok(Some(Stmt::Item(item.clone())))
            }
            syn::Stmt::Macro(mac) => {
                self.macro_call(&mac.mac)?;
                bail!(
                    mac,
                    "this statement's value is discarded, so its node would never run; bind it with `let` or remove it"
                );
            }
            syn::Stmt::Expr(Expr::ForLoop(for_loop), _) => self.unrolled(for_loop).map(Some),
            syn::Stmt::Expr(expr, _) => {
                if let Some(assign) = self.assignment(expr)? {
                    return Ok(Some(assign));
                }
                if let Expr::Return(ret) = expr {
                    bail!(
                        ret,
                        "`return` before the end of the body cannot be deferred by #[autodask(inline)]: only the final expression becomes the result node; {INSTEAD}"
                    );
                }
                self.expr(expr)?;
                bail!(
                    expr,
                    "this statement's value is discarded, so its node would never run; bind it with `let` or remove it"
                );
            }
        }
    }

    /// `let x = e;` or `let x: T = e;`, binding `x` after `e` is analysed.
    fn local(&mut self, local: &syn::Local) -> syn::Result<Stmt> {
        let (pat, ty) = match &local.pat {
            Pat::Type(typed) => (&*typed.pat, Some((*typed.ty).clone())),
            pat => (pat, None),
        };
        let Pat::Ident(ident) = pat else {
            bail!(
                local.pat,
                "destructuring `let` cannot be rewritten by #[autodask(inline)]; bind a name and use field access (`.0`, `.x`)"
            );
        };
        if ident.by_ref.is_some() || ident.subpat.is_some() {
            bail!(
                local.pat,
                "`ref` bindings cannot be rewritten by #[autodask(inline)]; bind the value by name"
            );
        }
        let Some(init) = &local.init else {
            bail!(
                local,
                "`let` without a value cannot be rewritten by #[autodask(inline)]; give it its value where it is declared"
            );
        };
        if let Some((else_token, _)) = &init.diverge {
            bail!(
                else_token,
                "`let ... else` must look at the value to pick a branch, so it cannot be deferred by #[autodask(inline)]; {INSTEAD}"
            );
        }
        let value = self.expr(&init.expr)?;
        self.bind(&ident.ident, Origin::Binding);
        Ok(Stmt::Let {
            ident: ident.ident.clone(),
            mutable: ident.mutability.is_some(),
            ty,
            init: value,
        })
    }

    /// `x = e` and `x op= e` on a lazy local.
    fn assignment(&mut self, expr: &Expr) -> syn::Result<Option<Stmt>> {
        let (left, op, right) = match expr {
            Expr::Assign(assign) => (&*assign.left, None, &*assign.right),
            Expr::Binary(binary) if compound_base(&binary.op).is_some() => {
                (&*binary.left, compound_base(&binary.op), &*binary.right)
            }
            _ => return Ok(None),
        };
        let target = match left {
            Expr::Path(path) => path.path.get_ident().filter(|i| self.is_lazy(i)),
            _ => None,
        };
        let Some(target) = target else {
            bail!(
                left,
                "only a local name can be assigned to in an #[autodask(inline)] body: lazy values are immutable"
            );
        };
        if self.bound_outside_branch(target) {
            bail!(
                left,
                "`{target}` is bound outside this branch of a lazy `if`: assigning to it here would change it only when the branch is taken, which is not known until the condition is computed; give the `if` the new value instead (`let {target} = if .. {{ .. }} else {{ {target} }};`)"
            );
        }
        if op.is_some() {
            self.use_local(target);
        }
        let value = self.expr(right)?;
        Ok(Some(Stmt::Assign {
            target: target.clone(),
            op,
            value,
        }))
    }
}

/// `+` for `+=`, and so on.
pub(super) fn compound_base(op: &BinOp) -> Option<BinOp> {
    let span = op.span();
    Some(match op {
        BinOp::AddAssign(_) => BinOp::Add(syn::Token![+](span)),
        BinOp::SubAssign(_) => BinOp::Sub(syn::Token![-](span)),
        BinOp::MulAssign(_) => BinOp::Mul(syn::Token![*](span)),
        BinOp::DivAssign(_) => BinOp::Div(syn::Token![/](span)),
        BinOp::RemAssign(_) => BinOp::Rem(syn::Token![%](span)),
        BinOp::BitXorAssign(_) => BinOp::BitXor(syn::Token![^](span)),
        BinOp::BitAndAssign(_) => BinOp::BitAnd(syn::Token![&](span)),
        BinOp::BitOrAssign(_) => BinOp::BitOr(syn::Token![|](span)),
        BinOp::ShlAssign(_) => BinOp::Shl(syn::Token![<<](span)),
        BinOp::ShrAssign(_) => BinOp::Shr(syn::Token![>>](span)),
        _ => return None,
    })
}
