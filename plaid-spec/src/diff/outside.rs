//! How many operations outside the selection changed: what the diff leaves out, counted so
//! the report can say so in one line.

use std::collections::{BTreeMap, BTreeSet};

use plaid_item_codegen::spec_index::{self, Operation};
use plaid_item_codegen::Selection;
use serde_json::Value;

/// Operations of `old` or `new` that `selection` leaves out and that were added, removed, or
/// changed in their definition or in anything they reach through `$ref`s. `None` when
/// neither spec has an operation outside the selection (a slice).
pub fn changed_outside(old: &Value, new: &Value, selection: &Selection) -> Option<usize> {
    let outside = |doc: &'_ Value| -> BTreeMap<(String, &'static str), Value> {
        spec_index::operations(doc)
            .into_iter()
            .filter(|op| !selection.selects(op))
            .map(|op| ((op.path.to_string(), op.method), closure(doc, &op)))
            .collect()
    };
    let (before, after) = (outside(old), outside(new));
    if before.is_empty() && after.is_empty() {
        return None;
    }
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).collect();
    Some(
        keys.into_iter()
            .filter(|key| before.get(*key) != after.get(*key))
            .count(),
    )
}

/// The operation with everything it reaches: its definition, its path item's parameters, and
/// each component it reaches by pointer (absent ones as null).
fn closure(doc: &Value, op: &Operation<'_>) -> Value {
    let mut reached: BTreeMap<String, Value> = BTreeMap::new();
    let mut queue: Vec<String> = Vec::new();
    let mut refs = Vec::new();
    spec_index::refs_under(op.definition, &mut refs);
    if let Some(parameters) = op.item.get("parameters") {
        spec_index::refs_under(parameters, &mut refs);
    }
    queue.extend(refs.into_iter().map(str::to_string));
    while let Some(reference) = queue.pop() {
        if reached.contains_key(&reference) {
            continue;
        }
        let target = spec_index::resolve(doc, &reference)
            .cloned()
            .unwrap_or(Value::Null);
        let mut next = Vec::new();
        spec_index::refs_under(&target, &mut next);
        queue.extend(next.into_iter().map(str::to_string));
        reached.insert(reference, target);
    }
    serde_json::json!({
        "definition": op.definition,
        "parameters": op.item.get("parameters"),
        "reached": reached,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(transfer_field: &str, extra_op: bool) -> Value {
        let mut doc = json!({
            "paths": {
                "/item/get": {"post": {"operationId": "itemGet"}},
                "/transfer/get": {"post": {"operationId": "transferGet", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Transfer"}}}}}},
                "/auth/get": {"post": {"operationId": "authGet"}}
            },
            "components": {"schemas": {
                "Transfer": {"properties": {"t": {"$ref": "#/components/schemas/Deep"}}},
                "Deep": {"properties": {transfer_field: {"type": "string"}}}
            }}
        });
        if extra_op {
            doc["paths"]["/link/token/get"] = json!({"post": {"operationId": "linkTokenGet"}});
        }
        doc
    }

    #[test]
    fn counts_added_removed_and_deeply_changed_operations_outside_the_selection() {
        let selection = Selection::item_api();
        assert_eq!(
            changed_outside(&spec("a", false), &spec("a", false), &selection),
            Some(0)
        );
        // A field two refs deep changes transferGet; a new operation is one more.
        assert_eq!(
            changed_outside(&spec("a", false), &spec("b", true), &selection),
            Some(2)
        );
        assert_eq!(
            changed_outside(&spec("a", true), &spec("a", false), &selection),
            Some(1)
        );
        let slice = json!({"paths": {"/item/get": {"post": {"operationId": "itemGet"}}}});
        assert_eq!(changed_outside(&slice, &slice, &selection), None);
    }
}
