//! Decides what the expansion does: one opaque task, or a body rewritten step by step.
//!
//! For `#[autodask(inline)]` this is where strictness is decided, at compile time: every
//! construct that would have to look at a lazy value to go on (a loop over it, a `match` on
//! it, `strict(...)`) is rejected here, spanned on the construct and naming the values it
//! inspects. What is left is a [`Block`] of [`Step`]s that `rewrite/` lowers without
//! failing. Nothing in this module emits tokens.
//!
//! The result's types are in `lowering`; the analysis is one recursive walk over
//! `names::Analyser`, split by construct family. The files import `lowering`, `names` and
//! the stages before `analyse` (and `expr` one helper of `bindings`), never this file, so
//! their imports form no cycle:
//! - `names`: which names are lazy, and the strictness errors that name them;
//! - `bindings`: blocks, `let` and assignments;
//! - `expr`: the dispatch over expressions, operators and constant folding;
//! - `calls`: function calls, `inline(f)(..)`, method calls and macros;
//! - `closures`: closures passed to calls, their captures and what they may not do;
//! - `data`: tuples, arrays, struct literals, fields, indexing and casts;
//! - `control`: blocks used as expressions and `if`;
//! - `matching`: `match` and `if let`, as lazy `if`s on the index of the arm taken;
//! - `reject`: every expression that cannot be deferred, with its message;
//! - `unroll`: `for` over a range of integer literals, one block per iteration;
//! - `scope`: what decides the names an operation resolves (items declared in the body,
//!   generics), so that operations fold only when they run the same code.

mod bindings;
mod calls;
mod closures;
mod control;
mod data;
mod expr;
mod lowering;
mod matching;
mod names;
mod reject;
mod scope;
#[cfg(test)]
mod test;
mod unroll;

use crate::args::Args;
use crate::error::bail;
use crate::model::Function;

pub(crate) use self::lowering::{
    Arg, Block, Capture, Kind, Lowering, MethodCall, NameScope, Step, StepKind, Stmt, captures,
};
use self::names::{Analyser, Origin};

impl<'a> Lowering<'a> {
    pub(crate) fn from_function(args: &Args, function: Function<'a>) -> syn::Result<Lowering<'a>> {
        if !args.is_inline() {
            return Ok(Lowering {
                function,
                kind: Kind::Task {
                    impure: args.impure.is_some(),
                    no_memo: args.no_memo.is_some(),
                    cache: args.cache.clone(),
                },
            });
        }
        let mut analyser = Analyser::new();
        for param in &function.params {
            let Some(ident) = param.ident else {
                bail!(
                    param.pat,
                    "#[autodask(inline)] parameters must be plain names: the body is rewritten around them; destructure with field access (`.0`, `.x`) in the body"
                );
            };
            analyser.bind(ident, Origin::Argument);
        }
        let body = analyser.block(&function.item.block, true)?;
        let names = scope::body_scope(&function, &analyser);
        Ok(Lowering {
            function,
            kind: Kind::Inline { body, names },
        })
    }
}
