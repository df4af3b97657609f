// Source:
//
// #[lazy(spin)]
// fn receive(t: &lazy::Spin, id: u32) -> u32 {
//     for () in t.spin() {
//         if ready(id) {
//             break;
//         }
//     }
//     id
// }
//
// Expansion:
fn receive(id: impl ::lazy::IntoLazy<u32>) -> ::lazy::Lazy<u32> {
    #[doc(hidden)]
    fn __lazy_body(t: &lazy::Spin, id: u32) -> u32 {
        for () in t.spin() {
            if ready(id) {
                break;
            }
        }
        id
    }
    ::lazy::__private::spin_task(
        ::lazy::__private::Op::function(
            ::core::any::type_name_of_val(&__lazy_body),
            ::lazy::__private::Code {
                tokens: "5a9069f0eee2046180994c05a07c4e373ff5d3ebbbf9a86fea98f00f8cf379fa",
                krate: ::core::option_env!("CARGO_PKG_NAME"),
                version: ::core::option_env!("CARGO_PKG_VERSION"),
            },
        ),
        (::lazy::IntoLazy::into_lazy(id),),
        |__lazy_spin, (id,)| __lazy_body(__lazy_spin, id),
    )
}
