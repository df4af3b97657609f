//! Evaluating a fused region: one pass over its inputs, chunk by chunk, chunks in parallel
//! on rayon, every step of the region per chunk in scratch buffers that stay in the cache,
//! and one result array, written into the buffer of an input the region received as its
//! only owner when there is one. A region that ends in a reduction writes no array: each
//! chunk's last step goes to a buffer of one chunk, which the reduction reads.

use std::sync::Arc;

use ndarray::{Array, Dimension, Ix0, Ix1, Ix2, Ix3, Ix4, Ix5, Ix6, IxDyn};
use rayon::prelude::*;

use super::chunk::{Elem, Src};
use super::{Dims, Dtype, ElemOp, Operand, Program};
use crate::stats;

type Value = Arc<dyn std::any::Any + Send + Sync>;

/// Elements per chunk: 4096 (32 KiB of `f64`), the unit a thread takes and a reduction
/// adds up (so it decides a float sum's bits; see `chunk.rs`).
const CHUNK: usize = 4096;

/// Elements per block within a chunk: every step runs over one block before the next block
/// begins, so the blocks the steps read and write (4 KiB of `f64` each) stay in the level-1
/// cache; the chunk stays the unit of threads and of reductions, whose order of additions
/// it fixes. A multiple of 64, the block of the vectorised `tanh`.
const BLOCK: usize = 512;

/// Below this many elements a region runs on the calling thread: handing chunks to other
/// threads costs more than it saves.
const PARALLEL: usize = 4 * CHUNK;

/// Runs `program` over `inputs` (one value per program input, in order), arrays of
/// `dtype` and `dims`. The inputs come back, untouched, when the region cannot run fused:
/// an input of an unexpected type, arrays of different shapes, or an array that is not
/// contiguous in standard order; the caller then runs the region's operations one by one.
///
/// `offered` is a buffer lent for the result (see `offer.rs`): the pass writes into it and
/// takes it when it is an array of the result's type and shape in standard order that
/// nobody else holds; otherwise it is left where it is.
pub(crate) fn evaluate(
    program: &Program,
    dtype: Dtype,
    dims: Dims,
    inputs: Vec<Value>,
    offered: &mut Option<Value>,
) -> Result<Value, Vec<Value>> {
    macro_rules! dims {
        ($t:ty) => {
            match dims.0 {
                0 => typed::<$t, Ix0>(program, inputs, offered),
                1 => typed::<$t, Ix1>(program, inputs, offered),
                2 => typed::<$t, Ix2>(program, inputs, offered),
                3 => typed::<$t, Ix3>(program, inputs, offered),
                4 => typed::<$t, Ix4>(program, inputs, offered),
                5 => typed::<$t, Ix5>(program, inputs, offered),
                6 => typed::<$t, Ix6>(program, inputs, offered),
                _ => typed::<$t, IxDyn>(program, inputs, offered),
            }
        };
    }
    match dtype {
        Dtype::Bool => dims!(bool),
        Dtype::U8 => dims!(u8),
        Dtype::I32 => dims!(i32),
        Dtype::I64 => dims!(i64),
        Dtype::F32 => dims!(f32),
        Dtype::F64 => dims!(f64),
    }
}

