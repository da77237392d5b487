//! Spec defaults, documented instead of sent.

use serde_json::Value;

use crate::spec_index::for_each_schema_mut;

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
    use serde_json::json;

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
