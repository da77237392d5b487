//! Calls that read like the task: the request's fields are set on the operation itself.
//!
//! `client.item_get().access_token(&token).send()` instead of
//! `.body(types::ItemGetRequest::builder().access_token(token.clone()))`. Two edits of
//! progenitor's output, with the runtime half in `src/field_value.rs`:
//!
//! - every setter of a model's builder takes `impl crate::FieldValue<T>` (what a person
//!   passes: `&str`, `&AccessToken`, `10`, `Some(…)`, a nested builder) instead of typify's
//!   `TryInto<T>`, which refused `&str` for an optional field and `10` for a count;
//! - every operation builder gets one setter per field of its request body, forwarding to the
//!   body builder, with the field's description and whether it is required, optional or
//!   nullable. `.body(…)` stays for bodies built elsewhere.
//!
//! Each model also becomes a `FieldValue` of itself and of its builder, so a nested field
//! takes either. A required field left unset stays typify's "no value supplied for `x`",
//! reported by `send()` before anything is sent.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use serde_json::Value;
use syn::{parse_quote, File, ImplItem, Item, Type};

use super::Feature;
use crate::rewrite::{last_ident, module_mut, Mismatch};

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("fluent").rewrite(apply);

/// A shape this rewrite cannot handle, described as what it needs.
fn mismatch(needed: impl Into<String>) -> Mismatch {
    Mismatch::new(needed, "something else")
}

/// Methods progenitor puts on every operation builder: a field by one of these names would
/// shadow them.
const OPERATION_METHODS: &[&str] = &["new", "body", "body_map", "send", "into_paginator"];

/// One field of a model, as its setter and its docs need it.
#[derive(Clone)]
struct Field {
    name: String,
    /// The field's Rust type as the builder's setter names it, `super::` made absolute.
    ty: Type,
    docs: Vec<String>,
    presence: Presence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Required,
    Optional,
    Nullable,
}

/// Rewrites the body-builder setters and adds the operation setters; returns the number of
/// setters written.
pub fn apply(_spec: &Value, file: &mut File) -> Result<usize, Mismatch> {
    let types = module_mut(&mut file.items, "types")?;
    let mut models = model_fields(types);
    let mut written = rewrite_model_setters(types, &mut models)?;
    let conversions = models
        .keys()
        .map(|name| {
            let name = format_ident!("{name}");
            parse_quote! {
                const _: () = {
                    crate::field_value::field_value!(#name);
                    crate::field_value::field_value!(
                        builder::#name => #name,
                        |v| #name::try_from(v).map_err(|e| e.to_string())
                    );
                };
            }
        })
        .collect::<Vec<Item>>();
    types.extend(conversions);
    let operations = module_mut(&mut file.items, "builder")?;
    written += add_operation_setters(operations, &models)?;
    Ok(written)
}

/// Every model struct in `mod types` that has a builder, with its fields.
fn model_fields(types: &[Item]) -> BTreeMap<String, Vec<Field>> {
    let with_builder: Vec<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) if block.trait_.is_none() => {
                let has_builder = block
                    .items
                    .iter()
                    .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "builder"));
                has_builder.then(|| last_ident(&block.self_ty)).flatten()
            }
            _ => None,
        })
        .collect();
    types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if with_builder.contains(&s.ident.to_string()) => Some(s),
            _ => None,
        })
        .map(|s| {
            let fields = s
                .fields
                .iter()
                .filter_map(|f| {
                    let name = f.ident.as_ref()?.to_string();
                    let presence = match last_ident(&f.ty).as_deref() {
                        Some("Option") => Presence::Optional,
                        Some("Nullable") => Presence::Nullable,
                        _ => Presence::Required,
                    };
                    Some(Field {
                        name,
                        ty: absolute(f.ty.clone()),
                        docs: super::docs::description_lines(crate::rewrite::doc_lines(&f.attrs)),
                        presence,
                    })
                })
                .collect();
            (s.ident.to_string(), fields)
        })
        .collect()
}

