use lazy::lazy;

#[lazy]
struct Meters(f64);

fn main() {}
