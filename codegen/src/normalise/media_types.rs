//! One media type per request body, the JSON one when there is a choice.

use serde_json::{Map, Value};

use crate::spec_index::for_each_operation_mut;

/// progenitor takes exactly one request media type and panics on a second. Plaid's spec lists
/// an `examples` key under `content` as if it were one (`/transfer/originator/get`): keys that
/// are not `type/subtype` are dropped; of several real media types, `application/json` is
/// kept. JSON's `encoding` (meaningful only for forms and multipart) is dropped too, as
/// progenitor refuses it on request and response bodies.
pub fn request_media_types(spec: &mut Value) {
    let mut request = |body: &mut Map<String, Value>| {
        let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
            return;
        };
        content.retain(|key, _| is_media_type(key));
        if content.len() > 1 {
            if let Some(key) = content.keys().find(|k| is_json(k)).cloned() {
                content.retain(|k, _| *k == key);
            }
        }
        drop_json_encoding(content);
    };
    let mut response = |reply: &mut Map<String, Value>| {
        if let Some(content) = reply.get_mut("content").and_then(Value::as_object_mut) {
            drop_json_encoding(content);
        }
    };
    for_each_body(spec, &mut request, &mut response);
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

/// Inline request bodies and responses through [`for_each_operation_mut`], then the shared
/// ones under `components`.
fn for_each_body<'f>(
    spec: &mut Value,
    request: &'f mut dyn FnMut(&mut Map<String, Value>),
    response: &'f mut dyn FnMut(&mut Map<String, Value>),
) {
    for_each_operation_mut(spec, &mut |_, _, op| {
        if let Some(body) = op.get_mut("requestBody").and_then(Value::as_object_mut) {
            request(body);
        }
        if let Some(map) = op.get_mut("responses").and_then(Value::as_object_mut) {
            map.values_mut()
                .filter_map(Value::as_object_mut)
                .for_each(&mut *response);
        }
    });
    let Some(components) = spec.get_mut("components").and_then(Value::as_object_mut) else {
        return;
    };
    for (kind, f) in [("requestBodies", request), ("responses", response)] {
        if let Some(shared) = components.get_mut(kind).and_then(Value::as_object_mut) {
            shared
                .values_mut()
                .filter_map(Value::as_object_mut)
                .for_each(&mut *f);
        }
    }
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
