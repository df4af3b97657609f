//! Calls, `inline(f)(..)`, method calls and macros.

use syn::Expr;
use syn::punctuated::Punctuated;

use super::lowering::{Arg, MethodCall, StepKind, captures};
use super::names::Analyser;
use crate::error::bail;
use crate::model::MAX_PARAMS;

/// Macros run for their effects, never values.
pub(super) const SIDE_EFFECTS: &[&str] = &[
    "print",
    "println",
    "eprint",
    "eprintln",
    "dbg",
    "write",
    "writeln",
    "panic",
    "todo",
    "unimplemented",
    "unreachable",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
];

/// Methods that return a borrow of their receiver (an iterator over it, a view of it), by
/// the names the standard library gives them.
const BORROWING: &[&str] = &[
    "iter",
    "iter_mut",
    "chars",
    "char_indices",
    "bytes",
    "lines",
    "split_whitespace",
    "windows",
    "chunks",
    "keys",
    "values",
    "as_str",
    "as_slice",
    "as_bytes",
    "trim",
];

fn is_borrowing(method: &syn::Ident) -> bool {
    BORROWING.iter().any(|name| method == name)
}

impl Analyser {
    /// `f(a, b)`, `inline(f)(a, b)`; `strict(x)` makes the function strict.
    pub(super) fn call(&mut self, call: &syn::ExprCall) -> syn::Result<StepKind> {
        if call.args.len() > MAX_PARAMS {
            bail!(
                call.args,
                "a call with more than {MAX_PARAMS} arguments cannot be one node"
            );
        }
        // `inline(f)(a, b)`: daisy's marker for entering a plain generic function.
        if let Expr::Call(marker) = &*call.func
            && is_named(&marker.func, &["inline"])
            && marker.args.len() == 1
        {
            let callee = &marker.args[0];
            if !matches!(callee, Expr::Path(_)) {
                bail!(callee, "`inline(...)` takes a function's path");
            }
            if let Some(closure) = call.args.iter().find(|arg| is_closure(arg)) {
                bail!(
                    closure,
                    "`inline(f)` calls `f` on the lazy values themselves, and a closure is not one; call `f` without `inline(...)`: a call given a closure is one node that runs it"
                );
            }
            return Ok(StepKind::InlineCall {
                callee: callee.clone(),
                args: self.exprs(&call.args)?,
            });
        }
        let Expr::Path(path) = &*call.func else {
            bail!(
                call.func,
                "only calls to functions named by a path can be rewritten by #[autodask(inline)]"
            );
        };
        if is_named(&call.func, &["strict", "try_strict"]) {
            return Err(self.strict(
                &call.func,
                "`strict(...)`",
                "of",
                quote::ToTokens::to_token_stream(&call.args),
                "forcing a value inside the body makes the function strict",
            ));
        }
        if let Some(ident) = path.path.get_ident()
            && self.is_lazy(ident)
        {
            bail!(
                ident,
                "`{ident}` is a lazy value, not a function, inside an #[autodask(inline)] body"
            );
        }
        if call.args.iter().any(is_closure) {
            let args = self.args(&call.args)?;
            check_arity(&call.args, 0, &args)?;
            return Ok(StepKind::CallWithClosures {
                callee: (*call.func).clone(),
                args,
            });
        }
        Ok(StepKind::Call {
            callee: (*call.func).clone(),
            args: self.exprs(&call.args)?,
        })
    }

