//! The operations of a spec, in a stable order: the spec index's (`plaid_item_codegen::spec_index`),
//! which every pass of the build walks too.

pub use plaid_item_codegen::spec_index::{json_schema, operations, Operation};
