use lazy::comp;

fn main() {
    let _ = comp![x | x <- 0..3_u8, x + 1];
}
