//! Operation safety: which operations are safe to send twice, as data in the generated code,
//! so the retry decision (`src/retry.rs`) reads the spec pipeline's answer and an operation a
//! newer spec adds is classified where the spec is.
//!
//! Rewrite only: `OPERATION_SAFETY`, every operation's id (progenitor's snake_case spelling,
//! as in `OperationInfo`) with its `crate::retry::OperationSafety`: `Idempotent` when the
//! supplement's `x-plaid-item-idempotent` lists its operationId, else `StateChanging`.

use heck::ToSnakeCase;
use serde_json::Value;
use syn::{parse_quote, File};

use super::Feature;
use crate::rewrite::{expect_sites, Mismatch};
use crate::spec_index;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("operation_safety").rewrite(rewrite);

/// `(operation id, safe to send twice)` for every operation of the spec, sorted.
pub fn operation_safety(spec: &Value) -> Vec<(String, bool)> {
    let listed: Vec<&str> = spec
        .get("x-plaid-item-idempotent")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut table: Vec<(String, bool)> = spec_index::operations(spec)
        .into_iter()
        .filter_map(|op| op.id)
        .map(|id| (id.to_snake_case(), listed.contains(&id)))
        .collect();
    table.sort();
    table
}

fn rewrite(spec: &Value, file: &mut File) -> Result<usize, Mismatch> {
    let table = operation_safety(spec);
    let rows = table.iter().map(|(op, safe)| {
        let safety = if *safe {
            quote::quote!(Idempotent)
        } else {
            quote::quote!(StateChanging)
        };
        quote::quote!((#op, crate::retry::OperationSafety::#safety))
    });
    file.items.push(parse_quote! {
        /// Every operation and whether it is safe to send twice (`x-plaid-item-idempotent` in
        /// the supplement); read by `crate::retry`.
        pub const OPERATION_SAFETY: &[(&str, crate::retry::OperationSafety)] = &[#(#rows),*];
    });
    expect_sites(
        "operations with an operationId (one row each)",
        super::transport_routing::operation_count(spec),
        table.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn listed_operations_are_safe_and_the_rest_are_not() {
        let spec = json!({
            "x-plaid-item-idempotent": ["itemGet", "gone"],
            "paths": {
                "/item/get": {"post": {"operationId": "itemGet"}},
                "/item/remove": {"post": {"operationId": "itemRemove"}, "x-note": {}}
            }
        });
        assert_eq!(
            operation_safety(&spec),
            vec![("item_get".into(), true), ("item_remove".into(), false)]
        );
    }
}
