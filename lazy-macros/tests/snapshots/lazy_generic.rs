// Source:
//
// #[lazy]
// fn square<T: ::core::ops::Mul<Output = T> + Copy>(x: T) -> T {
//     x * x
// }
//
// Expansion:
fn square<T: ::core::ops::Mul<Output = T> + Copy + ::lazy::__private::Value>(
    x: impl ::lazy::IntoLazy<T>,
) -> ::lazy::Lazy<T> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{CutoffByEq as _, NoCutoff as _};
    #[doc(hidden)]
    fn __lazy_body<T: ::core::ops::Mul<Output = T> + Copy>(x: T) -> T {
        x * x
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body::<T>),
            ::lazy::__private::Code {
                tokens: "a47663c65adc214b138fc1a8bdd3613136e0ead8a873ec54f40afab2c8c1b986",
                krate: ::core::option_env!("CARGO_PKG_NAME"),
                version: ::core::option_env!("CARGO_PKG_VERSION"),
            },
        ),
        (::lazy::IntoLazy::into_lazy(x),),
        |(x,)| __lazy_body::<T>(x),
        (&::lazy::__private::Probe::<T>::new()).cutoff(),
    )
}
