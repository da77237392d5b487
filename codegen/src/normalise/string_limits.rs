//! String length and pattern limits, documented instead of enforced in the types.

use serde_json::Value;

use crate::spec_index::for_each_schema_mut;

/// typify turns a string with `maxLength`, `minLength` or `pattern` into a newtype that only
/// `TryFrom`/`FromStr` can build: a request field then no longer takes a `&str` (the builder's
/// `.reason_note("...")` does not compile) and a reply whose value Plaid later lets grow fails
/// to decode as a whole. Plaid checks these limits itself, so they move into the field's docs
/// ("At most 512 characters.") and the field stays a `String`.
pub fn string_limits_to_docs(spec: &mut Value) {
    for_each_schema_mut(spec, &mut |schema, _| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        let is_string = map.get("type").and_then(Value::as_str) == Some("string");
        if !is_string || map.contains_key("enum") {
            return;
        }
        let mut notes = Vec::new();
        let characters = |n: &Value| {
            let unit = if n.as_u64() == Some(1) {
                "character"
            } else {
                "characters"
            };
            format!("{n} {unit}")
        };
        if let Some(n) = map.remove("minLength") {
            if n.as_u64().is_some_and(|n| n > 0) {
                notes.push(format!("At least {}.", characters(&n)));
            }
        }
        if let Some(n) = map.remove("maxLength") {
            notes.push(format!("At most {}.", characters(&n)));
        }
        if let Some(Value::String(p)) = map.remove("pattern") {
            notes.push(format!("Must match the pattern `{p}`."));
        }
        if notes.is_empty() {
            return;
        }
        let note = notes.join(" ");
        super::shape::append_note(map, &note);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_move_into_the_description() {
        let mut spec = json!({"components": {"schemas": {"ItemRemoveRequest": {"properties": {
            "reason_note": {"type": "string", "nullable": true, "maxLength": 512, "description": "Context."},
            "code": {"type": "string", "minLength": 1, "pattern": "^[A-Z]+$"},
            "count": {"type": "integer", "maximum": 50},
            "kind": {"type": "string", "maxLength": 5, "enum": ["a"]}
        }}}}});
        string_limits_to_docs(&mut spec);
        let props = &spec["components"]["schemas"]["ItemRemoveRequest"]["properties"];
        assert_eq!(
            props["reason_note"],
            json!({"type": "string", "nullable": true, "description": "Context.\n\nAt most 512 characters."})
        );
        assert_eq!(
            props["code"]["description"],
            "At least 1 character. Must match the pattern `^[A-Z]+$`."
        );
        assert!(props["code"].get("pattern").is_none());
        assert_eq!(props["count"]["maximum"], 50, "numbers are not strings");
        assert_eq!(props["kind"]["maxLength"], 5, "enums are left alone");
    }
}
