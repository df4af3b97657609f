// Source:
//
// #[lazy]
// fn scaled<const N: usize>(mut self, k: f64) -> Self {
//     self.0 *= k * N as f64;
//     self
// }
//
// Expansion:
fn scaled<const N: usize>(self, k: impl ::lazy::IntoLazy<f64>) -> ::lazy::Lazy<Self> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{CutoffByEq as _, NoCutoff as _};
    #[doc(hidden)]
    fn __lazy_body<__LazySelf: ?::core::marker::Sized, const N: usize>() {}
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body::<Self, N>),
            ::lazy::__private::Code {
                tokens: "244203dff784a13dcf29fafb872988c879c6b5c85bad0f4d641d800c66af1ae3",
                krate: ::core::option_env!("CARGO_PKG_NAME"),
                version: ::core::option_env!("CARGO_PKG_VERSION"),
            },
        ),
        (::lazy::IntoLazy::into_lazy(self), ::lazy::IntoLazy::into_lazy(k)),
        |(mut __lazy_self, k)| -> Self {
            __lazy_self.0 *= k * N as f64;
            __lazy_self
        },
        (&::lazy::__private::Probe::<Self>::new()).cutoff(),
    )
}
