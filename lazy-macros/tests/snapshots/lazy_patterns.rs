// Source:
//
// #[lazy]
// fn area((w, h): (f64, f64), mut scale: f64) -> f64 {
//     scale *= 2.0;
//     w * h * scale
// }
//
// Expansion:
fn area(
    __lazy_0: impl ::lazy::IntoLazy<(f64, f64)>,
    scale: impl ::lazy::IntoLazy<f64>,
) -> ::lazy::Lazy<f64> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{CutoffByEq as _, NoCutoff as _};
    #[doc(hidden)]
    fn __lazy_body((w, h): (f64, f64), mut scale: f64) -> f64 {
        scale *= 2.0;
        w * h * scale
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body),
            ::lazy::__private::Code {
                tokens: "b1c527efdc51e9711e370128493022bb56174d6883de0b7427a82726c0c0e22e",
                krate: ::core::option_env!("CARGO_PKG_NAME"),
                version: ::core::option_env!("CARGO_PKG_VERSION"),
            },
        ),
        (::lazy::IntoLazy::into_lazy(__lazy_0), ::lazy::IntoLazy::into_lazy(scale)),
        |(__lazy_0, scale)| __lazy_body(__lazy_0, scale),
        (&::lazy::__private::Probe::<f64>::new()).cutoff(),
    )
}
