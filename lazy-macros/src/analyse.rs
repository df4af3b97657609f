//! Decides what the expansion does: one opaque task, or a body rewritten node by node.
//!
//! For `#[autodask(inline)]` this is where strictness is decided, at compile time: every
//! construct that would have to look at a lazy value to go on (a loop over it, a `match` on
//! it, `strict(...)`) is rejected here, spanned on the construct and naming the values it
//! inspects. What is left is a [`Block`] of [`Node`]s that `rewrite.rs` lowers without
//! failing. Nothing in this module emits tokens.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{AngleBracketedGenericArguments, BinOp, Expr, Item, Member, Pat, Path, Type, UnOp};

use crate::args::Args;
use crate::error::{bail, err};
use crate::model::{Function, MAX_PARAMS};

/// What to generate for one annotated function.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub(crate) function: Function<'a>,
    pub(crate) kind: Kind,
}

/// The two shapes of expansion.
#[derive(Debug)]
pub(crate) enum Kind {
    /// `#[lazy]`, `#[autodask]`: the body runs unchanged inside one task node.
    Task { impure: bool },
    /// `#[autodask(inline)]`: the body, as graph-building nodes.
    Inline(Block),
}

/// A block of the rewritten body: its statements and the node it evaluates to.
#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) stmts: Vec<Stmt>,
    pub(crate) tail: Box<Node>,
}

/// A statement of the rewritten body.
#[derive(Debug)]
pub(crate) enum Stmt {
    /// `let x = ..;` binds a node, so a value used twice is one node.
    Let {
        ident: Ident,
        mutable: bool,
        ty: Option<Type>,
        init: Node,
    },
    /// `x = ..;` or `x += ..;` rebinds a local to a new node.
    Assign {
        target: Ident,
        op: Option<BinOp>,
        value: Node,
    },
    /// A nested item (`fn`, `use`, `const`), kept as written.
    Item(Item),
}

/// One expression of the rewritten body; it lowers to an expression of type `Lazy<_>`.
#[derive(Debug)]
pub(crate) struct Node {
    /// The user's expression's span, so type errors in the lowered code point at it.
    pub(crate) span: Span,
    pub(crate) kind: NodeKind,
}

