//! Secrets: fields that carry credentials get `crate::secret` types, whose `Debug` and
//! `Display` never show them.
//!
//! Spec pass: every string field named like a credential points at one of the secret schemas.
//! Settings: those schemas (and Plaid's own `APISecret`) replaced by the `crate::secret` types.

use progenitor::GenerationSettings;
use serde_json::{json, Value};

use super::Feature;
use crate::names::type_name;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("secrets")
    .normalise(mark_secret_fields)
    .settings(settings);

const ACCESS_TOKEN: &str = "AccessToken";
const PUBLIC_TOKEN: &str = "PublicToken";
const SECRET: &str = "PlaidSecret";
const KEY_MATERIAL: &str = "JWKKeyMaterial";

/// Each schema that holds a credential, and the `crate::secret` type it becomes.
const SECRET_TYPES: [(&str, &str); 5] = [
    (ACCESS_TOKEN, "crate::secret::AccessToken"),
    (PUBLIC_TOKEN, "crate::secret::PublicToken"),
    (SECRET, "crate::secret::Secret"),
    ("APISecret", "crate::secret::Secret"),
    // A webhook verification key's `x`/`y` (the supplement's schema): key material.
    (KEY_MATERIAL, "crate::secret::KeyMaterial"),
];

/// Whether a named schema becomes a `crate::secret` type (other features leave it alone).
pub fn is_secret_schema(name: &str) -> bool {
    SECRET_TYPES.iter().any(|(schema, _)| *schema == name)
}

fn settings(_spec: &Value, settings: &mut GenerationSettings) {
    for (schema, rust) in SECRET_TYPES {
        settings.with_replacement(type_name(schema), rust, std::iter::empty());
    }
}

/// Which secret type a field of this name holds, if any. A verification key's coordinates
/// are key material whoever defines `JWKPublicKey` (Plaid's whole file types them as plain
/// strings; the runtime reads them only through `expose_secret`).
fn secret_kind(schema: &str, field: &str) -> Option<&'static str> {
    match (schema, field) {
        (_, "access_token" | "new_access_token") => Some(ACCESS_TOKEN),
        (_, "public_token") => Some(PUBLIC_TOKEN),
        (_, "secret" | "auth_token" | "client_secret") => Some(SECRET),
        ("JWKPublicKey", "x" | "y") => Some(KEY_MATERIAL),
        _ => None,
    }
}

fn is_string_like(spec: &Value, schema: &Value) -> bool {
    if schema.get("type").and_then(Value::as_str) == Some("string") {
        return schema.get("enum").is_none();
    }
    let reference = schema
        .get("$ref")
        .or_else(|| schema.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str);
    match reference.and_then(|r| crate::refs::resolve(spec, r)) {
        Some(target) => {
            target.get("type").and_then(Value::as_str) == Some("string")
                && target.get("enum").is_none()
        }
        None => false,
    }
}

/// Points every string field named like a credential at one of the secret schemas, keeping
/// its description and nullability. Plaid's own spec types `public_token` as a bare string.
pub fn mark_secret_fields(spec: &mut Value) {
    let snapshot = spec.clone();
    let mut used = Vec::new();
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (field, prop) in props.iter_mut() {
            let Some(kind) = secret_kind(name, field) else {
                continue;
            };
            // The supplement's own JWKPublicKey already points at the schema.
            let already = kind == KEY_MATERIAL
                && prop.get("$ref").and_then(Value::as_str)
                    == Some("#/components/schemas/JWKKeyMaterial");
            if already || !is_string_like(&snapshot, prop) {
                continue;
            }
            let mut marked = json!({"allOf": [{"$ref": format!("#/components/schemas/{kind}")}]});
            for key in ["description", "nullable"] {
                if let Some(v) = prop.get(key) {
                    marked[key] = v.clone();
                }
            }
            *prop = marked;
            if !used.contains(&kind) {
                used.push(kind);
            }
        }
    }
    for kind in used {
        schemas.entry(kind).or_insert_with(
            || json!({"type": "string", "description": "A credential; never printed."}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_fields_point_at_secret_schemas() {
        let mut spec = json!({"components": {"schemas": {
            "AccessToken": {"type": "string"},
            "Req": {"type": "object", "properties": {
                "access_token": {"$ref": "#/components/schemas/AccessToken"},
                "public_token": {"type": "string", "description": "From Link."},
                "secret": {"type": "string", "nullable": true},
                "item_id": {"type": "string"},
                "webhook_code": {"type": "string", "enum": ["A"]}
            }}
        }}});
        mark_secret_fields(&mut spec);
        let s = &spec["components"]["schemas"];
        let props = &s["Req"]["properties"];
        assert_eq!(
            props["access_token"]["allOf"][0]["$ref"],
            "#/components/schemas/AccessToken"
        );
        assert_eq!(
            props["public_token"]["allOf"][0]["$ref"],
            "#/components/schemas/PublicToken"
        );
        assert_eq!(props["public_token"]["description"], "From Link.");
        assert_eq!(
            props["secret"]["allOf"][0]["$ref"],
            "#/components/schemas/PlaidSecret"
        );
        assert_eq!(props["secret"]["nullable"], true);
        assert_eq!(props["item_id"], json!({"type": "string"}));
        assert_eq!(props["webhook_code"]["enum"][0], "A");
        assert_eq!(s["PublicToken"]["type"], "string");
        assert_eq!(s["PlaidSecret"]["type"], "string");
    }

    #[test]
    fn a_verification_keys_coordinates_are_key_material_whoever_defines_them() {
        let mut spec = json!({"components": {"schemas": {
            "JWKPublicKey": {"type": "object", "properties": {
                "x": {"type": "string", "description": "x"},
                "y": {"$ref": "#/components/schemas/JWKKeyMaterial"},
                "kid": {"type": "string"}
            }},
            "Other": {"type": "object", "properties": {"x": {"type": "string"}}}
        }}});
        mark_secret_fields(&mut spec);
        let s = &spec["components"]["schemas"];
        let props = &s["JWKPublicKey"]["properties"];
        assert_eq!(
            props["x"],
            json!({"allOf": [{"$ref": "#/components/schemas/JWKKeyMaterial"}], "description": "x"})
        );
        assert_eq!(
            props["y"],
            json!({"$ref": "#/components/schemas/JWKKeyMaterial"})
        );
        assert_eq!(props["kid"], json!({"type": "string"}));
        assert_eq!(s["Other"]["properties"]["x"], json!({"type": "string"}));
        assert_eq!(s["JWKKeyMaterial"]["type"], "string");
    }
}
