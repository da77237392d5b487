//! Alias wrappers inlined and schema-level nullability moved to where a schema is used, so
//! types stay plain and fields become `Option`.

use serde_json::{json, Value};

use super::shape::{is_annotation, is_open_empty_object};

const PREFIX: &str = "#/components/schemas/";

/// If `schema` only renames another schema, the target `$ref` and whether it opens it up.
fn alias_target(schema: &Value) -> Option<(String, bool)> {
    let map = schema.as_object()?;
    if map.keys().any(|k| !is_annotation(k) && k != "allOf") {
        return None;
    }
    let members = map.get("allOf")?.as_array()?;
    let refs: Vec<&str> = members
        .iter()
        .filter_map(|m| m.get("$ref").and_then(Value::as_str))
        .collect();
    let others: Vec<&Value> = members.iter().filter(|m| m.get("$ref").is_none()).collect();
    if refs.len() != 1 || !others.iter().all(|m| is_open_empty_object(m)) {
        return None;
    }
    Some((refs[0].to_string(), !others.is_empty()))
}

/// Plaid wraps schemas as `XNullable: {nullable: true, allOf: [$ref X, {open object}]}`.
/// typify turns such wrappers into a second type (and here, two types of one name).
/// Every use of an alias becomes a use of its target, nullable where the alias was.
pub fn inline_ref_aliases(spec: &mut Value) {
    loop {
        let Some(schemas) = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let Some((alias, target, opens, nullable)) = schemas.iter().find_map(|(name, s)| {
            let (target, opens) = alias_target(s)?;
            (target != format!("{PREFIX}{name}")).then(|| {
                (
                    name.clone(),
                    target,
                    opens,
                    s.get("nullable") == Some(&Value::Bool(true)),
                )
            })
        }) else {
            return;
        };
        let alias_ref = format!("{PREFIX}{alias}");
        let replacement = if nullable {
            json!({"allOf": [{"$ref": target}], "nullable": true})
        } else {
            json!({"$ref": target})
        };
        replace_refs(spec, &alias_ref, &replacement, true);
        let schemas = spec
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .expect("checked above");
        schemas.remove(&alias);
        if opens {
            if let Some(target) = target
                .strip_prefix(PREFIX)
                .and_then(|t| schemas.get_mut(t))
                .and_then(Value::as_object_mut)
            {
                if target.get("type").and_then(Value::as_str) == Some("object") {
                    target.insert("additionalProperties".into(), Value::Bool(true));
                }
            }
        }
    }
}

/// A named schema marked `nullable` makes typify emit `Name(Option<Inner>)` with a second type
/// named after its `title`. Dropping the mark and putting it on each property that uses the
/// schema gives one plain type and `Option<Name>` fields. Request and response bodies keep
/// the plain type: an error body is never `null`.
pub fn hoist_schema_nullability(spec: &mut Value) {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut hoisted = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        if let Some(map) = schema.as_object_mut() {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                hoisted.push(name.clone());
            }
        }
    }
    for name in hoisted {
        let reference = format!("{PREFIX}{name}");
        let replacement = json!({"allOf": [{"$ref": reference}], "nullable": true});
        replace_refs(spec, &reference, &replacement, false);
    }
}

/// Replaces `{"$ref": target}` inside component schemas (and, with `in_bodies`, in operation
/// bodies too). An existing nullable wrapper around the ref stays a single wrapper.
fn replace_refs(spec: &mut Value, target: &str, replacement: &Value, in_bodies: bool) {
    if let Some(schemas) = spec.pointer_mut("/components/schemas") {
        replace_in(schemas, target, replacement);
    }
    if in_bodies {
        if let Some(paths) = spec.get_mut("paths") {
            replace_in(
                paths,
                target,
                &json!({"$ref": replacement_target(replacement)}),
            );
        }
    }
}

