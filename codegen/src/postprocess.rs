//! Edits to progenitor's output that no generator setting can express.
//!
//! Each edit checks the shape it expects and fails the build with a clear message if a newer
//! progenitor changed it, rather than emitting code that silently behaves differently.

use syn::{parse_quote, Block, Expr, File, FnArg, Item, ItemMod, ReturnType, Stmt, Type};

use crate::error::CodegenError;

fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Result<&'a mut Vec<Item>, CodegenError> {
    items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == name => Some(items),
            _ => None,
        })
        .ok_or_else(|| {
            CodegenError::GeneratedShape(format!("no `mod {name}` in the generated file"))
        })
}

/// Every operation's `send()` hands its built `reqwest::Request` to `crate::transport::send`,
/// which owns auth, timeouts, retries, the body limit, tracing and error decoding, and returns
/// `Result<crate::Response<T>, crate::Error>`. Everything before that (URL, body validation,
/// serialisation) stays progenitor's.
pub fn route_sends_through_transport(file: &mut File) -> Result<usize, CodegenError> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut routed = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        for impl_item in block.items.iter_mut() {
            let syn::ImplItem::Fn(method) = impl_item else {
                continue;
            };
            if method.sig.ident != "send" {
                continue;
            }
            let takes_self = matches!(method.sig.inputs.first(), Some(FnArg::Receiver(_)));
            let success = success_type(&method.sig.output).ok_or_else(|| {
                CodegenError::GeneratedShape(
                    "a send() does not return Result<ResponseValue<T>, Error<E>>".into(),
                )
            })?;
            if !takes_self {
                return Err(CodegenError::GeneratedShape(
                    "a send() takes no self".into(),
                ));
            }
            reroute_body(&mut method.block)?;
            method.sig.output = parse_quote! {
                -> ::std::result::Result<crate::Response<#success>, crate::Error>
            };
            routed += 1;
        }
    }
    if routed == 0 {
        return Err(CodegenError::GeneratedShape(
            "no send() methods in `mod builder`".into(),
        ));
    }
    Ok(routed)
}

/// `T` from `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = last_segment_args(ty, "Result")?;
    let syn::GenericArgument::Type(ok) = result.first()? else {
        return None;
    };
    let value = last_segment_args(ok, "ResponseValue")?;
    match value.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn last_segment_args(ty: &Type, name: &str) -> Option<Vec<syn::GenericArgument>> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => Some(args.args.iter().cloned().collect()),
        _ => None,
    }
}

/// Keeps the statements up to `let info = OperationInfo {..};` and sends from there.
fn reroute_body(block: &mut Block) -> Result<(), CodegenError> {
    let info_at = block
        .stmts
        .iter()
        .position(|stmt| match stmt {
            Stmt::Local(local) => matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "info"),
            _ => false,
        })
        .ok_or_else(|| CodegenError::GeneratedShape("a send() builds no `info`".into()))?;
    let declares_request = block.stmts[..info_at].iter().any(|stmt| match stmt {
        Stmt::Local(local) => {
            matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "request")
        }
        _ => false,
    });
    if !declares_request {
        return Err(CodegenError::GeneratedShape(
            "a send() builds no `request`".into(),
        ));
    }
    block.stmts.truncate(info_at + 1);
    let call: Expr = parse_quote! { crate::transport::send(client, request, info).await };
    block.stmts.push(Stmt::Expr(call, None));
    Ok(())
}

/// typify types a required-and-nullable field as `Option<T>` that must still be present.
/// Plaid omits such fields at times: `#[serde(default)]` accepts absence as `None` while a
/// `None` is still written as `null`, as the spec requires.
pub fn accept_missing_nullable_fields(file: &mut File) -> Result<usize, CodegenError> {
    let types = module_mut(&mut file.items, "types")?;
    let mut changed = 0;
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            for attr in field.attrs.iter_mut() {
                if !attr.path().is_ident("serde") {
                    continue;
                }
                let text = attr.meta.to_token_stream_string();
                if text.contains("deserialize_with") && text.contains("Option::deserialize\"") {
                    *attr = parse_quote!(#[serde(default)]);
                    changed += 1;
                }
            }
        }
    }
    Ok(changed)
}

