//! Closures passed to calls and method calls: `a.mapv(|x| x * 2.0)`, `xs.map(|x| x + k)`.
//!
//! A closure is code, not a value a node could compute, so a call given one becomes one
//! node and the closure runs inside it, as written. Its node is keyed by the closure's
//! tokens (their digest is in the label), so closures written alike fold and closures
//! written differently never do, and by its captures: the lazy names of the body it uses,
//! which become inputs of the node and are bound under their own names before the closure
//! is evaluated. The closure's parameters and its own locals are not captures; the items it
//! names (functions, constants) resolve in the scope that keys the node.
//!
//! What the body may not do, a closure may not do either: an `unsafe` block or an effect
//! macro (`println!`, `assert!`) in it is an error, as it is outside closures. So is
//! changing a capture: the node has its own copy, and the change would be lost.
//!
//! Captures are found by name, conservatively: a lazy name the closure binds again is a
//! capture wherever the walk cannot tell the two apart (inside a macro, say), which costs
//! an input but never changes the result.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Expr, ExprClosure, Pat};

use super::calls::SIDE_EFFECTS;
use super::lowering::{Arg, Closure};
use super::names::{Analyser, INSTEAD, format_names};
use crate::code;
use crate::error::{bail, err};

/// At most this many characters of a closure's text go into its node's label.
const LABEL_TEXT: usize = 40;

impl Analyser {
    /// The arguments of a call: values become steps, closures stay code.
    pub(super) fn args<'e>(
        &mut self,
        args: impl IntoIterator<Item = &'e Expr>,
    ) -> syn::Result<Vec<Arg>> {
        args.into_iter()
            .map(|arg| match arg {
                Expr::Closure(closure) => self.closure(closure).map(Arg::Closure),
                value => self.expr(value).map(Arg::Value),
            })
            .collect()
    }

    /// A closure argument: its captures, and an error if it would change one of them.
    fn closure(&mut self, closure: &ExprClosure) -> syn::Result<Closure> {
        if let Some(token) = &closure.asyncness {
            bail!(
                token,
                "an `async` closure cannot be deferred by #[autodask(inline)]; {INSTEAD}"
            );
        }
        let mut free = Free {
            analyser: self,
            bound: vec![pattern_names(closure.inputs.iter())],
            captures: Vec::new(),
            error: None,
        };
        free.visit_expr(&closure.body);
        if let Some(error) = free.error {
            return Err(error);
        }
        let captures = free.captures;
        for ident in &captures {
            self.use_local(ident);
        }
        Ok(Closure {
            expr: closure.clone(),
            label: label(closure),
            captures,
        })
    }
}

/// The walk over a closure's body: the lazy names it uses from outside, and the first
/// change it makes to one of them.
struct Free<'a> {
    analyser: &'a Analyser,
    /// Names the closure binds itself, innermost scope last.
    bound: Vec<Vec<String>>,
    captures: Vec<Ident>,
    error: Option<syn::Error>,
}

