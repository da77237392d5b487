//! The supplement: the schemas and security schemes Plaid's spec uses but does not define.
//!
//! The bundled one ships inside this crate (`supplement.yml`, compiled in with `include_str!`)
//! so that `build.rs` of a published `plaid-item` and an installed `plaid-spec` both have it
//! without any file of this repository.

use std::path::Path;

use serde_json::Value;

use crate::error::CodegenError;
use crate::load;
use crate::merge::{self, MergeReport};

/// The bundled supplement's text: what completes the vendored spec.
pub const BUNDLED_SUPPLEMENT: &str = include_str!("../supplement.yml");

/// How messages name the bundled supplement.
pub const BUNDLED_SUPPLEMENT_NAME: &str = "plaid-item-codegen/supplement.yml (bundled)";

/// One supplement document and the name messages use for it.
#[derive(Debug, Clone)]
pub struct Layer {
    pub name: String,
    pub document: Value,
}

/// The supplement documents a spec is completed from, in order: an entry of an earlier layer
/// wins over the same entry of a later one (and the spec's own definitions win over all).
#[derive(Debug, Clone)]
pub struct Supplement {
    layers: Vec<Layer>,
}

impl Supplement {
    /// The bundled supplement alone.
    pub fn bundled() -> Result<Supplement, CodegenError> {
        let document = load::parse_yaml(Path::new(BUNDLED_SUPPLEMENT_NAME), BUNDLED_SUPPLEMENT)?;
        Ok(Supplement::single(BUNDLED_SUPPLEMENT_NAME.into(), document))
    }

    /// The file at `path` alone, instead of the bundled supplement.
    pub fn file(path: &Path) -> Result<Supplement, CodegenError> {
        let document = load::load_yaml(path)?;
        Ok(Supplement::single(path.display().to_string(), document))
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

    /// Fills `spec`'s gaps from every layer in turn and reports what each entry did.
    pub fn fill(&self, spec: &mut Value) -> MergeReport {
        let mut report = MergeReport::default();
        for layer in &self.layers {
            let step = merge::fill_from_supplement(spec, &layer.document);
            report.shadowed.extend(step.shadowed);
            report.filled.extend(step.filled);
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
}
