//! Running one task: the steps every run takes, and the entry points that combine them for
//! a plan's tasks and for eager mode.
//!
//! A run (1) begins under the node's lock: a computed node is returned, a node another
//! thread runs is waited for, otherwise the run is claimed; (2) reads the strict inputs,
//! giving back the claims on them; (3) verifies a stale value whose inputs did not change,
//! or (4) calls the function with no lock held, timed, with panics caught; and (5) stores
//! the result and wakes the waiters.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{depth, quiet, record};
use crate::error::{Error, ErrorKind};
use crate::graph::{Begin, Claim, Erased, InputValues, Node, Read, TaskInput};
use crate::key::Key;

/// How a run computes the inputs it finds missing when it reads them (released or
/// invalidated since its plan was built): a force of those nodes, handed down by the layer
/// that plans (`exec::run_nodes`), so that running a task does not depend on planning one.
pub(crate) type ForceNodes = fn(&[Arc<Node>]) -> Result<Vec<Erased>, Error>;

thread_local! {
    /// How many runs this thread has claimed and not finished: runs nest when a task's
    /// missing inputs, or its conditional's branch, are computed inside its run.
    static CLAIMED: Cell<u32> = const { Cell::new(0) };
    /// The `CLAIMED` count of the run whose function may suspend (0 if none): a plan's
    /// task, its function called on this thread. A nested run sets its own.
    static MAY_SUSPEND: Cell<u32> = const { Cell::new(0) };
    /// The branch that function chose, if it suspended.
    static SUSPENDED: RefCell<Option<Arc<Node>>> = const { RefCell::new(None) };
}

/// For a conditional's function that chose `branch`: whether its run may end suspended
/// instead of forcing the branch here. If so, the run's plan adds the branch, the
/// conditional is resumed with its value once it is computed, and what the function
/// returns is dropped. Runs outside a plan (eager mode), and functions on an executor,
/// force their branch where they are.
pub(crate) fn suspend_on(branch: &Arc<Node>) -> bool {
    let depth = CLAIMED.with(Cell::get);
    if depth == 0 || MAY_SUSPEND.with(Cell::get) != depth {
        return false;
    }
    MAY_SUSPEND.with(|m| m.set(0));
    SUSPENDED.with(|s| *s.borrow_mut() = Some(Arc::clone(branch)));
    true
}

/// How a plan's task ended.
pub(crate) enum Outcome {
    /// Its value, if it was wanted, or its failure.
    Done(Result<Option<Erased>, Error>),
    /// A conditional chose this branch and is suspended until it is computed.
    Suspended(Arc<Node>),
}

/// The stack left below which a branch's force moves to a new stack segment, and the
/// segment's size: a level of recursion through a conditional takes a few kilobytes, and
/// rayon's workers have 2 MiB stacks.
const RED_ZONE: usize = 128 * 1024;
const SEGMENT: usize = 2 * 1024 * 1024;

/// Forces a conditional's `branch` here, nested in whatever this thread is doing: each
/// such force moves to a fresh stack segment when the stack runs low, and past
/// [`depth::max_depth`] of them on one thread it fails naming the conditional.
pub(crate) fn force_nested(
    conditional: &'static str,
    key: Key,
    branch: &Arc<Node>,
    force: ForceNodes,
) -> Result<Erased, Error> {
    let Some(_nested) = depth::Nested::enter() else {
        return Err(Error::new(
            conditional,
            key,
            ErrorKind::TooDeep(depth::max_depth()),
        ));
    };
    let values = stacker::maybe_grow(RED_ZONE, SEGMENT, || force(std::slice::from_ref(branch)))?;
    Ok(values.into_iter().next().expect("one value per root"))
}

/// Whether the calling thread is inside a run it claimed (a task's function, or the
/// reading of a task's inputs). A force from there must not wait for the pool: the
/// pool's workers may all be waiting for this very run.
pub(crate) fn inside_a_run() -> bool {
    CLAIMED.with(Cell::get) > 0
}

/// Counts a claimed run on this thread while it lives.
pub(super) struct InsideRun;

impl InsideRun {
    pub(super) fn enter() -> InsideRun {
        CLAIMED.with(|c| c.set(c.get() + 1));
        InsideRun
    }
}

impl Drop for InsideRun {
    fn drop(&mut self) {
        CLAIMED.with(|c| c.set(c.get() - 1));
    }
}

/// Runs a task of a plan and returns its value. `plan_claims` says whether the plan still
/// holds its claims on the task's inputs (a scheduler that runs a task twice used them the
/// first time).
pub(crate) fn run_requested(node: &Arc<Node>, plan_claims: bool, force: ForceNodes) -> Outcome {
    execute(node, plan_claims, true, force)
}

/// Runs a task of a plan whose value only other tasks read: it is not shared with the
/// plan, so that its last reader can take it by move.
pub(crate) fn run_unrequested(node: &Arc<Node>, plan_claims: bool, force: ForceNodes) -> Outcome {
    execute(node, plan_claims, false, force)
}

