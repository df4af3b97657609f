//! The runtime half of `#[autodask(inline)]` bodies: how each rewritten construct becomes a
//! node. Generated code reaches this module as `::lazy::__private::lift`; it is not public API.
//!
//! Every node here is keyed by what it computes, never by a closure's type, so identical
//! code in two functions (or at two call sites) folds into one node; and two nodes fold
//! only when they run the same code (`docs/semantics.md`, "Operation identity"):
//! - operators, comparisons, indexing and casts by the operation and the types involved
//!   (`add<(i64, i64)>`, `as f64<fn((i64,)) -> f64>`), which alone decide the code;
//! - methods, fields and struct literals by a label (`.sqrt()`, `.x`, `Point { x, y }`),
//!   the input and output types, and the [`Scope`] they were written in, which decides
//!   what their names resolve to;
//! - calls to plain functions by the function's path (`std::any::type_name` of the fn item),
//!   calls through a function pointer by identity; calls to lazy functions are simply
//!   calls, which build their own nodes.

use std::any::type_name;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops;
use std::sync::{OnceLock, PoisonError, RwLock};

use std::sync::Arc;

use crate::__private::{Args, Op, select, task};
use crate::lazy::{take, task_erased};
use crate::node::{InputValues, Value as Erased};
use crate::op::ByAddress;
use crate::{Lazy, Value};

/// The name of an operation identified by a label and a signature, as one `&'static str`.
///
/// [`Op::function`] takes static names; a label and a type name are static each, but their
/// combination is not. Names are interned, so each distinct (label, signature) pair leaks
/// one small string for the life of the program; a program has finitely many of them.
fn interned(label: &'static str, signature: &'static str) -> &'static str {
    // Keyed by address: generated code passes the same literal and the same `type_name`
    // string every time, and hashing pointers is cheaper than hashing the names. Equal
    // names at different addresses only cost a duplicate entry; their `Op` is the same.
    type Names = RwLock<HashMap<[usize; 4], &'static str>>;
    static NAMES: OnceLock<Names> = OnceLock::new();
    let id = [
        label.as_ptr() as usize,
        label.len(),
        signature.as_ptr() as usize,
        signature.len(),
    ];
    let names = NAMES.get_or_init(Names::default);
    if let Some(name) = names
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
    {
        return name;
    }
    let mut names = names.write().unwrap_or_else(PoisonError::into_inner);
    names
        .entry(id)
        .or_insert_with(|| Box::leak(format!("{label}<{signature}>").into_boxed_str()))
}

/// A cast (or any operation the types alone decide): `f` applied to the values of `args`,
/// keyed by `label` with the input and output types (never by `f`'s closure type).
#[must_use]
pub fn apply<A, R, F>(label: &'static str, args: A, f: F) -> Lazy<R>
where
    A: Args,
    R: Value,
    F: Fn(A::Values) -> R + Send + Sync + 'static,
{
    task(
        Op::function(interned(label, type_name::<fn(A::Values) -> R>())),
        args,
        f,
    )
}

/// Where a method call, field access or struct literal was written, which decides what its
/// names resolve to: the traits in scope (the module's `use`s, `use` items in the body, the
/// bounds on type parameters), the fields visible, the item a path names. Generated code
/// makes one per inlined body, `let __lazy_scope = Scope::module(module_path!(), "f")`,
/// and names it in every such operation, with [`Scope::in_block`] inside a block that
/// declares items.
///
/// Invariant: operations keyed with scopes that [`apply_in`] describes alike resolve their
/// names alike. The macro claims a module scope only for a function that is neither
/// generic nor declares items; `apply_in` checks the rest (that it is a free function, not
/// one in an impl whose bounds the macro cannot see) from the closure's type name, and
/// falls back to the function instance when it cannot tell.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    /// `module_path!()` where the function is written.
    module: &'static str,
    /// The function's name.
    function: &'static str,
    /// The type name of an item generic like the function (`app::scale::__lazy_instance<f64>`),
    /// naming its instance; empty for a function that is not generic.
    instance: &'static str,
    /// The block of the body whose items are in scope, counting from 1 in source order
    /// over the blocks that declare items; 0 outside all of them.
    block: u32,
    /// Whether the module alone decides, so two functions of one module share the scope.
    module_wide: bool,
}

