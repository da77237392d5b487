//! Filling the spec's gaps from one supplement document (see [`crate::supplement`] for the
//! layers).
//!
//! The supplement only fills in: a schema or security scheme the spec defines itself always
//! wins, and the supplement's copy is reported as redundant so it can be pruned.

use serde_json::{Map, Value};

/// What the merge did, for the build to report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Supplement entries the spec now defines itself (`components.<section>.<name>`).
    pub shadowed: Vec<String>,
    /// Supplement entries that filled a gap.
    pub filled: Vec<String>,
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
    let root = spec
        .as_object_mut()
        .expect("an OpenAPI document is an object");
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    let section = components
        .as_object_mut()
        .expect("made an object above")
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    if !section.is_object() {
        *section = Value::Object(Map::new());
    }
    section.as_object_mut().expect("made an object above")
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
}
