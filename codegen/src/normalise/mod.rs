//! Plain spec cleanups: rewrites that make Plaid's spec one progenitor and typify generate
//! well from, and that belong to no SDK feature (those live in `crate::features`).
//!
//! Each pass is a small function with its reason in its doc comment; the
//! [`FEATURES`](crate::features::FEATURES) table places each one in the pass order and runs
//! it. This module imports nothing of `features`: it is a leaf.

mod all_of;
mod defaults;
mod formats;
mod media_types;
mod shape;
mod string_limits;
mod use_site_nullability;

pub use all_of::merge_all_of_extensions;
pub use defaults::stop_sending_defaults;
pub use formats::{untyped_string_formats, TYPED_STRING_FORMATS};
pub use media_types::{is_json, is_media_type, request_media_types};
pub use string_limits::string_limits_to_docs;
pub use use_site_nullability::{hoist_schema_nullability, inline_ref_aliases};
