//! A fused region as a small program: its inputs (arrays, or scalars broadcast over them)
//! and its steps, one element-wise operation each, in the order the graph computes them.
//! It runs chunk by chunk: every step over one chunk, in scratch buffers that stay in the
//! cache, the last step into the result. A program may end in a reduction of its last
//! step: then the last step writes a chunk buffer, which the reduction reads.

use super::chunk::{Elem, Src};
use super::{ElemOp, Kernel, Operand};

/// Where a step's operand comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The region's `n`th input.
    Input(usize),
    /// The result of the `n`th step.
    Step(usize),
}

#[derive(Clone, Copy, Debug)]
struct Step {
    op: ElemOp,
    /// For a unary operation the second operand is unused.
    args: [Source; 2],
    binary: bool,
    /// The scratch buffer the step writes (unused for the last step, which writes the
    /// result).
    slot: usize,
}

/// Invariants: a step reads only inputs and earlier steps; no step writes the slot of an
/// operand it reads; the last step is the region's result, or what its reduction reduces.
#[derive(Clone, Debug, Default)]
pub(crate) struct Program {
    inputs: Vec<Operand>,
    steps: Vec<Step>,
    slots: usize,
    reduction: Option<ElemOp>,
    /// The scalar input a fold starts from.
    start: Option<usize>,
}

impl Program {
    /// Adds an input of the region (each external value once).
    pub(crate) fn add_input(&mut self, kind: Operand) -> Source {
        self.inputs.push(kind);
        Source::Input(self.inputs.len() - 1)
    }

    pub(crate) fn inputs(&self) -> &[Operand] {
        &self.inputs
    }

    /// Adds a step computing `kernel` over `args` (one per operand of the kernel).
    pub(crate) fn add_step(&mut self, kernel: Kernel, args: &[Source]) -> Source {
        let binary = kernel.arity() == 2;
        let step = Step {
            op: kernel.op,
            args: [args[0], if binary { args[1] } else { args[0] }],
            binary,
            slot: 0,
        };
        self.steps.push(step);
        Source::Step(self.steps.len() - 1)
    }

    /// Ends the program with the reduction `op` (a kernel's operation that
    /// [reduces](ElemOp::reduces)) of `arg`, which must be its last step, starting from the
    /// scalar input `start` for a fold. Returns whether it was: a reduction of an input, or
    /// of an earlier step, is not a fused pass.
    pub(crate) fn add_reduction(&mut self, op: ElemOp, arg: Source, start: Option<Source>) -> bool {
        debug_assert!(op.reduces());
        let last = self.steps.len().checked_sub(1);
        let start = match start {
            None => None,
            Some(Source::Input(i)) if self.inputs[i] == Operand::Scalar => Some(i),
            Some(_) => return false,
        };
        let ok = self.reduction.is_none() && last.is_some() && Some(arg) == last.map(Source::Step);
        if ok {
            self.reduction = Some(op);
            self.start = start;
        }
        ok
    }

    /// The scalar input the reduction starts from, for a fold.
    pub(crate) fn start(&self) -> Option<usize> {
        self.start
    }

    /// The reduction the program ends in, if any.
    pub(crate) fn reduction(&self) -> Option<ElemOp> {
        self.reduction
    }

    /// Assigns scratch buffers: a step's buffer is reused once its last reader has run, so
    /// a long chain needs two buffers, not one per step.
    pub(crate) fn allocate(&mut self) {
        let n = self.steps.len();
        let mut last_use = vec![0usize; n];
        for (k, step) in self.steps.iter().enumerate() {
            for arg in &step.args[..=usize::from(step.binary)] {
                if let Source::Step(j) = *arg {
                    last_use[j] = k;
                }
            }
        }
        let mut free: Vec<usize> = Vec::new();
        let mut slots = 0;
        for k in 0..n.saturating_sub(1) {
            let slot = free.pop().unwrap_or_else(|| {
                slots += 1;
                slots - 1
            });
            self.steps[k].slot = slot;
            // Operands whose last reader is this step free their buffers after it.
            let step = self.steps[k];
            for arg in &step.args[..=usize::from(step.binary)] {
                if let Source::Step(j) = *arg
                    && last_use[j] == k
                    && !free.contains(&self.steps[j].slot)
                {
                    free.push(self.steps[j].slot);
                }
            }
        }
        self.slots = slots;
    }

