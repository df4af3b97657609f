//! `#[derive(Fingerprint)]`: a struct's fields, or an enum's variant and its fields, written
//! in declaration order. The runtime adds the type's name to every leaf's key, so two types
//! with the same fields never share a key.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields};

use crate::error::bail;

/// Expands the derive; errors become one `compile_error!`.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    syn::parse2::<DeriveInput>(input)
        .and_then(|input| expand(&input))
        .unwrap_or_else(syn::Error::into_compile_error)
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let fingerprint = quote!(::lazy::Fingerprint);
    let hasher = quote!(::lazy::FingerprintHasher);
    let h = format_ident!("__lazy_hasher");
    let body = match &input.data {
        Data::Struct(data) => {
            let (pattern, writes) = destructure(&data.fields, &h);
            quote! {
                let Self #pattern = self;
                #(#writes)*
            }
        }
        Data::Enum(data) => {
            let arms = data.variants.iter().enumerate().map(|(n, variant)| {
                let ident = &variant.ident;
                let index = Literal::u32_suffixed(
                    u32::try_from(n).expect("bug in #[derive(Fingerprint)]: over 2^32 variants"),
                );
                let (pattern, writes) = destructure(&variant.fields, &h);
                quote! {
                    Self::#ident #pattern => {
                        #h.write(&#index.to_le_bytes());
                        #(#writes)*
                    }
                }
            });
            quote! { match self { #(#arms)* } }
        }
        Data::Union(data) => bail!(
            data.union_token,
            "#[derive(Fingerprint)] does not support unions: which field holds the value is not known, so it cannot be written; implement `Fingerprint` by hand, or pass the value as `Lazy::opaque(value)`"
        ),
    };
    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(syn::parse_quote!(#fingerprint));
    }
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let ident = &input.ident;
    Ok(quote! {
        impl #impl_generics #fingerprint for #ident #type_generics #where_clause {
            fn fingerprint(&self, #h: &mut #hasher) {
                #body
            }
        }
    })
}

/// A pattern binding every field, and the writes of the bound fields, in order.
fn destructure(fields: &Fields, h: &syn::Ident) -> (TokenStream, Vec<TokenStream>) {
    let names: Vec<syn::Ident> = (0..fields.len())
        .map(|n| format_ident!("__lazy_field{n}"))
        .collect();
    let writes = names
        .iter()
        .map(|name| quote!(::lazy::Fingerprint::fingerprint(#name, #h);))
        .collect();
    let pattern = match fields {
        Fields::Named(declared) => {
            let members = declared.named.iter().map(|f| &f.ident);
            quote!({ #(#members: #names),* })
        }
        Fields::Unnamed(_) => quote!(( #(#names),* )),
        Fields::Unit => quote!(),
    };
    (pattern, writes)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn unions_are_rejected() {
        let out = super::derive(quote!(
            union U {
                a: u32,
            }
        ));
        assert!(out.to_string().contains("does not support unions"), "{out}");
    }

    #[test]
    fn enum_variants_write_their_index_first() {
        let out = super::derive(quote!(
            enum E<T> {
                A,
                B(T),
            }
        ))
        .to_string();
        assert!(out.contains("0u32"), "{out}");
        assert!(out.contains("T : :: lazy :: Fingerprint"), "{out}");
    }
}