/// `super::X` (relative to `mod types::builder`) as `crate::types::X`, so the same type can
/// be named from the operation builders.
fn absolute(mut ty: Type) -> Type {
    use syn::visit_mut::VisitMut;
    struct Absolute;
    impl VisitMut for Absolute {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if path.segments.first().is_some_and(|s| s.ident == "super") {
                let rest: Vec<_> = path.segments.iter().skip(1).cloned().collect();
                *path = parse_quote!(crate::types);
                path.segments.extend(rest);
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    Absolute.visit_type_mut(&mut ty);
    ty
}

/// The doc comment of a setter for `field`.
fn setter_docs(field: &Field) -> TokenStream {
    let mut lines: Vec<String> = field.docs.clone();
    if lines.iter().all(|l| l.trim().is_empty()) {
        lines = vec![format!("Sets `{}`.", field.name)];
    }
    lines.push(String::new());
    lines.push(
        match field.presence {
            Presence::Required => {
                "Required: `send()` fails before sending, naming this field, if it is not set."
            }
            Presence::Optional => "Optional: left out of the request unless set.",
            Presence::Nullable => {
                "Optional and nullable: left out unless set; `Nullable::Null` (or `None`) \
                 sends `null`, which differs from leaving it out."
            }
        }
        .to_string(),
    );
    let lines = lines.iter().map(|l| {
        if l.starts_with(' ') || l.is_empty() {
            l.clone()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// typify's `fn f<T>(self, value: T) where T: TryInto<X>` becomes
/// `fn f<V: crate::FieldValue<X>>(self, value: V)`, keeping its error text.
fn rewrite_model_setters(
    types: &mut [Item],
    models: &mut BTreeMap<String, Vec<Field>>,
) -> Result<usize, Mismatch> {
    let builders = module_mut(types, "builder")?;
    let mut rewritten = 0;
    for item in builders.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(model) = last_ident(&block.self_ty) else {
            continue;
        };
        let Some(fields) = models.get_mut(&model) else {
            continue;
        };
        for impl_item in block.items.iter_mut() {
            let ImplItem::Fn(f) = impl_item else { continue };
            let name = f.sig.ident.to_string();
            let field = fields
                .iter_mut()
                .find(|fl| fl.name == name)
                .ok_or_else(|| {
                    mismatch(format!(
                        "builder::{model}::{name} sets no field of `{model}`"
                    ))
                })?;
            let target = setter_target(f).ok_or_else(|| {
                mismatch(format!(
                    "builder::{model}::{name} is not `fn {name}<T>(self, value: T) where T: TryInto<_>`"
                ))
            })?;
            check_convertible(&model, field, &target)?;
            // The builder's spelling of the type, which names nested models by path.
            field.ty = target.clone();
            let ident = &f.sig.ident;
            let docs = setter_docs(field);
            let message = format!("error converting supplied value for {name}: {{e}}");
            *f = parse_quote! {
                #docs
                pub fn #ident<V>(mut self, value: V) -> Self
                where
                    V: crate::field_value::FieldValue<#target>,
                {
                    self.#ident = value.into_field().map_err(|e| format!(#message));
                    self
                }
            };
            rewritten += 1;
        }
    }
    if rewritten == 0 {
        return Err(mismatch("no setters in `mod types::builder`"));
    }
    Ok(rewritten)
}

/// `X` from a typify setter's `where T: ::std::convert::TryInto<X>`.
fn setter_target(f: &syn::ImplItemFn) -> Option<Type> {
    let clause = f.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(pt) = p else {
            return None;
        };
        pt.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            let segment = t.path.segments.last()?;
            if segment.ident != "TryInto" {
                return None;
            }
            match &segment.arguments {
                syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
                    syn::GenericArgument::Type(ty) => Some(absolute(ty.clone())),
                    _ => None,
                },
                _ => None,
            }
        })
    })
}

/// Types `src/field_value.rs` has conversions for, besides the generated models and enums.
const RUNTIME_TYPES: &[&str] = &[
    "String",
    "bool",
    "i64",
    "f64",
    "NonZeroU64",
    "DateTime",
    "NaiveDate",
    "Value",
    "Map",
    "AccessToken",
    "PublicToken",
    "Secret",
    "KeyMaterial",
];

/// Fails the build for a field whose setter would accept nothing: a type with no
/// `FieldValue` conversions (say a new integer width), rather than a setter no one can call.
fn check_convertible(model: &str, field: &Field, target: &Type) -> Result<(), Mismatch> {
    // Peel at most one `Option`/`Nullable`, then at most one `Vec`.
    let mut ty = target;
    let (mut wrapped, mut listed) = (false, false);
    while let Type::Path(p) = ty {
        let Some(segment) = p.path.segments.last() else {
            break;
        };
        let name = segment.ident.to_string();
        let inner = match &segment.arguments {
            syn::PathArguments::AngleBracketed(a) => a.args.first().and_then(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }),
            _ => None,
        };
        match (name.as_str(), inner) {
            ("Option" | "Nullable", Some(t)) if !wrapped && std::ptr::eq(ty, target) => {
                wrapped = true;
                ty = t;
            }
            ("Vec", Some(t)) if !listed => {
                (wrapped, listed) = (true, true);
                ty = t;
            }
            _ => {
                let generated = p.path.segments.iter().any(|s| s.ident == "types");
                if generated || RUNTIME_TYPES.contains(&name.as_str()) {
                    return Ok(());
                }
                break;
            }
        }
    }
    Err(mismatch(format!(
        "{model}.{}: no `FieldValue` conversions for `{}`; add them in src/field_value.rs",
        field.name,
        target.to_token_stream()
    )))
}

