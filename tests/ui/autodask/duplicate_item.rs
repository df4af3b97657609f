use lazy::autodask;

// Both `helper`s would be `duplicate_item::split::helper`: their calls could not be told apart.
#[autodask(inline)]
fn split(x: i64) -> i64 {
    let low = {
        fn helper(x: i64) -> i64 {
            x % 10
        }
        helper(x)
    };
    let high = {
        fn helper(x: i64) -> i64 {
            x / 10
        }
        helper(x)
    };
    low + high
}

fn main() {}
