//! Operations: added, removed, renamed or moved, and what changed in their parameters,
//! request body and responses.

use std::collections::BTreeSet;

use serde_json::Value;

use super::classify::Sides;
use super::differ::{At, Differ};
use super::docs::compare_docs;
use super::model::{Code, Scope};
use super::paths::{json_schema, operations, Operation};
use super::schemas::compare_use;

fn scope(op: &Operation<'_>) -> Scope {
    Scope::Operation {
        path: op.path.to_string(),
        method: op.method_upper().to_string(),
        operation_id: op.id.map(str::to_string),
    }
}

pub fn compare_operations(d: &mut Differ<'_>) {
    let (old_ops, new_ops) = (operations(d.old), operations(d.new));
    let key = |op: &Operation<'_>| (op.path.to_string(), op.method);
    let old_keys: BTreeSet<_> = old_ops.iter().map(key).collect();
    let new_keys: BTreeSet<_> = new_ops.iter().map(key).collect();
    let mut matched_new = BTreeSet::new();
    for old in &old_ops {
        if let Some(new) = new_ops.iter().find(|n| key(n) == key(old)) {
            compare_operation(d, old, new);
            matched_new.insert(key(new));
            continue;
        }
        // The same operationId at a path the old spec did not have: moved, not removed.
        let moved = new_ops
            .iter()
            .find(|n| old.id.is_some() && n.id == old.id && !old_keys.contains(&key(n)));
        match moved {
            Some(new) => {
                let at = At::new(scope(new), Sides::BOTH);
                d.push(
                    &at,
                    Code::OperationMoved,
                    "",
                    format!("operation moved from {} {}", old.method_upper(), old.path),
                    Some(format!("{} {}", old.method_upper(), old.path).into()),
                    Some(format!("{} {}", new.method_upper(), new.path).into()),
                );
                compare_operation(d, old, new);
                matched_new.insert(key(new));
            }
            None => {
                let at = At::new(scope(old), Sides::BOTH);
                d.push(
                    &at,
                    Code::OperationRemoved,
                    "",
                    "operation removed".into(),
                    None,
                    None,
                );
            }
        }
    }
    for new in new_ops.iter().filter(|n| !matched_new.contains(&key(n))) {
        debug_assert!(new_keys.contains(&key(new)));
        let at = At::new(scope(new), Sides::BOTH);
        d.push(
            &at,
            Code::OperationAdded,
            "",
            "operation added".into(),
            None,
            None,
        );
    }
}

fn compare_operation(d: &mut Differ<'_>, old: &Operation<'_>, new: &Operation<'_>) {
    let at = At::new(scope(new), Sides::BOTH);
    if old.id != new.id {
        d.push(
            &at,
            Code::OperationRenamed,
            "",
            format!(
                "operationId changed: {} -> {} (the SDK method is renamed)",
                old.id.unwrap_or("none"),
                new.id.unwrap_or("none")
            ),
            old.id.map(Value::from),
            new.id.map(Value::from),
        );
    }
    compare_docs(d, &at, "", old.definition, new.definition);
    compare_docs(d, &at, "path-item", old.item, new.item);
    super::parameters::compare_parameters(d, &at, old, new);
    compare_request_body(d, &at, old.definition, new.definition);
    compare_responses(d, &at, old.definition, new.definition);
}

fn compare_request_body(d: &mut Differ<'_>, at: &At, old: &Value, new: &Value) {
    let at = At {
        sides: Sides::REQUEST,
        ..at.clone()
    };
    let path = "request";
    let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
    let bodies = (
        old.get("requestBody").map(|b| deref(d.old, b)),
        new.get("requestBody").map(|b| deref(d.new, b)),
    );
    match bodies {
        (None, None) => {}
        (Some(_), None) => d.push(
            &at,
            Code::RequestBodyRemoved,
            path,
            "request body removed".into(),
            None,
            None,
        ),
        (None, Some(body)) => {
            let (code, word) = if required(body) {
                (Code::RequestBodyMadeRequired, "required")
            } else {
                (Code::RequestBodyAdded, "optional")
            };
            d.push(
                &at,
                code,
                path,
                format!("request body added ({word})"),
                None,
                None,
            );
        }
        (Some(o), Some(n)) => {
            if required(o) != required(n) {
                let (code, word) = if required(n) {
                    (Code::RequestBodyMadeRequired, "made required")
                } else {
                    (Code::RequestBodyMadeOptional, "made optional")
                };
                d.push(&at, code, path, format!("request body {word}"), None, None);
            }
            compare_docs(d, &at, path, o, n);
            if let (Some(os), Some(ns)) = (json_schema(o), json_schema(n)) {
                compare_use(d, &at, path, os, ns);
            }
        }
    }
}

/// A request body or response given as `$ref: '#/components/...'`, followed.
fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(target) => plaid_item_codegen::refs::resolve(doc, target).unwrap_or(value),
        None => value,
    }
}

fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

fn compare_responses(d: &mut Differ<'_>, at: &At, old: &Value, new: &Value) {
    let at = At {
        sides: Sides::RESPONSE,
        ..at.clone()
    };
    let empty = serde_json::Map::new();
    let responses = |op: &Value| {
        op.get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(|| empty.clone())
    };
    let (old_r, new_r) = (responses(old), responses(new));
    let codes: BTreeSet<&String> = old_r.keys().chain(new_r.keys()).collect();
    for status in codes {
        let path = format!("response({status})");
        match (old_r.get(status), new_r.get(status)) {
            (Some(_), None) => {
                let code = if is_success(status) {
                    Code::ResponseRemoved
                } else {
                    Code::ErrorResponseRemoved
                };
                d.push(
                    &at,
                    code,
                    &path,
                    format!("response {status} removed"),
                    None,
                    None,
                );
            }
            (None, Some(_)) => {
                let code = if is_success(status) {
                    Code::ResponseAdded
                } else {
                    Code::ErrorResponseAdded
                };
                d.push(
                    &at,
                    code,
                    &path,
                    format!("response {status} added"),
                    None,
                    None,
                );
            }
            (Some(o), Some(n)) => {
                let (o, n) = (deref(d.old, o), deref(d.new, n));
                compare_docs(d, &at, &path, o, n);
                let media = |r: &Value| r.pointer("/content/application~1json").cloned();
                if let (Some(om), Some(nm)) = (media(o), media(n)) {
                    compare_docs(d, &at, &path, &om, &nm);
                }
                if let (Some(os), Some(ns)) = (json_schema(o), json_schema(n)) {
                    compare_use(d, &at, &path, os, ns);
                }
            }
            (None, None) => {}
        }
    }
}
