//! Rewrites that turn Plaid's spec into one progenitor and typify generate well from.
//!
//! Each pass is a small function with its reason in its doc comment; [`normalise`] runs them
//! in the order they depend on each other.

mod all_of;
mod enums;
mod formats;
mod nullable;
mod objects;
mod responses;
mod secrets;
mod shape;
mod string_limits;
pub mod walk;

pub use all_of::merge_all_of_extensions;
pub use enums::{
    is_string_enum, lift_inline_enums, move_null_out_of_enums, named_string_enums, StringEnum,
};
pub use formats::{untyped_string_formats, TYPED_STRING_FORMATS};
pub use nullable::{hoist_schema_nullability, inline_ref_aliases};
pub use objects::{keep_unknown_fields, stop_sending_defaults};
pub use responses::{add_missing_error_responses, split_default_response};
pub use secrets::{mark_secret_fields, ACCESS_TOKEN, PUBLIC_TOKEN, SECRET};
pub use string_limits::string_limits_to_docs;

use serde_json::Value;

/// A rewrite of the whole spec.
pub type Pass = fn(&mut Value);

/// The passes in order, by name (the spec tool prints them).
pub const PASSES: [(&str, Pass); 12] = [
    ("split_default_response", split_default_response),
    ("add_missing_error_responses", add_missing_error_responses),
    ("move_null_out_of_enums", move_null_out_of_enums),
    ("lift_inline_enums", lift_inline_enums),
    ("merge_all_of_extensions", merge_all_of_extensions),
    ("untyped_string_formats", untyped_string_formats),
    ("string_limits_to_docs", string_limits_to_docs),
    ("inline_ref_aliases", inline_ref_aliases),
    ("hoist_schema_nullability", hoist_schema_nullability),
    ("mark_secret_fields", mark_secret_fields),
    ("keep_unknown_fields", keep_unknown_fields),
    ("stop_sending_defaults", stop_sending_defaults),
];

/// Runs every pass over a merged, ref-checked spec.
pub fn normalise(spec: &mut Value) {
    for (_, pass) in PASSES {
        pass(spec);
    }
}
