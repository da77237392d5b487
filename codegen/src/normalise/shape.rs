//! What a schema is, ignoring what only describes it.

use serde_json::{json, Map, Value};

/// Keys that describe a schema without shaping it.
pub fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "description" | "title" | "nullable" | "example" | "examples" | "externalDocs"
    ) || key.starts_with("x-")
}

/// `{type: object, additionalProperties: true}` and the like: adds no field, only openness.
pub fn is_open_empty_object(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        map.iter().all(|(k, v)| match k.as_str() {
            "type" => v == "object",
            "additionalProperties" => v == &Value::Bool(true) || v == &json!({}),
            "properties" => v.as_object().is_some_and(Map::is_empty),
            k => is_annotation(k),
        })
    })
}

/// Adds a paragraph to a schema's description (a rewrite that drops a keyword keeps its
/// meaning in the docs this way).
pub fn append_note(map: &mut Map<String, Value>, note: &str) {
    let description = match map.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note.to_string(),
    };
    map.insert("description".into(), Value::String(description));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_empty_objects_add_no_fields() {
        assert!(is_open_empty_object(
            &json!({"type": "object", "additionalProperties": true, "description": "d"})
        ));
        assert!(!is_open_empty_object(
            &json!({"type": "object", "properties": {"a": {}}})
        ));
        assert!(!is_open_empty_object(&json!({"type": "string"})));
    }

    #[test]
    fn notes_become_a_new_paragraph() {
        let mut with = json!({"description": "Where. "})
            .as_object()
            .unwrap()
            .clone();
        append_note(&mut with, "Format: `url`.");
        assert_eq!(with["description"], "Where.\n\nFormat: `url`.");
        let mut without = Map::new();
        append_note(&mut without, "At most 5.");
        assert_eq!(without["description"], "At most 5.");
    }
}
