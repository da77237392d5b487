//! Time limits, retries and the body limit. Bounds on elapsed time are loose on purpose: the
//! machines are shared and noisy; what matters is which limit fired and how often we sent.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use plaid_item::retry::{RetryAction, RetryReason};
use plaid_item::types;
use plaid_item::{Client, ErrorKind, RetryPolicy, TimeoutKind};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{fails_then_answers_item_get, raw, CLIENT_ID, SECRET};

/// Records every wait the client asks for and returns at once (smithy-rs's `InstantSleep`):
/// tests observe the retry waits themselves, without spending them or reading logs.
#[derive(Debug, Default)]
struct RecordingSleep(std::sync::Mutex<Vec<Duration>>);

impl plaid_item::sleep::Sleeper for RecordingSleep {
    fn sleep(&self, wait: Duration) -> plaid_item::sleep::Sleeping {
        self.0.lock().unwrap().push(wait);
        Box::pin(std::future::ready(()))
    }
}

impl RecordingSleep {
    fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A client like [`client_with`] whose retry waits are recorded, not spent.
fn recording_client(url: &str, retry: RetryPolicy) -> (Client, std::sync::Arc<RecordingSleep>) {
    let sleeper = std::sync::Arc::new(RecordingSleep::default());
    let client = Client::builder()
        .base_url(url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(retry)
        .sleeper(sleeper.clone())
        .attempt_timeout(Duration::from_millis(300))
        .overall_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    (client, sleeper)
}

/// Accepts the request and never answers, keeping the connection open.
async fn hold_open(stream: tokio::net::TcpStream) {
    let _open = stream;
    std::future::pending::<()>().await
}

/// One send with retries off; it must end in the per-attempt timeout, well within 5 s.
async fn expect_attempt_timeout(url: &str) -> plaid_item::Error {
    let started = Instant::now();
    let err = item_get(&client_with(url, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert!(err.timeout_kind() == Some(TimeoutKind::Attempt), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    err
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::standard().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client_with(url: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(retry)
        .attempt_timeout(Duration::from_millis(300))
        .overall_timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn item_get(
    client: &Client,
) -> Result<plaid_item::Response<types::ItemGetResponse>, plaid_item::Error> {
    client
        .item_get()
        .body(types::ItemGetRequest::builder().access_token("access-sandbox-r"))
        .send()
        .await
}

async fn item_remove(
    client: &Client,
) -> Result<plaid_item::Response<types::ItemRemoveResponse>, plaid_item::Error> {
    client
        .item_remove()
        .body(types::ItemRemoveRequest::builder().access_token("access-sandbox-r"))
        .send()
        .await
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_attempt_timeout() {
    let server = raw::serve(hold_open).await;
    let err = expect_attempt_timeout(&server.url).await;
    assert!(err.to_string().contains("per-attempt timeout"), "{err}");
}

#[tokio::test]
async fn headers_then_a_stall_hits_the_attempt_timeout() {
    let server = raw::serve(|mut stream| async move {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"item\"")
            .await;
        std::future::pending::<()>().await
    })
    .await;
    expect_attempt_timeout(&server.url).await;
}

#[tokio::test]
async fn the_overall_timeout_bounds_all_attempts_together() {
    let server = raw::serve(hold_open).await;
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(quick_retries().with_max_attempts(10))
        .attempt_timeout(Duration::from_millis(200))
        .overall_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = item_get(&client).await.unwrap_err();
    assert!(err.timeout_kind() == Some(TimeoutKind::Overall), "{err:?}");
    assert!(
        err.attempts() >= 2 && err.attempts() < 10,
        "attempts: {}",
        err.attempts()
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_read_fails_twice_with_500_then_succeeds_on_the_third_attempt() {
    let server = fails_then_answers_item_get(
        2,
        ResponseTemplate::new(500).set_body_json(json!({"error_type": "API_ERROR",
            "error_code": "INTERNAL_SERVER_ERROR", "error_message": "x", "display_message": null})),
    )
    .await;
    let response = item_get(&client_with(&server.uri(), quick_retries()))
        .await
        .unwrap();
    assert_eq!(response.request_id(), Some("m8MDnv9okwxFNBV"));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_write_is_sent_once_on_500() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = item_remove(&client_with(&server.uri(), quick_retries()))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(
        err.is_retryable(),
        "retryable in itself, but not safe for a write"
    );
}

#[tokio::test]
async fn a_write_is_retried_on_500_when_the_user_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = item_remove(&client_with(
        &server.uri(),
        quick_retries().with_retry_state_changing(true),
    ))
    .await
    .unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn rate_limits_are_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error_type": "RATE_LIMIT_EXCEEDED",
            "error_code": "RATE_LIMIT", "error_message": "slow down", "display_message": null, "request_id": "rl"})))
        .mount(&server)
        .await;
    let err = item_get(&client_with(&server.uri(), quick_retries()))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(err.is_rate_limited() && !err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn rate_limits_honour_retry_after_when_enabled() {
    let server = fails_then_answers_item_get(
        1,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
    )
    .await;
    let (client, sleeper) =
        recording_client(&server.uri(), quick_retries().with_retry_rate_limits(true));
    item_get(&client).await.unwrap();
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(1)],
        "the one wait is Retry-After's, not the backoff's"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_failed_connect_is_retried_even_for_a_write() {
    // Bind a port, then close it: connecting is refused, so the request never left.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = item_remove(&client_with(
        &format!("http://127.0.0.1:{port}"),
        quick_retries(),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Connection(t) if t.never_connected),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = item_get(&client_with(&server.uri(), RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_not_buffered() {
    static HUGE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let body = HUGE.get_or_init(|| {
        let mut b = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"request_id\": \"big\", \"x\": \"".to_vec();
        b.extend(std::iter::repeat_n(b'a', 64 * 1024));
        b.extend_from_slice(b"\"}");
        b
    });
    let server = raw::serve(move |mut stream| async move {
        let _ = stream.write_all(body).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(RetryPolicy::disabled())
        .max_response_bytes(16 * 1024)
        .build()
        .unwrap();
    let err = item_get(&client).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::BodyTooLarge { limit: 16384, .. }),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(reqwest::StatusCode::OK));
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_up_front() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(32 * 1024)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, SECRET)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = item_get(&client).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::BodyTooLarge { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_server_that_trickles_bytes_hits_the_attempt_timeout() {
    let server = raw::serve(|mut stream| async move {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n")
            .await;
        // One byte every 20 ms: never idle long, never done.
        for _ in 0..10_000 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    expect_attempt_timeout(&server.url).await;
}

#[tokio::test]
async fn recorded_backoff_waits_stay_within_their_jittered_bounds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let policy = RetryPolicy::standard()
        .with_max_attempts(4)
        .with_backoff(Duration::from_millis(20), Duration::from_millis(30));
    let (client, sleeper) = recording_client(&server.uri(), policy);
    let err = item_get(&client).await.unwrap_err();
    assert_eq!(err.attempts(), 4);
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 3, "one wait before each retry: {waits:?}");
    // Full jitter: each wait is drawn from [0, min(20 ms * 2^(n-1), 30 ms)].
    for (wait, ceiling) in waits.iter().zip([20, 30, 30]) {
        assert!(*wait <= Duration::from_millis(ceiling), "{waits:?}");
    }
}

#[tokio::test]
async fn a_refining_classifier_retries_what_the_built_in_table_does_not() {
    let server = fails_then_answers_item_get(
        1,
        ResponseTemplate::new(400).set_body_json(json!({"error_type": "ITEM_ERROR",
            "error_code": "PRODUCT_NOT_READY", "error_message": "x", "display_message": null})),
    )
    .await;
    let policy = quick_retries().refine(|failed, built_in| {
        assert_eq!(
            built_in,
            RetryAction::no_retry(RetryReason::Permanent),
            "a 400 is permanent to the built-in table"
        );
        match failed.error.error_code() {
            Some("PRODUCT_NOT_READY") => RetryAction::Retry {
                reason: RetryReason::Custom("not ready"),
                after: Some(Duration::from_millis(7)),
            },
            _ => built_in,
        }
    });
    let (client, sleeper) = recording_client(&server.uri(), policy);
    item_get(&client).await.unwrap();
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_millis(7)],
        "the classifier's wait"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_refining_classifier_can_stop_a_built_in_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let policy = quick_retries().refine(|_, _| RetryAction::no_retry(RetryReason::Custom("never")));
    let (client, sleeper) = recording_client(&server.uri(), policy);
    let err = item_get(&client).await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(sleeper.waits().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
