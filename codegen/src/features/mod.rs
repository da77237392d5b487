//! What the SDK adds to progenitor's client, one file per feature, run from one table.
//!
//! A feature owns everything it takes to make one behaviour: the spec pass that prepares the
//! spec for it, the generator settings it needs, and the rewrite of progenitor's output that
//! no setting can express. [`FEATURES`] lists them in the order their spec passes depend on
//! each other; plain spec cleanups that belong to no feature (`crate::normalise`) sit in the
//! same table at their place in that order, as entries with a pass only. The table's three
//! stages run from here, in pipeline order: [`run_passes`], [`apply_settings`],
//! [`apply_rewrites`].
//!
//! Adding a feature: write `features/<name>.rs` with a `pub const FEATURE: Feature`, declare
//! it below with `pub mod <name>;` (so rustfmt and rustdoc see the file), and add the one line
//! `<name>::FEATURE,` to [`FEATURES`]. Nothing else in the pipeline changes.

pub mod absent_nullable_fields;
pub mod docs;
pub mod error_responses;
pub mod fluent;
pub mod non_exhaustive;
pub mod open_enums;
pub mod operation_safety;
pub mod plain_string_aliases;
pub mod secrets;
pub mod transport_routing;
pub mod tri_state_fields;
pub mod unknown_fields;

use std::sync::LazyLock;

use progenitor::GenerationSettings;
use serde_json::Value;

use crate::error::CodegenError;
use crate::normalise;
use crate::rewrite::Mismatch;

/// A rewrite of the whole spec, run before generation.
pub type Pass = fn(&mut Value);

/// Generator settings a feature needs, from the normalised spec.
pub type Settings = fn(&Value, &mut GenerationSettings);

/// An edit of progenitor's output, given the normalised spec; returns how many sites it
/// changed, which it has checked against what the spec says it must change.
pub type Rewrite = fn(&Value, &mut syn::File) -> Result<usize, Mismatch>;

/// One entry of [`FEATURES`]: a name and the hooks it has at each stage.
#[derive(Clone, Copy)]
pub struct Feature {
    /// Shown by `plaid-spec check` and in build errors from its rewrite.
    pub name: &'static str,
    /// Runs on the merged, ref-checked spec, in table order.
    pub normalise: Option<Pass>,
    /// Runs on the generator settings, in table order.
    pub settings: Option<Settings>,
    /// Runs on progenitor's output, in table order.
    pub rewrite: Option<Rewrite>,
}

impl Feature {
    /// A feature with no hooks yet; add them with the methods below.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            normalise: None,
            settings: None,
            rewrite: None,
        }
    }

    /// Adds the spec pass.
    pub const fn normalise(mut self, pass: Pass) -> Self {
        self.normalise = Some(pass);
        self
    }

    /// Adds the settings hook.
    pub const fn settings(mut self, settings: Settings) -> Self {
        self.settings = Some(settings);
        self
    }

    /// Adds the output rewrite.
    pub const fn rewrite(mut self, rewrite: Rewrite) -> Self {
        self.rewrite = Some(rewrite);
        self
    }
}

/// A plain spec cleanup from `crate::normalise`, at its place in the pass order.
const fn cleanup(name: &'static str, pass: Pass) -> Feature {
    Feature::new(name).normalise(pass)
}

/// Every feature and cleanup, in the order their passes depend on each other (for example
/// `unknown_fields` after `inline_ref_aliases`, which opens the objects an alias opened).
pub const FEATURES: &[Feature] = &[
    cleanup("request_media_types", normalise::request_media_types),
    error_responses::FEATURE,
    open_enums::FEATURE,
    cleanup(
        "merge_all_of_extensions",
        normalise::merge_all_of_extensions,
    ),
    cleanup("untyped_string_formats", normalise::untyped_string_formats),
    cleanup("string_limits_to_docs", normalise::string_limits_to_docs),
    cleanup("inline_ref_aliases", normalise::inline_ref_aliases),
    cleanup(
        "hoist_schema_nullability",
        normalise::hoist_schema_nullability,
    ),
    secrets::FEATURE,
    unknown_fields::FEATURE,
    cleanup("stop_sending_defaults", normalise::stop_sending_defaults),
    plain_string_aliases::FEATURE,
    tri_state_fields::FEATURE,
    absent_nullable_fields::FEATURE,
    transport_routing::FEATURE,
    operation_safety::FEATURE,
    docs::FEATURE,
    fluent::FEATURE,
    non_exhaustive::FEATURE,
];

// The three stages of the table, in the order the pipeline runs them (`crate::generate_selected`:
// the spec passes on the selected, ref-checked spec; then `crate::generate`: the settings for
// progenitor, progenitor, the rewrites of its output).

/// Every spec pass of [`FEATURES`], in order, by name (for tools that list them).
pub static PASSES: LazyLock<Vec<(&'static str, Pass)>> = LazyLock::new(|| {
    FEATURES
        .iter()
        .filter_map(|f| Some((f.name, f.normalise?)))
        .collect()
});

/// Stage 1: every spec pass of [`FEATURES`], in order, over a merged, ref-checked spec.
pub fn run_passes(spec: &mut Value) {
    for feature in FEATURES {
        if let Some(pass) = feature.normalise {
            pass(spec);
        }
    }
}

/// Stage 2: every feature's generator settings, in table order.
pub fn apply_settings(spec: &Value, settings: &mut GenerationSettings) {
    for feature in FEATURES {
        if let Some(hook) = feature.settings {
            hook(spec, settings);
        }
    }
}

/// Stage 3: every feature's rewrite of progenitor's output, in table order, with the sites
/// each changed; a rewrite that finds another shape than it expects fails naming its feature.
pub fn apply_rewrites(
    spec: &Value,
    file: &mut syn::File,
) -> Result<Vec<(&'static str, usize)>, CodegenError> {
    let mut counts = Vec::new();
    for feature in FEATURES {
        let Some(rewrite) = feature.rewrite else {
            continue;
        };
        let sites = rewrite(spec, file).map_err(|m| CodegenError::Rewrite {
            feature: feature.name,
            expected: m.expected,
            found: m.found,
        })?;
        counts.push((feature.name, sites));
    }
    Ok(counts)
}
