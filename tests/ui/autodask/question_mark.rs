use lazy::autodask;

#[autodask(inline)]
fn parsed(s: String) -> Result<i64, std::num::ParseIntError> {
    Ok(s.parse::<i64>()? + 1)
}

fn main() {}
