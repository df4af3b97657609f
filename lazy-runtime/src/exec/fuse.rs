//! Fused regions: the element-wise array operations of a plan grouped into regions, each
//! computed in one chunked pass over its inputs when its result's task runs
//! (`docs/arrays.md`).
//!
//! A task is *absorbed* into a region when it is element-wise, computes its node in this
//! plan, was not requested, and every reader it has in the plan is in that one region:
//! its value is needed by nobody but the region, so it is computed per chunk inside the
//! pass and never materialised. Every other element-wise task is a region's *head*, whose
//! value is materialised. Regions are maximal in that sense: one materialised result each,
//! and every operation below it that nothing else in the plan reads.
//!
//! A reduction (`.sum()`, `.mean()`, ...) over an element-wise task is a region's head
//! and is never absorbed: its value is one number, complete only after the whole pass, so
//! a step that reads it cannot run in the same pass. The region it heads computes a
//! partial result per chunk, and the array it reduces is never materialised.
//!
//! Running an absorbed task does nothing but report its readers ready, so the head runs
//! after every input of the region has been computed. The head's run claims the head,
//! reads the region's inputs (giving back the plan's claims of every task of the region),
//! runs the pass, and stores the result in the head. Absorbed nodes stay pending: a later
//! force that needs one of them computes it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::run::{ForceNodes, InsideRun, Outcome};
use super::tasks::{Role, Tasks};
use crate::elementwise::{Kernel, Operand, Program, Source};
use crate::error::{Error, ErrorKind};
use crate::graph::{Begin, Erased, InputValues, Node, Read, TaskInput};
use crate::stats;

/// Groups the element-wise tasks of `tasks` into regions (see the module docs).
pub(super) fn assign(tasks: &mut Tasks<'_>) {
    let is_fusable = |t: &super::tasks::Task<'_>| {
        t.reads_inputs
            && t.node.op.kernel().is_some()
            && !t.node.is_volatile()
            && !t.node.has_executor()
    };
    // Most plans have no element-wise task: they pay one walk, and no allocation.
    if !tasks.list.iter().any(is_fusable) {
        return;
    }
    let candidates: Vec<Candidate> = tasks
        .list
        .iter()
        .map(|t| Candidate {
            fusable: is_fusable(t),
            reduces: t.node.op.kernel().is_some_and(|k| k.op.reduces()),
            requested: t.is_root,
        })
        .collect();
    let heads = regions(&candidates, |i| tasks.readers(i));
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); heads.len()];
    for (i, head) in heads.iter().enumerate() {
        if let Some(head) = head {
            members[*head as usize].push(index(i));
        }
    }
    tasks.roles = heads
        .iter()
        .enumerate()
        .map(|(i, head)| match head {
            Some(head) if *head as usize == i => {
                Role::Head(std::mem::take(&mut members[i]).into_boxed_slice())
            }
            Some(_) => Role::Absorbed,
            None => Role::Plain,
        })
        .collect();
}

/// What grouping needs to know of a task.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate {
    /// An element-wise operation this plan computes itself.
    pub(crate) fusable: bool,
    /// A reduction: the head of its region, never absorbed.
    pub(crate) reduces: bool,
    /// Its value was asked for, so it is materialised.
    pub(crate) requested: bool,
}

fn index(i: usize) -> u32 {
    u32::try_from(i).expect("a plan holds fewer than 2^32 tasks")
}

/// The region of each of `tasks` (inputs before their readers; `readers(i)` are the tasks
/// reading task `i`, after it): the position of its region's head, or `None` for a task
/// that is not in a region of two or more operations. Shared by plans and by the pictures of
/// a graph (`inspect`), so that a picture shows the regions a force forms.
pub(crate) fn regions<'r>(
    tasks: &[Candidate],
    readers: impl Fn(usize) -> &'r [u32],
) -> Vec<Option<u32>> {
    let n = tasks.len();
    // Readers come after their inputs: walking backwards, a task's readers have their
    // regions already.
    let mut region: Vec<Option<u32>> = vec![None; n];
    for i in (0..n).rev() {
        if !tasks[i].fusable {
            continue;
        }
        let readers = readers(i);
        let shared = readers
            .first()
            .and_then(|&r| region[r as usize])
            .filter(|&head| readers.iter().all(|&r| region[r as usize] == Some(head)));
        region[i] = match shared {
            Some(head) if !tasks[i].requested && !tasks[i].reduces => Some(head),
            _ => Some(index(i)),
        };
    }
    let mut size = vec![0_u32; n];
    for head in region.iter().flatten() {
        size[*head as usize] += 1;
    }
    // A region of one operation gains nothing from a pass of its own: the task's own
    // function (by reference, or in place) is as fast.
    region
        .into_iter()
        .map(|head| head.filter(|&h| size[h as usize] > 1))
        .collect()
}

/// The region's inputs as it reads them: each external node once, with its value.
struct Inputs<'n> {
    nodes: Vec<&'n Arc<Node>>,
    values: Vec<Option<Erased>>,
    missing: Vec<usize>,
    failure: Option<Error>,
}