/// typify's builders demand a value for the flattened `extra` map that keeps unknown fields,
/// so `Scopes::builder()...` fails with "no value supplied for extra". An empty map is the
/// right default: a value built in code has no unknown fields.
pub fn default_flattened_maps_to_empty(file: &mut File) -> Result<usize, CodegenError> {
    let types = module_mut(&mut file.items, "types")?;
    let flattened: Vec<(String, Vec<String>)> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter(|f| f.attrs.iter().any(is_serde_flatten))
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .collect::<Vec<_>>(),
            )),
            _ => None,
        })
        .filter(|(_, fields)| !fields.is_empty())
        .collect();
    let builders = module_mut(types, "builder")?;
    let mut changed = 0;
    for item in builders.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let is_default = block
            .trait_
            .as_ref()
            .is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Default"));
        let Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some((_, fields)) = flattened.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        if !is_default {
            continue;
        }
        for impl_item in block.items.iter_mut() {
            let syn::ImplItem::Fn(f) = impl_item else {
                continue;
            };
            for stmt in f.block.stmts.iter_mut() {
                let Stmt::Expr(Expr::Struct(literal), _) = stmt else {
                    continue;
                };
                for field in literal.fields.iter_mut() {
                    if let syn::Member::Named(ident) = &field.member {
                        if fields.iter().any(|f| ident == f) {
                            field.expr = parse_quote!(Ok(Default::default()));
                            changed += 1;
                        }
                    }
                }
            }
        }
    }
    Ok(changed)
}

fn is_serde_flatten(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("serde") && attr.meta.to_token_stream_string().contains("flatten")
}

/// Turns the listed `(type, field)` pairs from `Option<T>` into `crate::Nullable<T>`: in the
/// model, in its builder's field, and in the builder's setter bounds.
pub fn make_nullable(file: &mut File, fields: &[(String, String)]) -> Result<usize, CodegenError> {
    use syn::visit_mut::VisitMut;
    struct OptionToNullable(usize);
    impl VisitMut for OptionToNullable {
        fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
            let is_option = ty.qself.is_none()
                && ty.path.segments.last().is_some_and(|s| s.ident == "Option")
                && ty.path.segments.len() <= 3;
            if is_option {
                let args = ty.path.segments.last().expect("checked").arguments.clone();
                ty.path = parse_quote!(crate::Nullable);
                ty.path.segments.last_mut().expect("one segment").arguments = args;
                self.0 += 1;
                return;
            }
            syn::visit_mut::visit_type_path_mut(self, ty);
        }
    }
    let wanted = |ty: &str, field: &str| fields.iter().any(|(t, f)| t == ty && f == field);
    let mut rewrite = OptionToNullable(0);
    let types = module_mut(&mut file.items, "types")?;
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        for field in s.fields.iter_mut() {
            let Some(ident) = &field.ident else { continue };
            if !wanted(&name, &ident.to_string()) {
                continue;
            }
            rewrite.visit_type_mut(&mut field.ty);
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(
                parse_quote!(#[serde(default, skip_serializing_if = "crate::Nullable::is_absent")]),
            );
        }
    }
    let builders = module_mut(types, "builder")?;
    for item in builders.iter_mut() {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                for field in s.fields.iter_mut() {
                    if field
                        .ident
                        .as_ref()
                        .is_some_and(|i| wanted(&name, &i.to_string()))
                    {
                        rewrite.visit_type_mut(&mut field.ty);
                    }
                }
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let Type::Path(self_ty) = &*block.self_ty else {
                    continue;
                };
                let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
                    continue;
                };
                for impl_item in block.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = impl_item else {
                        continue;
                    };
                    if wanted(&name, &f.sig.ident.to_string()) {
                        if let Some(clause) = f.sig.generics.where_clause.as_mut() {
                            rewrite.visit_where_clause_mut(clause);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(rewrite.0)
}

trait MetaText {
    fn to_token_stream_string(&self) -> String;
}

impl MetaText for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}

