//! Typed errors: every operation gets error responses progenitor can type as `PlaidError`.

use serde_json::{json, Map, Value};

use super::Feature;
use crate::spec_index;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("error_responses").normalise(normalise);

/// `default` split into `4XX`/`5XX` first, so an operation whose only error was `default`
/// does not also get a second, generic one.
fn normalise(spec: &mut Value) {
    split_default_response(spec);
    add_missing_error_responses(spec);
}

fn is_error_code(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5')
}

/// progenitor allows one success type and one error type per operation, and counts `default`
/// as a possible success: `200` + `default` makes it panic. Plaid's `default` is always the
/// error body, so it becomes explicit `4XX` and `5XX` responses.
pub fn split_default_response(spec: &mut Value) {
    spec_index::for_each_operation_mut(spec, &mut |_, _, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(default) = responses.remove("default") {
            for range in ["4XX", "5XX"] {
                responses.entry(range).or_insert_with(|| default.clone());
            }
        }
    });
}

/// Operations that declare no error response would return untyped errors; give them the
/// PlaidError body every Plaid endpoint really sends.
pub fn add_missing_error_responses(spec: &mut Value) {
    if spec.pointer("/components/schemas/PlaidError").is_none() {
        return;
    }
    let error = json!({
        "description": "Error response.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaidError"}}}
    });
    spec_index::for_each_operation_mut(spec, &mut |_, _, op| {
        let responses = op
            .entry("responses")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(responses) = responses.as_object_mut() else {
            return;
        };
        if !responses.keys().any(|code| is_error_code(code)) {
            responses.insert("4XX".into(), error.clone());
            responses.insert("5XX".into(), error.clone());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(responses: Value) -> Value {
        json!({
            "paths": {"/item/get": {"x-plaid-business-unit-context": "X", "post": {"responses": responses}}},
            "components": {"schemas": {"PlaidError": {"type": "object"}}}
        })
    }

    #[test]
    fn default_becomes_4xx_and_5xx() {
        let mut spec = op(json!({"200": {"description": "ok"}, "default": {"description": "err"}}));
        split_default_response(&mut spec);
        let responses = &spec["paths"]["/item/get"]["post"]["responses"];
        assert!(responses.get("default").is_none());
        assert_eq!(responses["4XX"]["description"], "err");
        assert_eq!(responses["5XX"]["description"], "err");
        assert_eq!(responses["200"]["description"], "ok");
    }

    #[test]
    fn an_explicit_range_is_not_overwritten() {
        let mut spec =
            op(json!({"4XX": {"description": "mine"}, "default": {"description": "err"}}));
        split_default_response(&mut spec);
        let responses = &spec["paths"]["/item/get"]["post"]["responses"];
        assert_eq!(responses["4XX"]["description"], "mine");
        assert_eq!(responses["5XX"]["description"], "err");
    }

    #[test]
    fn operations_without_errors_get_plaid_error() {
        let mut spec = op(json!({"200": {"description": "ok"}}));
        add_missing_error_responses(&mut spec);
        let responses = &spec["paths"]["/item/get"]["post"]["responses"];
        for range in ["4XX", "5XX"] {
            assert_eq!(
                responses[range]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/PlaidError"
            );
        }
    }

    #[test]
    fn operations_with_errors_are_left_alone() {
        let mut spec = op(json!({"200": {"description": "ok"}, "400": {"description": "bad"}}));
        add_missing_error_responses(&mut spec);
        let responses = spec["paths"]["/item/get"]["post"]["responses"]
            .as_object()
            .unwrap();
        assert_eq!(responses.len(), 2);
    }
}
