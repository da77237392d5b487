//! Path, query, header and cookie parameters (Plaid's Item API has none today; other
//! versions or specs may).

use std::collections::BTreeMap;

use serde_json::Value;

use super::classify::Sides;
use super::differ::{At, Differ};
use super::docs::compare_docs;
use super::model::Code;
use super::paths::Operation;
use super::schemas::compare_use;

/// `(in, name)` -> definition, path-level parameters first, operation-level ones overriding.
fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    for list in [op.item.get("parameters"), op.definition.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
    {
        for p in list {
            let p = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => match plaid_item_codegen::refs::resolve(doc, r) {
                    Some(target) => target,
                    None => continue,
                },
                None => p,
            };
            let field = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            out.insert((field("in"), field("name")), p);
        }
    }
    out
}

fn is_required(p: &Value) -> bool {
    p.get("required") == Some(&Value::Bool(true))
}

pub fn compare_parameters(d: &mut Differ<'_>, at: &At, old: &Operation<'_>, new: &Operation<'_>) {
    let at = At {
        sides: Sides::REQUEST,
        ..at.clone()
    };
    let (old_p, new_p) = (parameters(d.old, old), parameters(d.new, new));
    let keys: Vec<_> = old_p.keys().chain(new_p.keys()).cloned().collect();
    let mut done = Vec::new();
    for key in keys {
        if done.contains(&key) {
            continue;
        }
        done.push(key.clone());
        let path = format!("parameter({} {})", key.0, key.1);
        let what = format!("{} parameter `{}`", key.0, key.1);
        match (old_p.get(&key), new_p.get(&key)) {
            (Some(_), None) => d.push(
                &at,
                Code::ParameterRemoved,
                &path,
                format!("{what} removed"),
                None,
                None,
            ),
            (None, Some(p)) => {
                let (code, word) = if is_required(p) {
                    (Code::ParameterAddedRequired, "required")
                } else {
                    (Code::ParameterAdded, "optional")
                };
                d.push(
                    &at,
                    code,
                    &path,
                    format!("{what} added ({word})"),
                    None,
                    None,
                );
            }
            (Some(o), Some(n)) => {
                if is_required(o) != is_required(n) {
                    let (code, word) = if is_required(n) {
                        (Code::ParameterMadeRequired, "made required")
                    } else {
                        (Code::ParameterMadeOptional, "made optional")
                    };
                    d.push(&at, code, &path, format!("{what} {word}"), None, None);
                }
                compare_docs(d, &at, &path, o, n);
                if let (Some(os), Some(ns)) = (o.get("schema"), n.get("schema")) {
                    compare_use(d, &at, &path, os, ns);
                }
            }
            (None, None) => {}
        }
    }
}
