// Source:
//
// #[autodask]
// fn total(xs: Vec<i64>) -> i64 {
//     let mut sum = 0;
//     for x in xs {
//         sum += x;
//     }
//     sum
// }
//
// Expansion:
fn total(xs: impl ::lazy::IntoLazy<Vec<i64>>) -> ::lazy::Lazy<i64> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{CutoffByEq as _, NoCutoff as _};
    #[doc(hidden)]
    fn __lazy_body(xs: Vec<i64>) -> i64 {
        let mut sum = 0;
        for x in xs {
            sum += x;
        }
        sum
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body),
            ::lazy::__private::Code {
                tokens: "4eb65e718aced1f70e5a721adaa31aa01c7d6f40d24903f92758a6df92bdc8d5",
                krate: ::core::option_env!("CARGO_PKG_NAME"),
                version: ::core::option_env!("CARGO_PKG_VERSION"),
            },
        ),
        (::lazy::IntoLazy::into_lazy(xs),),
        |(xs,)| __lazy_body(xs),
        (&::lazy::__private::Probe::<i64>::new()).cutoff(),
    )
}