fn typed<T: Elem, D: Dimension + 'static>(
    program: &Program,
    inputs: Vec<Value>,
    offered: &mut Option<Value>,
) -> Result<Value, Vec<Value>> {
    let Some(shape) = check::<T, D>(program, &inputs) else {
        return Err(inputs);
    };
    if let Some(op) = program.reduction() {
        return reduce::<T, D>(program, op, shape.size(), inputs);
    }
    let lent = offered.take_if(|v| {
        Arc::strong_count(v) == 1
            && v.downcast_ref::<Array<T, D>>()
                .is_some_and(|a| a.raw_dim() == shape && a.is_standard_layout())
    });
    // An array input nobody else holds dies with the region: its buffer takes the result
    // (unless the caller lent one).
    let reuse = program
        .inputs()
        .iter()
        .zip(&inputs)
        .position(|(kind, v)| *kind == Operand::Array && Arc::strong_count(v) == 1)
        .filter(|_| lent.is_none());
    let mut inputs: Vec<Option<Value>> = inputs.into_iter().map(Some).collect();
    let taken = match (lent, reuse) {
        (Some(lent), _) => {
            stats::buffer_lent();
            Some(lent)
        }
        (None, Some(at)) => {
            stats::buffer_reused();
            inputs[at].take()
        }
        (None, None) => None,
    };
    let mut out: Array<T, D> = if let Some(taken) = taken {
        let array = taken.downcast::<Array<T, D>>().expect("checked");
        Arc::try_unwrap(array).unwrap_or_else(|shared| (*shared).clone())
    } else {
        stats::buffer_allocated();
        // Zeroed memory comes from the allocator without a pass over it; a large buffer is
        // backed by huge pages before the pass first writes it.
        let len = shape.size();
        let mut buffer = vec![T::default(); len];
        crate::pages::advise_huge_pages(&mut buffer);
        Array::from_shape_vec(shape, buffer).expect("size matches")
    };
    let parts: Vec<Part<'_, T>> = inputs
        .iter()
        .map(|v| match v {
            None => Part::Output,
            Some(v) => {
                if let Some(a) = v.downcast_ref::<Array<T, D>>() {
                    Part::Slice(a.as_slice().expect("checked"))
                } else {
                    Part::Scalar(*v.downcast_ref::<T>().expect("checked"))
                }
            }
        })
        .collect();
    let result = out.as_slice_mut().expect("standard layout");
    stats::fused_pass();
    if result.len() < PARALLEL {
        let mut scratch = program.scratch::<T>(CHUNK);
        let mut saved = Vec::new();
        for (c, chunk) in result.chunks_mut(CHUNK).enumerate() {
            run_chunk(program, &parts, c, chunk, &mut scratch, &mut saved);
        }
    } else {
        result.par_chunks_mut(CHUNK).enumerate().for_each_init(
            || (program.scratch::<T>(CHUNK), Vec::new()),
            |(scratch, saved), (c, chunk)| run_chunk(program, &parts, c, chunk, scratch, saved),
        );
    }
    drop(parts);
    drop(inputs);
    Ok(Arc::new(out))
}

/// The region's reduction `op` over its `len` elements, without writing them: per chunk,
/// the steps into one chunk's buffer and that buffer's partial reduction; then the
/// partials combined in chunk order (see `chunk.rs` for the order of additions).
fn reduce<T: Elem, D: Dimension + 'static>(
    program: &Program,
    op: ElemOp,
    len: usize,
    inputs: Vec<Value>,
) -> Result<Value, Vec<Value>> {
    let count = if op == ElemOp::Mean && len > 0 {
        match T::count(len) {
            Some(count) => Some(count),
            // ndarray's `mean` panics with its own message: let the node's function say it.
            None => return Err(inputs),
        }
    } else {
        None
    };
    let parts = parts::<T, D>(&inputs);
    stats::fused_pass();
    let partial = |c: usize, scratch: &mut [Vec<T>], buffer: &mut Vec<T>| {
        let chunk = &mut buffer[..CHUNK.min(len - c * CHUNK)];
        run_chunk(program, &parts, c, chunk, scratch, &mut Vec::new());
        T::reduce(op, chunk)
    };
    let chunks = len.div_ceil(CHUNK);
    let partials: Vec<Option<T>> = if len < PARALLEL {
        let (mut scratch, mut buffer) = (program.scratch::<T>(CHUNK), vec![T::default(); CHUNK]);
        (0..chunks)
            .map(|c| partial(c, &mut scratch, &mut buffer))
            .collect()
    } else {
        (0..chunks)
            .into_par_iter()
            .map_init(
                || (program.scratch::<T>(CHUNK), vec![T::default(); CHUNK]),
                |(scratch, buffer), c| partial(c, scratch, buffer),
            )
            .collect()
    };
    // In chunk order, on this thread: the same result for any number of threads.
    let total = if chunks == 0 {
        T::reduce(op, &[])
    } else {
        partials
            .into_iter()
            .flatten()
            .reduce(|earlier, later| T::combine(op, earlier, later))
    };
    // A fold: its start, then the elements' reduction (the same bits as folding element
    // by element: `f64::max` and `f64::min` are associative, NaN and signed zeros included).
    let start = program.start().map(|i| match parts[i] {
        Part::Scalar(start) => start,
        _ => unreachable!("lazy: bug: a fold starts from a scalar"),
    });
    drop(parts);
    drop(inputs);
    if let Some(start) = start {
        let folded = total.map_or(start, |total| T::combine(op, start, total));
        return Ok(Arc::new(folded));
    }
    Ok(match op {
        ElemOp::Sum | ElemOp::Product => Arc::new(total.expect("a sum or product")) as Value,
        ElemOp::Mean => Arc::new(count.map(|n| {
            let mut mean = [T::default()];
            let sum = total.expect("a sum");
            T::binary(ElemOp::Div, Src::Scalar(sum), Src::Scalar(n), &mut mean);
            mean[0]
        })),
        _ => Arc::new(total),
    })
}

