//! The tasks below some nodes that need to run, in dependency order, with their readers:
//! what a plan is made of, once for the requested values and once more for each branch a
//! conditional adds while the plan runs.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use super::marks::{Marks, READY, VISITING};
use crate::error::Error;
use crate::graph::{Erased, Node, Status};

/// A task of a [`Plan`](super::Plan), by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskId(pub(super) u32);

impl TaskId {
    /// The task's number in its plan: below `plan.len()`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

pub(super) struct Task<'a> {
    pub(super) node: &'a Arc<Node>,
    /// Whether the plan holds a claim on each of the task's strict inputs, not yet used:
    /// the values the task will read are kept for it, whatever other plans do meanwhile.
    pub(super) claims: AtomicBool,
    /// Inputs of this task, among these tasks, that have not completed yet.
    waiting: AtomicU32,
    /// Set for tasks whose value was requested.
    pub(super) is_root: bool,
    /// Whether the task computes its node (rather than waiting for another thread that
    /// does).
    pub(super) reads_inputs: bool,
    pub(super) result: OnceLock<Result<Erased, Error>>,
}

/// What a node is in the tasks being collected, recorded in the node's `mark`.
#[derive(Clone, Copy)]
enum Slot {
    /// Entered, its inputs not all visited yet.
    Visiting,
    /// Computed already: not a task.
    Ready,
    Task(u32),
}

/// A requested value, as the tasks were collected.
pub(super) enum Root<'a> {
    Value(Erased),
    Node(&'a Arc<Node>),
    Task(u32),
}

/// Tasks numbered from 0, each after its inputs. Invariant: the readers of task `i` among
/// them are `dependents[starts[i]..starts[i + 1]]` (one array for all, instead of a vector
/// per task), and a task's `waiting` counts its inputs among them that have not run.
pub(super) struct Tasks<'a> {
    pub(super) list: Vec<Task<'a>>,
    starts: Vec<u32>,
    dependents: Vec<u32>,
    /// The tasks whose inputs are all computed.
    pub(super) initial: Vec<TaskId>,
    /// What each task is in a fused region of element-wise operations (see `fuse.rs`);
    /// empty when no task is in one.
    pub(super) roles: Vec<Role>,
}

/// What a task is in a fused region of element-wise array operations.
#[derive(Debug)]
pub(super) enum Role {
    /// Not in a region: it runs as a task.
    Plain,
    /// Computed inside its region's pass: running it only reports its readers ready.
    Absorbed,
    /// The region's result: running it runs the region's pass over these tasks, in
    /// dependency order, itself last.
    Head(Box<[u32]>),
}

