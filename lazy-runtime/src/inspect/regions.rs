//! The fused regions of a graph's picture (`docs/arrays.md`): the regions the last force
//! ran as one pass each, and the regions a force of the graph's values would form now.

use super::{Fusion, Graph, NodeState};
use crate::exec::{Candidate, regions};

/// A fused region of element-wise array operations: computed in one chunked pass, with only
/// its head's value materialised.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Region {
    /// The position in [`Graph::nodes`] of the node whose value the pass materialises.
    pub head: usize,
    /// The positions of every node of the region, inputs first and the head last.
    pub members: Vec<usize>,
    /// Whether the region ran already (its members other than the head were computed inside
    /// the pass and stay pending), or is what forcing the graph's values would run.
    pub ran: bool,
}

impl Graph {
    /// The graph's fused regions: those that ran as one pass (their other members were
    /// never materialised and stay pending), then those a force of the graph's values would
    /// run now, grouped as a plan groups them: element-wise operations not yet computed,
    /// each absorbed into the region of its readers when they all are in one region and its
    /// value was not asked for. A region has at least two operations.
    #[must_use]
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The position in [`regions`](Graph::regions) of the region each node is in, if any.
    pub(crate) fn region_of(&self) -> Vec<Option<usize>> {
        membership(&self.regions, self.nodes.len())
    }

    /// Finds the regions (see [`regions`](Graph::regions)) once the nodes and edges are
    /// known; `roots` are the positions of the values the graph was taken for.
    pub(super) fn find_regions(&mut self, roots: &[usize]) {
        let mut readers: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for &(from, to) in &self.edges {
            readers[from].push(to);
        }
        let mut found = self.regions_that_ran(&readers);
        let taken = membership(&found, self.nodes.len());
        found.extend(
            self.regions_to_run(&readers, roots)
                .into_iter()
                .filter(|r| r.members.iter().all(|&m| taken[m].is_none())),
        );
        self.regions = found;
    }

    /// Nodes computed inside a pass belong to the region of their readers: walking from
    /// readers to inputs, each such node joins the region of a reader that is in one.
    fn regions_that_ran(&self, readers: &[Vec<usize>]) -> Vec<Region> {
        let n = self.nodes.len();
        let mut head: Vec<Option<usize>> = vec![None; n];
        for i in (0..n).rev() {
            if !self.nodes[i].fused {
                continue;
            }
            head[i] = readers[i].iter().find_map(|&r| {
                if self.nodes[r].fused {
                    head[r]
                } else {
                    (self.nodes[r].fusion != Fusion::None && self.nodes[r].runs > 0).then_some(r)
                }
            });
        }
        collect(&head, true)
    }

    /// The regions a force of `roots` would form: its tasks are the nodes not computed yet
    /// that the roots reach through nodes not computed yet.
    fn regions_to_run(&self, readers: &[Vec<usize>], roots: &[usize]) -> Vec<Region> {
        let n = self.nodes.len();
        let computed = |i: usize| {
            self.nodes[i].is_leaf
                || matches!(self.nodes[i].state, NodeState::Ready | NodeState::Failed)
        };
        let mut planned = vec![false; n];
        let mut inputs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(from, to) in &self.edges {
            inputs[to].push(from);
        }
        let mut stack: Vec<usize> = roots.iter().copied().filter(|&r| !computed(r)).collect();
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut planned[i], true) {
                stack.extend(inputs[i].iter().copied().filter(|&j| !computed(j)));
            }
        }
        // The plan's tasks, in graph order (inputs first), and their readers among them.
        let tasks: Vec<usize> = (0..n).filter(|&i| planned[i]).collect();
        let mut position = vec![u32::MAX; n];
        for (p, &i) in tasks.iter().enumerate() {
            position[i] = u32::try_from(p).expect("fewer than 2^32 nodes");
        }
        let task_readers: Vec<Vec<u32>> = tasks
            .iter()
            .map(|&i| {
                let mut rs: Vec<u32> = readers[i]
                    .iter()
                    .map(|&r| position[r])
                    .filter(|&p| p != u32::MAX)
                    .collect();
                rs.dedup();
                rs
            })
            .collect();
        let candidates: Vec<Candidate> = tasks
            .iter()
            .map(|&i| Candidate {
                fusable: self.nodes[i].fusion != Fusion::None,
                reduces: self.nodes[i].fusion == Fusion::Reduces,
                requested: roots.contains(&i),
            })
            .collect();
        let heads = regions(&candidates, |p| &task_readers[p]);
        let mut head: Vec<Option<usize>> = vec![None; n];
        for (p, h) in heads.iter().enumerate() {
            head[tasks[p]] = h.map(|h| tasks[h as usize]);
        }
        collect(&head, false)
    }
}

/// The position in `regions` of the region each of `n` nodes is in, if any.
fn membership(regions: &[Region], n: usize) -> Vec<Option<usize>> {
    let mut of = vec![None; n];
    for (k, region) in regions.iter().enumerate() {
        for &m in &region.members {
            of[m] = Some(k);
        }
    }
    of
}

/// Regions from each node's head (`None` outside a region; a head names itself, or, for
/// regions that ran, is named only by its members).
fn collect(head: &[Option<usize>], ran: bool) -> Vec<Region> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); head.len()];
    for (i, h) in head.iter().enumerate() {
        if let Some(h) = *h
            && h != i
        {
            members[h].push(i);
        }
    }
    members
        .into_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(h, mut m)| {
            m.push(h);
            Region {
                head: h,
                members: m,
                ran,
            }
        })
        .collect()
}
