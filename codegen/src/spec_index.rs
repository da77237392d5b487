//! The one place that knows how an OpenAPI document is laid out: its operations (path ×
//! HTTP method), their request and response schemas, schema lookup by name and by `$ref`, and
//! JSON-pointer escaping. Passes, the selection and `plaid-spec` ask here instead of walking
//! `paths` and spelling pointers themselves.

use serde_json::{Map, Value};

use crate::names::pascal_case;

/// The HTTP methods a path item may hold an operation under (OpenAPI 3.0), in spec order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where component schemas live, as a `$ref` prefix.
pub const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// One operation and where it sits.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// The path (`/item/get`).
    pub path: &'a str,
    /// Lower case, as the spec spells it: `post`.
    pub method: &'static str,
    /// Its `operationId`, when it has one.
    pub id: Option<&'a str>,
    /// The operation object.
    pub definition: &'a Value,
    /// The path item, for path-level extensions and parameters.
    pub item: &'a Value,
}

impl<'a> Operation<'a> {
    /// Upper case, as messages show it: `POST`.
    pub fn method_upper(&self) -> &'static str {
        upper(self.method)
    }

    /// `itemGet`, or `POST /item/get` when it has no `operationId`.
    pub fn label(&self) -> String {
        match self.id {
            Some(id) => id.to_string(),
            None => format!("{} {}", self.method_upper(), self.path),
        }
    }

    /// The JSON schema of the request body, if any.
    pub fn request_schema(&self) -> Option<&'a Value> {
        json_schema(self.definition.get("requestBody")?)
    }

    /// `(status code, JSON schema)` of every response that has a JSON body, in spec order.
    pub fn response_schemas(&self) -> Vec<(&'a str, &'a Value)> {
        self.definition
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(code, response)| Some((code.as_str(), json_schema(response)?)))
            .collect()
    }
}

/// Every operation of `doc`, sorted by path then method name: a stable order for reports.
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
                    method,
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

/// What [`for_each_operation_mut`] calls: path, method, definition.
pub type OperationVisitor<'f> = dyn FnMut(&str, &str, &mut Map<String, Value>) + 'f;

/// Calls `f` with the path, the method and the definition of every operation, for passes that
/// change operations in place.
pub fn for_each_operation_mut(doc: &mut Value, f: &mut OperationVisitor<'_>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if let (true, Some(op)) = (METHODS.contains(&method.as_str()), op.as_object_mut()) {
                f(path, method, op);
            }
        }
    }
}

/// What [`for_each_schema_mut`] calls: the schema and a Rust-style name for where it sits.
pub type SchemaVisitor<'f> = dyn FnMut(&mut Value, &str) + 'f;

/// Calls `f` on every schema (pre-order) under `components.schemas` and in operations'
/// bodies, with a name built from its position (`ItemUpdateType` for `Item.update_type`): the
/// mutable schema walk every pass uses.
pub fn for_each_schema_mut(spec: &mut Value, f: &mut SchemaVisitor<'_>) {
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            walk_schema(schema, name, f);
        }
    }
    for_each_operation_mut(spec, &mut |_, _, op| {
        let base = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(pascal_case)
            .unwrap_or_default();
        if let Some(schema) = op
            .get_mut("requestBody")
            .and_then(|b| b.pointer_mut("/content/application~1json/schema"))
        {
            walk_schema(schema, &format!("{base}Body"), f);
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (code, response) in responses.iter_mut() {
                if let Some(schema) = response.pointer_mut("/content/application~1json/schema") {
                    walk_schema(schema, &format!("{base}Response{code}"), f);
                }
            }
        }
    });
}

fn walk_schema(schema: &mut Value, name: &str, f: &mut SchemaVisitor<'_>) {
    if !schema.is_object() {
        return;
    }
    f(schema, name);
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for (prop, child) in props.iter_mut() {
            walk_schema(child, &format!("{name}{}", pascal_case(prop)), f);
        }
    }
    if let Some(items) = map.get_mut("items") {
        walk_schema(items, &format!("{name}Item"), f);
    }
    if let Some(extra) = map.get_mut("additionalProperties") {
        walk_schema(extra, &format!("{name}Value"), f);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = map.get_mut(key).and_then(Value::as_array_mut) {
            for member in members {
                walk_schema(member, name, f);
            }
        }
    }
}

/// The JSON body schema of a request body or a response: `application/json`, else the first
/// media type that names JSON.
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

/// `components.schemas.<name>`.
pub fn schema<'a>(doc: &'a Value, name: &str) -> Option<&'a Value> {
    doc.get("components")?.get("schemas")?.get(name)
}

