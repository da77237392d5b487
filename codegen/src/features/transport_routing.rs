//! Transport routing: every operation's `send()` goes through `crate::transport::send`, the
//! one entry into the hand-written transport (auth, timeouts, retries, body limit, tracing,
//! error decoding), and returns `Result<crate::Response<T>, crate::Error>`.
//!
//! Settings: the client's inner value is the per-client settings (`crate::runtime::Runtime`)
//! the transport reads. Rewrite: each `send()` body cut after progenitor builds the request.

use progenitor::GenerationSettings;
use quote::quote;
use serde_json::Value;
use syn::{parse_quote, Block, Expr, File, FnArg, Item, ReturnType, Stmt, Type};

use super::Feature;
use crate::error::CodegenError;
use crate::rewrite::module_mut;

pub const FEATURE: Feature = Feature::new("transport_routing")
    .settings(settings)
    .rewrite(|_spec, file| route_sends_through_transport(file));

fn settings(_spec: &Value, settings: &mut GenerationSettings) {
    settings.with_inner_type(quote!(crate::runtime::Runtime));
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
}