/// The inputs' parts for the pass, when no input's buffer takes the result.
fn parts<T: Elem, D: Dimension + 'static>(inputs: &[Value]) -> Vec<Part<'_, T>> {
    inputs
        .iter()
        .map(|v| {
            if let Some(a) = v.downcast_ref::<Array<T, D>>() {
                Part::Slice(a.as_slice().expect("checked"))
            } else {
                Part::Scalar(*v.downcast_ref::<T>().expect("checked"))
            }
        })
        .collect()
}

/// An input's part in the pass.
enum Part<'a, T> {
    Slice(&'a [T]),
    Scalar(T),
    /// The input whose buffer takes the result: each chunk reads it before overwriting it.
    Output,
}

fn run_chunk<T: Elem>(
    program: &Program,
    parts: &[Part<'_, T>],
    c: usize,
    chunk: &mut [T],
    scratch: &mut [Vec<T>],
    saved: &mut Vec<T>,
) {
    if parts.iter().any(|p| matches!(p, Part::Output)) {
        saved.clear();
        saved.extend_from_slice(chunk);
    }
    let mut srcs: Vec<Src<'_, T>> = Vec::with_capacity(parts.len());
    for (b, block) in chunk.chunks_mut(BLOCK).enumerate() {
        let at = b * BLOCK;
        let range = c * CHUNK + at..c * CHUNK + at + block.len();
        srcs.clear();
        srcs.extend(parts.iter().map(|p| match p {
            Part::Slice(s) => Src::Slice(&s[range.clone()]),
            Part::Scalar(x) => Src::Scalar(*x),
            Part::Output => Src::Slice(&saved[at..at + block.len()]),
        }));
        program.run_chunk(&srcs, scratch, block);
    }
}

/// The common shape of the array inputs, if every input has the type the program expects
/// and every array is contiguous in standard order with that shape.
fn check<T: Elem, D: Dimension + 'static>(program: &Program, inputs: &[Value]) -> Option<D> {
    let mut shape: Option<D> = None;
    if inputs.len() != program.inputs().len() {
        return None;
    }
    for (kind, v) in program.inputs().iter().zip(inputs) {
        match kind {
            Operand::Array => {
                let a = v.downcast_ref::<Array<T, D>>()?;
                a.as_slice()?;
                match &shape {
                    Some(s) if s.slice() != a.shape() => return None,
                    Some(_) => {}
                    None => shape = Some(a.raw_dim()),
                }
            }
            Operand::Scalar => {
                v.downcast_ref::<T>()?;
            }
            Operand::Function => return None,
        }
    }
    shape
}