fn replacement_target(replacement: &Value) -> String {
    replacement
        .get("$ref")
        .or_else(|| replacement.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn replace_in(value: &mut Value, target: &str, replacement: &Value) {
    match value {
        Value::Object(map) => {
            if map.get("$ref").and_then(Value::as_str) == Some(target) {
                *value = replacement.clone();
                return;
            }
            // `{allOf: [$ref target], nullable}` already wraps: swap the inner ref only.
            for child in map.values_mut() {
                replace_in(child, target, replacement);
            }
            if let Some(Value::Array(members)) = map.get_mut("allOf") {
                if members.len() == 1 && members[0].get("allOf").is_some() {
                    let inner = members.remove(0);
                    let inner_nullable = inner.get("nullable") == Some(&Value::Bool(true));
                    members.extend(inner["allOf"].as_array().cloned().unwrap_or_default());
                    if inner_nullable {
                        map.insert("nullable".into(), Value::Bool(true));
                    }
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| replace_in(v, target, replacement)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_alias_is_inlined_as_a_nullable_use_of_its_target() {
        let mut spec = json!({
            "paths": {},
            "components": {"schemas": {
                "ItemStatus": {"type": "object", "properties": {"a": {"type": "string"}}},
                "ItemStatusNullable": {"nullable": true, "description": "d", "allOf": [
                    {"$ref": "#/components/schemas/ItemStatus"},
                    {"type": "object", "additionalProperties": true}
                ]},
                "ItemGetResponse": {"type": "object", "properties": {
                    "status": {"$ref": "#/components/schemas/ItemStatusNullable"}
                }}
            }}
        });
        inline_ref_aliases(&mut spec);
        let schemas = &spec["components"]["schemas"];
        assert!(schemas.get("ItemStatusNullable").is_none());
        assert_eq!(
            schemas["ItemGetResponse"]["properties"]["status"],
            json!({"allOf": [{"$ref": "#/components/schemas/ItemStatus"}], "nullable": true})
        );
        assert_eq!(
            schemas["ItemStatus"]["additionalProperties"], true,
            "the wrapper's openness is kept"
        );
    }

    #[test]
    fn a_real_allof_extension_is_not_an_alias() {
        let extension = json!({"allOf": [
            {"$ref": "#/components/schemas/Item"},
            {"type": "object", "properties": {"consent": {"type": "string"}}}
        ]});
        assert_eq!(alias_target(&extension), None);
    }

    #[test]
    fn schema_level_nullability_moves_to_properties_but_not_bodies() {
        let mut spec = json!({
            "paths": {"/x": {"post": {"responses": {"4XX": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaidError"}}}}}}}},
            "components": {"schemas": {
                "PlaidError": {"type": "object", "nullable": true, "title": "Error"},
                "Item": {"type": "object", "properties": {"error": {"$ref": "#/components/schemas/PlaidError"}}}
            }}
        });
        hoist_schema_nullability(&mut spec);
        assert!(spec["components"]["schemas"]["PlaidError"]
            .get("nullable")
            .is_none());
        assert_eq!(
            spec["components"]["schemas"]["Item"]["properties"]["error"],
            json!({"allOf": [{"$ref": "#/components/schemas/PlaidError"}], "nullable": true})
        );
        assert_eq!(
            spec["paths"]["/x"]["post"]["responses"]["4XX"]["content"]["application/json"]
                ["schema"],
            json!({"$ref": "#/components/schemas/PlaidError"})
        );
    }

    #[test]
    fn an_already_wrapped_ref_is_not_wrapped_twice() {
        let mut spec = json!({"components": {"schemas": {
            "Scopes": {"type": "object", "nullable": true},
            "Activity": {"properties": {"scopes": {"allOf": [{"$ref": "#/components/schemas/Scopes"}], "nullable": true}}}
        }}});
        hoist_schema_nullability(&mut spec);
        assert_eq!(
            spec["components"]["schemas"]["Activity"]["properties"]["scopes"],
            json!({"allOf": [{"$ref": "#/components/schemas/Scopes"}], "nullable": true})
        );
    }
}
