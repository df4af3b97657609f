use lazy::lazy;

struct Meters(f64);

impl Meters {
    #[lazy]
    fn double(&self) -> f64 {
        self.0 * 2.0
    }
}

fn main() {}
