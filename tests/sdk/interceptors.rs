//! Interceptors (`plaid_item::intercept`): each guarantee the module states, against wiremock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plaid_item::intercept::{
    AfterAttempt, BeforeSend, CallMetrics, Counted, Intercept, Outcome, StaticHeader,
};
use plaid_item::retry::{RetryAction, RetryReason};
use plaid_item::{Client, ErrorKind, RetryPolicy};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{example_response, item_get, item_remove, CLIENT_ID, SECRET};

#[derive(Debug)]
struct NoWait;

impl plaid_item::sleep::Sleeper for NoWait {
    fn sleep(&self, _: Duration) -> plaid_item::sleep::Sleeping {
        Box::pin(std::future::ready(()))
    }
}

fn client_with(
    url: &str,
    add: impl FnOnce(plaid_item::ClientBuilder) -> plaid_item::ClientBuilder,
) -> Client {
    add(Client::builder()
        .base_url(url)
        .credentials(CLIENT_ID, SECRET)
        .sleeper(Arc::new(NoWait)))
    .build()
    .unwrap()
}

/// item_get answers 500 `failures` times, then its spec example; item_remove answers 500.
async fn server(failures: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/item/get"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(example_response("/item/get").unwrap()),
        )
        .mount(&server)
        .await;
    if failures > 0 {
        Mock::given(method("POST"))
            .and(path("/item/get"))
            .respond_with(ResponseTemplate::new(500))
            .up_to_n_times(failures)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/item/remove"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR",
            "error_message": "m", "display_message": null, "request_id": "rm-500"
        })))
        .mount(&server)
        .await;
    server
}

fn correlation() -> StaticHeader {
    StaticHeader::new(
        HeaderName::from_static("x-correlation-id"),
        HeaderValue::from_static("c-1"),
    )
}

#[tokio::test]
async fn a_static_header_is_on_every_attempt() {
    let server = server(2).await;
    let client = client_with(&server.uri(), |b| b.interceptor(correlation()));
    item_get(&client).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    for request in received {
        assert_eq!(request.headers.get("x-correlation-id").unwrap(), "c-1");
    }
}

/// Records what it sees, and tries to read and replace the credentials.
#[derive(Debug, Default)]
struct Snoop(Mutex<Vec<String>>);

impl Intercept for Snoop {
    fn before_send(&self, request: &mut BeforeSend<'_>) {
        let seen = format!("{} {:?}", request.operation(), request.headers());
        self.0.lock().unwrap().push(seen);
        request.set_header(
            HeaderName::from_static("plaid-secret"),
            HeaderValue::from_static("swapped"),
        );
        request.set_header(
            HeaderName::from_static("plaid-client-id"),
            HeaderValue::from_static("swapped"),
        );
    }
}

#[tokio::test]
async fn an_interceptor_neither_sees_nor_replaces_the_credentials() {
    let server = server(0).await;
    let snoop = Arc::new(Snoop::default());
    let shared = snoop.clone();
    let client = client_with(&server.uri(), |b| b.interceptor(Forward(shared)));
    item_get(&client).await.unwrap();
    let seen = snoop.0.lock().unwrap().join("\n");
    assert!(seen.starts_with("item_get "), "{seen}");
    for secret in [CLIENT_ID, SECRET, "plaid-secret", "plaid-client-id"] {
        assert!(
            !seen.to_lowercase().contains(&secret.to_lowercase()),
            "{secret} in {seen}"
        );
    }
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers.get("plaid-secret").unwrap(), SECRET);
    assert_eq!(request.headers.get("plaid-client-id").unwrap(), CLIENT_ID);
}

/// An interceptor shared with the test.
#[derive(Debug)]
struct Forward<T>(Arc<T>);

impl<T: Intercept> Intercept for Forward<T> {
    fn before_send(&self, request: &mut BeforeSend<'_>) {
        self.0.before_send(request)
    }
    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        self.0.after_attempt(attempt)
    }
}

/// Records each attempt's number, status, request id and retry decision.
#[derive(Debug, Default)]
struct Audit(Mutex<Vec<Audited>>);

/// Attempt, status, request id, retry decision.
type Audited = (u32, Option<u16>, Option<String>, Option<RetryAction>);

impl Intercept for Audit {
    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        self.0.lock().unwrap().push((
            attempt.attempt(),
            attempt.status().map(|s| s.as_u16()),
            attempt.request_id().map(str::to_string),
            attempt.retry(),
        ));
    }
}

#[tokio::test]
async fn a_write_is_sent_once_and_the_audit_sees_why() {
    let server = server(0).await;
    let audit = Arc::new(Audit::default());
    let client = client_with(&server.uri(), |b| {
        b.interceptor(correlation())
            .interceptor(Forward(audit.clone()))
            .retry_policy(RetryPolicy::standard())
    });
    let error = item_remove(&client).await.unwrap_err();
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(
        *audit.0.lock().unwrap(),
        vec![(
            1,
            Some(500),
            Some("rm-500".to_string()),
            Some(RetryAction::no_retry(RetryReason::StateChanging))
        )]
    );
}

#[derive(Debug)]
struct Panics(&'static str);

impl Intercept for Panics {
    fn before_send(&self, _: &mut BeforeSend<'_>) {
        if self.0 == "before_send" {
            panic!("an interceptor's bug");
        }
    }
    fn after_attempt(&self, _: &AfterAttempt<'_>) {
        if self.0 == "after_attempt" {
            panic!("an interceptor's bug");
        }
    }
}

#[tokio::test]
async fn a_panic_in_a_hook_is_a_typed_error_not_a_crashed_task() {
    for hook in ["before_send", "after_attempt"] {
        let server = server(0).await;
        let client = client_with(&server.uri(), |b| b.interceptor(Panics(hook)));
        let error = tokio::spawn(async move { item_get(&client).await })
            .await
            .expect("the task did not crash")
            .unwrap_err();
        let ErrorKind::Interceptor { hook: which, .. } = error.kind() else {
            panic!("{error:?}");
        };
        assert_eq!(*which, hook);
        assert!(error.to_string().contains("Panics"), "{error}");
        let sent = server.received_requests().await.unwrap().len();
        assert_eq!(sent, usize::from(hook == "after_attempt"), "{hook}");
    }
}

#[tokio::test]
async fn metrics_count_each_operation_and_outcome() {
    let server = server(1).await;
    let forwarded = Arc::new(AtomicUsize::new(0));
    let count = forwarded.clone();
    let metrics = CallMetrics::new().with_callback(move |_| {
        count.fetch_add(1, Ordering::SeqCst);
    });
    let client = client_with(&server.uri(), |b| b.interceptor(metrics.clone()));
    item_get(&client).await.unwrap();
    item_get(&client).await.unwrap();
    item_remove(&client).await.unwrap_err();
    let counts: Vec<_> = metrics
        .snapshot()
        .into_iter()
        .map(
            |(
                key,
                Counted {
                    attempts,
                    total_latency,
                },
            )| {
                assert!(total_latency > Duration::ZERO);
                (key, attempts)
            },
        )
        .collect();
    assert_eq!(
        counts,
        vec![
            (("item_get", Outcome::Success), 2),
            (("item_get", Outcome::Status(500)), 1),
            (("item_remove", Outcome::Status(500)), 1),
        ]
    );
    assert_eq!(
        forwarded.load(Ordering::SeqCst),
        4,
        "the callback saw every attempt"
    );
}
