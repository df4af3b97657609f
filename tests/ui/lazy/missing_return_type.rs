use lazy::lazy;

#[lazy]
fn shout(message: String) {
    println!("{message}!");
}

fn main() {}
