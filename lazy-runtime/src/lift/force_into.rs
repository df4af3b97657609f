//! `force_into`: a lazy array computed into the caller's buffer (numpy's `out=`).

use std::sync::Arc;

use ndarray::{Array, Dimension};

use crate::elementwise::offer;
use crate::error::Error;
use crate::lazy::{Lazy, Value, take};
use crate::names;

impl<T: Value + Clone, D: Dimension + 'static> Lazy<Array<T, D>> {
    /// Computes the array into `out`, which must have its shape: a fused pass that
    /// computes it (`docs/arrays.md`) writes straight into `out`'s buffer, and no buffer of
    /// the result's size is allocated; a value computed otherwise, or kept already, is
    /// copied into it. Numpy's `force(f, out=g)`.
    ///
    /// When the [memo store](crate::memo) keeps the value the pass wrote (values
    /// expensive for their size), the store keeps that buffer and `out` receives a copy.
    ///
    /// # Panics
    ///
    /// If the force fails (as [`strict`](crate::strict) does), or if `out`'s shape is not
    /// the result's, naming both shapes.
    ///
    /// # Examples
    ///
    /// ```
    /// use lazy_runtime::Lazy;
    /// use ndarray::Array1;
    ///
    /// let (a, b) = (Lazy::new(Array1::from(vec![1.0, 2.0])), Lazy::new(Array1::from(vec![3.0, 4.0])));
    /// let sum = &(&a + &b) * &b;
    /// let mut out = Array1::zeros(2);
    /// let lent = lazy_runtime::inspect::stats().buffers_lent;
    /// sum.force_into(&mut out);
    /// assert_eq!(out, Array1::from(vec![12.0, 24.0]));
    /// assert_eq!(lazy_runtime::inspect::stats().buffers_lent, lent + 1, "the pass wrote into it");
    /// ```
    pub fn force_into(self, out: &mut Array<T, D>) {
        if let Err(error) = self.try_force_into(out) {
            panic!("{error}");
        }
    }

    /// [`force_into`](Lazy::force_into), returning a failed force's error instead of
    /// panicking; `out` is left as it was then.
    ///
    /// # Errors
    ///
    /// The error of the task that failed.
    ///
    /// # Panics
    ///
    /// If `out`'s shape is not the result's, naming both shapes.
    pub fn try_force_into(self, out: &mut Array<T, D>) -> Result<(), Error> {
        let key = self.key();
        let name = self.node().name();
        let lent = out.is_standard_layout() && !out.is_empty();
        if lent {
            let empty = Array::from_shape_vec(D::zeros(out.ndim()), Vec::new())
                .expect("an empty array of any dimension");
            offer::offer(key, Arc::new(std::mem::replace(out, empty)));
        }
        let result = crate::try_strict(self);
        // A buffer no pass took comes back; one a pass took is the result's.
        let given_back = if lent { offer::take(&key) } else { None };
        let written = lent && given_back.is_none();
        if let Some(buffer) = given_back {
            *out = take(buffer);
        }
        let value = result?;
        if written {
            *out = value;
            return Ok(());
        }
        assert!(
            out.shape() == value.shape(),
            "force_into: `{}` computes an array of shape {:?}, and `out` has shape {:?}",
            names::compact(name),
            value.shape(),
            out.shape()
        );
        out.assign(&value);
        Ok(())
    }
}