/// The rewrite rules, one variant per construct (see `docs/rewrite.md`).
#[derive(Debug)]
pub(crate) enum NodeKind {
    /// A parameter or `let` binding: already a node.
    Local(Ident),
    /// A literal, or operators over literals and constants: a content-keyed leaf.
    Leaf(Expr),
    /// A path that is not a local (`PI`, `None`, `f64::sqrt`): a leaf by content if its
    /// type can be fingerprinted, else by type if it is zero-sized (a function), else by
    /// identity; decided at compile time by `lift::Constant`.
    Constant(Expr),
    /// `a + b`, `a & b`, `a << b`, ...: the operator's impl on `Lazy`.
    Binary {
        op: BinOp,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    /// `a < b`, `a == b`, `a && b`, ...: `lift::lt(a, b)` and friends (`&&`, `||` short-circuit).
    Compare {
        func: &'static str,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    /// `-a`, `!a`.
    Unary { op: UnOp, operand: Box<Node> },
    /// `f(a, b)`: composed if `f` is lazy, else a deferred call keyed by `f`'s path.
    Call { callee: Expr, args: Vec<Node> },
    /// `inline(f)(a, b)`: `f` is called on the lazy values themselves.
    InlineCall { callee: Expr, args: Vec<Node> },
    /// `a.m::<T>(b)`: keyed by the method's name and the types involved.
    Method {
        receiver: Box<Node>,
        method: Ident,
        turbofish: Option<AngleBracketedGenericArguments>,
        args: Vec<Node>,
    },
    /// `a.x`, `a.0`.
    Field { base: Box<Node>, member: Member },
    /// `a[i]`.
    Index { base: Box<Node>, index: Box<Node> },
    /// `(a, b)`.
    Tuple(Vec<Node>),
    /// `[a, b]`.
    Array(Vec<Node>),
    /// `[a; N]`.
    Repeat { item: Box<Node>, len: Expr },
    /// `vec![a, b]`.
    Vec(Vec<Node>),
    /// `vec![a; n]`.
    VecRepeat { item: Box<Node>, count: Box<Node> },
    /// `P { x: a, y: b, ..rest }`.
    Struct {
        path: Path,
        fields: Vec<(Member, Node)>,
        rest: Option<Box<Node>>,
    },
    /// `a as T`.
    Cast { value: Box<Node>, ty: Type },
    /// `if c { a } else { b }`: a conditional node that runs only the taken branch.
    If {
        cond: Box<Node>,
        then: Box<Node>,
        otherwise: Box<Node>,
    },
    /// `{ let x = ..; x }`.
    Block(Block),
    /// `(a)`.
    Paren(Box<Node>),
}

impl<'a> Plan<'a> {
    pub(crate) fn from_function(args: &Args, function: Function<'a>) -> syn::Result<Plan<'a>> {
        if !args.is_inline() {
            return Ok(Plan {
                function,
                kind: Kind::Task {
                    impure: args.impure.is_some(),
                },
            });
        }
        let mut analyser = Analyser {
            scopes: vec![Vec::new()],
        };
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
        Ok(Plan {
            function,
            kind: Kind::Inline(body),
        })
    }
}

/// Where a lazy name came from, for error messages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Argument,
    Binding,
}

struct Analyser {
    /// Lazy names in scope, innermost block last.
    scopes: Vec<Vec<(String, Origin)>>,
}

/// The advice every strictness error ends with.
const INSTEAD: &str =
    "use #[autodask] without `inline`, or #[lazy], to run the body on concrete values";

impl Analyser {
    fn bind(&mut self, ident: &Ident, origin: Origin) {
        let scope = self
            .scopes
            .last_mut()
            .expect("bug in #[autodask]: no scope to bind in");
        scope.push((ident.to_string(), origin));
    }

    fn lookup(&self, name: &str) -> Option<Origin> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, o)| *o)
    }

    /// "lazy argument `a`", "lazy values `a` and `b`": the lazy names `tokens` mentions.
    fn involved(&self, tokens: TokenStream) -> Option<String> {
        let mut names: Vec<(String, Origin)> = Vec::new();
        self.collect(tokens, &mut names);
        let (first, rest) = names.split_first()?;
        let all_arguments = names.iter().all(|(_, o)| *o == Origin::Argument);
        let noun = if all_arguments { "argument" } else { "value" };
        let listed: Vec<String> = names.iter().map(|(n, _)| format!("`{n}`")).collect();
        Some(if rest.is_empty() {
            format!("lazy {noun} `{}`", first.0)
        } else {
            format!("lazy {noun}s {}", listed.join(" and "))
        })
    }

    fn collect(&self, tokens: TokenStream, names: &mut Vec<(String, Origin)>) {
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    if let Some(origin) = self.lookup(&name)
                        && !names.iter().any(|(n, _)| *n == name)
                    {
                        names.push((name, origin));
                    }
                }
                TokenTree::Group(group) => self.collect(group.stream(), names),
                _ => {}
            }
        }
    }

    /// A strictness error: `what` (naming the lazy values in `inspected`) cannot be deferred.
    fn strict(
        &self,
        node: &dyn quote::ToTokens,
        what: &str,
        preposition: &str,
        inspected: TokenStream,
        why: &str,
    ) -> syn::Error {
        let what = match self.involved(inspected) {
            Some(names) => format!("{what} {preposition} {names}"),
            None => what.to_owned(),
        };
        err!(
            node.to_token_stream(),
            "{what} cannot be deferred by #[autodask(inline)]: {why}; {INSTEAD}"
        )
    }

    fn block(&mut self, block: &syn::Block, is_body: bool) -> syn::Result<Block> {
        self.scopes.push(Vec::new());
        let result = self.block_in_scope(block, is_body);
        self.scopes.pop();
        result
    }

    fn block_in_scope(&mut self, block: &syn::Block, is_body: bool) -> syn::Result<Block> {
        let Some((last, init)) = block.stmts.split_last() else {
            bail!(
                block,
                "an empty block has no value to defer; end it with an expression"
            );
        };
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
        })
    }

    fn stmt(&mut self, stmt: &syn::Stmt) -> syn::Result<Option<Stmt>> {
        match stmt {
            syn::Stmt::Local(local) => {
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
                Ok(Some(Stmt::Let {
                    ident: ident.ident.clone(),
                    mutable: ident.mutability.is_some(),
                    ty,
                    init: value,
                }))
            }
            syn::Stmt::Item(item) => Ok(Some(Stmt::Item(item.clone()))),
            syn::Stmt::Macro(mac) => {
                self.macro_call(&mac.mac)?;
                bail!(
                    mac,
                    "this statement's value is discarded, so its node would never run; bind it with `let` or remove it"
                );
            }
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
            Expr::Path(path) => path
                .path
                .get_ident()
                .filter(|i| self.lookup(&i.to_string()).is_some()),
            _ => None,
        };
        let Some(target) = target else {
            bail!(
                left,
                "only a local name can be assigned to in an #[autodask(inline)] body: lazy values are immutable"
            );
        };
        let value = self.expr(right)?;
        Ok(Some(Stmt::Assign {
            target: target.clone(),
            op,
            value,
        }))
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) -> syn::Result<Vec<Node>> {
        exprs.into_iter().map(|e| self.expr(e)).collect()
    }

    fn boxed(&mut self, expr: &Expr) -> syn::Result<Box<Node>> {
        self.expr(expr).map(Box::new)
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per expression kind reads best as one match"
    )]
    fn expr(&mut self, expr: &Expr) -> syn::Result<Node> {
        let span = expr.span();
        let kind = match expr {
            Expr::Lit(_) => NodeKind::Leaf(expr.clone()),
            Expr::Path(path) => match path.path.get_ident() {
                Some(ident)
                    if path.qself.is_none() && self.lookup(&ident.to_string()).is_some() =>
                {
                    NodeKind::Local(ident.clone())
                }
                _ => NodeKind::Constant(expr.clone()),
            },
            Expr::Binary(binary) => {
                let lhs = self.boxed(&binary.left)?;
                let rhs = self.boxed(&binary.right)?;
                match comparison(&binary.op) {
                    Some(func) => NodeKind::Compare { func, lhs, rhs },
                    None if compound_base(&binary.op).is_some() => {
                        bail!(
                            binary.op,
                            "compound assignment inside an expression cannot be rewritten by #[autodask(inline)]; write it as its own statement"
                        )
                    }
                    None => NodeKind::Binary {
                        op: binary.op,
                        lhs,
                        rhs,
                    },
                }
            }
            Expr::Unary(unary) => match &unary.op {
                UnOp::Deref(star) => bail!(
                    star,
                    "dereferencing cannot be rewritten by #[autodask(inline)]: lazy values are owned, not references"
                ),
                op => NodeKind::Unary {
                    op: *op,
                    operand: self.boxed(&unary.expr)?,
                },
            },
            Expr::Paren(paren) => NodeKind::Paren(self.boxed(&paren.expr)?),
            Expr::Group(group) => return self.expr(&group.expr),
            Expr::Block(block) => {
                if let Some(label) = &block.label {
                    bail!(
                        label,
                        "labelled blocks cannot be rewritten by #[autodask(inline)]"
                    );
                }
                NodeKind::Block(self.block(&block.block, false)?)
            }
            Expr::If(if_expr) => {
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
                let then = Node {
                    span: if_expr.then_branch.span(),
                    kind: NodeKind::Block(self.block(&if_expr.then_branch, false)?),
                };
                NodeKind::If {
                    cond,
                    then: Box::new(then),
                    otherwise: self.boxed(otherwise)?,
                }
            }
            Expr::Call(call) => self.call(call)?,
            Expr::MethodCall(call) => {
                if call.args.len() + 1 > MAX_PARAMS {
                    bail!(
                        call.args,
                        "a method call with more than {} arguments cannot be one node",
                        MAX_PARAMS - 1
                    );
                }
                NodeKind::Method {
                    receiver: self.boxed(&call.receiver)?,
                    method: call.method.clone(),
                    turbofish: call.turbofish.clone(),
                    args: self.exprs(&call.args)?,
                }
            }
            Expr::Field(field) => NodeKind::Field {
                base: self.boxed(&field.base)?,
                member: field.member.clone(),
            },
            Expr::Index(index) => NodeKind::Index {
                base: self.boxed(&index.expr)?,
                index: self.boxed(&index.index)?,
            },
            Expr::Tuple(tuple) if tuple.elems.is_empty() => NodeKind::Leaf(expr.clone()),
            Expr::Tuple(tuple) => NodeKind::Tuple(self.parts(expr, "a tuple", &tuple.elems)?),
            Expr::Array(array) => {
                NodeKind::Array(self.parts(expr, "an array literal", &array.elems)?)
            }
            Expr::Repeat(repeat) => NodeKind::Repeat {
                item: self.boxed(&repeat.expr)?,
                len: (*repeat.len).clone(),
            },
            Expr::Macro(mac) => self.macro_call(&mac.mac)?,
            Expr::Struct(lit) => {
                if let Some(qself) = &lit.qself {
                    bail!(
                        qself.ty,
                        "qualified struct paths cannot be rewritten by #[autodask(inline)]; name the struct"
                    );
                }
                if lit.fields.len() + usize::from(lit.rest.is_some()) > MAX_PARAMS {
                    bail!(
                        lit,
                        "a struct literal with more than {MAX_PARAMS} fields cannot be one node"
                    );
                }
                let fields = lit
                    .fields
                    .iter()
                    .map(|f| Ok((f.member.clone(), self.expr(&f.expr)?)))
                    .collect::<syn::Result<_>>()?;
                let rest = lit
                    .rest
                    .as_deref()
                    .map(|rest| self.boxed(rest))
                    .transpose()?;
                NodeKind::Struct {
                    path: lit.path.clone(),
                    fields,
                    rest,
                }
            }
            Expr::Cast(cast) => NodeKind::Cast {
                value: self.boxed(&cast.expr)?,
                ty: (*cast.ty).clone(),
            },
            Expr::Reference(reference) => {
                if reference.mutability.is_some() {
                    return Err(self.strict(
                        expr,
                        "`&mut` borrow",
                        "of",
                        quote::ToTokens::to_token_stream(&reference.expr),
                        "a node's value cannot be changed in place",
                    ));
                }
                bail!(
                    reference,
                    "borrowing cannot be rewritten by #[autodask(inline)]: lazy values are passed by value in an inlined body; remove the `&`"
                );
            }
            Expr::ForLoop(for_loop) => {
                return Err(self.strict(
                    &for_loop.for_token,
                    "`for` loop",
                    "over",
                    quote::ToTokens::to_token_stream(&for_loop.expr),
                    "the loop must look at the value to know how often to run",
                ));
            }
            Expr::While(while_loop) => {
                return Err(self.strict(
                    &while_loop.while_token,
                    "`while` loop",
                    "on",
                    quote::ToTokens::to_token_stream(&while_loop.cond),
                    "the loop must look at the value to know how often to run",
                ));
            }
            Expr::Loop(loop_expr) => {
                return Err(self.strict(
                    &loop_expr.loop_token,
                    "`loop`",
                    "over",
                    quote::ToTokens::to_token_stream(&loop_expr.body),
                    "the loop must look at the values it uses to know when to stop",
                ));
            }
            Expr::Match(match_expr) => {
                return Err(self.strict(
                    &match_expr.match_token,
                    "`match`",
                    "on",
                    quote::ToTokens::to_token_stream(&match_expr.expr),
                    "a `match` must look at the value to pick an arm; an `if` on a lazy `bool` whose branches are expressions is deferred",
                ));
            }
            Expr::Return(ret) => {
                return Err(self.strict(
                    &ret.return_token,
                    "`return` from inside an expression",
                    "of",
                    TokenStream::new(),
                    "only the body's final expression becomes the result node; make both outcomes expressions of an `if`",
                ));
            }
            Expr::Unsafe(unsafe_block) => {
                bail!(
                    unsafe_block.unsafe_token,
                    "an `unsafe` block cannot be deferred by #[autodask(inline)]: its safety argument holds where it is written, not where the graph runs it; {INSTEAD}"
                )
            }
            Expr::Closure(closure) => bail!(
                closure,
                "closures cannot be rewritten by #[autodask(inline)]; move the closure into a plain function and call it, or {INSTEAD}"
            ),
            Expr::Try(try_expr) => bail!(
                try_expr.question_token,
                "the `?` operator must look at the value, so it cannot be deferred by #[autodask(inline)]; {INSTEAD}"
            ),
            Expr::Range(range) => bail!(
                range,
                "ranges cannot be rewritten by #[autodask(inline)]; build the range in a plain function and call it"
            ),
            Expr::Assign(_) => bail!(
                expr,
                "assignment inside an expression cannot be rewritten by #[autodask(inline)]; write it as its own statement"
            ),
            Expr::Await(_) | Expr::Async(_) | Expr::Yield(_) | Expr::TryBlock(_) => {
                bail!(
                    expr,
                    "asynchronous code cannot be deferred by #[autodask(inline)]; {INSTEAD}"
                )
            }
            Expr::Break(_) | Expr::Continue(_) => bail!(
                expr,
                "`break` and `continue` cannot be deferred by #[autodask(inline)]; {INSTEAD}"
            ),
            _ => bail!(
                expr,
                "this expression cannot be rewritten by #[autodask(inline)]; {INSTEAD}"
            ),
        };
        // Literals and constants combined by operators (`40 + 2`, `-1`, `N as f64`) are one
        // leaf, evaluated when the graph is built: no node would be worth its overhead, and
        // Rust's literal type inference then works exactly as in the eager function.
        if is_constant(&kind) {
            return Ok(Node {
                span,
                kind: NodeKind::Leaf(expr.clone()),
            });
        }
        Ok(Node { span, kind })
    }

    fn parts(
        &mut self,
        whole: &Expr,
        what: &str,
        parts: &Punctuated<Expr, syn::Token![,]>,
    ) -> syn::Result<Vec<Node>> {
        if parts.len() > MAX_PARAMS {
            bail!(
                whole,
                "{what} with more than {MAX_PARAMS} elements cannot be one node; build it in a plain function"
            );
        }
        self.exprs(parts)
    }

    fn call(&mut self, call: &syn::ExprCall) -> syn::Result<NodeKind> {
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
            return Ok(NodeKind::InlineCall {
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
            && self.lookup(&ident.to_string()).is_some()
        {
            bail!(
                ident,
                "`{ident}` is a lazy value, not a function, inside an #[autodask(inline)] body"
            );
        }
        Ok(NodeKind::Call {
            callee: (*call.func).clone(),
            args: self.exprs(&call.args)?,
        })
    }

    fn macro_call(&mut self, mac: &syn::Macro) -> syn::Result<NodeKind> {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if name == "vec" {
            if let Ok((item, count)) = mac.parse_body_with(parse_vec_repeat) {
                return Ok(NodeKind::VecRepeat {
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
            return Ok(NodeKind::Vec(self.exprs(&elems)?));
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

/// Macros run for their effects, never values.
const SIDE_EFFECTS: &[&str] = &[
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

fn parse_vec_repeat(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let item: Expr = input.parse()?;
    input.parse::<syn::Token![;]>()?;
    let count: Expr = input.parse()?;
    Ok((item, count))
}

/// Whether a node is an operator, cast or parenthesis over leaves only.
fn is_constant(kind: &NodeKind) -> bool {
    let leaf = |node: &Node| matches!(node.kind, NodeKind::Leaf(_) | NodeKind::Constant(_));
    match kind {
        NodeKind::Binary { lhs, rhs, .. } | NodeKind::Compare { lhs, rhs, .. } => {
            leaf(lhs) && leaf(rhs)
        }
        NodeKind::Unary { operand: inner, .. }
        | NodeKind::Paren(inner)
        | NodeKind::Cast { value: inner, .. } => leaf(inner),
        _ => false,
    }
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

/// `+` for `+=`, and so on.
fn compound_base(op: &BinOp) -> Option<BinOp> {
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

#[cfg(test)]
mod tests {
    use proc_macro2::Span;
    use syn::{ItemFn, parse_quote};

    use super::*;
    use crate::args::Macro;

    fn analyse(item: &ItemFn) -> Result<Block, String> {
        let args = Args {
            attr: Macro::Autodask,
            inline: Some(Span::call_site()),
            impure: None,
            spin: None,
        };
        let function = Function::from_syn(&args, item).map_err(|e| e.to_string())?;
        match Plan::from_function(&args, function)
            .map_err(|e| e.to_string())?
            .kind
        {
            Kind::Inline(block) => Ok(block),
            Kind::Task { .. } => Err("not inlined".to_owned()),
        }
    }

    #[test]
    fn strictness_errors_name_the_values_involved() {
        let item = parse_quote!(
            fn f(xs: Vec<i64>, n: i64) -> i64 {
                let m = n;
                for x in xs {}
                m
            }
        );
        let error = analyse(&item).unwrap_err();
        assert!(
            error.starts_with("`for` loop over lazy argument `xs` cannot be deferred"),
            "{error}"
        );
        let item = parse_quote!(
            fn f(a: i64, b: i64) -> i64 {
                let c = a;
                match (c, b) {
                    _ => 0,
                }
            }
        );
        let error = analyse(&item).unwrap_err();
        assert!(
            error.starts_with("`match` on lazy values `c` and `b`"),
            "{error}"
        );
    }

    #[test]
    fn lets_shadow_and_scopes_end_with_their_block() {
        let item = parse_quote!(
            fn f(a: i64) -> i64 {
                let b = {
                    let a = 2;
                    a
                };
                a + b
            }
        );
        let block = analyse(&item).unwrap();
        let NodeKind::Binary { lhs, rhs, .. } = &block.tail.kind else {
            panic!("{:?}", block.tail)
        };
        assert!(matches!(&lhs.kind, NodeKind::Local(a) if a == "a"));
        assert!(matches!(&rhs.kind, NodeKind::Local(b) if b == "b"));
    }

    #[test]
    fn constant_subexpressions_are_one_leaf() {
        let item = parse_quote!(
            fn f(a: i64) -> i64 {
                a + (40 + 2) * -1
            }
        );
        let block = analyse(&item).unwrap();
        let NodeKind::Binary { rhs, .. } = &block.tail.kind else {
            panic!("{:?}", block.tail)
        };
        assert!(matches!(rhs.kind, NodeKind::Leaf(_)), "{rhs:?}");
    }

    #[test]
    fn inline_marker_and_plain_calls_are_told_apart() {
        let item = parse_quote!(
            fn f(a: i64) -> i64 {
                inline(double)(a) + g(a)
            }
        );
        let block = analyse(&item).unwrap();
        let NodeKind::Binary { lhs, rhs, .. } = &block.tail.kind else {
            panic!("{:?}", block.tail)
        };
        assert!(matches!(lhs.kind, NodeKind::InlineCall { .. }), "{lhs:?}");
        assert!(matches!(rhs.kind, NodeKind::Call { .. }), "{rhs:?}");
    }

    #[test]
    fn discarded_statements_are_rejected() {
        let item = parse_quote!(
            fn f(a: i64) -> i64 {
                g(a);
                a
            }
        );
        assert!(analyse(&item).unwrap_err().contains("value is discarded"));
    }
}