/// Runs a task now, on the calling thread, outside any plan (eager mode). Its panic unwinds
/// into the caller, after the node has been marked failed so that nobody waits for it.
pub(crate) fn run_eagerly(node: &Arc<Node>, force: ForceNodes) -> Result<(), Error> {
    let (claim, values, _inside) = match begin(node, false, false, force)? {
        Started::Done(_) => return Ok(()),
        Started::Claimed(claim, values, inside) => (claim, values, inside),
    };
    let Err(values) = verify(node, &claim, values) else {
        return Ok(());
    };
    let compute = node.compute.as_ref().expect("a pending node is a task");
    let guard = FailOnUnwind(node);
    let start = Instant::now();
    let value = compute(TaskInput {
        values,
        deferred: node.deferred(),
    });
    std::mem::forget(guard);
    node.count_run();
    node.finish(Ok(value), start.elapsed());
    Ok(())
}

/// Stores a result computed elsewhere (on another process) as the node's, the way a run
/// ends, without running the task: claims the run, gives back the claims on the inputs
/// (which are not read), and finishes. A node computed meanwhile keeps its own value.
pub(crate) fn complete_with(node: &Arc<Node>, plan_claims: bool, result: Result<Erased, Error>) {
    if plan_claims {
        node.release_input_claims();
    }
    match node.begin_run(false) {
        Begin::Claimed(claim) => {
            if claim.own_claims {
                node.release_input_claims();
            }
            node.finish(result, Duration::ZERO);
        }
        Begin::Suspended(_) => node.resume(result, Duration::ZERO),
        Begin::Fresh(_) | Begin::Failed(_) => {}
    }
}

fn execute(node: &Arc<Node>, plan_claims: bool, want: bool, force: ForceNodes) -> Outcome {
    let (claim, values, _inside) = match begin(node, plan_claims, want, force) {
        Ok(Started::Done(value)) => return Outcome::Done(Ok(value)),
        Ok(Started::Claimed(claim, values, inside)) => (claim, values, inside),
        Err(error) => return Outcome::Done(Err(error)),
    };
    let values = match verify(node, &claim, values) {
        Ok(value) => return Outcome::Done(Ok(want.then_some(value))),
        Err(values) => values,
    };
    let observing = record::flags();
    if observing != 0 {
        record::begin(observing, node.op);
    }
    let start = Instant::now();
    let outcome = call(node, values, claim.executor);
    let elapsed = start.elapsed();
    if observing != 0 {
        let value = outcome.as_ref().ok().map(|v| &**v);
        record::end(observing, node.op, &node.key, start, elapsed, value);
    }
    node.op.record_run(elapsed);
    node.count_run();
    let suspended = SUSPENDED.with(|s| s.borrow_mut().take());
    if let (Some(branch), Ok(_)) = (suspended, &outcome) {
        node.suspend(Arc::clone(&branch));
        return Outcome::Suspended(branch);
    }
    let result = outcome.map_err(|payload| Error::panicked(node.name(), node.key, &*payload));
    let returned = match &result {
        Ok(value) => Ok(want.then(|| Arc::clone(value))),
        Err(error) => Err(error.clone()),
    };
    node.finish(result, elapsed);
    Outcome::Done(returned)
}

/// Computes the branch of a conditional another run suspended, here, and resumes the
/// conditional with it: waiting for the plan that added the branch could wait for this
/// very thread.
fn resume_here(node: &Arc<Node>, branch: &Arc<Node>, force: ForceNodes) -> Result<Erased, Error> {
    let start = Instant::now();
    let result = force_nested(node.name(), node.key, branch, force);
    node.resume(result.clone(), start.elapsed());
    result
}

/// How a run began.
enum Started {
    /// Nothing to run: computed already, or by another thread meanwhile. The value, if
    /// wanted.
    Done(Option<Erased>),
    /// This thread runs it: the input values and the latest revision at which one changed,
    /// and the mark that this thread is inside the run until it is dropped.
    Claimed(Claim, (InputValues, u64), InsideRun),
}

/// Steps 1 and 2: claims the run and reads the inputs. An error if this thread is the one
/// computing the node, or if an input failed (then the node has failed too).
fn begin(
    node: &Arc<Node>,
    plan_claims: bool,
    want: bool,
    force: ForceNodes,
) -> Result<Started, Error> {
    let claim = match node.begin_run(want) {
        Begin::Fresh(value) => {
            if plan_claims {
                node.release_input_claims();
            }
            return Ok(Started::Done(value));
        }
        Begin::Failed(error) => {
            if plan_claims {
                node.release_input_claims();
            }
            return Err(error);
        }
        Begin::Suspended(branch) => {
            if plan_claims {
                node.release_input_claims();
            }
            let value = resume_here(node, &branch, force)?;
            return Ok(Started::Done(want.then_some(value)));
        }
        Begin::Claimed(claim) => claim,
    };
    let inside = InsideRun::enter();
    // Whoever held claims on the inputs (the plan, or the node itself outside a plan)
    // gives them back as the inputs are read; a second set is not needed.
    if plan_claims && claim.own_claims {
        node.release_input_claims();
    }
    match read_inputs(node, plan_claims || claim.own_claims, force) {
        Ok(values) => Ok(Started::Claimed(claim, values, inside)),
        Err(error) => {
            node.finish(Err(error.clone()), Duration::ZERO);
            Err(error)
        }
    }
}

