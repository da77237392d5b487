//! Visiting every schema in a spec, with a Rust-style name for where it sits.

use serde_json::Value;

use crate::names::pascal_case;

/// Calls `f` on every schema (pre-order) under `components.schemas` and in operations'
/// bodies, with a name built from its position (`ItemUpdateType` for `Item.update_type`).
pub fn for_each_schema_mut(spec: &mut Value, f: &mut dyn FnMut(&mut Value, &str)) {
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            walk(schema, name, f);
        }
    }
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if method.starts_with("x-") || !op.is_object() {
                    continue;
                }
                let base = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(pascal_case)
                    .unwrap_or_default();
                if let Some(schema) =
                    op.pointer_mut("/requestBody/content/application~1json/schema")
                {
                    walk(schema, &format!("{base}Body"), f);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (code, response) in responses.iter_mut() {
                        if let Some(schema) =
                            response.pointer_mut("/content/application~1json/schema")
                        {
                            walk(schema, &format!("{base}Response{code}"), f);
                        }
                    }
                }
            }
        }
    }
}

fn walk(schema: &mut Value, name: &str, f: &mut dyn FnMut(&mut Value, &str)) {
    if !schema.is_object() {
        return;
    }
    f(schema, name);
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for (prop, child) in props.iter_mut() {
            walk(child, &format!("{name}{}", pascal_case(prop)), f);
        }
    }
    if let Some(items) = map.get_mut("items") {
        walk(items, &format!("{name}Item"), f);
    }
    if let Some(extra) = map.get_mut("additionalProperties") {
        walk(extra, &format!("{name}Value"), f);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = map.get_mut(key).and_then(Value::as_array_mut) {
            for member in members {
                walk(member, name, f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_follow_the_position() {
        let mut spec = json!({"components": {"schemas": {"Item": {"properties": {
            "update_type": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}}
        }}}}});
        let mut seen = Vec::new();
        for_each_schema_mut(&mut spec, &mut |_, name| seen.push(name.to_string()));
        assert_eq!(
            seen,
            vec!["Item", "ItemTags", "ItemTagsItem", "ItemUpdateType"]
        );
    }
}
