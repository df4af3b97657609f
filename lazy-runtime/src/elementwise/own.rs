//! The element-wise methods whose scalar function is the runtime's own rather than the
//! standard library's: `.tanh()` of owned `f32` and `f64` arrays applies `math.rs`'s
//! vectorisable `tanh`. The operation's own function (run unfused, in eager mode, or for
//! a region the pass cannot take) computes it too, so fused and unfused results keep the
//! same bits.

use std::any::Any;

use ndarray::{Array, Ix0, Ix1, Ix2, Ix3, Ix4, Ix5, Ix6, IxDyn};

use super::{ElemOp, Kernel, math};

/// Whether the operation of `kernel` runs [`apply_own`] instead of the method it was
/// written as.
pub(crate) fn has_own_function(kernel: Kernel) -> bool {
    kernel.op == ElemOp::Tanh
}

/// `kernel`'s operation applied, in place, to the array in `values = (array,)`, returned as
/// `R`; `values` back if the types are not those of such a call.
pub(crate) fn apply_own<V: 'static, R: 'static>(kernel: Kernel, values: V) -> Result<R, V> {
    let mut input = Some(values);
    let mut output: Option<R> = None;
    macro_rules! each {
        ($t:ty, $f:path, $in_place:path; $($d:ty)*) => {$(
            if let (Some(slot), Some(out)) = (
                (&mut input as &mut dyn Any).downcast_mut::<Option<(Array<$t, $d>,)>>(),
                (&mut output as &mut dyn Any).downcast_mut::<Option<Array<$t, $d>>>(),
            ) {
                let (mut array,) = slot.take().expect("lazy: bug: an input taken twice");
                match array.as_slice_memory_order_mut() {
                    Some(elements) => $in_place(elements),
                    None => array.mapv_inplace($f),
                }
                *out = Some(array);
            }
        )*};
    }
    if kernel.op == ElemOp::Tanh {
        each!(f64, math::tanh_f64, math::tanh_in_place_f64; Ix0 Ix1 Ix2 Ix3 Ix4 Ix5 Ix6 IxDyn);
        each!(f32, math::tanh_f32, math::tanh_in_place_f32; Ix0 Ix1 Ix2 Ix3 Ix4 Ix5 Ix6 IxDyn);
    }
    match (output, input) {
        (Some(result), _) => Ok(result),
        (None, Some(values)) => Err(values),
        (None, None) => unreachable!("lazy: bug: an input taken without a result"),
    }
}
