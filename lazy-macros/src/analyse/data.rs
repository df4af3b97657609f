//! Tuples, arrays, struct literals, field access, indexing and casts: building and taking
//! apart values.

use syn::Expr;
use syn::punctuated::Punctuated;

use super::lowering::{Step, StepKind};
use super::names::Analyser;
use crate::error::bail;
use crate::model::MAX_PARAMS;

impl Analyser {
    /// The elements of a tuple or array literal, at most one task's worth.
    pub(super) fn parts(
        &mut self,
        whole: &Expr,
        what: &str,
        parts: &Punctuated<Expr, syn::Token![,]>,
    ) -> syn::Result<Vec<Step>> {
        if parts.len() > MAX_PARAMS {
            bail!(
                whole,
                "{what} with more than {MAX_PARAMS} elements cannot be one node; build it in a plain function"
            );
        }
        self.exprs(parts)
    }

    /// `[a; N]`.
    pub(super) fn repeat(&mut self, repeat: &syn::ExprRepeat) -> syn::Result<StepKind> {
        Ok(StepKind::Repeat {
            item: self.boxed(&repeat.expr)?,
            len: (*repeat.len).clone(),
        })
    }

    /// `P { x: a, y: b, ..rest }`.
    pub(super) fn struct_literal(&mut self, lit: &syn::ExprStruct) -> syn::Result<StepKind> {
        if let Some(qself) = &lit.qself {
            bail!(
                qself.ty,
                "qualified struct paths cannot be rewritten by #[autodask(inline)]; name the struct"
            );
        }
        if lit.fields.len() + usize::from(lit.rest.is_some()) > MAX_PARAMS {
            bail!(
                lit,
                "a struct literal with more than {MAX_PARAMS} fields cannot be one node"
            );
        }
        let fields = lit
            .fields
            .iter()
            .map(|f| Ok((f.member.clone(), self.expr(&f.expr)?)))
            .collect::<syn::Result<_>>()?;
        let rest = lit
            .rest
            .as_deref()
            .map(|rest| self.boxed(rest))
            .transpose()?;
        Ok(StepKind::Struct {
            path: lit.path.clone(),
            fields,
            rest,
        })
    }

    /// `a.x`, `a.0`.
    pub(super) fn field(&mut self, field: &syn::ExprField) -> syn::Result<StepKind> {
        Ok(StepKind::Field {
            base: self.boxed(&field.base)?,
            member: field.member.clone(),
        })
    }

    /// `a[i]`.
    pub(super) fn index(&mut self, index: &syn::ExprIndex) -> syn::Result<StepKind> {
        Ok(StepKind::Index {
            base: self.boxed(&index.expr)?,
            index: self.boxed(&index.index)?,
        })
    }

    /// `a as T`.
    pub(super) fn cast(&mut self, cast: &syn::ExprCast) -> syn::Result<StepKind> {
        Ok(StepKind::Cast {
            value: self.boxed(&cast.expr)?,
            ty: (*cast.ty).clone(),
        })
    }
}