    /// `a.m::<T>(b)`: the receiver is one more input of the node. A chain through methods
    /// that borrow their receiver (`xs.iter().sum()`, `s.trim().len()`) is one node up to
    /// the last of them, so the borrow is consumed where it is made; such a method whose
    /// borrow is not consumed in the chain is rejected. A chain through a method given a
    /// closure (`xs.into_iter().map(|x| x + 1).collect()`) is likewise one node up to it,
    /// since what such a method returns usually holds the closure.
    pub(super) fn method_call(&mut self, call: &syn::ExprMethodCall) -> syn::Result<StepKind> {
        let mut chain = vec![call];
        while let Expr::MethodCall(inner) = &*chain[chain.len() - 1].receiver {
            chain.push(inner);
        }
        if is_borrowing(&call.method) {
            bail!(
                call,
                "`.{}()` borrows from its receiver, and a node cannot hand on a borrow of its input in an #[autodask(inline)] body: chain the method that consumes the borrow in the same expression (`xs.iter().sum()` is one node), or use #[autodask] without `inline`, or #[lazy], to run the body on concrete values",
                call.method
            );
        }
        let fused = chain
            .iter()
            .rposition(|inner| is_borrowing(&inner.method) || inner.args.iter().any(is_closure))
            .map_or(1, |last| last + 1);
        let chain = &chain[..fused];
        let arity: usize = chain.iter().map(|c| c.args.len()).sum::<usize>() + 1;
        if arity > MAX_PARAMS {
            bail!(
                call.args,
                "a method call with more than {} arguments cannot be one node",
                MAX_PARAMS - 1
            );
        }
        let receiver = self.boxed(&chain[chain.len() - 1].receiver)?;
        let mut calls = Vec::with_capacity(chain.len());
        for inner in chain.iter().rev() {
            calls.push(MethodCall {
                method: inner.method.clone(),
                turbofish: inner.turbofish.clone(),
                args: self.args(&inner.args)?,
            });
        }
        check_arity(&call.args, 1, calls.iter().flat_map(|c| &c.args))?;
        Ok(StepKind::Method { receiver, calls })
    }

    /// `vec![..]` becomes a node; effect macros make the function strict; others are
    /// rejected, since their expansion is unknown here.
    pub(super) fn macro_call(&mut self, mac: &syn::Macro) -> syn::Result<StepKind> {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if name == super::matching::ARM || name == super::matching::BINDING {
            return self.match_marker(mac, name == super::matching::BINDING);
        }
        if name == "vec" {
            if let Ok((item, count)) = mac.parse_body_with(parse_vec_repeat) {
                return Ok(StepKind::VecRepeat {
                    item: self.boxed(&item)?,
                    count: self.boxed(&count)?,
                });
            }
            let elems =
                mac.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)?;
            if elems.len() > MAX_PARAMS {
                bail!(
                    mac,
                    "`vec!` with more than {MAX_PARAMS} elements cannot be one node; build it in a plain function"
                );
            }
            return Ok(StepKind::Vec(self.exprs(&elems)?));
        }
        if SIDE_EFFECTS.contains(&name.as_str()) {
            return Err(self.strict(
                &mac.path,
                &format!("the side effect of `{name}!`"),
                "on",
                mac.tokens.clone(),
                "an inlined body runs when and where the graph decides, at most once for equal inputs",
            ));
        }
        bail!(
            mac.path,
            "macro `{name}!` cannot be rewritten by #[autodask(inline)]: only `vec![...]` becomes a node; call a plain function instead"
        )
    }
}

fn is_closure(expr: &Expr) -> bool {
    matches!(expr, Expr::Closure(_))
}

/// Rejects a call whose node would have more than [`MAX_PARAMS`] inputs: `others` (the
/// receiver), the values among `args` and the captures of its closures.
fn check_arity<'a>(
    at: &dyn quote::ToTokens,
    others: usize,
    args: impl IntoIterator<Item = &'a Arg>,
) -> syn::Result<()> {
    let args: Vec<&Arg> = args.into_iter().collect();
    let values = args.iter().filter(|a| matches!(a, Arg::Value(_))).count();
    let captures = captures(args).len();
    if others + values + captures > MAX_PARAMS {
        bail!(
            at.to_token_stream(),
            "a call whose arguments and closure captures are more than {MAX_PARAMS} values cannot be one node; compute some of them in a plain function"
        );
    }
    Ok(())
}

fn parse_vec_repeat(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let item: Expr = input.parse()?;
    input.parse::<syn::Token![;]>()?;
    let count: Expr = input.parse()?;
    Ok((item, count))
}

/// Whether `expr` is a path whose last segment is one of `names`.
fn is_named(expr: &Expr, names: &[&str]) -> bool {
    match expr {
        Expr::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|s| names.iter().any(|n| s.ident == n)),
        _ => false,
    }
}
