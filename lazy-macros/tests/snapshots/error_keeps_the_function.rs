::core::compile_error! {
    "unknown argument `inlne` to #[autodask]; did you mean `inline`?"
}
fn f(a: i64) -> i64 {
    a
}
