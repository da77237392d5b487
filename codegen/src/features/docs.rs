//! A doc line on every public generated item, from the spec, so `cargo doc` teaches.
//!
//! Rewrite only, run before `fluent` (which copies a field's description onto its setters):
//!
//! - every model field gets its description (its own, else the first paragraph of the schema
//!   it refers to, else a fallback line) and a last paragraph saying whether the spec makes it
//!   required, optional or nullable;
//! - the flattened `extra` map of open objects says what it keeps;
//! - `X::builder()` and `types::builder::X` say what they build;
//! - every `Client` method and operation builder says what the call does (summary, first
//!   paragraph of the description) and links its page in Plaid's docs; `body`/`body_map`
//!   say how they differ from the field setters;
//! - the `Client` page reads as this SDK's client, and progenitor's internal constructors
//!   and `ClientInfo`/`ClientHooks` impls are `#[doc(hidden)]`, so `Client::builder()` and
//!   `Client::from_env()` are the ways in that users see.
//!
//! Text from the spec is escaped for rustdoc ([`escape`]): bare URLs become autolinks,
//! brackets that are not Markdown links and HTML-looking `<...>` are escaped, code spans stay.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::Value;
use syn::{parse_quote, Attribute, File, ImplItem, Item, ItemStruct, Type};

use super::Feature;
use crate::names::{pascal_case, type_name};
use crate::rewrite::{expect_sites, last_ident, module_mut, Mismatch};
use crate::spec_index;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("docs").rewrite(apply);

/// The last paragraph of a field's docs, by what the spec says of its presence.
const REQUIRED: &str = "Required.";
const REQUIRED_NULLABLE: &str = "Required; may be `null`.";
const OPTIONAL: &str = "Optional: may be absent.";
const OPTIONAL_NULLABLE: &str = "Optional: may be absent or `null`.";
const PRESENCE: [&str; 4] = [REQUIRED, REQUIRED_NULLABLE, OPTIONAL, OPTIONAL_NULLABLE];

/// A field's doc lines without the presence paragraph this feature adds, for the setters
/// that say presence in their own words (`fluent`).
pub fn description_lines(mut lines: Vec<String>) -> Vec<String> {
    if lines.last().is_some_and(|l| PRESENCE.contains(&l.trim())) {
        lines.pop();
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
    }
    lines
}

/// Documents the models, the client and the operation builders; returns the sites documented.
pub fn apply(spec: &Value, file: &mut File) -> Result<usize, Mismatch> {
    let operations = operations(spec);
    let types = module_mut(&mut file.items, "types")?;
    let mut written = document_models(spec, types)?;
    written += document_model_builders(types)?;
    written += document_client(spec, &operations, &mut file.items)?;
    let builders = module_mut(&mut file.items, "builder")?;
    written += document_operation_builders(&operations, builders)?;
    Ok(written)
}

// ---------------------------------------------------------------------------------------
// Models

/// `schema`, then what it refers to, and so on (at most a few steps, refs can loop).
fn ref_chain<'a>(spec: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut chain = vec![schema];
    while chain.len() < 8 {
        match spec_index::referenced(spec, chain[chain.len() - 1]) {
            Some(next) => chain.push(next),
            None => break,
        }
    }
    chain
}

/// The description a property carries, or the first paragraph of the one of the schema it
/// refers to (of its items, for a list).
fn property_description(spec: &Value, property: &Value) -> Option<String> {
    if let Some(own) = property.get("description").and_then(Value::as_str) {
        return Some(own.to_string());
    }
    let chain = ref_chain(spec, property);
    let items = chain
        .iter()
        .find_map(|s| s.get("items"))
        .map(|items| ref_chain(spec, items))
        .unwrap_or_default();
    chain
        .iter()
        .chain(items.iter())
        .find_map(|s| s.get("description").and_then(Value::as_str))
        .map(first_paragraph)
}

