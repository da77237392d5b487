//! A local stand-in for Plaid: each Item endpoint answers with the spec's own example, and a
//! request without the three auth headers gets Plaid's error body.

use serde_json::{json, Value};
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/plaid-item.yml"));

pub async fn start() -> MockServer {
    let spec: Value = serde_yaml::from_str(SPEC).expect("the vendored spec is valid YAML");
    let server = MockServer::start().await;
    for (route, item) in spec["paths"].as_object().into_iter().flatten() {
        let reply = item
            .pointer("/post/responses/200/content/application~1json/examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().next())
            .and_then(|example| example.get("value").cloned())
            .unwrap_or_else(|| fallback(route));
        Mock::given(method("POST"))
            .and(path(route.as_str()))
            .and(header_exists("plaid-client-id"))
            .and(header_exists("plaid-secret"))
            .and(header_exists("plaid-version"))
            .respond_with(ResponseTemplate::new(200).set_body_json(reply))
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error_type": "INVALID_REQUEST",
            "error_code": "MISSING_FIELDS",
            "error_message": "the following required fields are missing: client_id, secret",
            "display_message": null,
            "request_id": "stand-in-missing-auth"
        })))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

/// Endpoints whose spec has no example get a small realistic reply.
fn fallback(route: &str) -> Value {
    match route {
        "/item/application/list" => json!({"request_id": "stand-in-apps", "applications": []}),
        _ => json!({"request_id": "stand-in"}),
    }
}
