use lazy::lazy;

#[derive(Clone)]
struct Meters(f64);

impl Meters {
    #[lazy]
    fn double(self: Box<Self>) -> f64 {
        self.0 * 2.0
    }
}

fn main() {}
