fn scaled<const N: usize>(self, k: impl ::lazy::IntoLazy<f64>) -> ::lazy::Lazy<Self> {
    #[doc(hidden)]
    fn __lazy_body<__LazySelf: ?::core::marker::Sized, const N: usize>() {}
    ::lazy::__private::task(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body::<Self, N>),
        ),
        (::lazy::IntoLazy::into_lazy(self), ::lazy::IntoLazy::into_lazy(k)),
        |(mut __lazy_self, k)| -> Self {
            __lazy_self.0 *= k * N as f64;
            __lazy_self
        },
    )
}
