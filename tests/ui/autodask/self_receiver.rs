use lazy::autodask;

#[derive(Clone)]
struct Meters(f64);

impl Meters {
    #[autodask(inline)]
    fn double(self) -> f64 {
        self.0 * 2.0
    }
}

fn main() {}