impl Scope {
    /// The scope of a function that is not generic and declares no items: operations of
    /// two such free functions of one module fold.
    #[must_use]
    pub const fn module(module: &'static str, function: &'static str) -> Scope {
        Scope {
            module,
            function,
            instance: "",
            block: 0,
            module_wide: true,
        }
    }

    /// The scope of one function instance (`instance` names its generic arguments, or is
    /// empty if it has none): its operations fold only with each other.
    #[must_use]
    pub const fn function(
        module: &'static str,
        function: &'static str,
        instance: &'static str,
    ) -> Scope {
        Scope {
            module,
            function,
            instance,
            block: 0,
            module_wide: false,
        }
    }

    /// The scope inside the `block`th block of the body that declares items.
    #[must_use]
    pub const fn in_block(self, block: u32) -> Scope {
        Scope { block, ..self }
    }

    /// The scope's part of an operation's name, which must differ wherever names may
    /// resolve differently. `closure` is the type name of the operation's closure: it names
    /// the function the code is in, with every generic argument (the impl's, the
    /// function's, one per `impl IntoLazy` parameter), so it is exact, if finer than needed.
    fn describe(self, closure: &'static str) -> String {
        let place = if is_free_function(closure, self.module, self.function) {
            if self.module_wide {
                return self.module.to_owned();
            }
            let path = format!("{}::{}", self.module, self.function);
            match self.instance {
                "" => path.clone(),
                instance => match instance.strip_prefix(&format!("{path}::__lazy_instance")) {
                    Some(arguments) => format!("{path}{arguments}"),
                    None => instance.to_owned(),
                },
            }
        } else {
            closure
                .strip_suffix("::{{closure}}")
                .unwrap_or(closure)
                .to_owned()
        };
        match self.block {
            0 => place,
            block => format!("{place}, block {block}"),
        }
    }
}

/// Whether `closure`, a closure's type name, is that of a closure in the free function
/// `module::function`: `app::norm::{{closure}}`, or `app::norm<&Lazy<f64>>::{{closure}}`
/// with the function's generic arguments. A function in an impl or a trait, or nested in
/// another function, has a longer path. Anything unexpected counts as not free, which only
/// costs folds.
fn is_free_function(closure: &str, module: &str, function: &str) -> bool {
    let Some(rest) = closure
        .strip_prefix(module)
        .and_then(|rest| rest.strip_prefix("::"))
        .and_then(|rest| rest.strip_prefix(function))
    else {
        return false;
    };
    let rest = match rest.strip_prefix('<') {
        Some(arguments) => match after_generic_arguments(arguments) {
            Some(rest) => rest,
            None => return false,
        },
        None => rest,
    };
    rest == "::{{closure}}"
}

/// What follows the `>` closing a generic argument list whose `<` has been read; `->` in
/// function types is not a bracket.
fn after_generic_arguments(text: &str) -> Option<&str> {
    let mut depth = 1_usize;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '-' if chars.peek().is_some_and(|&(_, next)| next == '>') => {
                chars.next();
            }
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[at + 1..]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The name of a scoped operation, interned like [`interned`]'s, keyed by the addresses of
/// its parts: one lookup per node built, with a hash of a few words.
fn scoped_name(
    label: &'static str,
    signature: &'static str,
    closure: &'static str,
    scope: Scope,
) -> &'static str {
    type Names = RwLock<ByAddress<ScopedKey, &'static str>>;
    static NAMES: OnceLock<Names> = OnceLock::new();
    let key = ScopedKey([
        label.as_ptr() as usize,
        label.len(),
        signature.as_ptr() as usize,
        signature.len(),
        closure.as_ptr() as usize,
        closure.len(),
        scope.module.as_ptr() as usize,
        scope.module.len(),
        scope.function.as_ptr() as usize,
        scope.function.len(),
        scope.instance.as_ptr() as usize,
        scope.instance.len(),
        scope.block as usize,
        usize::from(scope.module_wide),
    ]);
    let names = NAMES.get_or_init(Names::default);
    if let Some(name) = names
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return name;
    }
    let mut names = names.write().unwrap_or_else(PoisonError::into_inner);
    names.entry(key).or_insert_with(|| {
        let name = format!("{label}<{signature}> in {}", scope.describe(closure));
        Box::leak(name.into_boxed_str())
    })
}

/// A scoped operation's parts, by address and length (and the scope's block and claim).
#[derive(PartialEq, Eq)]
struct ScopedKey([usize; 14]);

