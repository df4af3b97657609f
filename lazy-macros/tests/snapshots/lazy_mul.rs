// Source:
//
// #[lazy]
// /// Multiplies, lazily.
// pub fn mul(x: i64, y: i64) -> i64 {
//     x * y
// }
//
// Expansion:
/// Multiplies, lazily.
pub fn mul(
    x: impl ::lazy::IntoLazy<i64>,
    y: impl ::lazy::IntoLazy<i64>,
) -> ::lazy::Lazy<i64> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{CutoffByEq as _, NoCutoff as _};
    #[doc(hidden)]
    fn __lazy_body(x: i64, y: i64) -> i64 {
        x * y
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body),
            ::lazy::__private::Code {
                tokens: "877436a943dbcbf5cc1344fa2a20aa49a650090f2a1d8e4c73e183ea6447aba4",
                krate: ::core::option_env!("CARGO_PKG_NAME"),
                version: ::core::option_env!("CARGO_PKG_VERSION"),
            },
        ),
        (::lazy::IntoLazy::into_lazy(x), ::lazy::IntoLazy::into_lazy(y)),
        |(x, y)| __lazy_body(x, y),
        (&::lazy::__private::Probe::<i64>::new()).cutoff(),
    )
}
