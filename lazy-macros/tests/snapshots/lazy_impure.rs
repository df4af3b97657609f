fn log(message: impl ::lazy::IntoLazy<String>) -> ::lazy::Lazy<()> {
    #[doc(hidden)]
    fn __lazy_body(message: String) {
        eprintln!("{message}")
    }
    ::lazy::__private::task(
        ::lazy::__private::Op::impure(::core::any::type_name_of_val(&__lazy_body)),
        (::lazy::IntoLazy::into_lazy(message),),
        |(message,)| __lazy_body(message),
    )
}