impl Hash for ScopedKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Word by word: the address hasher mixes each word with one multiplication.
        for &word in &self.0 {
            state.write_usize(word);
        }
    }
}

/// A method call, field access or struct literal: `f` applied to the values of `args`,
/// keyed by `label`, the input and output types, and the [`Scope`] it was written in.
#[must_use]
pub fn apply_in<A, R, F>(scope: Scope, label: &'static str, args: A, f: F) -> Lazy<R>
where
    A: Args,
    R: Value,
    F: Fn(A::Values) -> R + Send + Sync + 'static,
{
    let name = scoped_name(
        label,
        type_name::<fn(A::Values) -> R>(),
        type_name::<F>(),
        scope,
    );
    task(Op::function(name), args, f)
}

/// A handle, owned or borrowed, turned into an owned one (a cheap clone).
trait Handle<T> {
    fn handle(self) -> Lazy<T>;
}

impl<T> Handle<T> for Lazy<T> {
    fn handle(self) -> Lazy<T> {
        self
    }
}

impl<T> Handle<T> for &Lazy<T> {
    fn handle(self) -> Lazy<T> {
        self.clone()
    }
}

macro_rules! binary_operators {
    ($($trait:ident $method:ident,)*) => {$(
        #[doc = concat!("`a ", stringify!($method), " b` as a node, keyed by the operand types.")]
        #[must_use]
        pub fn $method<A, B>(a: Lazy<A>, b: Lazy<B>) -> Lazy<A::Output>
        where
            A: ops::$trait<B> + Value,
            B: Value,
            A::Output: Value,
        {
            // Inputs arrive by value: an input whose last consumer is this task is moved in,
            // so by-value operator impls (ndarray's) reuse its buffer. An array input that
            // is still shared would be copied first; arrays then take the by-reference
            // operator, which writes a fresh result in one pass.
            let op = Op::function(interned(stringify!($method), type_name::<fn(A, B) -> A::Output>()));
            task_erased(op, (a, b), |mut values: InputValues| {
                let (a, b) = (values.next().expect("two inputs"), values.next().expect("two inputs"));
                #[cfg(feature = "ndarray")]
                let (a, b) = match arrays::$method(a, b) {
                    Ok(result) => return result,
                    Err(inputs) => inputs,
                };
                Arc::new(ops::$trait::$method(take::<A>(a), take::<B>(b))) as Erased
            }, None)
        }

        binary_operators!(@impl $trait $method, Lazy<A>, Lazy<B>);
        binary_operators!(@impl $trait $method, &Lazy<A>, Lazy<B>);
        binary_operators!(@impl $trait $method, Lazy<A>, &Lazy<B>);
        binary_operators!(@impl $trait $method, &Lazy<A>, &Lazy<B>);
    )*};
    // Handles by value or by reference: rewritten bodies write `&a + &b` for locals, so
    // the expansion reads like the source instead of cloning every operand.
    (@impl $trait:ident $method:ident, $lhs:ty, $rhs:ty) => {
        impl<A, B> ops::$trait<$rhs> for $lhs
        where
            A: ops::$trait<B> + Value,
            B: Value,
            A::Output: Value,
        {
            type Output = Lazy<A::Output>;

            fn $method(self, rhs: $rhs) -> Lazy<A::Output> {
                $method(self.handle(), rhs.handle())
            }
        }
    };
}

binary_operators! {
    Add add,
    Sub sub,
    Mul mul,
    Div div,
    Rem rem,
    BitAnd bitand,
    BitOr bitor,
    BitXor bitxor,
    Shl shl,
    Shr shr,
}

macro_rules! unary_operators {
    ($($trait:ident $method:ident,)*) => {$(
        #[doc = concat!("`", stringify!($method), " a` as a node, keyed by the operand type.")]
        #[must_use]
        pub fn $method<A>(a: Lazy<A>) -> Lazy<A::Output>
        where
            A: ops::$trait + Value,
            A::Output: Value,
        {
            task(Op::function(interned(stringify!($method), type_name::<A>())), (a,), |(a,)| ops::$trait::$method(a))
        }

        impl<A> ops::$trait for Lazy<A>
        where
            A: ops::$trait + Value,
            A::Output: Value,
        {
            type Output = Lazy<A::Output>;

            fn $method(self) -> Lazy<A::Output> {
                $method(self)
            }
        }

        impl<A> ops::$trait for &Lazy<A>
        where
            A: ops::$trait + Value,
            A::Output: Value,
        {
            type Output = Lazy<A::Output>;

            fn $method(self) -> Lazy<A::Output> {
                $method(self.clone())
            }
        }
    )*};
}

unary_operators! {
    Neg neg,
    Not not,
}

macro_rules! comparisons {
    ($($name:ident $trait:ident $op:tt,)*) => {$(
        #[doc = concat!("`a ", stringify!($op), " b` as a node (comparison operators cannot be overloaded to return a `Lazy<bool>`).")]
        #[must_use]
        pub fn $name<A, B>(a: Lazy<A>, b: Lazy<B>) -> Lazy<bool>
        where
            A: $trait<B> + Value,
            B: Value,
        {
            task(Op::function(interned(stringify!($name), type_name::<(A, B)>())), (a, b), |(a, b)| a $op b)
        }
    )*};
}

comparisons! {
    eq PartialEq ==,
    ne PartialEq !=,
    lt PartialOrd <,
    le PartialOrd <=,
    gt PartialOrd >,
    ge PartialOrd >=,
}

/// `a && b`: `b` runs only if `a` is true.
#[must_use]
pub fn and(a: Lazy<bool>, b: Lazy<bool>) -> Lazy<bool> {
    select(a, b, Lazy::new(false))
}

/// `a || b`: `b` runs only if `a` is false.
#[must_use]
pub fn or(a: Lazy<bool>, b: Lazy<bool>) -> Lazy<bool> {
    select(a, Lazy::new(true), b)
}

/// `c[i]` as a node; the element is cloned out of the collection.
#[must_use]
pub fn index<C, I>(c: Lazy<C>, i: Lazy<I>) -> Lazy<C::Output>
where
    C: ops::Index<I> + Value,
    I: Value,
    C::Output: Value + Sized,
{
    task(
        Op::function(interned("index", type_name::<(C, I)>())),
        (c, i),
        |(c, i)| c[i].clone(),
    )
}

/// `(a, b, ...)` as a node whose value is the tuple of the parts' values.
#[must_use]
pub fn tuple<A>(parts: A) -> Lazy<A::Values>
where
    A: Args,
    A::Values: Value,
{
    task(
        Op::function(interned("tuple", type_name::<A::Values>())),
        parts,
        |values| values,
    )
}

/// Tuples of same-typed nodes, which array literals and `vec![...]` are built from.
pub trait Elements: Args + 'static {
    /// The element type.
    type Item: Value;
    /// `[Item; N]` for a tuple of `N` nodes.
    type Array: Value;

    #[doc(hidden)]
    fn to_array(values: Self::Values) -> Self::Array;
}

