//! Transport routing: every operation's `send()` goes through `crate::transport::send`, the
//! one entry into the hand-written transport (auth, timeouts, retries, body limit, tracing,
//! error decoding), and returns `Result<crate::Response<T>, crate::Error>`.
//!
//! Settings: the client's inner value is the per-client settings (`crate::settings::CallSettings`)
//! the transport reads. Rewrite: each `send()` body cut after progenitor builds the request,
//! without the `api-version` header progenitor adds (Plaid does not read it), so no call
//! builds it. Exactly one `send()` per operation of the spec, each with that header once.
//! Each `send()` also hands the transport how to read `request_id` from its decoded reply
//! type (`|body| Some(body.request_id.as_str())`), so no reply is scanned twice for it.

use progenitor::GenerationSettings;
use quote::quote;
use serde_json::Value;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Block, Expr, File, FnArg, Item, ReturnType, Stmt, Type};

use super::Feature;
use crate::rewrite::{expect_sites, last_ident, module_mut, Mismatch};
use crate::spec_index;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("transport_routing")
    .settings(settings)
    .rewrite(|spec, file| route_sends_through_transport(file, operation_count(spec)));

fn settings(_spec: &Value, settings: &mut GenerationSettings) {
    settings.with_inner_type(quote!(crate::settings::CallSettings));
}

/// How many operations the spec has: how many `send()`s progenitor must have emitted.
pub fn operation_count(spec: &Value) -> usize {
    spec_index::operations(spec).len()
}

/// Every operation's `send()` hands its built `reqwest::Request` to `crate::transport::send`,
/// which owns auth, timeouts, retries, the body limit, tracing and error decoding, and returns
/// `Result<crate::Response<T>, crate::Error>`. Everything before that (URL, body validation,
/// serialisation) stays progenitor's, except the `api-version` header.
pub fn route_sends_through_transport(
    file: &mut File,
    operations: usize,
) -> Result<usize, Mismatch> {
    let readers = RequestIdReaders::of(&file.items);
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
                Mismatch::new(
                    "send() returning Result<ResponseValue<T>, Error<E>>",
                    format!("send() returning `{}`", tokens(&method.sig.output)),
                )
            })?;
            if !takes_self {
                return Err(Mismatch::new(
                    "send(self)",
                    format!("send({})", tokens(&method.sig.inputs)),
                ));
            }
            reroute_body(&mut method.block, readers.reader(&success))?;
            method.sig.output = parse_quote! {
                -> ::std::result::Result<crate::Response<#success>, crate::Error>
            };
            routed += 1;
        }
    }
    expect_sites(
        "send() methods in `mod builder` (one per operation)",
        operations,
        routed,
    )
}

fn tokens(t: &impl quote::ToTokens) -> String {
    t.to_token_stream().to_string()
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

fn declares(stmt: &Stmt, name: &str) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let pat = match &local.pat {
        syn::Pat::Type(typed) => &*typed.pat,
        pat => pat,
    };
    matches!(pat, syn::Pat::Ident(p) if p.ident == name)
}

/// The reply types of `mod types` with a top-level `request_id` field, and whether it is
/// optional.
struct RequestIdReaders(Vec<(String, bool)>);

impl RequestIdReaders {
    fn of(items: &[Item]) -> Self {
        let types = items.iter().find_map(|item| match item {
            Item::Mod(module) if module.ident == "types" => module.content.as_ref(),
            _ => None,
        });
        let mut found = Vec::new();
        for item in types.map(|(_, items)| items.as_slice()).unwrap_or_default() {
            let Item::Struct(structure) = item else {
                continue;
            };
            let field = structure.fields.iter().find(|field| {
                field
                    .ident
                    .as_ref()
                    .is_some_and(|ident| ident == "request_id")
            });
            let Some(field) = field else { continue };
            let optional = match last_ident(&field.ty).as_deref() {
                Some("String") => false,
                Some("Option") if is_option_of_string(&field.ty) => true,
                _ => continue,
            };
            found.push((structure.ident.to_string(), optional));
        }
        Self(found)
    }

