use lazy::lazy;

#[lazy]
fn show(x: impl std::fmt::Display + Clone + Send + Sync + 'static) -> String {
    x.to_string()
}

fn main() {}