macro_rules! elements {
    ($(($n:literal $($v:ident)+))*) => {$(
        impl<T: Value> Elements for ($(elements!(@lazy $v),)+) {
            type Item = T;
            type Array = [T; $n];

            fn to_array(($($v,)+): Self::Values) -> [T; $n] {
                [$($v),+]
            }
        }
    )*};
    (@lazy $v:ident) => { Lazy<T> };
}

elements! {
    (1 a)
    (2 a b)
    (3 a b c)
    (4 a b c d)
    (5 a b c d e)
    (6 a b c d e f)
    (7 a b c d e f g)
    (8 a b c d e f g h)
    (9 a b c d e f g h i)
    (10 a b c d e f g h i j)
    (11 a b c d e f g h i j k)
    (12 a b c d e f g h i j k l)
}

/// `[a, b, ...]` as a node.
#[must_use]
pub fn array<E: Elements>(items: E) -> Lazy<E::Array> {
    task(
        Op::function(interned("array", type_name::<E::Array>())),
        items,
        E::to_array,
    )
}

/// `vec![a, b, ...]` as a node.
#[must_use]
pub fn vec<E: Elements>(items: E) -> Lazy<Vec<E::Item>>
where
    E::Array: IntoIterator<Item = E::Item>,
{
    task(
        Op::function(interned("vec", type_name::<Vec<E::Item>>())),
        items,
        |values| E::to_array(values).into_iter().collect(),
    )
}

/// `[a; N]` as a node.
#[must_use]
pub fn repeat<T: Value, const N: usize>(item: Lazy<T>) -> Lazy<[T; N]> {
    task(
        Op::function(interned("repeat", type_name::<[T; N]>())),
        (item,),
        |(item,)| std::array::from_fn(|_| item.clone()),
    )
}

