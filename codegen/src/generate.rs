//! progenitor with this SDK's settings, every feature's rewrite, and the formatted output.

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::error::CodegenError;
use crate::features;
use crate::features::open_enums::{named_string_enums, StringEnum};
use crate::guard;
use crate::spec_index;

/// The generated source, formatted, and what went into it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The formatted Rust source.
    pub source: String,
    /// The named string enums emitted as open enums.
    pub enums: Vec<StringEnum>,
    /// How many operations the client has.
    pub operations: usize,
    /// `(feature, sites changed)` for every feature with a rewrite, in table order.
    pub rewrites: Vec<(&'static str, usize)>,
}

/// Generates the client and models from a merged, checked, normalised spec; a generator
/// panic or refusal comes back naming each operation or schema that causes it.
pub fn generate(spec: &Value) -> Result<Generated, CodegenError> {
    let mut unsupported = crate::unsupported::check(spec);
    if unsupported.is_empty() {
        return guard::guarded(spec, generate_unguarded);
    }
    // Every problem in one build: the rest of the operations are still generated, and what
    // fails among them joins the list.
    let rest = crate::unsupported::without_operations(spec, &unsupported);
    if let Err(CodegenError::Unsupported(more)) = guard::guarded(&rest, generate_unguarded) {
        unsupported.extend(more);
        unsupported.sort_by(|a, b| a.at.cmp(&b.at));
        unsupported.dedup();
    }
    Err(CodegenError::Unsupported(unsupported))
}

/// [`generate`] without the guard: a generator panic unwinds through it.
pub fn generate_unguarded(spec: &Value) -> Result<Generated, CodegenError> {
    let mut file = progenitor_output(spec)?;
    let rewrites = features::apply_rewrites(spec, &mut file)?;
    let operations = spec_index::operations(spec).len();
    Ok(Generated {
        source: prettyplease::unparse(&file),
        enums: named_string_enums(spec),
        operations,
        rewrites,
    })
}

/// progenitor's output for the spec, with every feature's settings, before any rewrite.
pub fn progenitor_output(spec: &Value) -> Result<syn::File, CodegenError> {
    let api: OpenAPI =
        serde_json::from_value(spec.clone()).map_err(|e| CodegenError::NotOpenApi {
            path: "(merged spec)".into(),
            message: e.to_string(),
        })?;
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq");
    features::apply_settings(spec, &mut settings);
    let tokens = Generator::new(&settings)
        .generate_tokens(&api)
        .map_err(|e| CodegenError::Generator(e.to_string()))?;
    syn::parse2(tokens).map_err(|e| CodegenError::GeneratedShape(e.to_string()))
}