/// Puts hand-emitted items (the open enums) into `mod types`, beside typify's.
pub fn add_to_types(file: &mut File, items: Vec<Item>) -> Result<(), CodegenError> {
    module_mut(&mut file.items, "types")?.extend(items);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> File {
        parse_quote! {
            pub mod types {
                pub struct Item {
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub webhook: ::std::option::Option<String>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub institution_id: ::std::option::Option<String>,
                }
            }
            pub mod builder {
                impl<'a> ItemGet<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::ItemGetResponse>, Error<types::PlaidError>> {
                        let Self { client, body } = self;
                        let request = client.client.post(url).build()?;
                        let info = OperationInfo { operation_id: "item_get" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        result
                    }
                }
            }
        }
    }

    #[test]
    fn send_is_routed_and_retyped() {
        let mut file = sample();
        assert_eq!(route_sends_through_transport(&mut file).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("crate::transport::send(client, request, info).await"),
            "{text}"
        );
        assert!(!text.contains("client.exec"), "{text}");
        let signature: String = text.split_whitespace().collect();
        assert!(
            signature.contains("Result<crate::Response<types::ItemGetResponse>,crate::Error,>"),
            "{text}"
        );
    }

    #[test]
    fn an_unexpected_send_shape_is_an_error_not_a_silent_skip() {
        let mut file: File = parse_quote! {
            pub mod builder {
                impl X { pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> { todo!() } }
            }
        };
        let err = route_sends_through_transport(&mut file).unwrap_err();
        assert!(matches!(err, CodegenError::GeneratedShape(_)), "{err}");
        let mut empty: File = parse_quote! { pub mod types {} };
        assert!(route_sends_through_transport(&mut empty).is_err());
    }

    #[test]
    fn flattened_maps_default_to_empty_in_builders() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct Scopes {
                    pub accounts: Vec<String>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                }
                pub mod builder {
                    impl ::std::default::Default for Scopes {
                        fn default() -> Self {
                            Self {
                                accounts: Err("no value supplied for accounts".to_string()),
                                extra: Err("no value supplied for extra".to_string()),
                            }
                        }
                    }
                }
            }
        };
        assert_eq!(default_flattened_maps_to_empty(&mut file).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("extra: Ok(Default::default())"), "{text}");
        assert!(
            text.contains("no value supplied for accounts"),
            "required fields stay required: {text}"
        );
    }

    #[test]
    fn listed_fields_become_nullable_in_model_builder_and_setter() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct Req {
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub webhook: ::std::option::Option<::std::string::String>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub cursor: ::std::option::Option<::std::string::String>,
                }
                pub mod builder {
                    pub struct Req {
                        webhook: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                        cursor: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl Req {
                        pub fn webhook<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>> { self }
                        pub fn cursor<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>> { self }
                    }
                }
            }
        };
        let changed = make_nullable(&mut file, &[("Req".into(), "webhook".into())]).unwrap();
        assert_eq!(changed, 3, "model field, builder field, setter bound");
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(
            text.contains("pubwebhook:crate::Nullable<::std::string::String>"),
            "{text}"
        );
        assert!(
            text.contains("skip_serializing_if=\"crate::Nullable::is_absent\""),
            "{text}"
        );
        assert!(
            text.contains("TryInto<crate::Nullable<::std::string::String>>"),
            "{text}"
        );
        assert!(
            text.contains("pubcursor:::std::option::Option<::std::string::String>"),
            "{text}"
        );
    }

    #[test]
    fn required_nullable_fields_accept_absence() {
        let mut file = sample();
        assert_eq!(accept_missing_nullable_fields(&mut file).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("#[serde(default)]\n        pub webhook"),
            "{text}"
        );
        assert!(
            text.contains("skip_serializing_if"),
            "other fields are untouched: {text}"
        );
    }
}