/// Runs the region whose tasks are `members` (its head last): the head's task.
pub(super) fn run_region(tasks: &Tasks<'_>, members: &[u32], force: ForceNodes) -> Outcome {
    let head_task = &tasks.list[*members.last().expect("a region has a head") as usize];
    let head = head_task.node;
    let want = head_task.is_root;
    let claims: Vec<bool> = members
        .iter()
        .map(|&m| tasks.list[m as usize].claims.swap(false, Ordering::AcqRel))
        .collect();
    let nodes: Vec<&Arc<Node>> = members
        .iter()
        .map(|&m| tasks.list[m as usize].node)
        .collect();
    let give_back = || {
        for (node, &held) in nodes.iter().zip(&claims) {
            if held {
                node.release_input_claims();
            }
        }
    };
    let claim = match head.begin_run(want) {
        Begin::Claimed(claim) => claim,
        Begin::Fresh(value) => {
            give_back();
            return Outcome::Done(Ok(value));
        }
        Begin::Failed(error) => {
            give_back();
            return Outcome::Done(Err(error));
        }
        Begin::Suspended(_) => {
            give_back();
            let error = Error::new(
                head.name(),
                head.key,
                ErrorKind::Panicked(String::from("lazy: bug: an element-wise task suspended")),
            );
            head.finish(Err(error.clone()), Duration::ZERO);
            return Outcome::Done(Err(error));
        }
    };
    let _inside = InsideRun::enter();
    let mut consume = claims;
    let last = consume.len() - 1;
    if consume[last] && claim.own_claims {
        head.release_input_claims();
    }
    consume[last] |= claim.own_claims;
    let start = Instant::now();
    let result = read(&nodes, &consume, force).and_then(|inputs| compute(&nodes, inputs));
    let elapsed = start.elapsed();
    head.op.record_run(elapsed);
    head.count_run();
    let returned = match &result {
        Ok(value) => Ok(want.then(|| Arc::clone(value))),
        Err(error) => Err(error.clone()),
    };
    head.finish(result, elapsed);
    Outcome::Done(returned)
}

/// Reads the region's inputs, giving back the claims of the members that hold them
/// (`consume`), and computes the ones found missing.
fn read<'n>(
    nodes: &[&'n Arc<Node>],
    consume: &[bool],
    force: ForceNodes,
) -> Result<Inputs<'n>, Error> {
    let mut inputs = Inputs {
        nodes: Vec::new(),
        values: Vec::new(),
        missing: Vec::new(),
        failure: None,
    };
    for (node, &consume) in nodes.iter().zip(consume) {
        for input in node.strict() {
            if nodes.iter().any(|m| Arc::ptr_eq(m, input)) {
                if consume {
                    input.release_keep();
                }
                continue;
            }
            let seen = inputs.nodes.iter().position(|n| Arc::ptr_eq(n, input));
            if inputs.failure.is_some() {
                if consume {
                    input.release_keep();
                }
                continue;
            }
            match input.read(consume) {
                // A second read of one input only gives back a claim: the first one's value
                // is kept, so that the region holds one reference and may take the buffer.
                Read::Value(value, _) => {
                    if seen.is_none() {
                        inputs.nodes.push(input);
                        inputs.values.push(Some(value));
                    }
                }
                Read::Failed(error) => inputs.failure = Some(error),
                Read::Missing => {
                    if seen.is_none() {
                        inputs.missing.push(inputs.nodes.len());
                        inputs.nodes.push(input);
                        inputs.values.push(None);
                    }
                    if consume {
                        // Computed below, by this run; the claim is not needed for that.
                        input.release_keep();
                    }
                }
            }
        }
    }
    if let Some(error) = inputs.failure.take() {
        return Err(error);
    }
    if !inputs.missing.is_empty() {
        let missing: Vec<Arc<Node>> = inputs
            .missing
            .iter()
            .map(|&i| Arc::clone(inputs.nodes[i]))
            .collect();
        for (i, value) in inputs.missing.iter().zip(force(&missing)?) {
            inputs.values[*i] = Some(value);
        }
    }
    Ok(inputs)
}

