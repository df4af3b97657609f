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
    #[doc(hidden)]
    fn __lazy_body(xs: Vec<i64>) -> i64 {
        let mut sum = 0;
        for x in xs {
            sum += x;
        }
        sum
    }
    ::lazy::__private::task_with_cutoff(
        ::lazy::__private::Op::function(::core::any::type_name_of_val(&__lazy_body)),
        (::lazy::IntoLazy::into_lazy(xs),),
        |(xs,)| __lazy_body(xs),
        {
            #[allow(unused_imports, reason = "the probe picks one trait of the pair")]
            use ::lazy::__private::{CutoffByEq as _, NoCutoff as _};
            (&::lazy::__private::Probe::<i64>::new()).cutoff()
        },
    )
}
