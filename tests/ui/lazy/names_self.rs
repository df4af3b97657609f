use lazy::lazy;

#[derive(Clone)]
struct Meters(f64);

impl Meters {
    #[lazy]
    fn new(x: f64) -> Self {
        Meters(x)
    }
}

fn main() {}
