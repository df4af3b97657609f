//! Batches: values requested from many places are forced as one plan.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::scheduling::{Plan, Scheduler, Sequential, with_scheduler};
use lazy::{Lazy, batch, lazy};

#[derive(Debug, Default)]
struct CountingScheduler(AtomicUsize);

impl Scheduler for CountingScheduler {
    fn run(&self, plan: &Plan<'_>) {
        self.0.fetch_add(1, Ordering::SeqCst);
        Sequential.run(plan);
    }
}

#[lazy]
fn tanh_all(x: Vec<f64>) -> Vec<f64> {
    x.into_iter().map(f64::tanh).collect()
}

#[lazy]
fn sum(x: Vec<f64>) -> f64 {
    x.iter().sum()
}

fn runs<T>(x: &Lazy<T>) -> u32 {
    x.graph().nodes().last().expect("the value's node").runs
}

#[test]
fn a_batch_is_one_plan_and_runs_shared_work_once() {
    let scheduler = Arc::new(CountingScheduler::default());
    let data: Vec<f64> = (0..1000).map(|i| f64::from(i) / 100.0).collect();
    let mut steps = vec![tanh_all(data)];
    for _ in 0..9 {
        let next = tanh_all(steps.last().unwrap());
        steps.push(next);
    }
    let sums: Vec<Lazy<f64>> = steps.iter().map(sum).collect();
    let placeholders = with_scheduler(scheduler.clone(), || {
        batch(|b| sums.iter().map(|s| b.request(s)).collect::<Vec<_>>())
    });
    assert_eq!(
        scheduler.0.load(Ordering::SeqCst),
        1,
        "one plan, one scheduler call"
    );
    assert!(
        steps.iter().all(|s| runs(s) == 1),
        "each shared step ran once"
    );
    let values: Vec<f64> = placeholders.iter().map(lazy::Placeholder::get).collect();
    let mut eager: Vec<f64> = (0..1000).map(|i| f64::from(i) / 100.0).collect();
    for (i, v) in values.iter().enumerate() {
        eager = eager.into_iter().map(f64::tanh).collect();
        assert_eq!(v.to_bits(), eager.iter().sum::<f64>().to_bits(), "step {i}");
    }
}
