use lazy::lazy;

#[derive(Clone, PartialEq)]
struct Wrapper<T>(T);

#[lazy]
impl<T: Clone + Send + Sync + 'static> Wrapper<T> {
    fn get(self) -> T {
        self.0
    }
}

fn main() {}
