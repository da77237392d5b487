//! Constructs progenitor generates but the SDK's runtime cannot serve: refused before
//! generation with the operation named, instead of a client that does not compile.

use serde_json::Value;

use crate::error::Unsupported;
use crate::guard::operation_name;
use crate::normalise::is_json;
use crate::spec_index::{self, Operation};

/// Every such construct in `spec`, per operation.
pub fn check(spec: &Value) -> Vec<Unsupported> {
    let mut found = Vec::new();
    // progenitor unwraps every path item as inline: a `$ref` one panics with no name.
    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        if item.get("$ref").is_some() {
            found.push(Unsupported {
                at: format!("path `{path}`"),
                construct: "a path item given by `$ref`; write it out in place".into(),
            });
        }
    }
    for op in spec_index::operations(spec) {
        for construct in binary_replies(&op)
            .into_iter()
            .chain(header_parameters(spec, &op))
        {
            found.push(Unsupported {
                at: operation_name(&op),
                construct,
            });
        }
    }
    found
}

/// `spec` without the operations `found` names.
pub fn without_operations(spec: &Value, found: &[Unsupported]) -> Value {
    let named: Vec<String> = found.iter().map(|u| u.at.clone()).collect();
    let mut rest = spec.clone();
    let drop: Vec<(String, &str)> = spec_index::operations(spec)
        .iter()
        .filter(|op| named.contains(&operation_name(op)))
        .map(|op| (op.path.to_string(), op.method))
        .collect();
    if let Some(paths) = rest.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, method) in drop {
            if let Some(item) = paths.get_mut(&path).and_then(Value::as_object_mut) {
                item.remove(method);
            }
        }
    }
    rest
}

/// A success reply with a body but no JSON media type (`application/pdf`): progenitor types it
/// as a byte stream, which `src/transport.rs` (decoding JSON replies) does not take.
fn binary_replies(op: &Operation<'_>) -> Vec<String> {
    let responses = op.definition.get("responses").and_then(Value::as_object);
    responses
        .into_iter()
        .flatten()
        .filter(|(code, _)| code.starts_with('2'))
        .filter_map(|(code, response)| {
            let content = response.get("content")?.as_object()?;
            if content.is_empty() || content.keys().any(|k| is_json(k)) {
                return None;
            }
            let types: Vec<&str> = content.keys().map(String::as_str).collect();
            Some(format!(
                "a binary success reply ({code}: {}); plaid-item's transport decodes JSON \
                 replies only",
                types.join(", ")
            ))
        })
        .collect()
}

/// A header parameter: progenitor converts its value with `?` into an error type the SDK's
/// own `Error` has no conversion from.
fn header_parameters(spec: &Value, op: &Operation<'_>) -> Vec<String> {
    let own = op.definition.get("parameters").and_then(Value::as_array);
    let shared = op.item.get("parameters").and_then(Value::as_array);
    own.into_iter()
        .chain(shared)
        .flatten()
        .filter_map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(r) => spec_index::resolve(spec, r),
            None => Some(p),
        })
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
        .map(|p| {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            format!("a header parameter (`{name}`); the SDK sends only the headers it sets itself")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn binary_replies_and_header_parameters_are_named_per_operation() {
        let spec = json!({
            "paths": {
                "/pdf": {"post": {"operationId": "pdfGet", "responses": {
                    "200": {"content": {"application/pdf": {}}},
                    "4XX": {"content": {"application/pdf": {}}}
                }}},
                "/json": {"post": {"operationId": "jsonGet", "responses": {
                    "200": {"content": {"application/json": {}, "application/pdf": {}}},
                    "204": {"description": "empty"}
                }}},
                "/hdr": {
                    "parameters": [{"$ref": "#/components/parameters/H"}],
                    "post": {"operationId": "hdr", "parameters": [{"in": "query", "name": "q"}]}
                }
            },
            "components": {"parameters": {"H": {"in": "header", "name": "X-New"}}}
        });
        let found: Vec<String> = check(&spec).iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "operation `hdr` (POST /hdr): a header parameter (`X-New`); the SDK sends only \
                 the headers it sets itself",
                "operation `pdfGet` (POST /pdf): a binary success reply (200: application/pdf); \
                 plaid-item's transport decodes JSON replies only",
            ]
        );
    }
}
