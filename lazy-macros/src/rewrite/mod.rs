//! Lowers an analysed inline body into graph-building code.
//!
//! Every [`Step`] becomes an expression of type `Lazy<_>`. This is a recursive lowering over
//! the analysed tree rather than a `VisitMut` over the user's syntax: every expression changes
//! type (`T` becomes `Lazy<T>`), so rewriting in place would only ever hold half-converted
//! trees. The analysis has already rejected what cannot be rewritten, so nothing here fails.
//!
//! The lowered code is meant to be read with `cargo expand`: operators stay operators (they
//! are implemented on `Lazy`), and everything else is one named call into `__private::lift`.

use proc_macro2::{Group, Ident, Literal, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Member, Path, UnOp};

use crate::analyse::{Block, Capture, Step, StepKind, Stmt};
use crate::{hygiene, paths};

mod calls;

/// The lowering of one body.
#[derive(Debug, Default)]
pub(crate) struct Rewriter {
    /// Whether the body calls functions or names constants, so the dispatch traits must be
    /// in scope.
    pub(crate) calls: bool,
    /// Whether the body has operations keyed by the scope they are written in (methods,
    /// fields, struct literals), so the body must bind its scope.
    pub(crate) scoped: bool,
    /// Whether the body has conditionals with strict captures, so their dispatch traits
    /// must be in scope.
    pub(crate) strict_captures: bool,
    /// The numbers of the enclosing blocks that declare items, innermost last.
    item_blocks: Vec<u32>,
}

