//! Every expression an inlined body cannot contain, with the message that says why and what
//! to do instead.
//!
//! Two families: constructs that must look at a lazy value to go on (the function is
//! strict; the message names the values), and constructs the rewrite has no rule for.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::Expr;

use super::names::{Analyser, INSTEAD};
use crate::error::err;

impl Analyser {
    /// The error for an expression no rewrite rule accepts.
    pub(super) fn reject(&self, expr: &Expr) -> syn::Error {
        self.inspection(expr).unwrap_or_else(|| unsupported(expr))
    }

    /// A construct that would inspect a lazy value, naming the values involved.
    fn inspection(&self, expr: &Expr) -> Option<syn::Error> {
        Some(match expr {
            Expr::Reference(reference) if reference.mutability.is_some() => self.strict(
                expr,
                "`&mut` borrow",
                "of",
                reference.expr.to_token_stream(),
                "a node's value cannot be changed in place",
            ),
            Expr::ForLoop(for_loop) => self.strict(
                &for_loop.for_token,
                "`for` loop",
                "over",
                for_loop.expr.to_token_stream(),
                "the loop must look at the value to know how often to run",
            ),
            Expr::While(while_loop) => self.strict(
                &while_loop.while_token,
                "`while` loop",
                "on",
                while_loop.cond.to_token_stream(),
                "the loop must look at the value to know how often to run",
            ),
            Expr::Loop(loop_expr) => self.strict(
                &loop_expr.loop_token,
                "`loop`",
                "over",
                loop_expr.body.to_token_stream(),
                "the loop must look at the values it uses to know when to stop",
            ),
            Expr::Return(ret) => self.strict(
                &ret.return_token,
                "`return` from inside an expression",
                "of",
                TokenStream::new(),
                "only the body's final expression becomes the result node; make both outcomes expressions of an `if`",
            ),
            _ => return None,
        })
    }
}

/// A construct the rewrite has no rule for.
fn unsupported(expr: &Expr) -> syn::Error {
    match expr {
        Expr::Reference(reference) => err!(
            reference,
            "borrowing cannot be rewritten by #[autodask(inline)]: lazy values are passed by value in an inlined body; remove the `&`"
        ),
        Expr::Unsafe(unsafe_block) => err!(
            unsafe_block.unsafe_token,
            "an `unsafe` block cannot be deferred by #[autodask(inline)]: its safety argument holds where it is written, not where the graph runs it; {INSTEAD}"
        ),
        Expr::Closure(closure) => err!(
            closure,
            "closures cannot be rewritten by #[autodask(inline)] except as arguments of a call or method call (`xs.map(|x| x + k)`), which then run them in one node; pass the closure where it is used, or move it into a plain function and call it, or {INSTEAD}"
        ),
        Expr::Try(try_expr) => err!(
            try_expr.question_token,
            "the `?` operator must look at the value, so it cannot be deferred by #[autodask(inline)]; {INSTEAD}"
        ),
        Expr::Range(range) => err!(
            range,
            "ranges cannot be rewritten by #[autodask(inline)]; build the range in a plain function and call it"
        ),
        Expr::Assign(_) => err!(
            expr,
            "assignment inside an expression cannot be rewritten by #[autodask(inline)]; write it as its own statement"
        ),
        Expr::Await(_) | Expr::Async(_) | Expr::Yield(_) | Expr::TryBlock(_) => err!(
            expr,
            "asynchronous code cannot be deferred by #[autodask(inline)]; {INSTEAD}"
        ),
        Expr::Break(_) | Expr::Continue(_) => err!(
            expr,
            "`break` and `continue` cannot be deferred by #[autodask(inline)]; {INSTEAD}"
        ),
        _ => err!(
            expr,
            "this expression cannot be rewritten by #[autodask(inline)]; {INSTEAD}"
        ),
    }
}