/// Computes the region: in one fused pass, or operation by operation with the nodes' own
/// functions when the pass cannot run (inputs of other shapes or layouts).
fn compute(nodes: &[&Arc<Node>], inputs: Inputs<'_>) -> Result<Erased, Error> {
    let head = nodes[nodes.len() - 1];
    let Some((program, kernel, order)) = program(nodes, &inputs.nodes) else {
        return one_by_one(nodes, &inputs);
    };
    let values: Vec<Erased> = order
        .iter()
        .map(|&i| inputs.values[i].clone().expect("read"))
        .collect();
    let Inputs {
        values: read_copies,
        nodes: external,
        ..
    } = inputs;
    // The region holds each input once, in `values`: the copies read are let go.
    drop(read_copies);
    #[cfg(feature = "ndarray")]
    let evaluate = |values| {
        // A buffer lent for the head's value (`Lazy::force_into`), given back if unused.
        let mut offered = crate::elementwise::offer::take(&head.key);
        let result =
            crate::elementwise::evaluate(&program, kernel.dtype, kernel.dims, values, &mut offered);
        if let Some(buffer) = offered {
            crate::elementwise::offer::offer(head.key, buffer);
        }
        result
    };
    #[cfg(not(feature = "ndarray"))]
    let evaluate = |values: Vec<Erased>| {
        let _ = (&program, kernel);
        Err::<Erased, _>(values)
    };
    let fused = catch_unwind(AssertUnwindSafe(|| evaluate(values)));
    match fused {
        Ok(Ok(value)) => {
            for absorbed in &nodes[..nodes.len() - 1] {
                absorbed.mark_fused();
                stats::fused_operation();
            }
            Ok(value)
        }
        Ok(Err(values)) => {
            let mut inputs = Inputs {
                nodes: order.iter().map(|&i| external[i]).collect(),
                values: values.into_iter().map(Some).collect(),
                missing: Vec::new(),
                failure: None,
            };
            inputs.nodes.extend(
                external
                    .iter()
                    .copied()
                    .filter(|n| !order.iter().any(|&i| Arc::ptr_eq(external[i], n))),
            );
            inputs.values.resize(inputs.nodes.len(), None);
            one_by_one(nodes, &inputs)
        }
        Err(payload) => Err(Error::panicked(head.name(), head.key, &*payload)),
    }
}

/// The region's program, its kernel's types, and the order of its inputs (indices into
/// `external`), if every member's kernel has the head's types.
fn program(nodes: &[&Arc<Node>], external: &[&Arc<Node>]) -> Option<(Program, Kernel, Vec<usize>)> {
    let head = *nodes[nodes.len() - 1].op.kernel()?;
    let mut program = Program::default();
    let mut steps: Vec<Source> = Vec::with_capacity(nodes.len());
    let mut inputs: Vec<Option<Source>> = vec![None; external.len()];
    let mut order = Vec::new();
    for node in nodes {
        let kernel = node.op.kernel()?;
        if (kernel.dtype, kernel.dims) != (head.dtype, head.dims) {
            return None;
        }
        let mut args = Vec::with_capacity(2);
        for (j, input) in node.strict().iter().enumerate() {
            let operand = kernel.operands.get(j).copied().flatten()?;
            if operand == Operand::Function {
                // `f64::max` in a fold: its type named the operation; the pass reads nothing.
                continue;
            }
            if let Some(m) = nodes.iter().position(|m| Arc::ptr_eq(m, input)) {
                args.push(steps[m]);
                continue;
            }
            let e = external.iter().position(|n| Arc::ptr_eq(n, input))?;
            let source = if let Some(source) = inputs[e] {
                source
            } else {
                let source = program.add_input(operand);
                inputs[e] = Some(source);
                order.push(e);
                source
            };
            args.push(source);
        }
        if args.len() != kernel.arity() {
            return None;
        }
        if kernel.op.reduces() {
            // The head, reducing the step before it; anything else runs one by one.
            let is_head = Arc::ptr_eq(node, nodes[nodes.len() - 1]);
            if !is_head || !program.add_reduction(kernel.op, args[0], args.get(1).copied()) {
                return None;
            }
            continue;
        }
        if kernel.operands == [Some(Operand::Scalar), Some(Operand::Array), None]
            && kernel.op.commutes_in_ndarray()
        {
            // ndarray computes `s + a` as `a + s`, element first: the same bits only in
            // that order (two NaNs keep the first one's payload).
            args.swap(0, 1);
        }
        steps.push(program.add_step(*kernel, &args));
    }
    program.allocate();
    Some((program, head, order))
}

/// The region computed operation by operation, each node's own function on its inputs'
/// values: what running its tasks would give. A failure names the operation that failed.
fn one_by_one(nodes: &[&Arc<Node>], inputs: &Inputs<'_>) -> Result<Erased, Error> {
    let mut results: Vec<Erased> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let mut values = InputValues::default();
        for input in node.strict() {
            let value = if let Some(m) = nodes.iter().position(|m| Arc::ptr_eq(m, input)) {
                Arc::clone(&results[m])
            } else {
                let e = inputs
                    .nodes
                    .iter()
                    .position(|n| Arc::ptr_eq(n, input))
                    .expect("every input was read");
                inputs.values[e].clone().expect("read")
            };
            values.push(value);
        }
        let compute = node.compute.as_ref().expect("a region's node is a task");
        let value = catch_unwind(AssertUnwindSafe(|| {
            compute(TaskInput {
                values,
                deferred: node.deferred(),
            })
        }))
        .map_err(|payload| Error::panicked(node.name(), node.key, &*payload))?;
        results.push(value);
    }
    Ok(results.pop().expect("a region has a head"))
}
