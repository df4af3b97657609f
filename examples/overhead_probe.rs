use lazy::__private::{Op, task};
use lazy::{Lazy, Parallel, Sequential, strict, with_scheduler};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let n = 1_000_000;
    for round in 0..2 {
        let t = Instant::now();
        let mut x = Lazy::new(0_u64);
        for _ in 0..n {
            x = task(Op::function("inc"), (x,), |(x,): (u64,)| x + 1);
        }
        let build = t.elapsed();
        let t = Instant::now();
        let v = if round == 0 {
            with_scheduler(Arc::new(Sequential), || strict(&x))
        } else {
            with_scheduler(Arc::new(Parallel::new()), || strict(&x))
        };
        let run = t.elapsed();
        let t = Instant::now();
        drop(x);
        let dropt = t.elapsed();
        println!(
            "chain {n}: build {:.0} ns/node, run {:.0} ns/task, drop {:.0} ns/node (v={v})",
            build.as_nanos() as f64 / n as f64,
            run.as_nanos() as f64 / n as f64,
            dropt.as_nanos() as f64 / n as f64
        );
    }
    // folding: 1M calls over 1000 distinct
    let leaves: Vec<Lazy<u64>> = (0..1000).map(Lazy::new).collect();
    let t = Instant::now();
    let mut keep = Vec::new();
    for i in 0..n {
        keep.push(task(
            Op::function("sq"),
            (leaves[i % 1000].clone(),),
            |(x,): (u64,)| x * x,
        ));
    }
    println!(
        "fold: {:.0} ns/call",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    // fan-in tree
    let t = Instant::now();
    let mut level: Vec<Lazy<u64>> = (0..n as u64).map(|i| Lazy::new(i)).collect();
    let leaves_t = t.elapsed();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|p| {
                if p.len() == 2 {
                    task(
                        Op::function("add"),
                        (p[0].clone(), p[1].clone()),
                        |(a, b): (u64, u64)| a + b,
                    )
                } else {
                    p[0].clone()
                }
            })
            .collect();
    }
    let build = t.elapsed();
    let t = Instant::now();
    let v = strict(&level[0]);
    println!(
        "tree: leaves {:.0} ns, build {:.0} ns/node, run par {:.0} ns/task v={v}",
        leaves_t.as_nanos() as f64 / n as f64,
        build.as_nanos() as f64 / n as f64,
        t.elapsed().as_nanos() as f64 / n as f64
    );
}
