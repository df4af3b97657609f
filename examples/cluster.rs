//! The same program on several processes. Try it on this machine with
//! `cargo run --example cluster -- --local 3`, which starts three processes of this
//! program on free loopback ports; on several hosts, start `cluster -n 3 -p INDEX -h hosts`
//! on each (see docs/cluster.md). Every process builds the same graph; each of the 24
//! squares runs on one process, and the sum is printed by process 0.

use std::time::Duration;

use lazy::cluster::{execute_from_args, launch_local};
use lazy::{Lazy, lazy};

#[lazy]
fn slow_square(x: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(20));
    x * x
}

#[lazy]
fn add(a: u64, b: u64) -> u64 {
    a + b
}

fn sum_of_squares(n: u64) -> Lazy<u64> {
    let mut level: Vec<Lazy<u64>> = (0..n).map(slow_square).collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => add(a, b),
                [a] => a.clone(),
                _ => unreachable!("chunks of two"),
            })
            .collect();
    }
    level.pop().expect("one value")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--local") {
        let processes: usize = args
            .get(at + 1)
            .and_then(|n| n.parse().ok())
            .expect("--local takes a number of processes");
        let cluster = launch_local(processes, &[], |_, _| {}).expect("the processes start");
        let statuses = cluster.wait(Duration::from_mins(1));
        println!("exit statuses: {statuses:?}");
        return;
    }
    let outcome = execute_from_args(args, |cluster| {
        let total = sum_of_squares(24);
        let started = std::time::Instant::now();
        let value = cluster.strict(&total);
        if cluster.index() == 0 {
            println!(
                "sum of squares below 24 = {value}, on {} processes in {:?}",
                cluster.peers(),
                started.elapsed()
            );
        }
    });
    if let Err(error) = outcome {
        eprintln!("{error}");
        std::process::exit(1);
    }
}
