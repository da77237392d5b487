//! The client and models generated from `spec/plaid-item.yml`: by `build.rs` at build time
//! (feature `codegen`, the default), or shipped in `generated/plaid_item.rs` without it.
//! Nothing here is written by hand; see `codegen/` for how it is made. Its docs come from the
//! spec (`codegen/src/features/docs.rs`); an undocumented public item is a `missing_docs`
//! warning, which fails CI (clippy and rustdoc run with `-D warnings`), not a user's build.
#![warn(missing_docs)]
#![allow(
    clippy::all,
    clippy::pedantic,
    unreachable_pub,
    unused_imports,
    dead_code,
    irrefutable_let_patterns
)]

#[cfg(feature = "codegen")]
include!(concat!(env!("OUT_DIR"), "/plaid_item.rs"));
// Without the generator: the same code, generated from the vendored spec and shipped in the
// package; build.rs checks that spec is unchanged and tests/shipped_code.rs keeps it current.
#[cfg(not(feature = "codegen"))]
include!("../generated/plaid_item.rs");
