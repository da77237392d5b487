//! Plain string aliases: named schemas that are just `type: string` (IDs like `RequestID`,
//! `ApplicationID`) become `String`, so a field accepts `&str` and `String` without a newtype
//! in the way.
//!
//! Settings only: each such schema replaced by `::std::string::String`.

use progenitor::{GenerationSettings, TypeImpl};
use serde_json::Value;

use super::Feature;
use crate::names::type_name;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("plain_string_aliases").settings(settings);

fn settings(spec: &Value, settings: &mut GenerationSettings) {
    for alias in plain_string_aliases(spec) {
        settings.with_replacement(
            type_name(&alias),
            "::std::string::String",
            [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default].into_iter(),
        );
    }
}

/// Named string schemas with nothing that shapes them, secrets excepted.
fn plain_string_aliases(spec: &Value) -> Vec<String> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, s)| {
            !super::secrets::is_secret_schema(name)
                && s.get("type").and_then(Value::as_str) == Some("string")
                && [
                    "enum",
                    "format",
                    "pattern",
                    "minLength",
                    "maxLength",
                    "nullable",
                ]
                .iter()
                .all(|k| s.get(*k).is_none())
        })
        .map(|(name, _)| name.clone())
        .collect()
}
