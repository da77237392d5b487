//! The reference check: every `$ref` must resolve before anything is generated.
//!
//! typify panics on the first dangling ref it meets; this check finds all of them and says
//! where each one is used, so one build tells the user everything to add to the supplement.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{CodegenError, MissingRef};
use crate::spec_index;

/// Fails with every missing schema name and the places that reference it.
pub fn check_refs(spec: &Value) -> Result<(), CodegenError> {
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut path = Vec::new();
    visit(spec, &mut path, &mut |ref_path, target| {
        if resolve(spec, target).is_none() {
            let name = spec_index::schema_ref_name(target).unwrap_or_else(|| target.to_string());
            let used_by = missing.entry(name).or_default();
            let place = describe_location(ref_path);
            if !used_by.contains(&place) {
                used_by.push(place);
            }
        }
    });
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CodegenError::MissingRefs(
            missing
                .into_iter()
                .map(|(name, used_by)| MissingRef { name, used_by })
                .collect(),
        ))
    }
}

/// Pushes the name (unescaped) of every `#/components/schemas/...` ref under `value`.
pub fn collect_schema_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(spec_index::schema_ref_name)
            {
                out.push(name);
            }
            map.values().for_each(|v| collect_schema_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_schema_refs(v, out)),
        _ => {}
    }
}

pub use crate::spec_index::resolve;

fn visit(value: &Value, path: &mut Vec<String>, on_ref: &mut dyn FnMut(&[String], &str)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                on_ref(path, target);
            }
            for (key, child) in map {
                path.push(key.clone());
                visit(child, path, on_ref);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(i.to_string());
                visit(child, path, on_ref);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Turns a JSON path into words: `requestBody of POST /item/get`, `Item.error`, ...
pub fn describe_location(path: &[String]) -> String {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["paths", route, method, rest @ ..] => {
            let op = format!("{} {route}", method.to_uppercase());
            match rest {
                ["requestBody", ..] => format!("requestBody of {op}"),
                ["responses", code, ..] => format!("response {code} of {op}"),
                ["parameters", ..] => format!("a parameter of {op}"),
                _ => op,
            }
        }
        ["components", "schemas", schema, rest @ ..] => {
            let fields: Vec<&str> = rest
                .windows(2)
                .filter(|w| w[0] == "properties")
                .map(|w| w[1])
                .collect();
            if fields.is_empty() {
                format!("schema {schema}")
            } else {
                format!("{schema}.{}", fields.join("."))
            }
        }
        _ => format!("#/{}", p.join("/")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_with_two_gaps() -> Value {
        json!({
            "openapi": "3.0.0",
            "paths": {"/item/get": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemGetRequest"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemGetResponse"}}}}}
            }}},
            "components": {"schemas": {
                "ItemGetResponse": {"type": "object", "properties": {
                    "item": {"$ref": "#/components/schemas/Item"},
                    "request_id": {"$ref": "#/components/schemas/RequestID"}
                }},
                "RequestID": {"type": "string"}
            }}
        })
    }

    #[test]
    fn lists_every_missing_name_with_its_users() {
        let err = check_refs(&spec_with_two_gaps()).unwrap_err();
        let CodegenError::MissingRefs(missing) = &err else {
            panic!("expected MissingRefs, got {err:?}");
        };
        assert_eq!(
            missing,
            &vec![
                MissingRef {
                    name: "Item".into(),
                    used_by: vec!["ItemGetResponse.item".into()]
                },
                MissingRef {
                    name: "ItemGetRequest".into(),
                    used_by: vec!["requestBody of POST /item/get".into()]
                },
            ]
        );
        let text = err.to_string();
        assert!(
            text.contains("ItemGetRequest (requestBody of POST /item/get)"),
            "{text}"
        );
        // A downstream user is told to add to their own supplement, not to edit the dependency.
        assert!(
            text.contains("in your own supplement file and point PLAID_ITEM_SUPPLEMENT at it"),
            "{text}"
        );
        assert!(!text.contains("codegen/"), "{text}");
    }

    #[test]
    fn a_complete_spec_passes() {
        let mut spec = spec_with_two_gaps();
        let schemas = spec["components"]["schemas"].as_object_mut().unwrap();
        schemas.insert("Item".into(), json!({"type": "object"}));
        schemas.insert("ItemGetRequest".into(), json!({"type": "object"}));
        assert!(check_refs(&spec).is_ok());
    }

    #[test]
    fn a_name_used_twice_is_listed_once_with_both_places() {
        let spec = json!({"components": {"schemas": {
            "A": {"properties": {"x": {"$ref": "#/components/schemas/Gone"}}},
            "B": {"items": {"$ref": "#/components/schemas/Gone"}}
        }}});
        let CodegenError::MissingRefs(missing) = check_refs(&spec).unwrap_err() else {
            panic!()
        };
        assert_eq!(missing.len(), 1);
        assert_eq!(
            missing[0].used_by,
            vec!["A.x".to_string(), "schema B".to_string()]
        );
    }
}
