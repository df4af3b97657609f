//! Lazy streams at work: the slides' `Sum Xs 0 15000000` in constant memory, a lazy
//! buffer that keeps a slow producer ahead of its consumer, and lazy file reading.
//!
//! Run with `cargo run --release --example streams`.

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use lazy::stream::{self, Stream};

fn generate(n: u64) -> Stream<u64> {
    stream::lazy(move || stream::cons(n, generate(n + 1)))
}

fn main() -> std::io::Result<()> {
    // Sum Xs 0 15000000: the consumer never holds the head, so cells are freed as it goes.
    let start = Instant::now();
    let sum: u64 = stream::from(0_u64).take(15_000_000).sum();
    let elapsed = start.elapsed();
    println!(
        "sum of the first 15,000,000 naturals: {sum} in {elapsed:.2?} ({:.1} ns/element)",
        elapsed.as_secs_f64() * 1e9 / 15e6
    );
    let start = Instant::now();
    let sum: u64 = generate(0).take(15_000_000).sum();
    let elapsed = start.elapsed();
    println!("same with a `lazy(|| cons(n, generate(n + 1)))` producer: {sum} in {elapsed:.2?}");

    // Dropping a fully evaluated 10,000,000-cell stream unlinks it in a loop.
    let start = Instant::now();
    let evaluated: Stream<u32> = (0..10_000_000).collect();
    drop(evaluated);
    println!(
        "built and dropped a 10,000,000-cell evaluated stream in {:.2?}",
        start.elapsed()
    );

    // A producer that takes 2 ms per element and a consumer that takes 2 ms per element:
    // unbuffered they alternate (about 4 ms per element); with a buffer of 8 they overlap.
    let slow = || {
        stream::from(0_u32).map(|x| {
            thread::sleep(Duration::from_millis(2));
            *x
        })
    };
    for (label, input) in [("unbuffered", slow()), ("buffer(8)", slow().buffer(8))] {
        let start = Instant::now();
        let total: u32 = input
            .take(100)
            .into_iter()
            .inspect(|_| thread::sleep(Duration::from_millis(2)))
            .sum();
        println!(
            "{label}: 100 slow elements, sum {total}, in {:.2?}",
            start.elapsed()
        );
    }

    // Lazy file reading: write a 42 MB file, then read only its first three lines.
    let path = std::env::temp_dir().join("lazy-streams-example.txt");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for i in 0..2_000_000 {
            writeln!(file, "line number {i:>8}")?;
        }
    }
    let start = Instant::now();
    let lines = stream::read_lines(&path);
    for line in lines.take(3) {
        println!("read lazily: {}", line.map_err(std::io::Error::other)?);
    }
    println!(
        "first three lines of a 42 MB file in {:.2?}",
        start.elapsed()
    );
    let start = Instant::now();
    let count = stream::read_lines(&path).into_iter().count();
    println!(
        "all {count} lines, one block at a time, in {:.2?}",
        start.elapsed()
    );
    std::fs::remove_file(&path)?;
    Ok(())
}