/// Step 3: a stale node whose inputs have not changed since it was verified is right as
/// it is: its value. Otherwise the input values, for the task to run.
fn verify(
    node: &Node,
    claim: &Claim,
    (values, changed_at): (InputValues, u64),
) -> Result<Erased, InputValues> {
    match claim.verify_since {
        Some(verified_at) if changed_at <= verified_at => {
            drop(values);
            Ok(node.revalidate())
        }
        _ => Err(values),
    }
}

/// Step 4: the task's function, on its executor if it has one, with panics caught. An
/// executor that panics or does not run the job fails the task with an error naming it.
fn call(
    node: &Node,
    values: InputValues,
    executor: Option<Arc<dyn crate::graph::Executor>>,
) -> Result<Erased, Box<dyn Any + Send>> {
    let compute = node.compute.as_ref().expect("a pending node is a task");
    let run = |values| {
        quiet::caught(|| {
            catch_unwind(AssertUnwindSafe(|| {
                compute(TaskInput {
                    values,
                    deferred: node.deferred(),
                })
            }))
        })
    };
    let Some(executor) = executor else {
        // Called here, in the run this thread claimed: a conditional may suspend.
        let claimed = CLAIMED.with(Cell::get);
        let outer = MAY_SUSPEND.with(|m| m.replace(claimed));
        let outcome = run(values);
        MAY_SUSPEND.with(|m| m.set(outer));
        return outcome;
    };
    let mut values = Some(values);
    let mut outcome = None;
    let executed = catch_unwind(AssertUnwindSafe(|| {
        executor.execute(&mut || {
            if let Some(values) = values.take() {
                // The executor's thread is inside this run too.
                let _inside = InsideRun::enter();
                outcome = Some(run(values));
            }
        });
    }));
    match (executed, outcome) {
        (Ok(()), Some(outcome)) => outcome,
        (Ok(()), None) => Err(Box::new(format!(
            "the executor {executor:?} returned without running the task"
        ))),
        (Err(payload), _) => Err(Box::new(format!(
            "the executor {executor:?} panicked: {}",
            crate::error::panic_message(&*payload)
        ))),
    }
}

/// The values of a task's strict inputs, in order, and the latest revision at which one of
/// them changed; the first failure among them otherwise. With `consume`, the task's claims
/// on them are given back as they are read (all of them, also on failure).
fn read_inputs(node: &Node, consume: bool, force: ForceNodes) -> Result<(InputValues, u64), Error> {
    let mut values = InputValues::default();
    let mut failure = None;
    let mut inputs_changed_at = 0;
    // Inputs computed here, by position: see `force_missing`.
    let mut forced: Vec<(usize, Erased)> = Vec::new();
    for (i, input) in node.strict().iter().enumerate() {
        if failure.is_some() {
            if consume {
                input.release_keep();
            }
            continue;
        }
        let read = match input.read(consume) {
            Read::Value(v, changed_at) => Ok((v, changed_at)),
            Read::Failed(e) => Err(e),
            Read::Missing => {
                let value = match forced.iter().position(|&(j, _)| j == i) {
                    Some(at) => Ok(forced.swap_remove(at).1),
                    None => force_missing(node.strict(), i, force).map(|values| {
                        forced = values;
                        let at = forced.iter().position(|&(j, _)| j == i);
                        forced.swap_remove(at.expect("the first one forced")).1
                    }),
                };
                if consume {
                    input.release_keep();
                }
                value.map(|v| (v, input.changed_at()))
            }
        };
        match read {
            Ok((v, changed_at)) => {
                values.push(v);
                inputs_changed_at = inputs_changed_at.max(changed_at);
            }
            Err(e) => failure = Some(e),
        }
    }
    match failure {
        Some(error) => Err(error),
        None => Ok((values, inputs_changed_at)),
    }
}

/// Computes `inputs[from]` and every later input that is not computed either, in one plan,
/// and returns their values by position. Forcing them one at a time would compute what
/// they share once per input, and again below each of those: a lattice whose values were
/// released would take time exponential in its depth.
fn force_missing(
    inputs: &[Arc<Node>],
    from: usize,
    force: ForceNodes,
) -> Result<Vec<(usize, Erased)>, Error> {
    let missing: Vec<usize> = (from..inputs.len())
        .filter(|&j| j == from || inputs[j].lock().is_missing())
        .collect();
    let nodes: Vec<Arc<Node>> = missing.iter().map(|&j| Arc::clone(&inputs[j])).collect();
    let values = force(&nodes)?;
    Ok(missing.into_iter().zip(values).collect())
}

/// Marks a task failed if its function unwinds in eager mode, so that nobody waits for it.
struct FailOnUnwind<'a>(&'a Arc<Node>);

impl Drop for FailOnUnwind<'_> {
    fn drop(&mut self) {
        let error = Error::new(
            self.0.name(),
            self.0.key,
            ErrorKind::Panicked(String::from("panicked in eager mode")),
        );
        self.0.finish(Err(error), Duration::ZERO);
    }
}
