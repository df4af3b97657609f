use lazy::autodask;

// Assigning to a local bound outside a lazy `if` from one of its branches would change it
// only when that branch is taken, which is not known when the graph is built.
#[autodask(inline)]
fn bump(c: bool, x: i64) -> i64 {
    let mut y = x;
    let z = if c {
        y += 1;
        y
    } else {
        y
    };
    z + y
}

fn main() {}
