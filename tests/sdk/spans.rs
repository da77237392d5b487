//! The call span as a tracing backend sees it: the SDK's own fields and OpenTelemetry's
//! stable HTTP client conventions (what `tracing-opentelemetry` exports), on a success, a
//! Plaid error, a timeout and after a retry; no secret in any field.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plaid_item::{types, Client, RetryPolicy};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::logs::keep_callsites_live;
use crate::support::{answers_item_get, fails_then_answers_item_get, raw, CLIENT_ID, SECRET};

const ACCESS_TOKEN: &str = "access-sandbox-span-7c1e";

type Fields = BTreeMap<String, String>;

/// Every span's name and fields, as recorded so far.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<(&'static str, Fields)>>>);

struct Into<'a>(&'a mut Fields);

impl Visit for Into<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = Fields::new();
        attributes.record(&mut Into(&mut fields));
        let mut spans = self.0.lock().unwrap();
        spans.push((attributes.metadata().name(), fields));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        values.record(&mut Into(&mut spans[index].1));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

impl Spans {
    /// The one `plaid_item.call` span's fields.
    fn call(&self) -> Fields {
        let spans = self.0.lock().unwrap();
        let calls: Vec<_> = spans
            .iter()
            .filter(|(name, _)| *name == "plaid_item.call")
            .collect();
        assert_eq!(calls.len(), 1, "one span per call");
        calls[0].1.clone()
    }
}

/// Runs one item_get with `client` while capturing spans; the call span's fields.
async fn call_span(client: &Client) -> Fields {
    keep_callsites_live();
    let spans = Spans::default();
    let guard = tracing::subscriber::set_default(spans.clone());
    let _ = client
        .item_get()
        .body(types::ItemGetRequest::builder().access_token(ACCESS_TOKEN))
        .send()
        .await;
    drop(guard);
    let fields = spans.call();
    let all = format!("{fields:?}");
    for secret in [CLIENT_ID, SECRET, ACCESS_TOKEN, "hunter2"] {
        assert!(!all.contains(secret), "{secret} in {all}");
    }
    fields
}

fn client(url: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(retry)
        .sleeper(Arc::new(NoWait))
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap()
}

#[derive(Debug)]
struct NoWait;

impl plaid_item::sleep::Sleeper for NoWait {
    fn sleep(&self, _: Duration) -> plaid_item::sleep::Sleeping {
        Box::pin(std::future::ready(()))
    }
}

/// The fields every call span has, for a server at `url` (`http://127.0.0.1:port`).
fn common(url: &str) -> Fields {
    let port = url.rsplit(':').next().unwrap();
    [
        ("operation", "item_get".to_string()),
        ("otel.kind", "client".to_string()),
        ("otel.name", "item_get".to_string()),
        ("http.request.method", "POST".to_string()),
        ("server.address", "127.0.0.1".to_string()),
        ("server.port", port.to_string()),
        ("url.full", format!("{url}/item/get")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `fields` without `elapsed_ms` (a duration), after checking it is there.
fn timeless(mut fields: Fields) -> Fields {
    assert!(fields.remove("elapsed_ms").is_some(), "{fields:?}");
    fields
}

fn with(mut fields: Fields, more: &[(&str, &str)]) -> Fields {
    for (key, value) in more {
        fields.insert(key.to_string(), value.to_string());
    }
    fields
}

#[tokio::test]
async fn a_success_has_the_status_and_the_request_id() {
    let server = answers_item_get().await;
    let fields = call_span(&client(&server.uri(), RetryPolicy::standard())).await;
    let expected = with(
        common(&server.uri()),
        &[
            ("attempt", "1"),
            ("status", "200"),
            ("http.response.status_code", "200"),
            ("request_id", "m8MDnv9okwxFNBV"),
        ],
    );
    assert_eq!(timeless(fields), expected);
}

#[tokio::test]
async fn a_plaid_error_has_its_status_as_the_error_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error_type": "ITEM_ERROR", "error_code": "ITEM_NOT_FOUND",
            "error_message": "not found", "display_message": null, "request_id": "req-400"
        })))
        .mount(&server)
        .await;
    let fields = call_span(&client(&server.uri(), RetryPolicy::standard())).await;
    let expected = with(
        common(&server.uri()),
        &[
            ("attempt", "1"),
            ("status", "400"),
            ("http.response.status_code", "400"),
            ("error.type", "400"),
            ("request_id", "req-400"),
        ],
    );
    assert_eq!(timeless(fields), expected);
}

#[tokio::test]
async fn a_timeout_has_no_status_and_says_timeout() {
    let server = raw::serve(|stream| async move {
        let _open = stream;
        std::future::pending::<()>().await
    })
    .await;
    let fields = call_span(&client(&server.url, RetryPolicy::disabled())).await;
    let expected = with(
        common(&server.url),
        &[("attempt", "1"), ("error.type", "timeout")],
    );
    assert_eq!(timeless(fields), expected);
}

#[tokio::test]
async fn a_retried_call_counts_its_resends() {
    let server = fails_then_answers_item_get(1, ResponseTemplate::new(500)).await;
    let fields = call_span(&client(&server.uri(), RetryPolicy::standard())).await;
    let expected = with(
        common(&server.uri()),
        &[
            ("attempt", "2"),
            ("http.request.resend_count", "1"),
            ("status", "200"),
            ("http.response.status_code", "200"),
            ("request_id", "m8MDnv9okwxFNBV"),
        ],
    );
    assert_eq!(timeless(fields), expected);
}

#[tokio::test]
async fn a_password_in_the_base_url_never_reaches_url_full() {
    let server = answers_item_get().await;
    let with_password = server.uri().replace("http://", "http://alice:hunter2@");
    let fields = call_span(&client(&with_password, RetryPolicy::standard())).await;
    assert_eq!(fields["url.full"], format!("{}/item/get", server.uri()));
}
