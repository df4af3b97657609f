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
    #[doc(hidden)]
    fn __lazy_body<T: ::core::ops::Mul<Output = T> + Copy>(x: T) -> T {
        x * x
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body::<T>),
        ),
        (::lazy::IntoLazy::into_lazy(x),),
        |(x,)| __lazy_body::<T>(x),
        {
            #[allow(unused_imports, reason = "the probe picks one trait of the pair")]
            use ::lazy::__private::{CutoffByEq as _, NoCutoff as _};
            (&::lazy::__private::Probe::<T>::new()).cutoff()
        },
    )
}
