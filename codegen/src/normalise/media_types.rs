//! One media type per request body, the JSON one when there is a choice.

use serde_json::{Map, Value};

/// progenitor takes exactly one request media type and panics on a second. Plaid's spec lists
/// an `examples` key under `content` as if it were one (`/transfer/originator/get`): keys that
/// are not `type/subtype` are dropped; of several real media types, `application/json` is
/// kept. JSON's `encoding` (meaningful only for forms and multipart) is dropped too, as
/// progenitor refuses it on request and response bodies.
pub fn request_media_types(spec: &mut Value) {
    for body in request_bodies_mut(spec) {
        let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        content.retain(|key, _| is_media_type(key));
        if content.len() > 1 {
            if let Some(key) = content.keys().find(|k| is_json(k)).cloned() {
                content.retain(|k, _| *k == key);
            }
        }
        drop_json_encoding(content);
    }
    for response in responses_mut(spec) {
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            drop_json_encoding(content);
        }
    }
}

/// `type/subtype`, optionally with parameters: what a `content` key must be.
pub fn is_media_type(key: &str) -> bool {
    let essence = key.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, sub)) => is_token(kind) && is_token(sub),
        None => false,
    }
}

/// The media type progenitor generates typed bodies for.
pub fn is_json(key: &str) -> bool {
    key.split(';').next().unwrap_or_default().trim() == "application/json"
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-*".contains(&b))
}

fn drop_json_encoding(content: &mut Map<String, Value>) {
    for (key, media) in content.iter_mut() {
        if is_json(key) {
            if let Some(media) = media.as_object_mut() {
                media.remove("encoding");
            }
        }
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn operations_in(paths: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    paths
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| {
            item.iter_mut()
                .filter(|(method, _)| METHODS.contains(&method.as_str()))
                .filter_map(|(_, op)| op.as_object_mut())
        })
}

/// Inline request bodies and the shared ones under `components.requestBodies`.
fn request_bodies_mut(spec: &mut Value) -> Vec<&mut Map<String, Value>> {
    let (paths, components) = split_paths_components(spec);
    let mut bodies: Vec<&mut Map<String, Value>> = Vec::new();
    if let Some(paths) = paths {
        bodies.extend(
            operations_in(paths)
                .filter_map(|op| op.get_mut("requestBody"))
                .filter_map(Value::as_object_mut),
        );
    }
    if let Some(shared) = components
        .and_then(|c| c.get_mut("requestBodies"))
        .and_then(Value::as_object_mut)
    {
        bodies.extend(shared.values_mut().filter_map(Value::as_object_mut));
    }
    bodies
}

/// Inline responses and the shared ones under `components.responses`.
fn responses_mut(spec: &mut Value) -> Vec<&mut Map<String, Value>> {
    let (paths, components) = split_paths_components(spec);
    let mut responses: Vec<&mut Map<String, Value>> = Vec::new();
    if let Some(paths) = paths {
        for op in operations_in(paths) {
            if let Some(map) = op.get_mut("responses").and_then(Value::as_object_mut) {
                responses.extend(map.values_mut().filter_map(Value::as_object_mut));
            }
        }
    }
    if let Some(shared) = components
        .and_then(|c| c.get_mut("responses"))
        .and_then(Value::as_object_mut)
    {
        responses.extend(shared.values_mut().filter_map(Value::as_object_mut));
    }
    responses
}

/// `paths` and `components`, borrowed at once.
fn split_paths_components(spec: &mut Value) -> (Option<&mut Value>, Option<&mut Value>) {
    let Some(map) = spec.as_object_mut() else {
        return (None, None);
    };
    let mut paths = None;
    let mut components = None;
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "paths" => paths = Some(value),
            "components" => components = Some(value),
            _ => {}
        }
    }
    (paths, components)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_body(content: Value) -> Value {
        json!({"paths": {"/item/get": {"post": {
            "operationId": "itemGet",
            "requestBody": {"content": content}
        }}}})
    }

    fn content(spec: &Value) -> Vec<&str> {
        spec["paths"]["/item/get"]["post"]["requestBody"]["content"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn keys_that_are_not_media_types_are_dropped() {
        // Plaid's /transfer/originator/get, 1.370.0 to 1.697.4.
        let mut spec = with_body(json!({"application/json": {"schema": {}}, "examples": {}}));
        request_media_types(&mut spec);
        assert_eq!(content(&spec), ["application/json"]);
    }

    #[test]
    fn json_wins_over_other_media_types() {
        let mut spec = with_body(json!({
            "application/x-www-form-urlencoded": {"schema": {}},
            "application/json; charset=utf-8": {"schema": {}},
            "text/plain": {"schema": {}}
        }));
        request_media_types(&mut spec);
        assert_eq!(content(&spec), ["application/json; charset=utf-8"]);
    }

    #[test]
    fn several_non_json_media_types_are_left_for_the_check() {
        let mut spec = with_body(json!({"text/plain": {}, "application/pdf": {}}));
        request_media_types(&mut spec);
        assert_eq!(content(&spec).len(), 2);
    }

    #[test]
    fn shared_request_bodies_and_json_encodings_are_cleaned() {
        let mut spec = json!({
            "paths": {"/a": {"post": {"responses": {"200": {"content": {
                "application/json": {"schema": {}, "encoding": {"x": {}}},
                "multipart/form-data": {"schema": {}, "encoding": {"x": {}}}
            }}}}}},
            "components": {"requestBodies": {"B": {"content": {
                "examples": {}, "application/json": {"encoding": {"y": {}}}
            }}}}
        });
        request_media_types(&mut spec);
        let shared = &spec["components"]["requestBodies"]["B"]["content"];
        assert_eq!(shared, &json!({"application/json": {}}));
        let reply = &spec["paths"]["/a"]["post"]["responses"]["200"]["content"];
        assert!(reply["application/json"].get("encoding").is_none());
        assert!(reply["multipart/form-data"].get("encoding").is_some());
    }

    #[test]
    fn media_types_are_type_slash_subtype() {
        for yes in [
            "application/json",
            "application/vnd.api+json",
            "text/plain; charset=utf-8",
            "*/*",
        ] {
            assert!(is_media_type(yes), "{yes}");
        }
        for no in [
            "examples",
            "",
            "/",
            "application/",
            "application json/x",
            "a/b/c",
        ] {
            assert!(!is_media_type(no), "{no}");
        }
    }
}
