//! The analysis result: what to generate for one function, and for an inlined body, the
//! tree of steps `rewrite/` lowers. Plain data, built by the rest of `analyse`.

use proc_macro2::{Ident, Span};
use syn::{
    AngleBracketedGenericArguments, BinOp, Expr, ExprClosure, Item, Member, Path, Type, UnOp,
};

use crate::model::Function;

/// What to generate for one annotated function: the analysis result.
#[derive(Debug)]
pub(crate) struct Lowering<'a> {
    pub(crate) function: Function<'a>,
    pub(crate) kind: Kind,
}

/// The two shapes of expansion.
#[derive(Debug)]
pub(crate) enum Kind {
    /// `#[lazy]`, `#[autodask]`: the body runs unchanged inside one task node.
    /// `no_memo`: the values are not kept in the memo store once released. `cache`: they
    /// are stored in the program's disk cache.
    Task {
        impure: bool,
        no_memo: bool,
        cache: Option<crate::args::Cache>,
    },
    /// `#[autodask(inline)]`: the body, as graph-building steps.
    Inline { body: Block, names: NameScope },
}

/// What decides the names that an inlined body's method calls, field accesses and struct
/// literals resolve (the traits in scope, the fields visible, the item a path names); their
/// nodes are keyed with it (`lift::Scope`, `docs/semantics.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameScope {
    /// The module alone: the function is not generic, has no `where` clause and declares
    /// no items, so operations of two such functions of one module may fold (if the
    /// function turns out to be in an impl, the runtime falls back to the function).
    Module,
    /// The function instance: its generic arguments or its items take part.
    Function,
}

/// A block of the rewritten body: its statements and the step it evaluates to.
#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) stmts: Vec<Stmt>,
    pub(crate) tail: Box<Step>,
    /// For a block that declares items (`use`, `fn`, `trait`, ...), its number among the
    /// body's blocks that do, from 1 in source order: the names used inside it resolve in
    /// its own scope. `None` for a block that declares none.
    pub(crate) items: Option<u32>,
}

/// A statement of the rewritten body.
#[derive(Debug)]
pub(crate) enum Stmt {
    /// `let x = ..;` binds a step's node, so a value used twice is one node.
    Let {
        ident: Ident,
        mutable: bool,
        ty: Option<Type>,
        init: Step,
    },
    /// `x = ..;` or `x += ..;` rebinds a local to a new node.
    Assign {
        target: Ident,
        op: Option<BinOp>,
        value: Step,
    },
    /// A nested item (`fn`, `use`, `const`), kept as written.
    Item(Item),
    /// `{ stmts }`: statements in a scope of their own, such as one iteration of an
    /// unrolled `for` loop (whose `let`s end with it, while assignments reach outside).
    Scoped(Vec<Stmt>),
}

/// One expression of the rewritten body; it lowers to an expression of type `Lazy<_>`.
#[derive(Debug)]
pub(crate) struct Step {
    /// The user's expression's span, so type errors in the lowered code point at it.
    pub(crate) span: Span,
    pub(crate) kind: StepKind,
}

