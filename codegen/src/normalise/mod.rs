//! Plain spec cleanups: rewrites that make Plaid's spec one progenitor and typify generate
//! well from, and that belong to no SDK feature (those live in `crate::features`).
//!
//! Each pass is a small function with its reason in its doc comment; the
//! [`FEATURES`] table places each one in the pass order.

mod all_of;
mod defaults;
mod formats;
mod media_types;
mod shape;
mod string_limits;
mod use_site_nullability;
pub mod walk;

pub use all_of::merge_all_of_extensions;
pub use defaults::stop_sending_defaults;
pub use formats::{untyped_string_formats, TYPED_STRING_FORMATS};
pub use media_types::{is_json, is_media_type, request_media_types};
pub use string_limits::string_limits_to_docs;
pub use use_site_nullability::{hoist_schema_nullability, inline_ref_aliases};

use std::sync::LazyLock;

use serde_json::Value;

pub use crate::features::Pass;
use crate::features::FEATURES;

/// Every spec pass of [`FEATURES`], in order, by name (for tools that list them).
pub static PASSES: LazyLock<Vec<(&'static str, Pass)>> = LazyLock::new(|| {
    FEATURES
        .iter()
        .filter_map(|f| Some((f.name, f.normalise?)))
        .collect()
});

/// Runs every spec pass of [`FEATURES`] over a merged, ref-checked spec.
pub fn normalise(spec: &mut Value) {
    for feature in FEATURES {
        if let Some(pass) = feature.normalise {
            pass(spec);
        }
    }
}