fn is_nullable(spec: &Value, property: &Value) -> bool {
    ref_chain(spec, property)
        .iter()
        .any(|s| s.get("nullable").and_then(Value::as_bool) == Some(true))
}

/// typify's struct name for every schema of the spec.
fn schemas_by_type(spec: &Value) -> BTreeMap<String, &Value> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| (type_name(name), schema))
        .collect()
}

/// The wire name of a field: its `#[serde(rename = "..")]`, else its Rust name.
fn wire_name(field: &syn::Field) -> Option<String> {
    let rename = field.attrs.iter().find_map(|a| {
        crate::rewrite::serde_args(a)?.iter().find_map(|m| match m {
            syn::Meta::NameValue(nv) if nv.path.is_ident("rename") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
    });
    rename.or_else(|| {
        field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_string())
    })
}

fn doc_text(attrs: &[Attribute]) -> String {
    crate::rewrite::doc_lines(attrs)
        .join("\n")
        .trim()
        .to_string()
}

/// Replaces `attrs`' doc comments with `text`, one `#[doc]` per line, placed first.
fn set_docs(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.retain(|a| !a.path().is_ident("doc"));
    let docs: Vec<Attribute> = text
        .lines()
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            parse_quote!(#[doc = #line])
        })
        .collect();
    attrs.splice(0..0, docs);
}

fn is_flattened_map(field: &syn::Field) -> bool {
    field
        .attrs
        .iter()
        .any(|a| crate::rewrite::has_serde_flag(a, "flatten"))
}

/// Every named field of every model struct: its description and its presence.
fn document_models(spec: &Value, types: &mut [Item]) -> Result<usize, Mismatch> {
    let schemas = schemas_by_type(spec);
    let mut fields = 0;
    let mut documented = 0;
    for item in types.iter_mut() {
        let Item::Struct(model) = item else { continue };
        let syn::Fields::Named(named) = &mut model.fields else {
            continue;
        };
        let name = model.ident.to_string();
        let schema = schemas.get(&name).ok_or_else(|| {
            Mismatch::new(
                format!("a schema in components.schemas for `types::{name}`"),
                "none by typify's naming",
            )
        })?;
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for field in named.named.iter_mut() {
            fields += 1;
            if is_flattened_map(field) {
                set_docs(
                    &mut field.attrs,
                    "Fields Plaid sent that this version of the SDK does not know, kept as \
                     sent and written back unchanged.",
                );
                documented += 1;
                continue;
            }
            let wire = wire_name(field).unwrap_or_default();
            let property = schema
                .get("properties")
                .and_then(|p| p.get(&wire))
                .ok_or_else(|| {
                    Mismatch::new(
                        format!("a property `{wire}` in the schema of `types::{name}`"),
                        "no such property",
                    )
                })?;
            let existing = doc_text(&field.attrs);
            let description = if existing.is_empty() {
                property_description(spec, property)
                    .map(|d| escape(&d))
                    .unwrap_or_else(|| format!("The `{wire}` field (no description in the spec)."))
            } else {
                escape(&existing)
            };
            let presence = match (
                required.contains(&wire.as_str()),
                is_nullable(spec, property),
            ) {
                (true, false) => REQUIRED,
                (true, true) => REQUIRED_NULLABLE,
                (false, false) => OPTIONAL,
                (false, true) => OPTIONAL_NULLABLE,
            };
            set_docs(&mut field.attrs, &format!("{description}\n\n{presence}"));
            documented += 1;
        }
    }
    expect_sites("model fields documented", fields, documented)
}