impl<'a> Tasks<'a> {
    /// Collects the tasks below `roots` that need to run, and what each root is. Nodes that
    /// are ready are not entered; nodes that another thread is computing (or a suspended
    /// conditional) become tasks without inputs, which wait for it (or resume it).
    pub(super) fn collect(roots: &'a [Arc<Node>]) -> (Tasks<'a>, Vec<Root<'a>>) {
        let mut marks = Marks::new();
        let mut tasks = Tasks {
            list: Vec::new(),
            starts: Vec::new(),
            dependents: Vec::new(),
            initial: Vec::new(),
            roles: Vec::new(),
        };
        let mut found = Vec::new();
        // (input task, reader task), gathered while tasks are added, sorted by input below.
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let mut stack: Vec<(&'a Arc<Node>, bool)> = Vec::new();
        for root in roots {
            let (st, gave_up_claims) = root.lock_restored();
            if st.is_fresh() {
                found.push(Root::Value(st.fresh_value()));
                drop(st);
                if gave_up_claims {
                    root.release_input_claims();
                }
            } else {
                drop(st);
                found.push(Root::Node(root));
                stack.push((root, false));
            }
        }
        while let Some((node, exit)) = stack.pop() {
            if exit {
                let id = tasks.add(&marks, node, true, &mut edges);
                marks.set(node, id);
                continue;
            }
            if tasks.slot(&marks, node).is_some() {
                continue;
            }
            let (mut st, gave_up_claims) = node.lock_restored();
            match st.status() {
                _ if st.is_fresh() => {
                    drop(st);
                    if gave_up_claims {
                        node.release_input_claims();
                    }
                    marks.set(node, READY);
                }
                Status::Running | Status::Suspended => {
                    drop(st);
                    // Computed elsewhere right now: a task without inputs that waits for it.
                    let id = tasks.add(&marks, node, false, &mut edges);
                    marks.set(node, id);
                }
                Status::Ready | Status::Pending | Status::Failed => {
                    // The plan takes its own claims on the inputs: it adopts those the node
                    // took when it was built, or adds new ones. A claim that belonged to
                    // the node, or to another plan, could be used up by another plan that
                    // runs the task first, and the inputs released while this plan still
                    // counts on them.
                    let adopted = st.take_claims();
                    drop(st);
                    if !adopted {
                        for input in node.strict() {
                            input.add_keep();
                        }
                    }
                    marks.set(node, VISITING);
                    stack.push((node, true));
                    stack.extend(node.strict().iter().rev().map(|input| (input, false)));
                }
            }
        }
        tasks.index_dependents(&edges);
        for root in &mut found {
            if let Root::Node(node) = *root
                && let Some(Slot::Task(id)) = tasks.slot(&marks, node)
            {
                tasks.list[id as usize].is_root = true;
                *root = Root::Task(id);
            }
        }
        (tasks, found)
    }

    /// What `node` is among these tasks, or `None` if they have not visited it.
    ///
    /// A mark is a hint, never trusted blindly: a plan that began while this one was being
    /// built may overwrite it before it sees this one registered, and plan ids wrap around
    /// after 2^32 plans. A task slot is checked against the task itself; a node wrongly
    /// taken for unvisited becomes a second task for the same node, which finds the value
    /// ready when it runs; and an input wrongly taken for ready or visiting is not waited
    /// for, so its reader computes (or waits for) it when it runs. Each costs time, never a
    /// wrong value.
    fn slot(&self, marks: &Marks, node: &Node) -> Option<Slot> {
        match marks.get(node)? {
            VISITING => Some(Slot::Visiting),
            READY => Some(Slot::Ready),
            id => self
                .list
                .get(id as usize)
                .is_some_and(|t| std::ptr::eq(Arc::as_ptr(t.node), node))
                .then_some(Slot::Task(id)),
        }
    }

    /// Adds `node` as a task, after its inputs. With `reads_inputs`, the task waits for
    /// those of its inputs that are tasks here; a task for a node that another thread is
    /// computing only waits for that thread.
    fn add(
        &mut self,
        marks: &Marks,
        node: &'a Arc<Node>,
        reads_inputs: bool,
        edges: &mut Vec<(u32, u32)>,
    ) -> u32 {
        let id = u32::try_from(self.list.len())
            .ok()
            .filter(|&id| id < READY)
            .expect("lazy: a plan holds fewer than 2^32 - 2 tasks");
        let mut waiting = 0;
        if reads_inputs {
            for input in node.strict() {
                // A visiting input would be a cycle, which hash-consing cannot build; a
                // mark overwritten by another plan reads as one (see `slot`), and is not
                // waited for.
                if let Some(Slot::Task(dep)) = self.slot(marks, input) {
                    edges.push((dep, id));
                    waiting += 1;
                }
            }
        }
        if waiting == 0 {
            self.initial.push(TaskId(id));
        }
        self.list.push(Task {
            node,
            claims: AtomicBool::new(reads_inputs),
            waiting: AtomicU32::new(waiting),
            is_root: false,
            reads_inputs,
            result: OnceLock::new(),
        });
        id
    }

    /// Sorts the edges by input task (a counting sort, keeping their order) into `starts`
    /// and `dependents`.
    fn index_dependents(&mut self, edges: &[(u32, u32)]) {
        let mut starts = vec![0u32; self.list.len() + 1];
        for &(input, _) in edges {
            starts[input as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut dependents = vec![0u32; edges.len()];
        for &(input, reader) in edges {
            let at = &mut next[input as usize];
            dependents[*at as usize] = reader;
            *at += 1;
        }
        self.starts = starts;
        self.dependents = dependents;
    }

    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// The readers of task `i` among these tasks (a reader reading it twice is listed
    /// twice).
    pub(super) fn readers(&self, i: usize) -> &[u32] {
        &self.dependents[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// What task `i` is in a fused region.
    pub(super) fn role(&self, i: usize) -> &Role {
        self.roles.get(i).unwrap_or(&Role::Plain)
    }

    /// Task `i` has completed: pushes its readers whose last waiting input it was, as
    /// tasks numbered from `offset`.
    #[inline]
    pub(super) fn complete(&self, i: usize, offset: u32, ready: &mut Vec<TaskId>) {
        let (from, to) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        for &dep in &self.dependents[from..to] {
            if self.list[dep as usize]
                .waiting
                .fetch_sub(1, Ordering::AcqRel)
                == 1
            {
                ready.push(TaskId(offset + dep));
            }
        }
    }
}

/// Tasks that never ran (a scheduler that gave up) give back the plan's claims.
impl Drop for Tasks<'_> {
    fn drop(&mut self) {
        for t in &self.list {
            if t.claims.swap(false, Ordering::AcqRel) {
                t.node.release_input_claims();
            }
        }
    }
}