/// The rewrite rules, one variant per construct (see `docs/rewrite.md`).
#[derive(Debug)]
pub(crate) enum StepKind {
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
        lhs: Box<Step>,
        rhs: Box<Step>,
    },
    /// `a < b`, `a == b`, `a && b`, ...: `lift::lt(a, b)` and friends (`&&`, `||` short-circuit).
    Compare {
        func: &'static str,
        lhs: Box<Step>,
        rhs: Box<Step>,
    },
    /// `-a`, `!a`.
    Unary { op: UnOp, operand: Box<Step> },
    /// `f(a, b)`: composed if `f` is lazy, else a deferred call keyed by `f`'s path.
    Call { callee: Expr, args: Vec<Step> },
    /// `f(a, |x| x + k)`: a call given a closure, one node over the values among the
    /// arguments and the closures' captures, keyed by the callee's path, the closures'
    /// tokens and the scope (its names resolve there).
    CallWithClosures { callee: Expr, args: Vec<Arg> },
    /// `inline(f)(a, b)`: `f` is called on the lazy values themselves.
    InlineCall { callee: Expr, args: Vec<Step> },
    /// `a.m::<T>(b)`: keyed by the method's name, the types involved and the scope it is
    /// written in, which decides the traits in scope. A chain through a method that borrows
    /// its receiver (`xs.iter().sum()`) is one node, so the borrow never leaves it.
    Method {
        receiver: Box<Step>,
        calls: Vec<MethodCall>,
    },
    /// `a.x`, `a.0`: keyed by scope too, since privacy decides which field auto-deref finds.
    Field { base: Box<Step>, member: Member },
    /// `a[i]`.
    Index { base: Box<Step>, index: Box<Step> },
    /// `(a, b)`.
    Tuple(Vec<Step>),
    /// `[a, b]`.
    Array(Vec<Step>),
    /// `[a; N]`.
    Repeat { item: Box<Step>, len: Expr },
    /// `vec![a, b]`.
    Vec(Vec<Step>),
    /// `vec![a; n]`.
    VecRepeat { item: Box<Step>, count: Box<Step> },
    /// `P { x: a, y: b, ..rest }`: keyed by scope too, since `P` may name an enum variant.
    Struct {
        path: Path,
        fields: Vec<(Member, Step)>,
        rest: Option<Box<Step>>,
    },
    /// `a as T`.
    Cast { value: Box<Step>, ty: Type },
    /// `if c { a } else { b }`: a conditional node that builds and runs only the taken
    /// branch, once `c` is known. The branches become builders over `captures`, the lazy
    /// names bound outside them that either uses (in order of first use), each with
    /// which branches use it and whether the condition does; `label` is their source text,
    /// which with the scope identifies the conditional's code.
    If {
        cond: Box<Step>,
        then: Box<Step>,
        otherwise: Box<Step>,
        captures: Vec<Capture>,
        label: String,
    },
    /// `match` over a value with the given arms, whose bodies are values (the index of the
    /// arm taken, or a binding of the pattern): keyed by the arms' text and the scope.
    Match {
        scrutinee: Box<Step>,
        arms: proc_macro2::TokenStream,
        label: String,
        /// Whether the value is matched as `Some(value)`, with arms to match: a binding's
        /// `Some(pattern) => x, _ => unreachable!()`, whose fallback stays reachable (and
        /// so lint-free) even where the pattern alone is irrefutable.
        in_some: bool,
    },
    /// `{ let x = ..; x }`.
    Block(Block),
    /// `(a)`.
    Paren(Box<Step>),
}

/// One method of a [`StepKind::Method`] chain, applied in order.
#[derive(Debug)]
pub(crate) struct MethodCall {
    pub(crate) method: Ident,
    pub(crate) turbofish: Option<AngleBracketedGenericArguments>,
    pub(crate) args: Vec<Arg>,
}

/// One argument of a call or method call.
#[derive(Debug)]
pub(crate) enum Arg {
    /// A value: an input of the node.
    Value(Step),
    /// A closure: code of the node, written into the node's function as it is.
    Closure(Closure),
}

/// A closure passed to a call or method call (`xs.map(|x| x + k)`), which runs inside the
/// node of that call.
#[derive(Debug)]
pub(crate) struct Closure {
    pub(crate) expr: ExprClosure,
    /// How the closure appears in the node's label: its text, shortened, then the digest
    /// of its tokens (`code::of_closure`), which tells apart closures written differently.
    pub(crate) label: String,
    /// The lazy names of the body it uses, in order of first use: inputs of the node,
    /// bound under their own names before the closure is evaluated.
    pub(crate) captures: Vec<Ident>,
}

/// A lazy name a conditional's branches use from outside them.
#[derive(Debug)]
pub(crate) struct Capture {
    pub(crate) ident: Ident,
    /// Whether the `then` branch uses it, and the `else` branch.
    pub(crate) used: [bool; 2],
    /// Whether the condition reads it too: then it is computed before the conditional
    /// runs, and the branch gets its value (`lift::Strict`).
    pub(crate) strict: bool,
}

/// The captures of the closures among `args`, each once, in order of first use: the node's
/// inputs after the values.
pub(crate) fn captures<'a>(args: impl IntoIterator<Item = &'a Arg>) -> Vec<Ident> {
    let mut all: Vec<Ident> = Vec::new();
    for arg in args {
        if let Arg::Closure(closure) = arg {
            for ident in &closure.captures {
                if !all.contains(ident) {
                    all.push(ident.clone());
                }
            }
        }
    }
    all
}
