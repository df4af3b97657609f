//! Which process runs each task of a force. Every process computes the same answer from
//! the plan alone (its tasks in order and their edges), never from anything it measured:
//! a task goes with one of its inputs, to save sending that value, unless that process
//! has clearly more tasks than the least loaded one, which then takes it.

/// How many more tasks than the least loaded process a process may be given so that a
/// task stays with its input.
const SLACK: usize = 1;

/// The owner of each task, given each task's inputs among the tasks (tasks are numbered
/// after their inputs).
pub(super) fn place(inputs: &[Vec<u32>], peers: usize) -> Vec<u32> {
    let mut load = vec![0usize; peers];
    let mut owners: Vec<u32> = Vec::with_capacity(inputs.len());
    for task_inputs in inputs {
        let least = least_loaded(&load);
        let near = task_inputs
            .iter()
            .map(|&i| owners[i as usize] as usize)
            .min_by_key(|&p| (load[p], p));
        let owner = match near {
            Some(p) if load[p] <= load[least] + SLACK => p,
            _ => least,
        };
        load[owner] += 1;
        owners.push(u32::try_from(owner).expect("fewer than 2^32 processes"));
    }
    owners
}

fn least_loaded(load: &[usize]) -> usize {
    (0..load.len())
        .min_by_key(|&p| (load[p], p))
        .expect("at least one process")
}

#[cfg(test)]
mod tests {
    use super::place;

    #[test]
    fn independent_tasks_spread_and_chains_stay_together() {
        let independent = vec![Vec::new(); 6];
        assert_eq!(place(&independent, 3), [0, 1, 2, 0, 1, 2]);
        let chain: Vec<Vec<u32>> = (0..4)
            .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
            .collect();
        assert_eq!(
            place(&chain, 2),
            [0, 0, 1, 1],
            "a chain moves only when unbalanced"
        );
        assert_eq!(place(&chain, 1), [0, 0, 0, 0]);
    }

    #[test]
    fn a_fan_out_is_shared_out() {
        let mut fan = vec![vec![]];
        fan.extend((0..6).map(|_| vec![0]));
        let owners = place(&fan, 3);
        for p in 0..3 {
            assert!(owners.iter().filter(|&&o| o == p).count() >= 2);
        }
    }
}
