//! Filling the spec's gaps from one supplement document (see [`crate::supplement`] for the
//! layers).
//!
//! The supplement only fills in: a schema, security scheme or path the spec defines itself
//! always wins, and the supplement's copy is reported as redundant so it can be pruned.
//!
//! Besides `components`, the supplement has two sections for what Plaid's slice leaves out
//! altogether rather than references without defining: `paths` (operations such as
//! `/webhook_verification_key/get`) and `x-extra-schemas` (schemas no path of the slice
//! references, such as the webhook payloads). They go through the same pipeline as the rest.

use serde_json::{Map, Value};

/// What the merge did, for the build to report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Supplement entries the spec now defines itself (`components.<section>.<name>`).
    pub shadowed: Vec<String>,
    /// Supplement entries that filled a gap.
    pub filled: Vec<String>,
    /// Operations added from the supplement's `paths` (`paths.<path>`).
    pub added_paths: Vec<String>,
    /// Schemas added from `x-extra-schemas` (`components.schemas.<name>`): nothing in the
    /// slice references them, so they are never "unused" supplement entries.
    pub extra_schemas: Vec<String>,
    /// The same, per supplement layer (empty from [`fill_from_supplement`] alone).
    pub layers: Vec<LayerReport>,
}

/// What one supplement layer's entries did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LayerReport {
    /// How messages name the layer: its file, or the bundled supplement.
    pub name: String,
    /// Entries that filled a gap.
    pub filled: Vec<String>,
    /// Entries the spec defines itself: redundant, ignored.
    pub shadowed: Vec<String>,
    /// Entries an earlier layer (the project's supplement) replaces: ignored on purpose.
    pub overridden: Vec<String>,
}

/// The component sections the supplement may fill.
const SECTIONS: [&str; 2] = ["schemas", "securitySchemes"];

/// Top-level annotations only the supplement holds, carried into the merged spec for the
/// features that read them: `x-plaid-item-idempotent` lists the operationIds safe to send
/// twice (`features/operation_safety.rs`).
const ANNOTATIONS: [&str; 1] = ["x-plaid-item-idempotent"];

/// The supplement section for schemas no path of the slice references.
pub const EXTRA_SCHEMAS: &str = "x-extra-schemas";

/// Adds to `spec` every component of `supplement` it lacks; reports the ones it already had.
pub fn fill_from_supplement(spec: &mut Value, supplement: &Value) -> MergeReport {
    let mut report = MergeReport::default();
    for section in SECTIONS {
        let Some(extra) = supplement
            .pointer(&format!("/components/{section}"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        let target = section_mut(spec, section);
        for (name, definition) in extra {
            let label = format!("components.{section}.{name}");
            if target.contains_key(name) {
                report.shadowed.push(label);
            } else {
                target.insert(name.clone(), definition.clone());
                report.filled.push(label);
            }
        }
    }
    if let Some(extra) = supplement.get(EXTRA_SCHEMAS).and_then(Value::as_object) {
        let target = section_mut(spec, "schemas");
        for (name, definition) in extra {
            let label = format!("components.schemas.{name}");
            if target.contains_key(name) {
                report.shadowed.push(label);
            } else {
                target.insert(name.clone(), definition.clone());
                report.extra_schemas.push(label);
            }
        }
    }
    if let Some(extra) = supplement.get("paths").and_then(Value::as_object) {
        let target = object_entry(spec, "paths");
        for (path, definition) in extra {
            let label = format!("paths.{path}");
            if target.contains_key(path) {
                report.shadowed.push(label);
            } else {
                target.insert(path.clone(), definition.clone());
                report.added_paths.push(label);
            }
        }
    }
    if spec.get("security").is_none() {
        if let Some(security) = supplement.get("security") {
            spec["security"] = security.clone();
        }
    }
    for key in ANNOTATIONS {
        if spec.get(key).is_none() {
            if let Some(value) = supplement.get(key) {
                spec[key] = value.clone();
            }
        }
    }
    report
}

fn section_mut<'a>(spec: &'a mut Value, section: &str) -> &'a mut Map<String, Value> {
    object_entry(spec, "components");
    let components = spec.get_mut("components").expect("made an object above");
    object_entry(components, section)
}

/// `value[key]` as an object, created (or replaced, if it is not an object) when needed.
fn object_entry<'a>(value: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    let root = value
        .as_object_mut()
        .expect("an OpenAPI document is an object");
    let entry = root.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("made an object above")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_only_what_is_missing_and_spec_wins() {
        let mut spec = json!({
            "openapi": "3.0.0",
            "components": {"schemas": {"A": {"type": "string", "description": "from spec"}}}
        });
        let supplement = json!({"components": {
            "schemas": {
                "A": {"type": "integer", "description": "from supplement"},
                "B": {"type": "boolean"}
            },
            "securitySchemes": {"secret": {"type": "apiKey", "in": "header", "name": "PLAID-SECRET"}}
        }});
        let report = fill_from_supplement(&mut spec, &supplement);
        assert_eq!(spec["components"]["schemas"]["A"]["type"], "string");
        assert_eq!(spec["components"]["schemas"]["B"]["type"], "boolean");
        assert_eq!(
            spec["components"]["securitySchemes"]["secret"]["name"],
            "PLAID-SECRET"
        );
        assert_eq!(report.shadowed, vec!["components.schemas.A".to_string()]);
        assert_eq!(
            report.filled,
            vec![
                "components.schemas.B".to_string(),
                "components.securitySchemes.secret".to_string()
            ]
        );
    }

    #[test]
    fn creates_components_when_the_spec_has_none() {
        let mut spec = json!({"openapi": "3.0.0", "paths": {}});
        let supplement = json!({"components": {"schemas": {"B": {"type": "boolean"}}}});
        let report = fill_from_supplement(&mut spec, &supplement);
        assert!(report.shadowed.is_empty());
        assert_eq!(spec["components"]["schemas"]["B"]["type"], "boolean");
    }

    #[test]
    fn adds_missing_paths_and_extra_schemas_and_the_spec_wins() {
        let mut spec = json!({
            "openapi": "3.0.0",
            "paths": {"/a": {"post": {"operationId": "fromSpec"}}},
            "components": {"schemas": {"Kept": {"type": "string"}}}
        });
        let supplement = json!({
            "paths": {
                "/a": {"post": {"operationId": "fromSupplement"}},
                "/b": {"post": {"operationId": "added"}}
            },
            "x-extra-schemas": {
                "Kept": {"type": "integer"},
                "Payload": {"type": "object"}
            }
        });
        let report = fill_from_supplement(&mut spec, &supplement);
        assert_eq!(spec["paths"]["/a"]["post"]["operationId"], "fromSpec");
        assert_eq!(spec["paths"]["/b"]["post"]["operationId"], "added");
        assert_eq!(spec["components"]["schemas"]["Kept"]["type"], "string");
        assert_eq!(spec["components"]["schemas"]["Payload"]["type"], "object");
        assert_eq!(report.added_paths, vec!["paths./b".to_string()]);
        assert_eq!(
            report.extra_schemas,
            vec!["components.schemas.Payload".to_string()]
        );
        assert!(report.filled.is_empty());
        assert_eq!(
            report.shadowed,
            vec![
                "components.schemas.Kept".to_string(),
                "paths./a".to_string()
            ]
        );
    }
}
