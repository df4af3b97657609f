//! The lazy prototype's example: two squares, a multiply and an add, each taking 100 ms.
//!
//! Forcing `c = mul(a, b)` runs the two squares in parallel and then the multiply (about
//! 0.2 s, not 0.3 s); `add` does not run. Forcing `d = add(a, b)` then runs only `add`
//! (about 0.1 s): the squares were kept for it. The graph is printed as DOT before and after
//! each force, coloured by state (white pending, green ready, blue released).

#![allow(
    clippy::many_single_char_names,
    reason = "the names of the prototype's example"
)]

use std::time::{Duration, Instant};

use lazy::{lazy, strict};

fn pause() {
    std::thread::sleep(Duration::from_millis(100));
}

#[lazy]
fn square(x: i64) -> i64 {
    pause();
    x * x
}

#[lazy]
fn mul(x: i64, y: i64) -> i64 {
    pause();
    x * y
}

#[lazy]
fn add(x: i64, y: i64) -> i64 {
    pause();
    x + y
}

fn main() {
    let a = square(2); // nothing runs
    let b = square(3);
    let c = mul(&a, &b);
    let d = add(a, b);
    let both = lazy::graph(&(&c, &d));
    println!(
        "graph before any strict: {} nodes, {} edges",
        both.node_count(),
        both.edge_count()
    );
    println!("{}", both.to_dot());

    let start = Instant::now();
    let value = strict(&c);
    println!(
        "strict(c) = {value} in {:.3} s (the squares ran in parallel; add did not run)",
        start.elapsed().as_secs_f64()
    );
    println!("{}", lazy::graph(&(&c, &d)).to_dot());

    let start = Instant::now();
    let value = strict(&d);
    println!(
        "strict(d) = {value} in {:.3} s (only add ran: the squares were kept)",
        start.elapsed().as_secs_f64()
    );
    let after = lazy::graph(&(&c, &d));
    println!("{}", after.to_dot());

    println!("task timings (slowest first):");
    for (name, key, took) in after.timings() {
        println!(
            "  {:>8.1} ms  {name} ({})",
            took.as_secs_f64() * 1e3,
            key.short()
        );
    }
    println!("\ntask dictionary:\n{}", after.task_dict());

    // Calling again with the same arguments folds onto the existing node: no new work.
    let again = mul(square(2), square(3));
    assert_eq!(again.key(), c.key());
    let start = Instant::now();
    println!(
        "mul(square(2), square(3)) = {} in {:.6} s (folded onto c, already computed)",
        strict(&again),
        start.elapsed().as_secs_f64()
    );
}
