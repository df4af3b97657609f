// Source:
//
// #[lazy(impure)]
// fn log(message: String) {
//     eprintln!("{message}")
// }
//
// Expansion:
fn log(message: impl ::lazy::IntoLazy<String>) -> ::lazy::Lazy<()> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{CutoffByEq as _, NoCutoff as _};
    #[doc(hidden)]
    fn __lazy_body(message: String) {
        eprintln!("{message}")
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::impure(::core::any::type_name_of_val(&__lazy_body)),
        (::lazy::IntoLazy::into_lazy(message),),
        |(message,)| __lazy_body(message),
        (&::lazy::__private::Probe::<()>::new()).cutoff(),
    )
}
