//! The supplement: the schemas and security schemes Plaid's spec uses but does not define.
//!
//! The bundled one ships inside this crate (`supplement.yml`, compiled in with `include_str!`)
//! so that `build.rs` of a published `plaid-item` and an installed `plaid-spec` both have it
//! without any file of this repository.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::error::CodegenError;
use crate::load;
use crate::merge::{self, LayerReport, MergeReport};

/// The bundled supplement's text: what completes the vendored spec.
pub const BUNDLED_SUPPLEMENT: &str = include_str!("../supplement.yml");

/// How messages name the bundled supplement.
pub const BUNDLED_SUPPLEMENT_NAME: &str = "plaid-item-codegen/supplement.yml (bundled)";

/// One supplement document and the name messages use for it.
#[derive(Debug, Clone)]
pub struct Layer {
    /// How messages name the document (its file, or the bundled one).
    pub name: String,
    /// The document.
    pub document: Value,
}

/// The supplement documents a spec is completed from, in order: an entry of an earlier layer
/// wins over the same entry of a later one (and the spec's own definitions win over all).
#[derive(Debug, Clone)]
pub struct Supplement {
    layers: Vec<Layer>,
}

impl Supplement {
    /// The bundled supplement alone: what completes the vendored spec.
    pub fn bundled() -> Result<Supplement, CodegenError> {
        let document = load::parse_yaml(Path::new(BUNDLED_SUPPLEMENT_NAME), BUNDLED_SUPPLEMENT)?;
        Ok(Supplement::single(BUNDLED_SUPPLEMENT_NAME.into(), document))
    }

    /// The file at `path` alone, instead of the bundled supplement.
    pub fn file(path: &Path) -> Result<Supplement, CodegenError> {
        let document = load::load_yaml(path)?;
        Ok(Supplement::single(path.display().to_string(), document))
    }

    /// A project's own supplement file layered over the bundled one: its entries win over the
    /// bundled ones, the spec's definitions win over both.
    pub fn project(path: &Path) -> Result<Supplement, CodegenError> {
        let mut layered = Supplement::file(path)?;
        layered.layers.extend(Supplement::bundled()?.layers);
        Ok(layered)
    }

    fn single(name: String, document: Value) -> Supplement {
        Supplement {
            layers: vec![Layer { name, document }],
        }
    }

    /// The layers, the one that wins first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The names under every layer's `x-extra-schemas`: schemas the runtime needs that no
    /// operation references, which every selection keeps.
    pub fn extra_schema_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .layers
            .iter()
            .filter_map(|layer| layer.document.get(merge::EXTRA_SCHEMAS)?.as_object())
            .flat_map(|extra| extra.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Fills `spec`'s gaps from every layer in turn and reports what each entry did.
    pub fn fill(&self, spec: &mut Value) -> MergeReport {
        let mut report = MergeReport::default();
        let mut from_layers = BTreeSet::new();
        for layer in &self.layers {
            let step = merge::fill_from_supplement(spec, &layer.document);
            let (overridden, shadowed): (Vec<String>, Vec<String>) = step
                .shadowed
                .into_iter()
                .partition(|label| from_layers.contains(label));
            from_layers.extend(step.filled.iter().cloned());
            from_layers.extend(step.added_paths.iter().cloned());
            from_layers.extend(step.extra_schemas.iter().cloned());
            report.added_paths.extend(step.added_paths);
            report.extra_schemas.extend(step.extra_schemas);
            report.shadowed.extend(shadowed.iter().cloned());
            report.filled.extend(step.filled.iter().cloned());
            report.layers.push(LayerReport {
                name: layer.name.clone(),
                filled: step.filled,
                shadowed,
                overridden,
            });
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_supplement_parses_and_defines_the_security_schemes() {
        let bundled = Supplement::bundled().unwrap();
        let doc = &bundled.layers()[0].document;
        for scheme in ["clientId", "secret", "plaidVersion"] {
            assert!(
                doc.pointer(&format!("/components/securitySchemes/{scheme}"))
                    .is_some(),
                "{scheme}"
            );
        }
    }

    fn doc(yaml: &str) -> Value {
        load::parse_yaml(Path::new("t.yml"), yaml).unwrap()
    }

    fn layered(project: &str, bundled: &str) -> Supplement {
        Supplement {
            layers: vec![
                Layer {
                    name: "mine.yml".into(),
                    document: doc(project),
                },
                Layer {
                    name: "bundled".into(),
                    document: doc(bundled),
                },
            ],
        }
    }

    #[test]
    fn the_spec_wins_then_the_project_then_the_bundled_supplement() {
        let mut spec =
            doc("openapi: 3.0.0\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string}\n");
        let supplement = layered(
            "components:\n  schemas:\n    A: {type: integer}\n    B: {type: integer}\n    C: {type: integer}\n",
            "components:\n  schemas:\n    A: {type: boolean}\n    B: {type: boolean}\n    D: {type: boolean}\n",
        );
        let report = supplement.fill(&mut spec);
        let types: Vec<&str> = ["A", "B", "C", "D"]
            .iter()
            .map(|n| spec["components"]["schemas"][n]["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["string", "integer", "integer", "boolean"]);
        let label = |n: &str| format!("components.schemas.{n}");
        let [mine, bundled] = &report.layers[..] else {
            panic!("{report:?}")
        };
        assert_eq!(mine.name, "mine.yml");
        assert_eq!(mine.shadowed, [label("A")]);
        assert_eq!(mine.filled, [label("B"), label("C")]);
        assert!(mine.overridden.is_empty());
        // The bundled A is shadowed by the spec; its B is replaced by the project's on purpose.
        assert_eq!(bundled.shadowed, [label("A")]);
        assert_eq!(bundled.overridden, [label("B")]);
        assert_eq!(bundled.filled, [label("D")]);
        assert_eq!(report.shadowed, [label("A"), label("A")]);
        assert_eq!(report.filled, [label("B"), label("C"), label("D")]);
    }

    #[test]
    fn a_project_supplement_that_cannot_be_read_names_the_file() {
        let err = Supplement::project(Path::new("/nonexistent/mine.yml")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/mine.yml"), "{err}");
    }
}