    /// Scratch buffers for one thread, for chunks of up to `len` elements.
    pub(crate) fn scratch<T: Elem>(&self, len: usize) -> Vec<Vec<T>> {
        (0..self.slots).map(|_| vec![T::default(); len]).collect()
    }

    /// Runs every step over one chunk: `inputs` are the inputs' parts for this chunk, and
    /// the result goes to `out`.
    pub(crate) fn run_chunk<T: Elem>(
        &self,
        inputs: &[Src<'_, T>],
        scratch: &mut [Vec<T>],
        out: &mut [T],
    ) {
        let len = out.len();
        let last = self.steps.len() - 1;
        for (k, step) in self.steps.iter().enumerate() {
            let mut target = if k == last {
                Vec::new()
            } else {
                std::mem::take(&mut scratch[step.slot])
            };
            {
                let operand = |source: Source| match source {
                    Source::Input(i) => inputs[i],
                    Source::Step(j) => Src::Slice(&scratch[self.steps[j].slot][..len]),
                };
                let dest: &mut [T] = if k == last { out } else { &mut target[..len] };
                if step.binary {
                    T::binary(step.op, operand(step.args[0]), operand(step.args[1]), dest);
                } else {
                    match operand(step.args[0]) {
                        Src::Slice(a) => T::unary(step.op, a, dest),
                        Src::Scalar(s) => T::unary(step.op, &vec![s; len], dest),
                    }
                }
            }
            if k != last {
                scratch[step.slot] = target;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::math::tanh_f64;
    use super::super::{Dims, Dtype, ElemOp, Kernel, Operand};
    use super::{Program, Src};

    fn kernel(op: ElemOp, binary: bool) -> Kernel {
        Kernel {
            op,
            operands: [Some(Operand::Array), binary.then_some(Operand::Array), None],
            dtype: Dtype::F64,
            dims: Dims(1),
        }
    }

    #[test]
    fn a_reduction_ends_only_after_the_last_step() {
        let mut p = Program::default();
        let x = p.add_input(Operand::Array);
        assert!(
            !p.add_reduction(ElemOp::Sum, x, None),
            "a reduction of an input alone"
        );
        let y = p.add_step(kernel(ElemOp::Exp, false), &[x]);
        let z = p.add_step(kernel(ElemOp::Mul, true), &[y, x]);
        assert!(!p.add_reduction(ElemOp::Sum, y, None), "not the last step");
        assert!(p.add_reduction(ElemOp::Sum, z, None));
        assert!(!p.add_reduction(ElemOp::Max, z, None), "one reduction");
        assert_eq!(p.reduction(), Some(ElemOp::Sum));
    }

    #[test]
    fn a_long_chain_needs_two_buffers_and_computes_like_the_loop() {
        let mut p = Program::default();
        let x = p.add_input(Operand::Array);
        let mut v = x;
        for _ in 0..20 {
            v = p.add_step(kernel(ElemOp::Tanh, false), &[v]);
        }
        let _ = p.add_step(kernel(ElemOp::Add, true), &[v, x]);
        p.allocate();
        assert_eq!(p.slots, 2);
        let input: Vec<f64> = (0..100).map(|i| f64::from(i) / 10.0).collect();
        let mut scratch = p.scratch::<f64>(100);
        let mut out = vec![0.0; 100];
        p.run_chunk(&[Src::Slice(&input)], &mut scratch, &mut out);
        for (o, &x) in out.iter().zip(&input) {
            let mut y = x;
            for _ in 0..20 {
                y = tanh_f64(y);
            }
            assert_eq!(o.to_bits(), (y + x).to_bits());
        }
    }
}
