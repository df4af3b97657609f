//! Lowers an analysed inline body into graph-building code.
//!
//! Every [`Node`] becomes an expression of type `Lazy<_>`. This is a recursive lowering over
//! the plan's tree rather than a `VisitMut` over the user's syntax: every expression changes
//! type (`T` becomes `Lazy<T>`), so rewriting in place would only ever hold half-converted
//! trees. The analysis has already rejected what cannot be rewritten, so nothing here fails.
//!
//! The lowered code is meant to be read with `cargo expand`: operators stay operators (they
//! are implemented on `Lazy`), and everything else is one named call into `__private::lift`.

use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Member, UnOp};

use crate::analyse::{Block, Node, NodeKind, Stmt};
use crate::{hygiene, paths};

/// The lowering of one body.
#[derive(Debug, Default)]
pub(crate) struct Rewriter {
    /// Whether the body calls functions or names constants, so the dispatch traits must be
    /// in scope.
    pub(crate) calls: bool,
}

impl Rewriter {
    /// The statements and tail of `block`, without braces.
    pub(crate) fn block_contents(&mut self, block: &Block) -> TokenStream {
        let stmts: Vec<TokenStream> = block.stmts.iter().map(|s| self.stmt(s)).collect();
        let tail = self.node(&block.tail);
        quote! { #(#stmts)* #tail }
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
                let init = self.node(init);
                let mutability = mutable.then(|| quote!(mut));
                let ty = ty.as_ref().map(|ty| quote!(: #lazy<#ty>));
                quote! { let #mutability #ident #ty = #init; }
            }
            Stmt::Assign {
                target,
                op: None,
                value,
            } => {
                let value = self.node(value);
                quote! { #target = #value; }
            }
            Stmt::Assign {
                target,
                op: Some(op),
                value,
            } => {
                let clone = paths::clone();
                let value = self.node(value);
                quote! { #target = #clone(&#target) #op #value; }
            }
            Stmt::Item(item) => item.to_token_stream(),
        }
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per rewrite rule, mirroring docs/rewrite.md"
    )]
    fn node(&mut self, node: &Node) -> TokenStream {
        let lift = paths::lift();
        let span = node.span;
        match &node.kind {
            NodeKind::Local(ident) => {
                let clone = paths::clone();
                quote_spanned!(span=> #clone(&#ident))
            }
            NodeKind::Constant(path) => {
                self.calls = true;
                quote_spanned!(span=> (&&#lift::Constant(#path)).lift_constant())
            }
            NodeKind::Leaf(expr) => {
                let lazy = paths::lazy();
                quote_spanned!(span=> #lazy::new(#expr))
            }
            NodeKind::Binary { op, lhs, rhs } => {
                let (lhs, rhs) = (self.operand(lhs), self.operand(rhs));
                quote! { #lhs #op #rhs }
            }
            NodeKind::Compare { func, lhs, rhs } => {
                let func = Ident::new(func, span);
                let (lhs, rhs) = (self.node(lhs), self.node(rhs));
                quote_spanned!(span=> #lift::#func(#lhs, #rhs))
            }
            NodeKind::Unary { op, operand } => {
                let operand = self.operand(operand);
                match op {
                    UnOp::Not(not) => quote! { #not #operand },
                    UnOp::Neg(minus) => quote! { #minus #operand },
                    _ => unreachable!(
                        "bug in #[autodask(inline)]: only `!` and `-` survive the analysis"
                    ),
                }
            }
            NodeKind::Call { callee, args } => {
                self.calls = true;
                let args: Vec<TokenStream> = args.iter().map(|arg| self.argument(arg)).collect();
                let callee_span = syn::spanned::Spanned::span(callee);
                quote_spanned!(callee_span=> (&&#lift::Callee(#callee)).lazy_call((#(#args,)*)))
            }
            NodeKind::InlineCall { callee, args } => {
                let args = self.nodes(args);
                quote! { #callee(#(#args),*) }
            }
            NodeKind::Method {
                receiver,
                method,
                turbofish,
                args,
            } => {
                let label = format!(".{method}{}()", compact(&turbofish.to_token_stream()));
                let receiver = self.node(receiver);
                let args = self.nodes(args);
                let names: Vec<Ident> = (0..=args.len()).map(hygiene::arg).collect();
                let (this, rest) = names
                    .split_first()
                    .expect("bug in #[autodask(inline)]: a method call without receiver");
                quote_spanned!(span=> #lift::apply(#label, (#receiver, #(#args,)*), |(#(#names,)*)| #this.#method #turbofish(#(#rest),*)))
            }
            NodeKind::Field { base, member } => {
                let label = format!(".{}", member_name(member));
                let base = self.node(base);
                let value = hygiene::arg(0);
                quote_spanned!(span=> #lift::apply(#label, (#base,), |(#value,)| #value.#member))
            }
            NodeKind::Index { base, index } => {
                let (base, index) = (self.node(base), self.node(index));
                quote_spanned!(span=> #lift::index(#base, #index))
            }
            NodeKind::Tuple(items) => {
                let items = self.nodes(items);
                quote_spanned!(span=> #lift::tuple((#(#items,)*)))
            }
            NodeKind::Array(items) => {
                let items = self.nodes(items);
                quote_spanned!(span=> #lift::array((#(#items,)*)))
            }
            NodeKind::Repeat { item, len } => {
                let item = self.node(item);
                // A const argument needs braces unless it is a literal or a name.
                let len = match len {
                    syn::Expr::Lit(_) | syn::Expr::Path(_) => len.to_token_stream(),
                    _ => quote!({ #len }),
                };
                quote_spanned!(span=> #lift::repeat::<_, #len>(#item))
            }
            NodeKind::Vec(items) => {
                let items = self.nodes(items);
                quote_spanned!(span=> #lift::vec((#(#items,)*)))
            }
            NodeKind::VecRepeat { item, count } => {
                let (item, count) = (self.node(item), self.node(count));
                quote_spanned!(span=> #lift::vec_repeat(#item, #count))
            }
            NodeKind::Struct { path, fields, rest } => {
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
                let values: Vec<TokenStream> =
                    fields.iter().map(|(_, node)| self.node(node)).collect();
                let bindings: Vec<Ident> = (0..values.len()).map(hygiene::arg).collect();
                let members = fields.iter().map(|(member, _)| member);
                let (rest_value, rest_binding, rest_expr) = match rest {
                    Some(rest) => {
                        let binding = hygiene::arg(values.len());
                        let value = self.node(rest);
                        (
                            Some(quote!(#value,)),
                            Some(quote!(#binding,)),
                            Some(quote!(..#binding)),
                        )
                    }
                    None => (None, None, None),
                };
                quote_spanned!(span=> #lift::apply(
                    #label,
                    (#(#values,)* #rest_value),
                    |(#(#bindings,)* #rest_binding)| #path { #(#members: #bindings,)* #rest_expr },
                ))
            }
            NodeKind::Cast { value, ty } => {
                let label = format!("as {}", compact(&ty.to_token_stream()));
                let value = self.node(value);
                let binding = hygiene::arg(0);
                quote_spanned!(span=> #lift::apply(#label, (#value,), |(#binding,)| #binding as #ty))
            }
            NodeKind::If {
                cond,
                then,
                otherwise,
            } => {
                let private = paths::private();
                let (cond, then, otherwise) =
                    (self.node(cond), self.node(then), self.node(otherwise));
                quote_spanned!(span=> #private::select(#cond, #then, #otherwise))
            }
            NodeKind::Block(block) => {
                let contents = self.block_contents(block);
                quote! { { #contents } }
            }
            NodeKind::Paren(inner) => {
                let inner = self.node(inner);
                quote! { (#inner) }
            }
        }
    }

    /// An operator operand: a local is borrowed (`&a + &b`, implemented on `&Lazy`) rather
    /// than cloned; anything else is already an owned temporary.
    fn operand(&mut self, node: &Node) -> TokenStream {
        match &node.kind {
            NodeKind::Local(ident) => quote_spanned!(node.span=> &#ident),
            _ => self.node(node),
        }
    }

    /// A call argument, which lazy callees take as `&Lazy`: a local is borrowed as is,
    /// anything else as a temporary (parenthesised when it is an operator expression).
    fn argument(&mut self, node: &Node) -> TokenStream {
        match &node.kind {
            NodeKind::Local(ident) => quote_spanned!(node.span=> &#ident),
            NodeKind::Binary { .. } | NodeKind::Unary { .. } => {
                let lowered = self.node(node);
                quote!(&(#lowered))
            }
            _ => {
                let lowered = self.node(node);
                quote!(&#lowered)
            }
        }
    }

    fn nodes(&mut self, nodes: &[Node]) -> Vec<TokenStream> {
        nodes.iter().map(|n| self.node(n)).collect()
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