/// `vec![a; n]` as a node.
#[must_use]
pub fn vec_repeat<T: Value>(item: Lazy<T>, count: Lazy<usize>) -> Lazy<Vec<T>> {
    task(
        Op::function(interned("vec_repeat", type_name::<Vec<T>>())),
        (item, count),
        |(item, count)| vec![item; count],
    )
}

/// A callee inside a rewritten body, for compile-time call dispatch.
///
/// The macro cannot see whether a callee is lazy, so it writes
/// `(&&Callee(f)).lazy_call((&a, &b))` and lets method resolution decide (autoref-based
/// specialization): [`ViaLazy`] is implemented for `&Callee<F>` and is found first, when `f`
/// takes lazy values and returns `Lazy<R>` (every `#[lazy]` or `#[autodask]` function);
/// otherwise [`ViaPlain`], implemented for `Callee<F>` one auto-deref later, wraps the plain
/// function into a deferred call node keyed by its path.
///
/// Lazy callees receive `&Lazy<_>` arguments: a plain generic function like
/// `fn id<T>(x: T) -> T` would then return `&Lazy<_>`, not `Lazy<_>`, so it is never mistaken
/// for a lazy one (enter such functions on purpose with `inline(f)`).
#[derive(Clone, Copy, Debug)]
pub struct Callee<F>(pub F);

/// Calls a lazy function: it builds its own nodes (or splices its body, if inlined).
pub trait ViaLazy<Args, R> {
    /// Calls the callee on these nodes.
    fn lazy_call(&self, args: Args) -> Lazy<R>;
}

/// Defers a plain function: one node keyed by the function's path, so two calls of the same
/// function on the same inputs fold (a call through a function pointer never does).
pub trait ViaPlain<Args, R> {
    /// Builds the call's node.
    fn lazy_call(&self, args: Args) -> Lazy<R>;
}

/// The operation of a deferred call to a plain `F`. A function item's type is zero-sized
/// and names the function it resolved to (`app::norm`, `<i64 as app::Twist>::twist`), so
/// calls fold by that function, whatever path named it. A function pointer's type
/// (`fn(i64) -> i64`) does not say which function it points to, so a call through one is
/// keyed by identity: it never folds.
fn plain_call<F>() -> Op {
    if size_of::<F>() == 0 {
        Op::function(type_name::<F>())
    } else {
        Op::impure(type_name::<F>())
    }
}