/// `X::builder()` and the `types::builder::X` it returns.
fn document_model_builders(types: &mut [Item]) -> Result<usize, Mismatch> {
    let mut models = Vec::new();
    for item in types.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(model) = last_ident(&block.self_ty) else {
            continue;
        };
        for impl_item in block.items.iter_mut() {
            if let ImplItem::Fn(f) = impl_item {
                if f.sig.ident == "builder" {
                    let text = format!(
                        "Starts a [`builder::{model}`], which sets the fields one by one; \
                         converting it (`try_into()`, or passing it where this type is taken) \
                         checks that every required field is set."
                    );
                    set_docs(&mut f.attrs, &text);
                    models.push(model.clone());
                }
            }
        }
    }
    let builders = module_mut(types, "builder")?;
    let mut documented = 0;
    for item in builders.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if models.contains(&name) {
            set_docs(
                &mut s.attrs,
                &format!(
                    "Builds a [`{name}`](super::{name}) field by field; made by \
                     [`{name}::builder()`](super::{name}::builder)."
                ),
            );
            documented += 1;
        }
    }
    expect_sites(
        "model builder structs (one per `builder()`)",
        models.len(),
        documented,
    )
    .map(|n| n * 2)
}

// ---------------------------------------------------------------------------------------
// Operations and the client

/// One operation of the spec, as its docs need it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Operation {
    /// progenitor's method name (`item_get`); the builder is its PascalCase (`ItemGet`).
    method: String,
    verb: String,
    path: String,
    summary: String,
    description: Option<String>,
    docs_url: String,
    has_body: bool,
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    for op in spec_index::operations(spec) {
        let Some(id) = op.id else {
            continue;
        };
        let (path, verb) = (op.path, op.method_upper());
        let text = |key: &str| {
            op.definition
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let summary = text("summary")
            .map(|s| s.strip_prefix("Plaid ").unwrap_or(s).to_string())
            .map(|s| sentence(&s));
        let description = text("description").map(first_paragraph);
        let summary = summary
            .or_else(|| description.as_deref().map(first_sentence))
            .unwrap_or_else(|| format!("Calls `{verb} {path}`."));
        found.push(Operation {
            method: id.to_snake_case(),
            verb: verb.to_string(),
            path: path.to_string(),
            description: description.filter(|d| sentence(d) != summary),
            docs_url: docs_url(
                path,
                op.definition
                    .pointer("/externalDocs/url")
                    .and_then(Value::as_str),
            ),
            has_body: op.definition.get("requestBody").is_some(),
            summary,
        });
    }
    found
}

/// The page of Plaid's API reference that documents `path`: the page the spec's
/// `externalDocs` names when it names one (`/api/tokens/#...`), else the Sandbox page for
/// `/sandbox/...` and the Items page for the rest; the anchor is the path without its
/// slashes (`/item/public_token/exchange` -> `#itempublic_tokenexchange`), as Plaid's pages
/// spell them.
pub fn docs_url(path: &str, external: Option<&str>) -> String {
    let anchor: String = path.chars().filter(|c| *c != '/').collect();
    let page = external
        .and_then(|url| url.strip_prefix("/api/"))
        .and_then(|rest| rest.split('#').next())
        .map(|page| page.trim_end_matches('/'))
        .filter(|page| {
            !page.is_empty()
                && page
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '/')
        })
        .unwrap_or(if path.starts_with("/sandbox/") {
            "sandbox"
        } else {
            "items"
        });
    format!("https://plaid.com/docs/api/{page}/#{anchor}")
}

fn call_docs(op: &Operation, builder_link: &str) -> String {
    let mut text = escape(&op.summary);
    if let Some(description) = &op.description {
        text.push_str("\n\n");
        text.push_str(&escape(description));
    }
    text.push_str(&format!(
        "\n\n`{} {}`: set the request's fields on {builder_link}, then `.send().await`. \
         [Plaid's docs for `{}`]({}).",
        op.verb, op.path, op.path, op.docs_url
    ));
    text
}