impl Rewriter {
    /// The statements and tail of `block`, without braces.
    pub(crate) fn block_contents(&mut self, block: &Block) -> TokenStream {
        let (items, rest) = self.block_parts(block);
        quote! { #items #rest }
    }

    /// A block's items, then its statements and value. Items go first, where the lints
    /// that read the block (`items_after_statements`) expect them: the statements the
    /// rewrite adds would otherwise precede them. Items are visible in their whole block,
    /// wherever they are written, so the order changes nothing else.
    pub(crate) fn block_parts(&mut self, block: &Block) -> (TokenStream, TokenStream) {
        if let Some(number) = block.items {
            self.item_blocks.push(number);
        }
        let (items, stmts): (Vec<&Stmt>, Vec<&Stmt>) = block
            .stmts
            .iter()
            .partition(|stmt| matches!(stmt, Stmt::Item(_)));
        let items: Vec<TokenStream> = items.into_iter().map(|s| self.stmt(s)).collect();
        let stmts: Vec<TokenStream> = stmts.into_iter().map(|s| self.stmt(s)).collect();
        let tail = self.step(&block.tail);
        if block.items.is_some() {
            self.item_blocks.pop();
        }
        (quote! { #(#items)* }, quote! { #(#stmts)* #tail })
    }

    /// The scope an operation written here is keyed with: the body's, or inside a block
    /// that declares items, that block's.
    fn scope(&mut self) -> TokenStream {
        self.scoped = true;
        let scope = hygiene::scope();
        match self.item_blocks.last() {
            Some(&number) => {
                let number = Literal::u32_unsuffixed(number);
                quote!(#scope.in_block(#number))
            }
            None => scope.to_token_stream(),
        }
    }

    fn stmt(&mut self, stmt: &Stmt) -> TokenStream {
        let lazy = paths::lazy();
        match stmt {
            Stmt::Let {
                ident,
                mutable,
                ty,
                init,
            } => {
                let init = self.step(init);
                let mutability = mutable.then(|| quote!(mut));
                let ty = ty.as_ref().map(|ty| quote!(: #lazy<#ty>));
                quote! { let #mutability #ident #ty = #init; }
            }
            Stmt::Assign {
                target,
                op: None,
                value,
            } => {
                let value = self.step(value);
                quote! { #target = #value; }
            }
            Stmt::Assign {
                target,
                op: Some(op),
                value,
            } => {
                let value = self.step(value);
                quote! { #target = &#target #op #value; }
            }
            Stmt::Item(item) => item.to_token_stream(),
            Stmt::Scoped(stmts) => {
                let stmts = stmts.iter().map(|s| self.stmt(s));
                quote! { { #(#stmts)* } }
            }
        }
    }

    /// One step as an expression of type `Lazy<_>`. A little over 80 lines on purpose: one
    /// arm per rewrite rule, so the match reads as the table in `docs/rewrite.md`; the longer
    /// rules have a method each.
    fn step(&mut self, step: &Step) -> TokenStream {
        let lift = paths::lift();
        let span = step.span;
        match &step.kind {
            StepKind::Local(ident) => {
                let clone = paths::clone();
                quote_spanned!(span=> #clone(&#ident))
            }
            StepKind::Constant(path) => {
                self.calls = true;
                quote_spanned!(span=> (&&#lift::Constant(#path)).lift_constant())
            }
            StepKind::Leaf(expr) => {
                let lazy = paths::lazy();
                quote_spanned!(span=> #lazy::new(#expr))
            }
            StepKind::Binary { op, lhs, rhs } => {
                let (lhs, rhs) = (self.input(lhs), self.input(rhs));
                quote! { #lhs #op #rhs }
            }
            StepKind::Compare { func, lhs, rhs } => {
                let func = Ident::new(func, span);
                let (lhs, rhs) = (self.input(lhs), self.input(rhs));
                quote_spanned!(span=> #lift::#func(#lhs, #rhs))
            }
            StepKind::Unary { op, operand } => self.unary(*op, operand),
            StepKind::Call { callee, args } => {
                self.calls = true;
                let args: Vec<TokenStream> = args.iter().map(|arg| self.argument(arg)).collect();
                let callee_span = syn::spanned::Spanned::span(callee);
                quote_spanned!(callee_span=> (&&#lift::Callee(#callee)).lazy_call((#(#args,)*)))
            }
            StepKind::InlineCall { callee, args } => {
                // Owned: `inline(f)` may enter a plain generic function (`fn twice<T>(x: T)`),
                // which a borrowed handle would instantiate at `&Lazy<_>`.
                let args: Vec<TokenStream> = args.iter().map(|arg| self.step(arg)).collect();
                quote! { #callee(#(#args),*) }
            }
            StepKind::CallWithClosures { callee, args } => {
                self.call_with_closures(step, callee, args)
            }
            StepKind::Method { receiver, calls } => self.method(step, receiver, calls),
            StepKind::Field { base, member } => self.field(step, base, member),
            StepKind::Index { base, index } => {
                let (base, index) = (self.input(base), self.input(index));
                quote_spanned!(span=> #lift::index(#base, #index))
            }
            StepKind::Tuple(items) => {
                let items = self.inputs(items);
                quote_spanned!(span=> #lift::tuple((#(#items,)*)))
            }
            StepKind::Array(items) => {
                let items = self.inputs(items);
                quote_spanned!(span=> #lift::array((#(#items,)*)))
            }
            StepKind::Repeat { item, len } => self.repeat(step, item, len),
            StepKind::Vec(items) => {
                let items = self.inputs(items);
                quote_spanned!(span=> #lift::vec((#(#items,)*)))
            }
            StepKind::VecRepeat { item, count } => {
                let (item, count) = (self.input(item), self.input(count));
                quote_spanned!(span=> #lift::vec_repeat(#item, #count))
            }
            StepKind::Struct { path, fields, rest } => {
                self.struct_literal(step, path, fields, rest.as_deref())
            }
            StepKind::Cast { value, ty } => self.cast(step, value, ty),
            StepKind::Match {
                scrutinee,
                arms,
                label,
                in_some,
            } => {
                let scrutinee = self.input(scrutinee);
                let value = hygiene::arg(0);
                // rustc points a missing arm (E0004) at the matched value: the `match` the
                // user wrote, resolved as the closure's own parameter.
                let mut matched = Ident::new(&value.to_string(), value.span().located_at(span))
                    .into_token_stream();
                if *in_some {
                    matched = quote!(::core::option::Option::Some(#matched));
                }
                let scope = self.scope();
                quote_spanned!(span=> #lift::apply_in(#scope, #label, (#scrutinee,), |(#value,)| match #matched { #arms }))
            }
            StepKind::If {
                cond,
                then,
                otherwise,
                captures,
                label,
            } => self.conditional(step, cond, [then, otherwise], captures, label),
            StepKind::Block(block) => {
                let contents = self.block_contents(block);
                quote! { { #contents } }
            }
            StepKind::Paren(inner) => {
                let inner = self.step(inner);
                quote! { (#inner) }
            }
        }
    }

    /// `if c { a } else { b }`: a conditional over `c` and the captured locals, with a
    /// builder per branch that takes the captures under their own names, so the branch's
    /// code is lowered as it would be in place.
    fn conditional(
        &mut self,
        step: &Step,
        cond: &Step,
        [then, otherwise]: [&Step; 2],
        captures: &[Capture],
        label: &str,
    ) -> TokenStream {
        let private = paths::private();
        let scope = self.scope();
        let cond = self.input(cond);
        let (then, otherwise) = (self.step(then), self.step(otherwise));
        let lift = paths::lift();
        // Strict captures first, in the probe that keys them by content where it can.
        let ordered: Vec<&Capture> = captures
            .iter()
            .filter(|c| c.strict)
            .chain(captures.iter().filter(|c| !c.strict))
            .collect();
        let split = ordered.iter().take_while(|c| c.strict).count();
        let values: Vec<TokenStream> = ordered
            .iter()
            .map(|c| {
                let ident = &c.ident;
                if c.strict {
                    quote!((&&#lift::Strict(&#ident)).capture())
                } else {
                    quote!(&#ident)
                }
            })
            .collect();
        // Each builder names the captures its branch uses, and ignores the others.
        let names = |branch: usize| {
            let names: Vec<TokenStream> = ordered
                .iter()
                .map(|c| {
                    if c.used[branch] {
                        c.ident.to_token_stream()
                    } else {
                        quote!(_)
                    }
                })
                .collect();
            let (strict, deferred) = names.split_at(split);
            let (strict, deferred) = (nested_tuple(strict), nested_tuple(deferred));
            quote!(#strict, #deferred)
        };
        let (strict, deferred) = values.split_at(split);
        let (strict, deferred) = (nested_tuple(strict), nested_tuple(deferred));
        let (then_names, otherwise_names) = (names(0), names(1));
        self.strict_captures |= split > 0;
        let label = Literal::string(label);
        quote_spanned! {step.span=>
            #private::select_in(
                #scope,
                #label,
                #cond,
                #strict,
                #deferred,
                move |#then_names| #then,
                move |#otherwise_names| #otherwise,
            )
        }
    }

    /// `!a`, `-a`: the operator impls on `Lazy`.
    fn unary(&mut self, op: UnOp, operand: &Step) -> TokenStream {
        let operand = self.input(operand);
        match op {
            UnOp::Not(not) => quote! { #not #operand },
            UnOp::Neg(minus) => quote! { #minus #operand },
            _ => unreachable!("bug in #[autodask(inline)]: only `!` and `-` survive the analysis"),
        }
    }

    /// `a.x`, `a.0`.
    fn field(&mut self, step: &Step, base: &Step, member: &Member) -> TokenStream {
        let lift = paths::lift();
        let label = format!(".{}", member_name(member));
        let base = self.input(base);
        let value = hygiene::value();
        let scope = self.scope();
        quote_spanned!(step.span=> #lift::field(#scope, #label, #base, |#value| #value.#member))
    }

    /// `[a; N]`: the length is a const generic argument.
    fn repeat(&mut self, step: &Step, item: &Step, len: &syn::Expr) -> TokenStream {
        let lift = paths::lift();
        let item = self.input(item);
        // A const argument needs braces unless it is a literal or a name.
        let len = match len {
            syn::Expr::Lit(_) | syn::Expr::Path(_) => len.to_token_stream(),
            _ => quote!({ #len }),
        };
        quote_spanned!(step.span=> #lift::repeat::<_, #len>(#item))
    }

    /// `P { x: a, y: b, ..rest }`: the fields' values, then the rest, are the inputs.
    fn struct_literal(
        &mut self,
        step: &Step,
        path: &Path,
        fields: &[(Member, Step)],
        rest: Option<&Step>,
    ) -> TokenStream {
        let lift = paths::lift();
        let mut names = fields
            .iter()
            .map(|(member, _)| member_name(member))
            .collect::<Vec<_>>();
        if rest.is_some() {
            names.push("..".to_owned());
        }
        let label = format!(
            "{} {{ {} }}",
            compact(&path.to_token_stream()),
            names.join(", ")
        );
        let values: Vec<TokenStream> = fields.iter().map(|(_, step)| self.input(step)).collect();
        let bindings: Vec<Ident> = (0..values.len()).map(hygiene::arg).collect();
        let members = fields.iter().map(|(member, _)| member);
        let (rest_value, rest_binding, rest_expr) = match rest {
            Some(rest) => {
                let binding = hygiene::arg(values.len());
                let value = self.input(rest);
                (
                    Some(quote!(#value,)),
                    Some(quote!(#binding,)),
                    Some(quote!(..#binding)),
                )
            }
            None => (None, None, None),
        };
        let scope = self.scope();
        quote_spanned!(step.span=> #lift::apply_in(
            #scope,
            #label,
            (#(#values,)* #rest_value),
            |(#(#bindings,)* #rest_binding)| #path { #(#members: #bindings,)* #rest_expr },
        ))
    }

    /// `a as T`.
    fn cast(&mut self, step: &Step, value: &Step, ty: &syn::Type) -> TokenStream {
        let lift = paths::lift();
        let label = format!("as {}", compact(&ty.to_token_stream()));
        let value = self.input(value);
        let binding = hygiene::value();
        quote_spanned!(step.span=> #lift::cast(#label, #value, |#binding| #binding as #ty))
    }

    /// An operator operand or a node's input: a local is borrowed (`&a + &b` and
    /// `lift::index(&xs, &i)`, since operators and the runtime's argument tuples take
    /// `&Lazy`) rather than cloned; anything else is already an owned temporary.
    pub(super) fn input(&mut self, step: &Step) -> TokenStream {
        match &step.kind {
            StepKind::Local(ident) => quote_spanned!(step.span=> &#ident),
            _ => self.step(step),
        }
    }

    /// A call argument, which lazy callees take as `&Lazy`: a local is borrowed as is,
    /// anything else as a temporary (parenthesised when it is an operator expression).
    fn argument(&mut self, step: &Step) -> TokenStream {
        match &step.kind {
            StepKind::Local(ident) => quote_spanned!(step.span=> &#ident),
            StepKind::Binary { .. } | StepKind::Unary { .. } => {
                let lowered = self.step(step);
                quote!(&(#lowered))
            }
            _ => {
                let lowered = self.step(step);
                quote!(&#lowered)
            }
        }
    }

    fn inputs(&mut self, steps: &[Step]) -> Vec<TokenStream> {
        steps.iter().map(|s| self.input(s)).collect()
    }
}

/// Tokens as compact text for an operation's label: `::<i64>` rather than `:: < i64 >`.
fn compact(tokens: &TokenStream) -> String {
    tokens.to_string().replace(' ', "").replace(',', ", ")
}

fn member_name(member: &Member) -> String {
    match member {
        Member::Named(ident) => ident.to_string(),
        Member::Unnamed(index) => index.index.to_string(),
    }
}

/// The body of a method with `self` renamed to `this` (a mixed-site local), so it can run
/// in a closure: `self.0` becomes `__lazy_self.0`. Paths starting with `self::` are kept.
pub(crate) fn rename_self(tokens: TokenStream, this: &Ident) -> TokenStream {
    let mut out = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        out.push(match tree {
            TokenTree::Ident(ident) if ident == "self" => {
                let is_path =
                    matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if is_path {
                    TokenTree::Ident(ident)
                } else {
                    TokenTree::Ident(this.clone())
                }
            }
            TokenTree::Group(group) => {
                let mut renamed = Group::new(group.delimiter(), rename_self(group.stream(), this));
                renamed.set_span(group.span());
                TokenTree::Group(renamed)
            }
            other => other,
        });
    }
    out.into_iter().collect()
}

/// `(a, b, c)`, as tuples of at most 12 elements nested as needed (the runtime's
/// `Captures` is implemented for tuples up to that length).
fn nested_tuple(items: &[TokenStream]) -> TokenStream {
    const MAX: usize = 12;
    if items.len() <= MAX {
        return quote!((#(#items,)*));
    }
    let chunks: Vec<TokenStream> = items.chunks(MAX).map(nested_tuple).collect();
    nested_tuple(&chunks)
}
