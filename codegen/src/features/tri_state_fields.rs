//! Tri-state request fields: where `null` and "not set" mean different things.
//!
//! `ItemWebhookUpdateRequest.webhook: null` removes the webhook; leaving it out changes
//! nothing. typify types such a field `Option<T>` and never sends `null`, so these fields
//! become `crate::Nullable<T>` (absent / null / value; runtime half in `src/nullable.rs`).
//!
//! Rewrite only: every optional, nullable property of a request schema, in the model, its
//! builder's field and the builder's setter bound.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;
use syn::{parse_quote, File, Item, Type};

use super::Feature;
use crate::names::type_name;
use crate::rewrite::{expect_sites, module_mut, Mismatch};
use crate::spec_index;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("tri_state_fields")
    .rewrite(|spec, file| make_nullable(file, &explicit_null_fields(spec)));

/// Each field is three `Option`s in progenitor's output: the model's field, the builder's
/// field and the builder setter's bound.
const SITES_PER_FIELD: usize = 3;

/// `(Rust type, Rust field)` for every optional, nullable property of a schema that a
/// request body can contain.
pub fn explicit_null_fields(spec: &Value) -> Vec<(String, String)> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let Some(schemas) = schemas else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for name in request_schemas(spec) {
        let Some(schema) = schemas.get(&name) else {
            continue;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (prop, def) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !required.contains(&prop.as_str()) && def.get("nullable") == Some(&Value::Bool(true))
            {
                fields.push((type_name(&name), prop.to_snake_case()));
            }
        }
    }
    fields
}

/// Named schemas reachable from any operation's request body.
fn request_schemas(spec: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for op in spec_index::operations(spec) {
        if let Some(body) = op.definition.get("requestBody") {
            crate::refs::collect_schema_refs(body, &mut pending);
        }
    }
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = spec_index::schema(spec, &name) {
                crate::refs::collect_schema_refs(schema, &mut pending);
            }
        }
    }
    seen
}

/// Turns the listed `(type, field)` pairs from `Option<T>` into `crate::Nullable<T>`: in the
/// model, in its builder's field, and in the builder's setter bounds.
fn make_nullable(file: &mut File, fields: &[(String, String)]) -> Result<usize, Mismatch> {
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
    expect_sites(
        &format!(
            "`Option`s turned `Nullable` ({SITES_PER_FIELD} for each of {} tri-state fields)",
            fields.len()
        ),
        SITES_PER_FIELD * fields.len(),
        rewrite.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_optional_nullable_fields_of_request_schemas_only() {
        let spec = json!({
            "paths": {"/item/webhook/update": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemWebhookUpdateRequest"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Resp"}}}}}
            }}},
            "components": {"schemas": {
                "ItemWebhookUpdateRequest": {"type": "object", "required": ["access_token"], "properties": {
                    "access_token": {"type": "string"},
                    "webhook": {"type": "string", "nullable": true},
                    "scopes": {"$ref": "#/components/schemas/Scopes"}
                }},
                "Scopes": {"type": "object", "properties": {"new_accounts": {"type": "boolean", "nullable": true}}},
                "Resp": {"type": "object", "properties": {"display_name": {"type": "string", "nullable": true}}}
            }}
        });
        assert_eq!(
            explicit_null_fields(&spec),
            vec![
                (
                    "ItemWebhookUpdateRequest".to_string(),
                    "webhook".to_string()
                ),
                ("Scopes".to_string(), "new_accounts".to_string()),
            ]
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
}
