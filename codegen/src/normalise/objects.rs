//! Objects that keep the fields Plaid adds after this SDK was generated.

use serde_json::{json, Value};

use super::walk::for_each_schema_mut;

/// typify ignores `additionalProperties: true` by design (unknown fields are dropped) but turns
/// `additionalProperties: {}` into a flattened map that reads and writes them back.
pub fn keep_unknown_fields(spec: &mut Value) {
    for_each_schema_mut(spec, &mut |schema, _| {
        if schema.get("additionalProperties") == Some(&Value::Bool(true)) {
            schema["additionalProperties"] = json!({});
        }
    });
}

/// A spec `default` makes typify send the default on every request, so a value the user never
/// set goes over the wire. The default is Plaid's to apply: it moves into the docs.
pub fn stop_sending_defaults(spec: &mut Value) {
    for_each_schema_mut(spec, &mut |schema, _| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        if let Some(default) = map.remove("default") {
            let note = format!("Plaid applies `{default}` when this is not set.");
            super::shape::append_note(map, &note);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_objects_get_an_empty_schema_for_extra_fields() {
        let mut spec = json!({"components": {"schemas": {
            "A": {"type": "object", "additionalProperties": true},
            "B": {"type": "object", "additionalProperties": false},
            "C": {"type": "object", "additionalProperties": {"type": "string"}}
        }}});
        keep_unknown_fields(&mut spec);
        let s = &spec["components"]["schemas"];
        assert_eq!(s["A"]["additionalProperties"], json!({}));
        assert_eq!(s["B"]["additionalProperties"], false);
        assert_eq!(s["C"]["additionalProperties"], json!({"type": "string"}));
    }

    #[test]
    fn defaults_move_into_the_description() {
        let mut spec = json!({"components": {"schemas": {"Scopes": {"type": "object", "properties": {
            "new_accounts": {"type": "boolean", "nullable": true, "default": true, "description": "Allow."},
            "count": {"type": "integer", "default": 50}
        }}}}});
        stop_sending_defaults(&mut spec);
        let props = &spec["components"]["schemas"]["Scopes"]["properties"];
        assert!(props["new_accounts"].get("default").is_none());
        assert!(props["count"].get("default").is_none());
        assert_eq!(
            props["new_accounts"]["description"],
            "Allow.\n\nPlaid applies `true` when this is not set."
        );
        assert_eq!(
            props["count"]["description"],
            "Plaid applies `50` when this is not set."
        );
    }
}