/// Every named schema, in the document's order.
pub fn schemas(doc: &Value) -> impl Iterator<Item = (&String, &Value)> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// Follows a local `$ref` (`#/...`, JSON-pointer escaped); external refs never resolve.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// The schema `schema` points to when it is a `$ref`, or a one-member `allOf` of one (Plaid's
/// way of adding `nullable` or a description to a reference).
pub fn referenced<'a>(doc: &'a Value, schema: &Value) -> Option<&'a Value> {
    let reference = match schema.get("$ref") {
        Some(r) => r,
        None => match schema.get("allOf")?.as_array()?.as_slice() {
            [only] => only.get("$ref")?,
            _ => return None,
        },
    };
    resolve(doc, reference.as_str()?)
}

/// The schema name a `#/components/schemas/...` ref names, unescaped.
pub fn schema_ref_name(reference: &str) -> Option<String> {
    reference.strip_prefix(SCHEMA_REF_PREFIX).map(unescape)
}

/// The `$ref` to `components.schemas.<name>`.
pub fn schema_ref(name: &str) -> String {
    format!("{SCHEMA_REF_PREFIX}{}", escape(name))
}

/// JSON-pointer escaping of one segment (RFC 6901: `~` then `/`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The inverse of [`escape`].
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Every `$ref` string under `value`, in document order.
pub fn refs_under<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                out.push(reference);
            }
            map.values().for_each(|v| refs_under(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_under(v, out)),
        _ => {}
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {
                "/b": {"post": {"operationId": "b"}, "get": {}, "x-note": {"post": 1}},
                "/a": {
                    "post": {
                        "operationId": "a",
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A~1B"}}}},
                        "responses": {
                            "200": {"content": {"application/vnd.plaid+json": {"schema": {"type": "object"}}}},
                            "4XX": {"description": "no body"}
                        }
                    },
                    "parameters": []
                }
            },
            "components": {"schemas": {"A/B": {"type": "string"}, "C": {"allOf": [{"$ref": "#/components/schemas/A~1B"}]}}}
        })
    }

    #[test]
    fn operations_are_sorted_by_path_then_method_and_skip_extensions() {
        let doc = doc();
        let ops = operations(&doc);
        let seen: Vec<(String, &str)> = ops.iter().map(|o| (o.label(), o.path)).collect();
        assert_eq!(
            seen,
            [
                ("a".into(), "/a"),
                ("GET /b".into(), "/b"),
                ("b".into(), "/b")
            ]
        );
        assert_eq!(
            ops[0].request_schema(),
            Some(&json!({"$ref": "#/components/schemas/A~1B"}))
        );
        assert_eq!(
            ops[0].response_schemas(),
            [("200", &json!({"type": "object"}))]
        );
        assert!(ops[2].request_schema().is_none());
    }

    #[test]
    fn refs_resolve_through_escaped_pointers_and_one_member_all_of() {
        let doc = doc();
        let reference = schema_ref("A/B");
        assert_eq!(reference, "#/components/schemas/A~1B");
        assert_eq!(schema_ref_name(&reference).as_deref(), Some("A/B"));
        assert_eq!(resolve(&doc, &reference), schema(&doc, "A/B"));
        assert_eq!(
            referenced(&doc, schema(&doc, "C").unwrap()),
            Some(&json!({"type": "string"}))
        );
        assert_eq!(resolve(&doc, "other.yml#/x"), None);
        assert_eq!(unescape(&escape("~/x~1")), "~/x~1");
    }

    #[test]
    fn the_mutable_walk_visits_operations_only() {
        let mut doc = doc();
        let mut seen = Vec::new();
        for_each_operation_mut(&mut doc, &mut |path, method, op| {
            op.insert("seen".into(), json!(true));
            seen.push(format!("{method} {path}"));
        });
        seen.sort();
        assert_eq!(seen, ["get /b", "post /a", "post /b"]);
        assert_eq!(doc["paths"]["/b"]["x-note"], json!({"post": 1}));
    }

    #[test]
    fn names_follow_the_position() {
        let mut spec = json!({"components": {"schemas": {"Item": {"properties": {
            "update_type": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}}
        }}}}});
        let mut seen = Vec::new();
        for_each_schema_mut(&mut spec, &mut |_, name| seen.push(name.to_string()));
        assert_eq!(
            seen,
            vec!["Item", "ItemTags", "ItemTagsItem", "ItemUpdateType"]
        );
    }
}
