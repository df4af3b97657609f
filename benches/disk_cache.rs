//! Store and load throughput of the disk cache.
fn main() {}
