//! Arithmetic for ndarray arrays that saves a pass or an allocation over the generic
//! by-value path:
//! - `x op x` on an array that only this task holds (both operands are one input, `t + t`
//!   in daisy's `g`) is computed in place: no new 8 MB result, whose fresh pages cost more
//!   than the arithmetic;
//! - an array still shared (a leaf, or a node another task will read too) takes `&a + &b`,
//!   which writes the result in one pass, where the by-value path would first copy `a`.
//!
//! Operations with other operand types, or on an input this task owns alone, give their
//! inputs back and take the generic path.

use std::sync::Arc;

use ndarray::{Array, Ix1, Ix2, IxDyn};

use crate::elementwise::{Kernel, Operand, shape_of};
use crate::graph::Erased;

/// Panics with a message naming the operator, both shapes and the inlined function that
/// wrote the operation (`site`, if one did) if `a` and `b`, arrays of an element-wise
/// `kernel`, have shapes that neither match nor broadcast: ndarray's own message would come
/// under a task named by the full operator type.
pub(super) fn check_shapes(
    kernel: Option<&Kernel>,
    site: Option<&'static str>,
    a: &Erased,
    b: &Erased,
) {
    let Some(kernel) = kernel.filter(|k| k.operands[..2] == [Some(Operand::Array); 2]) else {
        return;
    };
    let (Some(x), Some(y)) = (shape_of(&**a), shape_of(&**b)) else {
        return;
    };
    if broadcast(&x, &y) {
        return;
    }
    let within = site.map_or_else(String::new, |f| format!(" in `{f}`"));
    panic!(
        "shape mismatch{within}: `a {} b` with a of shape {x:?} and b of shape {y:?} \
         (element-wise operations need equal shapes, or shapes that broadcast)",
        kernel.op.symbol()
    );
}

/// Whether ndarray broadcasts shapes `x` and `y` together: aligned at the last axis, each
/// pair of lengths is equal or one of them is 1.
fn broadcast(x: &[usize], y: &[usize]) -> bool {
    x.iter()
        .rev()
        .zip(y.iter().rev())
        .all(|(&m, &n)| m == n || m == 1 || n == 1)
}

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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ndarray::Array1;

    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    /// Elements of the arrays: 800 KB, large enough that `strict` moves a fast result out
    /// rather than keeping it in the memo store and returning a copy.
    const N: i64 = 100_000;

    /// An array computed by a task, which records where its buffer is in `at`. Not kept
    /// by the memo store: a kept value is shared with the store, so its reader could not
    /// take its buffer.
    fn counted(name: &'static str, at: &'static AtomicUsize) -> Lazy<Array1<i64>> {
        task(
            Op::function(name).memo(crate::task::Memo::Never),
            (Lazy::new(N),),
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
        assert_eq!(r, Array1::from_iter((0..N).map(|x| x + x)));
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
        assert_eq!(strict(&r), Array1::<i64>::zeros(100_000));
        assert_eq!(strict(&t), Array1::from_iter(0..N));
        assert_ne!(strict(&r).as_ptr() as usize, AT.load(Ordering::SeqCst));
    }
}
