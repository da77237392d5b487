//! The spec tooling behind the `plaid-spec` command, on top of the `plaid-item-codegen`
//! pipeline: [`diff`] classifies what a new Plaid spec changes for code that uses the SDK,
//! [`surface`] lists the public API a spec generates.

pub mod diff;
pub mod surface;
