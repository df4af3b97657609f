// Source:
//
// #[lazy(cache(auto, salt = "v2"))]
// /// Loads, once per program version.
// pub fn load(n: u64) -> Vec<f64> {
//     (0..n).map(|i| i as f64).collect()
// }
//
// Expansion:
/// Loads, once per program version.
pub fn load(n: impl ::lazy::IntoLazy<u64>) -> ::lazy::Lazy<Vec<f64>> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{CutoffByEq as _, NoCutoff as _};
    #[doc(hidden)]
    fn __lazy_body(n: u64) -> Vec<f64> {
        (0..n).map(|i| i as f64).collect()
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(
                ::core::any::type_name_of_val(&__lazy_body),
                ::lazy::__private::Code {
                    tokens: "5108a38ea55cb977d14a01332d492d7aeea8c5cdb811b0110c65f8d3f198670d",
                    krate: ::core::option_env!("CARGO_PKG_NAME"),
                    version: ::core::option_env!("CARGO_PKG_VERSION"),
                },
            )
            .persisted::<Vec<f64>>(::lazy::__private::Persistence::Auto),
        (::lazy::IntoLazy::into_lazy(n),),
        |(n,)| __lazy_body(n),
        (&::lazy::__private::Probe::<Vec<f64>>::new()).cutoff(),
    )
}
