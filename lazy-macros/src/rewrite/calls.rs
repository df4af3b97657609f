//! Method calls, and calls given closures: one node each, whose function makes the call.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};

use super::{Rewriter, compact};
use crate::analyse::{Arg, MethodCall, Step, captures};
use crate::{hygiene, paths};

impl Rewriter {
    /// `a.m::<T>(b)`: `lift::apply_in` with the receiver as the first input, then the
    /// values among the arguments, then the captures of the closures among them.
    pub(super) fn method(
        &mut self,
        step: &Step,
        receiver: &Step,
        calls: &[MethodCall],
    ) -> TokenStream {
        let lift = paths::lift();
        let mut label = String::new();
        for call in calls {
            let turbofish = compact(&call.turbofish.to_token_stream());
            label.extend([".", &call.method.to_string(), &turbofish]);
            label.push_str(&arguments_label(&call.args));
        }
        let receiver = self.input(receiver);
        let mut inputs = Vec::new();
        let mut chain = hygiene::arg(0).to_token_stream();
        for call in calls {
            let args = self.arguments(&call.args, 1, &mut inputs);
            let (method, turbofish) = (&call.method, &call.turbofish);
            chain = quote!(#chain.#method #turbofish(#(#args),*));
        }
        let captures = captures(calls.iter().flat_map(|c| &c.args));
        let names = (0..=inputs.len()).map(hygiene::arg);
        let scope = self.scope();
        quote_spanned! {step.span=>
            #lift::apply_in(
                #scope,
                #label,
                (#receiver, #(#inputs,)* #(&#captures,)*),
                |(#(#names,)* #(#captures,)*)| #chain,
            )
        }
    }

    /// `f(a, |x| x + k)`: `lift::apply_in` over the values among the arguments, then the
    /// captures of the closures, keyed by the callee's path as written (it resolves in the
    /// scope the node is keyed with) and the closures' tokens.
    pub(super) fn call_with_closures(
        &mut self,
        step: &Step,
        callee: &syn::Expr,
        args: &[Arg],
    ) -> TokenStream {
        let lift = paths::lift();
        let label = format!(
            "{}{}",
            compact(&callee.to_token_stream()),
            arguments_label(args)
        );
        let mut inputs = Vec::new();
        let lowered = self.arguments(args, 0, &mut inputs);
        let captures = captures(args);
        let names = (0..inputs.len()).map(hygiene::arg);
        let scope = self.scope();
        quote_spanned! {step.span=>
            #lift::apply_in(
                #scope,
                #label,
                (#(#inputs,)* #(&#captures,)*),
                |(#(#names,)* #(#captures,)*)| #callee(#(#lowered),*),
            )
        }
    }

    /// The arguments as the node's function passes them: each value as the binding of its
    /// input (numbered from `first`, pushed onto `inputs`), each closure as written.
    fn arguments(
        &mut self,
        args: &[Arg],
        first: usize,
        inputs: &mut Vec<TokenStream>,
    ) -> Vec<TokenStream> {
        args.iter()
            .map(|arg| match arg {
                Arg::Value(value) => {
                    let name = hygiene::arg(first + inputs.len());
                    inputs.push(self.input(value));
                    name.to_token_stream()
                }
                Arg::Closure(closure) => closure.expr.to_token_stream(),
            })
            .collect()
    }
}

/// `()` for arguments that are all values, whose types are in the key already; with a
/// closure among them, each value as `_` and each closure by its label, so that only
/// closures written alike, in the same place, share a key.
fn arguments_label(args: &[Arg]) -> String {
    if !args.iter().any(|arg| matches!(arg, Arg::Closure(_))) {
        return "()".to_owned();
    }
    let parts: Vec<&str> = args
        .iter()
        .map(|arg| match arg {
            Arg::Value(_) => "_",
            Arg::Closure(closure) => &closure.label,
        })
        .collect();
    format!("({})", parts.join(", "))
}
