use lazy::comp;

fn main() {
    let x = 1;
    let _ = comp![x | x > 0];
}
