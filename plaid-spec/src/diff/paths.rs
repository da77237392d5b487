//! The operations of a spec, in a stable order.

use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation and where it sits.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    pub path: &'a str,
    /// Upper case: `POST`.
    pub method: &'static str,
    pub id: Option<&'a str>,
    pub definition: &'a Value,
    /// The path item, for path-level extensions and parameters.
    pub item: &'a Value,
}

impl Operation<'_> {
    /// `itemGet`, or `POST /item/get` when it has no `operationId`.
    pub fn label(&self) -> String {
        match self.id {
            Some(id) => id.to_string(),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// Every operation, by path then method.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(definition) = item.get(method).filter(|d| d.is_object()) {
                out.push(Operation {
                    path,
                    method: upper(method),
                    id: definition.get("operationId").and_then(Value::as_str),
                    definition,
                    item,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.path, a.method).cmp(&(b.path, b.method)));
    out
}

fn upper(method: &str) -> &'static str {
    match method {
        "get" => "GET",
        "put" => "PUT",
        "post" => "POST",
        "delete" => "DELETE",
        "options" => "OPTIONS",
        "head" => "HEAD",
        "patch" => "PATCH",
        _ => "TRACE",
    }
}

/// The JSON body schema of a request body or a response, if it has one.
pub fn json_schema(holder: &Value) -> Option<&Value> {
    let content = holder.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| {
            content
                .iter()
                .find(|(k, _)| k.contains("json"))
                .map(|(_, v)| v)
        })?
        .get("schema")
}
