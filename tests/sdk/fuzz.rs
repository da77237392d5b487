//! Hostile replies never panic: random bytes, mutated and deeply nested JSON, huge strings and
//! wrong types, as success and as error bodies, for every operation.

use std::sync::{Arc, Mutex};

use plaid_item::{Client, RetryPolicy};
use proptest::prelude::*;
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{call_every_operation, example_response, spec, Secrets, CLIENT_ID, SECRET};

const SECRETS: Secrets = Secrets {
    client_id: CLIENT_ID,
    secret: SECRET,
    access_token: "access-fuzz",
    public_token: "public-fuzz",
    auth_token: "auth-fuzz",
};

/// Answers every request with whatever the current case put here.
#[derive(Clone, Default)]
struct Scripted(Arc<Mutex<(u16, Vec<u8>)>>);

impl Respond for Scripted {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let (status, body) = self.0.lock().unwrap().clone();
        ResponseTemplate::new(status).set_body_raw(body, "application/json")
    }
}

fn examples() -> Vec<Value> {
    spec()["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|p| example_response(p))
        .collect()
}

/// A JSON value with one part replaced by something of the wrong type.
fn mutate(value: &mut Value, choice: usize, replacement: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(choice % map.len()).unwrap().clone();
            if choice.is_multiple_of(3) {
                map.insert(key, replacement.clone());
            } else {
                mutate(map.get_mut(&key).unwrap(), choice / 3, replacement);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = choice % items.len();
            mutate(&mut items[i], choice / 2, replacement);
        }
        other => *other = replacement.clone(),
    }
}

fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,20}".prop_map(Value::String),
        (1usize..200_000).prop_map(|n| Value::String("x".repeat(n))),
    ];
    let example_count = examples().len();
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        (0..example_count, any::<usize>(), leaf.clone()).prop_map(|(i, choice, replacement)| {
            let mut v = examples()[i].clone();
            mutate(&mut v, choice, &replacement);
            serde_json::to_vec(&v).unwrap()
        }),
        (0..example_count, 0usize..400).prop_map(|(i, cut)| {
            let bytes = serde_json::to_vec(&examples()[i]).unwrap();
            bytes[..cut.min(bytes.len())].to_vec()
        }),
        (1usize..5000)
            .prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()),
        (1usize..3000).prop_map(|depth| format!(
            "{}1{}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        )
        .into_bytes()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PLAID_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_reply_to_any_operation_is_a_value_or_a_typed_error(
        status in prop_oneof![Just(200u16), Just(400), Just(500), Just(502)],
        body in hostile_body(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let server = MockServer::start().await;
            let script = Scripted::default();
            *script.0.lock().unwrap() = (status, body.clone());
            Mock::given(wiremock::matchers::any()).respond_with(script).mount(&server).await;
            let client = Client::builder()
                .base_url(server.uri())
                .credentials(CLIENT_ID, SECRET)
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap();
            for (op, outcome) in call_every_operation(&client, &SECRETS).await {
                if let Err(e) = outcome {
                    // Every failure carries the status it came with.
                    assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{op}: {e:?}");
                    let _ = e.to_string();
                } else {
                    assert_eq!(status, 200, "{op} succeeded on {status}");
                }
            }
        });
    }
}
