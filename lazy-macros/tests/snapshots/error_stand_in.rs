// Source:
//
// #[autodask(inlne)]
// fn f(a: i64) -> i64 {
//     a
// }
//
// Expansion:
::core::compile_error! {
    "unknown argument `inlne` to #[autodask]; did you mean `inline`?"
}
fn f(_: impl ::lazy::IntoLazy<i64>) -> ::lazy::Lazy<i64> {
    ::core::unreachable!(
        "`f` was rejected at compile time; this stand-in only lets its callers type-check"
    )
}