    /// `Some(fn(&T) -> Option<&str>)` reading the decoded reply's `request_id`; `None` (the
    /// transport scans the body) when `T` has no such string field.
    fn reader(&self, success: &Type) -> Expr {
        let name = last_ident(success);
        let optional = self
            .0
            .iter()
            .find(|(type_name, _)| Some(type_name) == name.as_ref())
            .map(|(_, optional)| *optional);
        match optional {
            Some(false) => parse_quote! {
                ::std::option::Option::Some(|body: &#success| ::std::option::Option::Some(body.request_id.as_str()))
            },
            Some(true) => parse_quote! {
                ::std::option::Option::Some(|body: &#success| body.request_id.as_deref())
            },
            None => parse_quote! { ::std::option::Option::None },
        }
    }
}

/// `Option<String>`, in any spelling of the paths.
fn is_option_of_string(ty: &Type) -> bool {
    let Some(args) = last_segment_args(ty, "Option") else {
        return false;
    };
    matches!(args.as_slice(), [syn::GenericArgument::Type(inner)]
        if last_ident(inner).as_deref() == Some("String"))
}

/// Drops the `api-version` header, keeps the statements up to `let info = OperationInfo
/// {..};` and sends from there, with `request_id` as the way to read the reply's id.
fn reroute_body(block: &mut Block, request_id: Expr) -> Result<(), Mismatch> {
    remove_version_header(block)?;
    url_from_parsed_base(block)?;
    let info_at = block
        .stmts
        .iter()
        .position(|stmt| declares(stmt, "info"))
        .ok_or_else(|| Mismatch::new("a send() with `let info = ...`", "no `info` binding"))?;
    if !block.stmts[..info_at]
        .iter()
        .any(|s| declares(s, "request"))
    {
        return Err(Mismatch::new(
            "a send() with `let request = ...` before `info`",
            "no `request` binding",
        ));
    }
    block.stmts.truncate(info_at + 1);
    let call: Expr =
        parse_quote! { crate::transport::send(client, request, info, #request_id).await };
    block.stmts.push(Stmt::Expr(call, None));
    Ok(())
}

/// `let url = format!("{}/item/get", client.baseurl, ..);` becomes
/// `let url = client.operation_url(format_args!("/item/get", ..))?;`: the base URL is parsed
/// once per client instead of on every call (`src/request_url.rs`). Exactly one per send().
fn url_from_parsed_base(block: &mut Block) -> Result<(), Mismatch> {
    let mut rewritten = 0;
    for stmt in block.stmts.iter_mut() {
        if !declares(stmt, "url") {
            continue;
        }
        let Stmt::Local(local) = stmt else { continue };
        let Some(init) = local.init.as_mut() else {
            continue;
        };
        let Expr::Macro(mac) = &*init.expr else {
            continue;
        };
        if !mac.mac.path.is_ident("format") {
            continue;
        }
        let args = mac
            .mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
            .map_err(|e| Mismatch::new("format!(\"{}..\", client.baseurl, ..)", e.to_string()))?;
        let mut args = args.into_iter();
        let (Some(Expr::Lit(template)), Some(base)) = (args.next(), args.next()) else {
            return Err(Mismatch::new(
                "format!(\"{}..\", client.baseurl, ..)",
                tokens(&mac.mac),
            ));
        };
        let path = match &template.lit {
            syn::Lit::Str(s) => s.value().strip_prefix("{}").map(str::to_string),
            _ => None,
        };
        let is_base = matches!(&base, Expr::Field(field)
            if matches!(&field.member, syn::Member::Named(name) if name == "baseurl"));
        let (Some(path), true) = (path, is_base) else {
            return Err(Mismatch::new(
                "format!(\"{}..\", client.baseurl, ..)",
                tokens(&mac.mac),
            ));
        };
        let rest: Vec<Expr> = args.collect();
        *init.expr = parse_quote! {
            client.operation_url(::std::format_args!(#path #(, #rest)*))?
        };
        rewritten += 1;
    }
    if rewritten != 1 {
        return Err(Mismatch::new(
            "a send() building its URL with format!(\"{}..\", client.baseurl, ..) once",
            format!("{rewritten} such statements"),
        ));
    }
    Ok(())
}

/// `header_map.append(HeaderName::from_static("api-version"), ..);`
fn is_version_header(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    let Some(Expr::Call(name)) = call.args.first() else {
        return false;
    };
    let is_from_static = matches!(&*name.func, Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "from_static"));
    let is_version = matches!(name.args.first(), Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(s), ..
    })) if s.value() == "api-version");
    call.method == "append" && is_from_static && is_version
}

/// Removes the `api-version` append (exactly one per send()); when the header map is then
/// unused, also its declaration and the `.headers(header_map)` call, so nothing is built.
fn remove_version_header(block: &mut Block) -> Result<(), Mismatch> {
    let found = block.stmts.iter().filter(|s| is_version_header(s)).count();
    if found != 1 {
        return Err(Mismatch::new(
            "a send() appending the `api-version` header once",
            format!("{found} such appends"),
        ));
    }
    block.stmts.retain(|s| !is_version_header(s));
    struct Uses(usize);
    impl<'a> Visit<'a> for Uses {
        fn visit_ident(&mut self, ident: &'a proc_macro2::Ident) {
            if ident == "header_map" {
                self.0 += 1;
            }
        }
    }
    let mut uses = Uses(0);
    for stmt in block.stmts.iter().filter(|s| !declares(s, "header_map")) {
        uses.visit_stmt(stmt);
    }
    if uses.0 != 1 {
        return Ok(()); // other headers (a header parameter) still use the map
    }
    struct DropHeaders(usize);
    impl VisitMut for DropHeaders {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if let Expr::MethodCall(call) = expr {
                let is_map = matches!(call.args.first(), Some(Expr::Path(p)) if p.path.is_ident("header_map"));
                if call.method == "headers" && call.args.len() == 1 && is_map {
                    *expr = (*call.receiver).clone();
                    self.0 += 1;
                    return self.visit_expr_mut(expr);
                }
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut dropped = DropHeaders(0);
    for stmt in block.stmts.iter_mut() {
        dropped.visit_stmt_mut(stmt);
    }
    if dropped.0 == 1 {
        block.stmts.retain(|s| !declares(s, "header_map"));
    }
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
                        let url = format!("{}/item/get", client.baseurl,);
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                        );
                        let request = client.client.post(url).json(&body).headers(header_map).build()?;
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
        assert_eq!(route_sends_through_transport(&mut file, 1).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        assert_eq!(
            transport_call_args(&file),
            tokens(&quote!(client, request, info, ::std::option::Option::None)),
            "a reply type without a request_id field is scanned"
        );
        assert!(
            text.contains(r#"let url = client.operation_url(::std::format_args!("/item/get"))?;"#),
            "the base URL is not parsed again: {text}"
        );
        assert!(!text.contains("baseurl"), "{text}");
        assert!(!text.contains("client.exec"), "{text}");
        assert!(!text.contains("api-version"), "{text}");
        assert!(
            !text.contains("header_map"),
            "nothing left to build: {text}"
        );
        assert!(
            text.contains("client.client.post(url).json(&body).build()?"),
            "{text}"
        );
        let signature: String = text.split_whitespace().collect();
        assert!(
            signature.contains("Result<crate::Response<types::ItemGetResponse>,crate::Error,>"),
            "{text}"
        );
    }

    /// The arguments `crate::transport::send` is called with, as tokens.
    fn transport_call_args(file: &File) -> String {
        struct Find(Option<String>);
        impl<'a> Visit<'a> for Find {
            fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
                if tokens(&call.func) == tokens(&quote!(crate::transport::send)) {
                    self.0 = Some(tokens(&call.args));
                }
                syn::visit::visit_expr_call(self, call);
            }
        }
        let mut find = Find(None);
        find.visit_file(file);
        find.0.expect("a call of crate::transport::send")
    }

    fn reader_for(field: Option<Type>) -> String {
        let mut file = sample();
        let types = module_mut(&mut file.items, "types").unwrap();
        types.push(match field {
            Some(ty) => {
                parse_quote! { pub struct ItemGetResponse { pub item: Item, pub request_id: #ty } }
            }
            None => parse_quote! { pub struct ItemGetResponse { pub item: Item } },
        });
        route_sends_through_transport(&mut file, 1).unwrap();
        transport_call_args(&file)
    }

    #[test]
    fn the_reply_types_request_id_field_is_handed_to_the_transport() {
        let reads = |reader: proc_macro2::TokenStream| {
            tokens(&quote! { client, request, info, ::std::option::Option::Some(#reader) })
        };
        assert_eq!(
            reader_for(Some(parse_quote! { ::std::string::String })),
            reads(quote! {
                |body: &types::ItemGetResponse| ::std::option::Option::Some(body.request_id.as_str())
            })
        );
        assert_eq!(
            reader_for(Some(
                parse_quote! { ::std::option::Option<::std::string::String> }
            )),
            reads(quote! { |body: &types::ItemGetResponse| body.request_id.as_deref() })
        );
        // Not a string, or no such field: the transport scans the body as before.
        for field in [
            Some(parse_quote!(i64)),
            Some(parse_quote!(Option<u8>)),
            None,
        ] {
            assert_eq!(
                reader_for(field),
                tokens(&quote!(client, request, info, ::std::option::Option::None))
            );
        }
    }

    #[test]
    fn a_path_parameter_stays_an_argument_of_the_path() {
        let mut block: Block = parse_quote! {{
            let url = format!("{}/accounts/{}/get", client.baseurl, encode_path(&id.to_string()),);
            let request = client.client.post(url).build()?;
        }};
        url_from_parsed_base(&mut block).unwrap();
        assert_eq!(
            tokens(&block.stmts[0]),
            tokens(&quote! {
                let url = client.operation_url(::std::format_args!("/accounts/{}/get", encode_path(&id.to_string())))?;
            })
        );
        for unexpected in [
            quote! {{ let url = format!("{}/item/get", other.base,); }},
            quote! {{ let url = format!("https://x{}", client.baseurl,); }},
            quote! {{ let address = format!("{}/item/get", client.baseurl,); }},
        ] {
            let mut block: Block = syn::parse2(unexpected).unwrap();
            assert!(
                url_from_parsed_base(&mut block).is_err(),
                "{}",
                tokens(&block)
            );
        }
    }

    #[test]
    fn an_unexpected_send_shape_is_an_error_not_a_silent_skip() {
        let mut file: File = parse_quote! {
            pub mod builder {
                impl X { pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> { todo!() } }
            }
        };
        let err = route_sends_through_transport(&mut file, 1).unwrap_err();
        assert_eq!(
            err.expected,
            "a send() appending the `api-version` header once"
        );
        let mut empty: File = parse_quote! { pub mod types {} };
        let err = route_sends_through_transport(&mut empty, 1).unwrap_err();
        assert_eq!(err.expected, "a `mod builder`");
    }

    #[test]
    fn a_missing_or_extra_send_is_counted_against_the_operations() {
        let mut file = sample();
        let err = route_sends_through_transport(&mut file, 2).unwrap_err();
        assert_eq!(
            err.expected,
            "2 send() methods in `mod builder` (one per operation)"
        );
        assert_eq!(err.found, "1 of them");
    }
}
