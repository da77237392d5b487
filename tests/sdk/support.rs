//! Shared set-up: a client pointed at a local server, and the spec's own examples.

use std::sync::OnceLock;

use plaid_item::{Client, RetryPolicy};
use serde_json::Value;

pub const CLIENT_ID: &str = "client-id-5f2a";
pub const SECRET: &str = "secret-9d41c7";

/// A client for `base_url` with retries off, so each test sees exactly one attempt.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a loopback client builds")
}

/// The vendored spec, as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/plaid-item.yml"))
                .expect("spec/plaid-item.yml is readable");
        serde_yaml::from_str(&text).expect("the vendored spec is valid YAML")
    })
}

/// The first example of the 200 response of `POST path`, when the spec gives one.
pub fn example_response(path: &str) -> Option<Value> {
    let examples = spec()
        .get("paths")?
        .get(path)?
        .pointer("/post/responses/200/content/application~1json/examples")?
        .as_object()?;
    examples.values().next()?.get("value").cloned()
}