macro_rules! call_dispatch {
    ($(($($t:ident $v:ident),*))*) => {$(
        impl<'a, F, $($t,)* R> ViaLazy<($(&'a Lazy<$t>,)*), R> for &Callee<F>
        where
            F: Fn($(&'a Lazy<$t>),*) -> Lazy<R>,
        {
            fn lazy_call(&self, ($($v,)*): ($(&'a Lazy<$t>,)*)) -> Lazy<R> {
                (self.0)($($v),*)
            }
        }

        impl<'a, F, $($t: Value,)* R: Value> ViaPlain<($(&'a Lazy<$t>,)*), R> for Callee<F>
        where
            F: Fn($($t),*) -> R + Copy + Send + Sync + 'static,
        {
            fn lazy_call(&self, ($($v,)*): ($(&'a Lazy<$t>,)*)) -> Lazy<R> {
                let f = self.0;
                task(plain_call::<F>(), ($($v.clone(),)*), move |($($v,)*)| f($($v),*))
            }
        }
    )*};
}

call_dispatch! {
    ()
    (A a)
    (A a, B b)
    (A a, B b, C c)
    (A a, B b, C c, D d)
    (A a, B b, C c, D d, E e)
    (A a, B b, C c, D d, E e, G g)
    (A a, B b, C c, D d, E e, G g, H h)
    (A a, B b, C c, D d, E e, G g, H h, I i)
    (A a, B b, C c, D d, E e, G g, H h, I i, J j)
    (A a, B b, C c, D d, E e, G g, H h, I i, J j, K k)
    (A a, B b, C c, D d, E e, G g, H h, I i, J j, K k, L l)
    (A a, B b, C c, D d, E e, G g, H h, I i, J j, K k, L l, M m)
}

/// A path that is not a local (`PI`, `None`, `f64::sqrt`) inside a rewritten body, as a
/// leaf. Dispatched like [`Callee`]: [`ViaContent`] (found first) keys a fingerprintable
/// value by content, as a literal; otherwise [`ViaType`] keys a zero-sized value (a
/// function item, a unit struct) by its type, which determines it, and anything else by
/// identity.
#[derive(Clone, Copy, Debug)]
pub struct Constant<T>(pub T);

/// A constant whose type has a [`Fingerprint`](crate::Fingerprint): a leaf by content.
pub trait ViaContent<T> {
    /// The constant as a node.
    fn lift_constant(&self) -> Lazy<T>;
}

impl<T: crate::Fingerprint + Value> ViaContent<T> for &Constant<T> {
    fn lift_constant(&self) -> Lazy<T> {
        Lazy::new(self.0.clone())
    }
}

/// Any other constant: by type if zero-sized (`f64::sqrt` in two functions is one node),
/// else by identity.
pub trait ViaType<T> {
    /// The constant as a node.
    fn lift_constant(&self) -> Lazy<T>;
}

impl<T: Value> ViaType<T> for Constant<T> {
    fn lift_constant(&self) -> Lazy<T> {
        if std::mem::size_of::<T>() == 0 {
            let value = self.0.clone();
            task(
                Op::function(interned("const", type_name::<T>())),
                (),
                move |()| value.clone(),
            )
        } else {
            Lazy::opaque(self.0.clone())
        }
    }
}

/// Arithmetic for ndarray arrays that saves a pass or an allocation over the generic
/// by-value path:
/// - `x op x` on an array that only this task holds (both operands are one input, `t + t`
///   in daisy's `g`) is computed in place: no new 8 MB result, whose fresh pages cost more
///   than the arithmetic;
/// - an array still shared (a leaf, or a node another task will read too) takes `&a + &b`,
///   which writes the result in one pass, where the by-value path would first copy `a`.
///
/// Operations with other operand types, or on an input this task owns alone, give their
/// inputs back and take the generic path.
#[cfg(feature = "ndarray")]
mod arrays {
    use std::sync::Arc;

    use ndarray::{Array, Ix1, Ix2, IxDyn};

    use crate::node::Value as Erased;

    macro_rules! by_reference {
        ($($method:ident $op:tt,)*) => {$(
            pub(super) fn $method(a: Erased, b: Erased) -> Result<Erased, (Erased, Erased)> {
                if Arc::ptr_eq(&a, &b) && Arc::strong_count(&a) == 2 {
                    // Both operands are this task's reads of one value nobody else holds.
                    by_reference!(@types same $op, a, b, i64 i32 u64 u32 f64 f32);
                }
                if Arc::strong_count(&a) == 1 {
                    // This task owns `a`: the by-value operator reuses its buffer.
                    return Err((a, b));
                }
                by_reference!(@types shared $op, a, b, i64 i32 u64 u32 f64 f32);
                Err((a, b))
            }
        )*};
        (@types $how:ident $op:tt, $a:ident, $b:ident, $($t:ty)*) => {$(
            by_reference!(@dims $how $op, $a, $b, $t, Ix1 Ix2 IxDyn);
        )*};
        (@dims same $op:tt, $a:ident, $b:ident, $t:ty, $($d:ty)*) => {$(
            if $a.is::<Array<$t, $d>>() {
                drop($b);
                let mut a = $a;
                if let Some(x) = Arc::get_mut(&mut a).and_then(|x| x.downcast_mut::<Array<$t, $d>>()) {
                    x.mapv_inplace(|v| v $op v);
                    return Ok(a);
                }
                let x = a.downcast_ref::<Array<$t, $d>>().expect("checked above");
                return Ok(Arc::new(x $op x) as Erased);
            }
        )*};
        (@dims shared $op:tt, $a:ident, $b:ident, $t:ty, $($d:ty)*) => {$(
            if let Some(x) = $a.downcast_ref::<Array<$t, $d>>() {
                if let Some(y) = $b.downcast_ref::<Array<$t, $d>>() {
                    return Ok(Arc::new(x $op y) as Erased);
                }
                if let Some(y) = $b.downcast_ref::<$t>() {
                    return Ok(Arc::new(x $op *y) as Erased);
                }
                return Err(($a, $b));
            }
        )*};
    }

    by_reference! {
        add +,
        sub -,
        mul *,
        div /,
    }

    macro_rules! by_value_only {
        ($($method:ident)*) => {$(
            pub(super) fn $method(a: Erased, b: Erased) -> Result<Erased, (Erased, Erased)> {
                Err((a, b))
            }
        )*};
    }

    by_value_only!(rem bitand bitor bitxor shl shr);
}

#[cfg(feature = "ndarray")]
mod ndarray_fingerprint {
    use ndarray::{ArrayBase, Data, Dimension};

    use crate::{Fingerprint, FingerprintHasher};

    /// Arrays key by shape and content, so equal arrays built separately fold into one leaf.
    /// Contiguous arrays hash their memory in one pass.
    impl<A, S, D> Fingerprint for ArrayBase<S, D>
    where
        S: Data<Elem = A>,
        D: Dimension,
        A: Clone,
        [A]: Fingerprint,
    {
        fn fingerprint(&self, h: &mut FingerprintHasher) {
            h.write_len(self.ndim());
            for &len in self.shape() {
                h.write_len(len);
            }
            match self.as_slice() {
                Some(slice) => slice.fingerprint(h),
                None => self.iter().cloned().collect::<Vec<A>>().fingerprint(h),
            }
        }
    }
}

#[cfg(all(test, feature = "ndarray"))]
mod array_tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ndarray::Array1;

    use crate::__private::{Op, task};
    use crate::{Lazy, strict};

    /// An array computed by a task, which records where its buffer is in `at`.
    fn counted(name: &'static str, at: &'static AtomicUsize) -> Lazy<Array1<i64>> {
        task(
            Op::function(name),
            (Lazy::new(1000_i64),),
            move |(n,): (i64,)| {
                let a = Array1::from_iter(0..n);
                at.store(a.as_ptr() as usize, Ordering::SeqCst);
                a
            },
        )
    }

    #[test]
    fn an_array_only_its_reader_holds_is_combined_with_itself_in_place() {
        static AT: AtomicUsize = AtomicUsize::new(0);
        let r = {
            let t = counted("lift::test::in_place", &AT);
            &t + &t
        };
        let r = strict(r);
        assert_eq!(r, Array1::from_iter((0..1000).map(|x| x + x)));
        assert_eq!(
            r.as_ptr() as usize,
            AT.load(Ordering::SeqCst),
            "no new buffer"
        );
    }

    #[test]
    fn an_array_a_handle_still_holds_is_not_overwritten() {
        static AT: AtomicUsize = AtomicUsize::new(0);
        let t = counted("lift::test::shared", &AT);
        let r = &t - &t;
        assert_eq!(strict(&r), Array1::<i64>::zeros(1000));
        assert_eq!(strict(&t), Array1::from_iter(0..1000));
        assert_ne!(strict(&r).as_ptr() as usize, AT.load(Ordering::SeqCst));
    }
}

#[cfg(test)]
mod scope_tests {
    use super::{Scope, is_free_function};

    #[test]
    fn free_functions_are_told_from_functions_in_impls() {
        let free = |closure| is_free_function(closure, "app::geo", "norm");
        assert!(free("app::geo::norm::{{closure}}"));
        assert!(free("app::geo::norm<&lazy::Lazy<f64>>::{{closure}}"));
        assert!(free("app::geo::norm<fn(i64) -> i64, u8>::{{closure}}"));
        assert!(!free("app::geo::Point::norm::{{closure}}"));
        assert!(!free("app::geo::norm<u8>::norm<i64>::{{closure}}"));
        assert!(!free(
            "<app::geo::Point as app::geo::Norm>::norm::{{closure}}"
        ));
        assert!(!free("app::geo::outer::norm::{{closure}}"));
        assert!(!free("app::geo::norm<u8::{{closure}}"));
        assert!(!free("app::geo::normal::{{closure}}"));
    }

    #[test]
    fn scopes_print_apart_where_names_may_resolve_apart() {
        let closure = "app::geo::norm<i64>::{{closure}}";
        let module = Scope::module("app::geo", "norm");
        assert_eq!(module.describe(closure), "app::geo");
        assert_eq!(
            module.describe("app::geo::Point::norm::{{closure}}"),
            "app::geo::Point::norm",
            "a function in an impl falls back to its own instance"
        );
        let plain = Scope::function("app::geo", "norm", "");
        assert_eq!(plain.describe(closure), "app::geo::norm");
        assert_eq!(
            plain.in_block(2).describe(closure),
            "app::geo::norm, block 2"
        );
        let generic = Scope::function("app::geo", "norm", "app::geo::norm::__lazy_instance<f64>");
        assert_eq!(generic.describe(closure), "app::geo::norm<f64>");
    }
}
