//! The spec's example reply of every path, as compact JSON: the decode samples of
//! `benches/codec.rs`.

use std::collections::HashMap;

use bytes::Bytes;
use serde_json::{json, Value};

const SPEC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/plaid-item.yml"));

/// The spec's example reply of every path, as compact JSON.
pub fn example_replies() -> HashMap<String, Bytes> {
    let spec: Value = serde_yaml::from_str(SPEC).expect("spec/plaid-item.yml is valid YAML");
    let mut replies = HashMap::new();
    for (route, item) in spec["paths"].as_object().expect("the spec has paths") {
        let reply = item
            .pointer("/post/responses/200/content/application~1json/examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().next())
            .and_then(|example| example.get("value").cloned())
            .unwrap_or_else(|| fallback(route));
        let bytes = serde_json::to_vec(&reply).expect("a JSON value serialises");
        replies.insert(route.clone(), Bytes::from(bytes));
    }
    replies
}

/// Paths whose spec has no example get a small realistic reply.
pub fn fallback(route: &str) -> Value {
    match route {
        "/item/application/list" => json!({
            "request_id": "r-app-list",
            "applications": [{
                "application_id": "app_1", "name": "Budget App", "display_name": null,
                "logo_url": null, "application_url": "https://budget.example",
                "reason_for_access": null, "created_at": "2020-01-01T00:00:00Z",
                "scopes": {
                    "product_access": {"statements": true},
                    "accounts": [{"unique_id": "acc_1", "authorized": true}],
                    "new_accounts": false
                }
            }]
        }),
        _ => json!({"request_id": "example-fallback"}),
    }
}
