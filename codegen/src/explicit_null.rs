//! Request fields where `null` and "not set" mean different things.
//!
//! `ItemWebhookUpdateRequest.webhook: null` removes the webhook; leaving it out changes
//! nothing. typify types such a field `Option<T>` and never sends `null`, so these fields
//! become `crate::Nullable<T>` (absent / null / value) in post-processing.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::names::type_name;

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
    for item in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            if let Some(body) = op.get("requestBody") {
                crate::refs::collect_schema_refs(body, &mut pending);
            }
        }
    }
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = spec.pointer(&format!("/components/schemas/{name}")) {
                crate::refs::collect_schema_refs(schema, &mut pending);
            }
        }
    }
    seen
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
}
