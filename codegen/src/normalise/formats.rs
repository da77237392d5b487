//! String formats: only the ones the SDK has a Rust type for survive.

use serde_json::Value;

use crate::spec_index::for_each_schema_mut;

/// String formats typify gives a Rust type the SDK can compile: `date` and `date-time`
/// (chrono), `ip`, `ipv4`, `ipv6` (std::net). Every other string format is a plain `String`.
pub const TYPED_STRING_FORMATS: [&str; 5] = ["date", "date-time", "ip", "ipv4", "ipv6"];

/// typify treats unknown string formats (`url`, `uri`, `email`, ...) as `String`, but turns
/// `uuid` into `::uuid::Uuid`, a crate the SDK does not depend on, so one new `format: uuid`
/// in a Plaid release would break the build. Every format outside [`TYPED_STRING_FORMATS`] is
/// dropped and named in the docs instead ("Format: `url`."), so the field is a `String`
/// whatever format Plaid uses next.
pub fn untyped_string_formats(spec: &mut Value) {
    for_each_schema_mut(spec, &mut |schema, _| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        if map.get("type").and_then(Value::as_str) != Some("string") {
            return;
        }
        let Some(format) = map
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return;
        };
        if TYPED_STRING_FORMATS.contains(&format.as_str()) {
            return;
        }
        map.remove("format");
        let note = format!("Format: `{format}`.");
        super::shape::append_note(map, &note);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_typed_formats_stay() {
        let mut spec = json!({"components": {"schemas": {"Opts": {"properties": {
            "webhook": {"type": "string", "format": "url", "description": "Where."},
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"},
            "on": {"type": "string", "format": "date"},
            "n": {"type": "integer", "format": "int32"}
        }}}}});
        untyped_string_formats(&mut spec);
        let props = &spec["components"]["schemas"]["Opts"]["properties"];
        assert_eq!(
            props["webhook"],
            json!({"type": "string", "description": "Where.\n\nFormat: `url`."})
        );
        assert!(props["id"].get("format").is_none());
        assert_eq!(props["at"]["format"], "date-time");
        assert_eq!(props["on"]["format"], "date");
        assert_eq!(props["n"]["format"], "int32", "only strings are touched");
    }
}
