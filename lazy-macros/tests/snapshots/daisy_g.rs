fn g(a: impl ::lazy::IntoLazy<Arr>, b: impl ::lazy::IntoLazy<Arr>) -> ::lazy::Lazy<Arr> {
    use ::lazy::__private::lift::{ViaLazy as _, ViaPlain as _};
    let a: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(a);
    let b: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(b);
    (&&::lazy::__private::lift::Callee(f))
        .lazy_call((
            &(&&::lazy::__private::lift::Callee(f))
                .lazy_call((
                    &::core::clone::Clone::clone(&a),
                    &::core::clone::Clone::clone(&b),
                )),
            &(&&::lazy::__private::lift::Callee(f))
                .lazy_call((
                    &::core::clone::Clone::clone(&a),
                    &::core::clone::Clone::clone(&b),
                )),
        ))
}
