//! Calls and constants inside rewritten bodies, dispatched at compile time by what the
//! callee or the constant is.

use std::any::type_name;

use crate::lazy::{Lazy, Value};
use crate::task::{Op, task};

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
            task(Op::labelled("const", type_name::<T>()), (), move |()| {
                value.clone()
            })
        } else {
            Lazy::opaque(self.0.clone())
        }
    }
}
