use lazy::comp;

fn main() {
    let _ = comp![x <- 1..3];
}