/// One setter per request-body field on each operation builder, forwarding to the body's
/// builder.
fn add_operation_setters(
    operations: &mut [Item],
    models: &BTreeMap<String, Vec<Field>>,
) -> Result<usize, Mismatch> {
    let bodies: BTreeMap<String, String> = operations
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => {
                let body = s
                    .fields
                    .iter()
                    .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))?;
                Some((s.ident.to_string(), body_model(&body.ty)?))
            }
            _ => None,
        })
        .collect();
    let mut written = 0;
    for item in operations.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(operation) = last_ident(&block.self_ty) else {
            continue;
        };
        let Some(model) = bodies.get(&operation) else {
            continue;
        };
        let fields = models.get(model).ok_or_else(|| {
            mismatch(format!(
                "builder::{operation} has a body `{model}` that is not a model with a builder"
            ))
        })?;
        for field in fields {
            if OPERATION_METHODS.contains(&field.name.as_str()) {
                return Err(mismatch(format!(
                    "{model}.{} would shadow the operation builder's own `{}`",
                    field.name, field.name
                )));
            }
            let ident = format_ident!("{}", field.name);
            let ty = &field.ty;
            let docs = setter_docs(field);
            block.items.push(parse_quote! {
                #docs
                pub fn #ident<V>(mut self, value: V) -> Self
                where
                    V: crate::field_value::FieldValue<#ty>,
                {
                    self.body = self.body.map(|body| body.#ident(value));
                    self
                }
            });
            written += 1;
        }
    }
    if written == 0 {
        return Err(mismatch(
            "no operation builder in `mod builder` has a request body",
        ));
    }
    Ok(written)
}

/// `X` from `Result<types::builder::X, String>`.
fn body_model(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    let segment = p.path.segments.last()?;
    if segment.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(Type::Path(inner)) => {
            let names: Vec<String> = inner
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            (names.len() >= 2 && names[names.len() - 2] == "builder")
                .then(|| names.last().cloned())
                .flatten()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> File {
        parse_quote! {
            pub mod types {
                pub struct ItemWebhookUpdateRequest {
                    pub access_token: crate::secret::AccessToken,
                    ///The webhook URL; send `null` to clear it.
                    pub webhook: crate::Nullable<::std::string::String>,
                    pub count: ::std::option::Option<::std::num::NonZeroU64>,
                }
                impl ItemWebhookUpdateRequest {
                    pub fn builder() -> builder::ItemWebhookUpdateRequest { Default::default() }
                }
                pub mod builder {
                    impl ItemWebhookUpdateRequest {
                        pub fn access_token<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<crate::secret::AccessToken>, T::Error: ::std::fmt::Display
                        { self }
                        pub fn webhook<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<crate::Nullable<::std::string::String>>, T::Error: ::std::fmt::Display
                        { self }
                        pub fn count<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::option::Option<::std::num::NonZeroU64>>, T::Error: ::std::fmt::Display
                        { self }
                    }
                }
            }
            pub mod builder {
                pub struct ItemWebhookUpdate<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::ItemWebhookUpdateRequest, String>,
                }
                impl<'a> ItemWebhookUpdate<'a> {
                    pub fn send(self) {}
                }
            }
        }
    }

    fn text(file: &File) -> String {
        prettyplease::unparse(file)
    }

    #[test]
    fn body_setters_take_field_values_and_keep_their_error_text() {
        let mut file = sample();
        apply(&Value::Null, &mut file).unwrap();
        let text = text(&file);
        let flat: String = text.split_whitespace().collect();
        assert!(
            flat.contains(
                "V:crate::field_value::FieldValue<crate::Nullable<::std::string::String>>"
            ),
            "{text}"
        );
        assert!(!text.contains("TryInto"), "{text}");
        assert!(
            text.contains("error converting supplied value for count: {e}"),
            "{text}"
        );
    }

    #[test]
    fn operations_get_one_documented_setter_per_body_field() {
        let mut file = sample();
        let written = apply(&Value::Null, &mut file).unwrap();
        assert_eq!(written, 6, "three body setters, three operation setters");
        let text = text(&file);
        let flat: String = text.split_whitespace().collect();
        assert!(
            flat.contains("self.body=self.body.map(|body|body.webhook(value));"),
            "{text}"
        );
        assert!(
            text.contains("The webhook URL; send `null` to clear it."),
            "{text}"
        );
        assert!(text.contains("Required: `send()` fails"), "{text}");
        assert!(text.contains("Optional and nullable"), "{text}");
        assert!(
            text.contains("Sets `count`.\n"),
            "an undocumented field still gets a line: {text}"
        );
        assert!(
            flat.contains(
                "field_value!(builder::ItemWebhookUpdateRequest=>ItemWebhookUpdateRequest"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_field_no_conversion_covers_fails_the_build() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct Req { pub size: u16 }
                impl Req { pub fn builder() -> builder::Req { Default::default() } }
                pub mod builder {
                    impl Req {
                        pub fn size<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<u16>, T::Error: ::std::fmt::Display { self }
                    }
                }
            }
            pub mod builder {}
        };
        let err = format!("{:?}", apply(&Value::Null, &mut file).unwrap_err());
        assert!(err.contains("Req.size") && err.contains("u16"), "{err}");
    }

    #[test]
    fn a_field_named_like_an_operation_method_is_refused() {
        let text = text(&sample()).replace("count", "send");
        let mut file2: File = syn::parse_str(&text).unwrap();
        let err = format!("{:?}", apply(&Value::Null, &mut file2).unwrap_err());
        assert!(err.contains("shadow"), "{err}");
    }
}