/// The `Client` struct, its operation methods, and what progenitor makes public for itself.
fn document_client(
    spec: &Value,
    operations: &[Operation],
    items: &mut [Item],
) -> Result<usize, Mismatch> {
    let version = spec
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    let mut client = 0;
    let mut methods = 0;
    let mut hidden = 0;
    for item in items.iter_mut() {
        match item {
            Item::Struct(ItemStruct { ident, attrs, .. }) if ident == "Client" => {
                let text = format!(
                    "A client for Plaid's Item API, one method per operation.\n\n\
                     Make one with [`Client::builder()`](crate::Client::builder) or \
                     [`Client::from_env()`](crate::Client::from_env). Each method returns a \
                     builder: set the request's fields on it, then `.send().await` for a \
                     [`Response`](crate::Response) or an [`Error`](crate::Error). Cloning a \
                     client is cheap and shares its connections.\n\n\
                     Generated from Plaid's spec, API version `{}`.",
                    escape(version)
                );
                set_docs(attrs, &text);
                client += 1;
            }
            Item::Impl(block) if last_ident(&block.self_ty).as_deref() == Some("Client") => {
                if block.trait_.is_some() {
                    // `ClientInfo` / `ClientHooks`: progenitor's plumbing, not for users.
                    block.attrs.push(parse_quote!(#[doc(hidden)]));
                    hidden += 1;
                    continue;
                }
                for impl_item in block.items.iter_mut() {
                    let ImplItem::Fn(f) = impl_item else { continue };
                    let name = f.sig.ident.to_string();
                    if let Some(op) = operations.iter().find(|op| op.method == name) {
                        let builder = pascal_case(&op.method);
                        let link = format!("the returned [`builder::{builder}`]");
                        set_docs(&mut f.attrs, &call_docs(op, &link));
                        methods += 1;
                    } else {
                        // `new`, `new_with_client`: a client without this SDK's runtime
                        // settings; `Client::builder()` is the way in.
                        f.attrs.push(parse_quote!(#[doc(hidden)]));
                        hidden += 1;
                    }
                }
            }
            Item::Impl(block) if is_ref_client(&block.self_ty) && block.trait_.is_some() => {
                block.attrs.push(parse_quote!(#[doc(hidden)]));
                hidden += 1;
            }
            _ => {}
        }
    }
    expect_sites("`pub struct Client`s", 1, client)?;
    expect_sites(
        "`Client` methods, one per operation",
        operations.len(),
        methods,
    )?;
    // `new`, `new_with_client`, the `ClientInfo` impl and the `ClientHooks` impl.
    expect_sites("internal `Client` items hidden", 4, hidden)?;
    Ok(client + methods + hidden)
}

fn is_ref_client(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if last_ident(&r.elem).as_deref() == Some("Client"))
}

/// Each operation builder: what its call does, and its `new`/`body`/`body_map`.
fn document_operation_builders(
    operations: &[Operation],
    builders: &mut [Item],
) -> Result<usize, Mismatch> {
    let by_builder: BTreeMap<String, &Operation> = operations
        .iter()
        .map(|op| (pascal_case(&op.method), op))
        .collect();
    let mut structs = 0;
    let mut methods = 0;
    let mut expected_methods = 0;
    for item in builders.iter_mut() {
        match item {
            Item::Struct(s) => {
                let Some(op) = by_builder.get(&s.ident.to_string()) else {
                    continue;
                };
                let link = format!(
                    "this builder (which [`Client::{}`](super::Client::{}) returns)",
                    op.method, op.method
                );
                set_docs(&mut s.attrs, &call_docs(op, &link));
                structs += 1;
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let Some(op) =
                    last_ident(&block.self_ty).and_then(|name| by_builder.get(&name).copied())
                else {
                    continue;
                };
                expected_methods += if op.has_body { 3 } else { 1 };
                for impl_item in block.items.iter_mut() {
                    let ImplItem::Fn(f) = impl_item else { continue };
                    match f.sig.ident.to_string().as_str() {
                        "new" => f.attrs.push(parse_quote!(#[doc(hidden)])),
                        "body" => set_docs(
                            &mut f.attrs,
                            "Sets the whole request body at once, replacing what the field \
                             setters set before; for a body built elsewhere.",
                        ),
                        "body_map" => set_docs(
                            &mut f.attrs,
                            "Edits the request body's builder with `f`, after the fields set \
                             so far.",
                        ),
                        _ => continue,
                    }
                    methods += 1;
                }
            }
            _ => {}
        }
    }
    expect_sites("operation builder structs", operations.len(), structs)?;
    expect_sites(
        "operation builder `new`/`body`/`body_map` methods",
        expected_methods,
        methods,
    )?;
    Ok(structs + methods)
}

// ---------------------------------------------------------------------------------------
// Text

/// The first paragraph of `text`, trimmed.
fn first_paragraph(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first sentence of `text` (up to the first `. `), with its full stop.
fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => sentence(text),
    }
}

/// `text` ending in a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', ':']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `text` made safe for rustdoc: bare URLs become `<url>` autolinks; `[`, `]` that do not
/// form a Markdown link `[..](..)` and a `<` that does not open an autolink are escaped, so
/// rustdoc neither guesses an intra-doc link nor reads an HTML tag. Code spans stay as written.
pub fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().take(8).collect();
        match c {
            '`' => {
                // A code span runs to the next backtick; an unmatched one is escaped.
                match chars[i + 1..].iter().position(|&d| d == '`') {
                    Some(len) => {
                        out.extend(&chars[i..=i + 1 + len]);
                        i += len + 2;
                    }
                    None => {
                        out.push_str("\\`");
                        i += 1;
                    }
                }
                continue;
            }
            '[' => {
                if let Some(end) = markdown_link_end(&chars, i) {
                    out.extend(&chars[i..end]);
                    i = end;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
                continue;
            }
            ']' => out.push_str("\\]"),
            '<' if rest.starts_with("<http://") || rest.starts_with("<https:/") => {
                let end = chars[i..]
                    .iter()
                    .position(|&d| d == '>' || d.is_whitespace())
                    .map_or(chars.len(), |p| i + p);
                if chars.get(end) == Some(&'>') {
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                } else {
                    out.push_str("&lt;");
                    i += 1;
                }
                continue;
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            'h' if rest.starts_with("http://") || rest.starts_with("https://") => {
                let mut end = chars[i..]
                    .iter()
                    .position(|&d| d.is_whitespace() || matches!(d, '<' | '>' | '"' | '`'))
                    .map_or(chars.len(), |p| i + p);
                while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':' | ')' | '\'') {
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Where a Markdown link `[text](target)` starting at `start` ends (one past its `)`).
fn markdown_link_end(chars: &[char], start: usize) -> Option<usize> {
    let close = start
        + 1
        + chars[start + 1..]
            .iter()
            .position(|&c| c == ']' || c == '[')?;
    if chars[close] != ']' || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let target_end = close + 2 + chars[close + 2..].iter().position(|&c| c == ')')?;
    let target: String = chars[close + 2..target_end].iter().collect();
    (!target.is_empty() && !target.contains(char::is_whitespace)).then_some(target_end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "info": {"version": "2020-09-14_1.0"},
            "paths": {
                "/item/webhook/update": {"post": {
                    "operationId": "itemWebhookUpdate",
                    "summary": "Plaid Update Webhook URL",
                    "description": "Updates the webhook URL of an Item.\n\nMore detail we drop.",
                    "requestBody": {"content": {}}
                }},
                "/sandbox/item/reset_login": {"post": {
                    "operationId": "sandboxItemResetLogin",
                    "requestBody": {"content": {}}
                }}
            },
            "components": {"schemas": {
                "AccessToken": {"type": "string", "description": "The Item's token.\n\nSecond paragraph."},
                "ItemWebhookUpdateRequest": {
                    "type": "object",
                    "required": ["access_token", "webhook"],
                    "properties": {
                        "access_token": {"allOf": [{"$ref": "#/components/schemas/AccessToken"}]},
                        "webhook": {"type": "string", "nullable": true, "description": "The new URL, see https://plaid.com/docs."},
                        "count": {"type": "integer"},
                        "note": {"type": "string", "nullable": true}
                    }
                },
                "SandboxItemResetLoginRequest": {"type": "object", "properties": {}}
            }}
        })
    }

    fn sample() -> File {
        parse_quote! {
                    pub mod types {
                        pub struct ItemWebhookUpdateRequest {
                            pub access_token: crate::secret::AccessToken,
                            pub webhook: ::std::option::Option<::std::string::String>,
                            ///How many [things] to send.
                            pub count: ::std::option::Option<i64>,
                            #[serde(rename = "note")]
                            pub r#note: crate::Nullable<::std::string::String>,
                            #[serde(flatten)]
                            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                        }
                        impl ItemWebhookUpdateRequest {
                            pub fn builder() -> builder::ItemWebhookUpdateRequest { Default::default() }
                        }
                        pub struct SandboxItemResetLoginRequest {}
                        impl SandboxItemResetLoginRequest {
                            pub fn builder() -> builder::SandboxItemResetLoginRequest { Default::default() }
                        }
                        pub mod builder {
                            pub struct ItemWebhookUpdateRequest {}
                            pub struct SandboxItemResetLoginRequest {}
                        }
                    }
                    /**Client for Plaid item/

        Needs description.*/
                    pub struct Client {}
                    impl Client {
                        pub fn new(baseurl: &str) -> Self { todo!() }
                        pub fn new_with_client(baseurl: &str) -> Self { todo!() }
                    }
                    impl ClientInfo<()> for Client {}
                    impl ClientHooks<()> for &Client {}
                    impl Client {
                        ///Plaid Update Webhook URL
                        pub fn item_webhook_update(&self) -> builder::ItemWebhookUpdate<'_> { todo!() }
                        pub fn sandbox_item_reset_login(&self) -> builder::SandboxItemResetLogin<'_> { todo!() }
                    }
                    pub mod builder {
                        ///Builder for [`Client::item_webhook_update`]
                        pub struct ItemWebhookUpdate<'a> { client: &'a super::Client }
                        impl<'a> ItemWebhookUpdate<'a> {
                            pub fn new(client: &'a super::Client) -> Self { todo!() }
                            pub fn body<V>(self, value: V) -> Self { self }
                            pub fn body_map<F>(self, f: F) -> Self { self }
                            pub fn send(self) {}
                        }
                        pub struct SandboxItemResetLogin<'a> { client: &'a super::Client }
                        impl<'a> SandboxItemResetLogin<'a> {
                            pub fn new(client: &'a super::Client) -> Self { todo!() }
                            pub fn body<V>(self, value: V) -> Self { self }
                            pub fn body_map<F>(self, f: F) -> Self { self }
                        }
                    }
                }
    }

    /// The sample after the feature ran on it, as text.
    fn documented_sample() -> String {
        let mut file = sample();
        apply(&spec(), &mut file).unwrap();
        text(&file)
    }

    fn text(file: &File) -> String {
        prettyplease::unparse(file)
    }

    /// The doc text of the item of `file` whose source starts with `start`.
    fn docs_before(text: &str, start: &str) -> String {
        let at = text
            .find(start)
            .unwrap_or_else(|| panic!("no `{start}` in {text}"));
        let before = &text[..at];
        let lines: Vec<&str> = before.lines().collect();
        let mut docs: Vec<&str> = lines
            .iter()
            .rev()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| l.trim_start().starts_with("///") || l.trim_start().starts_with("#["))
            .filter(|l| l.trim_start().starts_with("///") || l.trim_start().starts_with("#[doc"))
            .map(|l| l.trim())
            .collect();
        docs.reverse();
        docs.join("\n")
    }

    #[test]
    fn a_field_gets_the_description_of_the_schema_it_refers_to_and_its_presence() {
        let text = documented_sample();
        let docs = docs_before(&text, "pub access_token");
        assert!(docs.contains("/// The Item's token.\n"), "{docs}");
        assert!(
            !docs.contains("Second paragraph"),
            "first paragraph only: {docs}"
        );
        assert!(docs.ends_with("/// Required."), "{docs}");
    }

    #[test]
    fn presence_says_required_optional_and_nullable_from_the_spec() {
        let text = documented_sample();
        let webhook = docs_before(&text, "pub webhook");
        assert!(
            webhook.ends_with("/// Required; may be `null`."),
            "{webhook}"
        );
        assert!(
            webhook.contains("see <https://plaid.com/docs>."),
            "a bare URL becomes a link: {webhook}"
        );
        let count = docs_before(&text, "pub count");
        assert!(count.ends_with("/// Optional: may be absent."), "{count}");
        assert!(count.contains("How many \\[things\\] to send."), "{count}");
        let note = docs_before(&text, "pub r#note");
        assert!(
            note.ends_with("/// Optional: may be absent or `null`."),
            "{note}"
        );
        assert!(
            note.contains("The `note` field (no description in the spec)."),
            "a fallback line, never nothing: {note}"
        );
        let extra = docs_before(&text, "pub extra");
        assert!(extra.contains("does not know"), "{extra}");
    }

    #[test]
    fn setters_get_the_description_without_the_presence_line() {
        let lines = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            description_lines(lines(&[" The token.", "", " Required."])),
            lines(&[" The token."])
        );
        assert_eq!(
            description_lines(lines(&[" Required."])),
            Vec::<String>::new()
        );
        assert_eq!(
            description_lines(lines(&[" Ends. Required."])),
            lines(&[" Ends. Required."]),
            "only a whole presence line is dropped"
        );
    }

    #[test]
    fn operations_say_what_they_do_and_link_plaids_page() {
        let text = documented_sample();
        let method = docs_before(&text, "pub fn item_webhook_update");
        assert!(method.starts_with("/// Update Webhook URL.\n"), "{method}");
        assert!(
            method.contains("Updates the webhook URL of an Item."),
            "{method}"
        );
        assert!(!method.contains("More detail"), "{method}");
        assert!(
            method.contains("(https://plaid.com/docs/api/items/#itemwebhookupdate)"),
            "{method}"
        );
        assert!(
            method.contains("[`builder::ItemWebhookUpdate`]"),
            "{method}"
        );
        let sandbox = docs_before(&text, "pub fn sandbox_item_reset_login");
        assert!(
            sandbox.starts_with("/// Calls `POST /sandbox/item/reset_login`."),
            "no summary or description still says something: {sandbox}"
        );
        assert!(
            sandbox.contains("(https://plaid.com/docs/api/sandbox/#sandboxitemreset_login)"),
            "{sandbox}"
        );
        let builder = docs_before(&text, "pub struct ItemWebhookUpdate<");
        assert!(builder.contains("Update Webhook URL."), "{builder}");
        assert!(builder.contains("#itemwebhookupdate"), "{builder}");
        assert!(!builder.contains("Builder for"), "{builder}");
        let body = docs_before(&text, "pub fn body<");
        assert!(body.contains("whole request body"), "{body}");
    }

    #[test]
    fn progenitors_internals_are_hidden_and_the_client_page_reads_as_ours() {
        let text = documented_sample();
        let client = docs_before(&text, "pub struct Client");
        assert!(!client.contains("Needs description"), "{client}");
        assert!(client.contains("Client::builder()"), "{client}");
        assert!(client.contains("`2020-09-14_1.0`"), "{client}");
        for item in [
            "pub fn new(baseurl",
            "pub fn new_with_client",
            "impl ClientInfo",
            "impl ClientHooks",
            "pub fn new(client",
        ] {
            let docs = docs_before(&text, item);
            assert!(docs.ends_with("#[doc(hidden)]"), "{item}: {docs}");
        }
    }

    #[test]
    fn model_builders_say_what_they_build() {
        let mut file = sample();
        let written = apply(&spec(), &mut file).unwrap();
        let text = text(&file);
        let start = docs_before(
            &text,
            "pub fn builder() -> builder::ItemWebhookUpdateRequest",
        );
        assert!(
            start.contains("[`builder::ItemWebhookUpdateRequest`]"),
            "{start}"
        );
        let builder = docs_before(&text, "pub struct ItemWebhookUpdateRequest {}");
        assert!(
            builder.contains("(super::ItemWebhookUpdateRequest)"),
            "{builder}"
        );
        // 5 fields, 2 builder() + 2 builder structs, 1 client + 2 methods + 4 hidden,
        // 2 operation structs + 6 new/body/body_map.
        assert_eq!(written, 5 + 4 + 7 + 8);
    }

    #[test]
    fn a_model_with_no_schema_or_a_field_with_no_property_fails_the_build() {
        let mut file = sample();
        let mut spec = spec();
        spec["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("SandboxItemResetLoginRequest");
        let err = apply(&spec, &mut file).unwrap_err();
        assert!(
            err.expected
                .contains("`types::SandboxItemResetLoginRequest`"),
            "{err:?}"
        );

        let mut file = sample();
        let mut spec = self::spec();
        spec["components"]["schemas"]["ItemWebhookUpdateRequest"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("count");
        let err = apply(&spec, &mut file).unwrap_err();
        assert!(err.expected.contains("a property `count`"), "{err:?}");
    }

    #[test]
    fn an_operation_progenitor_did_not_emit_fails_the_build() {
        let mut file = sample();
        let mut spec = spec();
        spec["paths"]["/item/get"] = json!({"post": {"operationId": "itemGet"}});
        let err = apply(&spec, &mut file).unwrap_err();
        assert_eq!(err.expected, "3 `Client` methods, one per operation");
        assert_eq!(err.found, "2 of them");
    }

    #[test]
    fn docs_urls_follow_the_spec_then_the_path() {
        assert_eq!(
            docs_url("/item/get", None),
            "https://plaid.com/docs/api/items/#itemget"
        );
        assert_eq!(
            docs_url(
                "/item/public_token/exchange",
                Some("/api/tokens/#itempublic_tokenexchange")
            ),
            "https://plaid.com/docs/api/tokens/#itempublic_tokenexchange"
        );
        assert_eq!(
            docs_url("/item/application/unlink", Some("none")),
            "https://plaid.com/docs/api/items/#itemapplicationunlink"
        );
        assert_eq!(
            docs_url("/sandbox/item/fire_webhook", Some("/api/<script>/")),
            "https://plaid.com/docs/api/sandbox/#sandboxitemfire_webhook"
        );
    }

    #[test]
    fn escaping_keeps_links_and_code_and_defuses_the_rest() {
        assert_eq!(
            escape("See [Link](https://plaid.com/docs/link) and `a[0] <b>`."),
            "See [Link](https://plaid.com/docs/link) and `a[0] <b>`."
        );
        assert_eq!(escape("a [note] here"), "a \\[note\\] here");
        assert_eq!(escape("use <br> & <T>"), "use &lt;br&gt; &amp; &lt;T&gt;");
        assert_eq!(
            escape("go to https://plaid.com/x, or <https://plaid.com/y>."),
            "go to <https://plaid.com/x>, or <https://plaid.com/y>."
        );
        assert_eq!(escape("an odd ` tick"), "an odd \\` tick");
        assert_eq!(escape("[a](b c)"), "\\[a\\](b c)");
    }
}
