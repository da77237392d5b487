//! `allOf` extensions of an object, merged into one plain object schema.

use serde_json::{Map, Value};

use super::shape::{is_annotation, is_open_empty_object};
use crate::spec_index::{self, for_each_schema_mut};

fn is_annotation_only(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|map| map.keys().all(|k| is_annotation(k)))
}

fn is_open(schema: &Value) -> bool {
    matches!(schema.get("additionalProperties"), Some(v) if v != &Value::Bool(false))
}

/// An object schema without `allOf`, or `None` when `schema` is not (only) an object.
fn as_object_schema(spec: &Value, schema: &Value, depth: usize) -> Option<Map<String, Value>> {
    if depth > 16 {
        return None;
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let definition = spec_index::schema(spec, &spec_index::schema_ref_name(target)?)?;
        return as_object_schema(spec, definition, depth + 1);
    }
    if schema.get("allOf").is_some() {
        return merged(spec, schema, depth + 1);
    }
    let map = schema.as_object()?;
    let typed_object = match map.get("type").and_then(Value::as_str) {
        Some(ty) => ty == "object",
        None => map.contains_key("properties"),
    };
    let other_shape = ["oneOf", "anyOf", "items", "enum", "not"]
        .iter()
        .any(|k| map.contains_key(*k));
    (typed_object && !other_shape).then(|| map.clone())
}

/// The merge of `schema`'s `allOf` parts and its own properties, if it is an extension: two
/// or more parts that are objects.
fn merged(spec: &Value, schema: &Value, depth: usize) -> Option<Map<String, Value>> {
    let outer = schema.as_object()?;
    let members = outer.get("allOf")?.as_array()?;
    let parts: Vec<&Value> = members
        .iter()
        .filter(|m| !is_open_empty_object(m) && !is_annotation_only(m))
        .collect();
    let own_fields = outer
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if parts.len() + usize::from(own_fields) < 2 {
        return None; // an alias: inline_ref_aliases' business
    }
    let resolved = parts
        .iter()
        .map(|p| as_object_schema(spec, p, depth))
        .collect::<Option<Vec<_>>>()?;
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut open = is_open(schema) || members.iter().any(is_open);
    let mut description = None;
    let own = {
        let mut own = outer.clone();
        own.remove("allOf");
        own
    };
    for part in resolved.iter().chain(std::iter::once(&own)) {
        if let Some(p) = part.get("properties").and_then(Value::as_object) {
            properties.extend(p.clone());
        }
        for name in part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
        open |= is_open(&Value::Object(part.clone()));
        description = description.or_else(|| part.get("description").cloned());
    }
    let mut result = own;
    result.insert("type".into(), "object".into());
    result.insert("properties".into(), Value::Object(properties));
    if required.is_empty() {
        result.remove("required");
    } else {
        result.insert("required".into(), Value::Array(required));
    }
    if open && !result.contains_key("additionalProperties") {
        result.insert("additionalProperties".into(), Value::Bool(true));
    }
    if let Some(d) = description {
        result.entry("description").or_insert(d);
    }
    Some(result)
}

/// Plaid extends objects as `allOf: [$ref Base, {properties: more}]` (`ItemWithConsentFields`
/// is `Item` plus consent fields). typify merges such a schema itself but drops every field's
/// doc comment, and guesses or gives up when parts overlap. Merged here, it is one plain object
/// whose fields keep their docs: the parts' properties (a later part's definition of a field
/// wins), the union of their `required` lists, open to unknown fields if any part is. Parts
/// that are not objects (a oneOf, an enum) are left for typify; a single `$ref` beside
/// annotations or an open empty object is an alias, left to `inline_ref_aliases`.
pub fn merge_all_of_extensions(spec: &mut Value) {
    let snapshot = spec.clone();
    for_each_schema_mut(spec, &mut |schema, _| {
        if let Some(merged) = merged(&snapshot, schema, 0) {
            *schema = Value::Object(merged);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Item": {"type": "object", "description": "An Item.", "required": ["item_id"], "properties": {
                "item_id": {"type": "string", "description": "The Item's id."},
                "webhook": {"type": "string", "nullable": true}
            }},
            "ItemWithConsentFields": {"description": "Metadata about the Item", "type": "object",
                "additionalProperties": true, "allOf": [
                {"$ref": "#/components/schemas/Item"},
                {"type": "object", "properties": {
                    "created_at": {"type": "string", "format": "date-time", "description": "When."}
                }}
            ]},
            "ItemStatusNullable": {"nullable": true, "allOf": [
                {"$ref": "#/components/schemas/Item"},
                {"type": "object", "additionalProperties": true}
            ]},
            "ReasonAlias": {"description": "d", "allOf": [{"$ref": "#/components/schemas/Item"}]},
            "Mixed": {"allOf": [
                {"$ref": "#/components/schemas/Item"},
                {"oneOf": [{"type": "string"}, {"type": "integer"}]}
            ]}
        }}})
    }

    #[test]
    fn an_extension_becomes_one_object_with_documented_fields() {
        let mut s = spec();
        merge_all_of_extensions(&mut s);
        let merged = &s["components"]["schemas"]["ItemWithConsentFields"];
        assert!(merged.get("allOf").is_none(), "{merged:#}");
        assert_eq!(merged["type"], "object");
        assert_eq!(merged["description"], "Metadata about the Item");
        assert_eq!(merged["required"], json!(["item_id"]));
        assert_eq!(merged["additionalProperties"], true);
        let props = merged["properties"].as_object().unwrap();
        assert_eq!(
            props.keys().collect::<Vec<_>>(),
            ["created_at", "item_id", "webhook"]
        );
        assert_eq!(props["item_id"]["description"], "The Item's id.");
        assert_eq!(props["webhook"]["nullable"], true);
    }

    #[test]
    fn aliases_and_non_object_parts_are_left_alone() {
        let mut s = spec();
        let before = s.clone();
        merge_all_of_extensions(&mut s);
        for name in ["ItemStatusNullable", "ReasonAlias", "Mixed", "Item"] {
            assert_eq!(
                s["components"]["schemas"][name], before["components"]["schemas"][name],
                "{name}"
            );
        }
    }

    #[test]
    fn inline_extensions_and_chains_merge_too() {
        let mut s = json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"required": ["b"], "properties": {"b": {"type": "integer"}}}]},
            "Holder": {"type": "object", "properties": {"c": {"allOf": [
                {"$ref": "#/components/schemas/B"},
                {"type": "object", "properties": {"c": {"type": "boolean"}}}
            ]}}}
        }}});
        merge_all_of_extensions(&mut s);
        let c = &s["components"]["schemas"]["Holder"]["properties"]["c"];
        assert_eq!(
            c["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(c["required"], json!(["a", "b"]));
        assert!(
            c.get("additionalProperties").is_none(),
            "closed parts stay closed"
        );
    }
}