impl Free<'_> {
    /// Whether `ident` names a lazy value of the body here.
    fn is_capture(&self, ident: &Ident) -> bool {
        let name = ident.to_string();
        !self.bound.iter().flatten().any(|n| *n == name) && self.analyser.is_lazy(ident)
    }

    fn capture(&mut self, ident: &Ident) {
        if self.is_capture(ident) && !self.captures.iter().any(|c| c == ident) {
            self.captures.push(ident.clone());
        }
    }

    /// `place = ..`, `place += ..`, `&mut place`: rejected if `place` is in a capture.
    fn check_change(&mut self, place: &Expr, change: &dyn ToTokens) {
        let Some(ident) = root(place) else { return };
        if self.error.is_none() && self.is_capture(ident) {
            self.error = Some(err!(
                change.to_token_stream(),
                "a closure in an #[autodask(inline)] body cannot change `{ident}`, a lazy value it captures: the closure runs inside a node, on that node's copy of the value, so the change would never reach the body; compute the new value as an expression and bind it with `let`"
            ));
        }
    }

    /// Visits `f` with the names `pats` bind in scope.
    fn scoped<'p>(&mut self, pats: impl IntoIterator<Item = &'p Pat>, f: impl FnOnce(&mut Self)) {
        self.bound.push(pattern_names(pats));
        f(self);
        self.bound.pop();
    }

    /// The lazy names a macro's tokens mention, as identifiers or in a format string's
    /// `{name}`: a macro's expansion is unknown, so every such name is captured, except
    /// where it cannot be a variable: after a `.` (a field or method), before `!` or `::`
    /// (a macro or a path).
    fn macro_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let is_punct = |tree: Option<&TokenTree>, c: char| matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c);
        for (at, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Ident(ident) => {
                    let after_dot = at > 0 && is_punct(trees.get(at - 1), '.');
                    let next = trees.get(at + 1);
                    if !after_dot && !is_punct(next, '!') && !is_punct(next, ':') {
                        self.capture(ident);
                    }
                }
                TokenTree::Group(group) => self.macro_tokens(group.stream()),
                TokenTree::Literal(literal) => {
                    for name in format_names(&literal.to_string()) {
                        self.capture(&Ident::new(&name, literal.span()));
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Free<'_> {
    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if path.qself.is_none()
            && let Some(ident) = path.path.get_ident()
        {
            self.capture(ident);
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_expr_closure(&mut self, closure: &'ast ExprClosure) {
        self.scoped(&closure.inputs, |this| this.visit_expr(&closure.body));
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.bound.push(Vec::new());
        for stmt in &block.stmts {
            match stmt {
                syn::Stmt::Local(local) => {
                    if let Some(init) = &local.init {
                        self.visit_expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.visit_expr(diverge);
                        }
                    }
                    let names = pattern_names([&local.pat]);
                    self.bound
                        .last_mut()
                        .expect("a block's scope")
                        .extend(names);
                }
                // Items are their own world: they cannot use the body's locals.
                syn::Stmt::Item(_) => {}
                other => self.visit_stmt(other),
            }
        }
        self.bound.pop();
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.scoped([&arm.pat], |this| {
            if let Pat::Guard(guarded) = &arm.pat {
                this.visit_expr(&guarded.guard);
            }
            this.visit_expr(&arm.body);
        });
    }

    fn visit_expr_for_loop(&mut self, for_loop: &'ast syn::ExprForLoop) {
        self.visit_expr(&for_loop.expr);
        self.scoped([&*for_loop.pat], |this| this.visit_block(&for_loop.body));
    }

    fn visit_expr_if(&mut self, if_expr: &'ast syn::ExprIf) {
        if let Expr::Let(let_expr) = &*if_expr.cond {
            self.visit_expr(&let_expr.expr);
            self.scoped([&*let_expr.pat], |this| {
                this.visit_block(&if_expr.then_branch);
            });
            if let Some((_, otherwise)) = &if_expr.else_branch {
                self.visit_expr(otherwise);
            }
        } else {
            visit::visit_expr_if(self, if_expr);
        }
    }

    fn visit_expr_while(&mut self, while_loop: &'ast syn::ExprWhile) {
        if let Expr::Let(let_expr) = &*while_loop.cond {
            self.visit_expr(&let_expr.expr);
            self.scoped([&*let_expr.pat], |this| this.visit_block(&while_loop.body));
        } else {
            visit::visit_expr_while(self, while_loop);
        }
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        self.check_change(&assign.left, assign);
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        if super::bindings::compound_base(&binary.op).is_some() {
            self.check_change(&binary.left, binary);
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_reference(&mut self, reference: &'ast syn::ExprReference) {
        if reference.mutability.is_some() {
            self.check_change(&reference.expr, reference);
        }
        visit::visit_expr_reference(self, reference);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        if let Some(name) = name.filter(|n| SIDE_EFFECTS.contains(&n.as_str()))
            && self.error.is_none()
        {
            self.error = Some(err!(
                mac.path,
                "the side effect of `{name}!` in a closure cannot be deferred by #[autodask(inline)]: the closure runs inside a node, when and where the graph decides, at most once for equal inputs; {INSTEAD}"
            ));
        }
        self.macro_tokens(mac.tokens.clone());
    }

    fn visit_expr_unsafe(&mut self, unsafe_block: &'ast syn::ExprUnsafe) {
        if self.error.is_none() {
            self.error = Some(err!(
                unsafe_block.unsafe_token,
                "an `unsafe` block in a closure cannot be deferred by #[autodask(inline)]: its safety argument holds where it is written, not where the graph runs it; {INSTEAD}"
            ));
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The variable a place expression (`k`, `k.0`, `k[i]`, `*k`) is part of.
fn root(place: &Expr) -> Option<&Ident> {
    match place {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident(),
        Expr::Field(field) => root(&field.base),
        Expr::Index(index) => root(&index.expr),
        Expr::Paren(paren) => root(&paren.expr),
        Expr::Unary(unary) => root(&unary.expr),
        _ => None,
    }
}

/// The names patterns bind (with constants and unit variants, which only hide names).
fn pattern_names<'p>(pats: impl IntoIterator<Item = &'p Pat>) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.push(pat.ident.to_string());
            visit::visit_pat_ident(self, pat);
        }
    }
    let mut names = Names(Vec::new());
    for pat in pats {
        names.visit_pat(pat);
    }
    names.0
}

/// The closure as its node's label shows it: `|x| x * k`, shortened, then the digest of
/// its tokens, which alone tells closures apart.
fn label(closure: &ExprClosure) -> String {
    let params: Vec<String> = closure
        .inputs
        .iter()
        .map(|pat| pat.to_token_stream().to_string().replace("& ", "&"))
        .collect();
    let mut text = format!(
        "{}|{}| {}",
        if closure.capture.is_some() {
            "move "
        } else {
            ""
        },
        params.join(", "),
        closure.body.to_token_stream()
    );
    if let Some((cut, _)) = text.char_indices().nth(LABEL_TEXT) {
        text.truncate(cut);
        text.push('…');
    }
    let digest = code::of_closure(closure.to_token_stream());
    format!("{text} #{digest}")
}
