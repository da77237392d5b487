//! Numbers and headers a server chooses: Retry-After, Content-Length, header sizes and
//! bytes. None may panic, allocate what it names, or lose the status.

use std::sync::atomic::Ordering;
use std::time::Duration;

use plaid_item::{Client, ErrorKind, RetryPolicy};

use super::{client, item_get, reply, serve};
use crate::support::{example_response, CLIENT_ID, SECRET};

const RATE_LIMITED: &[u8] = br#"{"error_type": "RATE_LIMIT_EXCEEDED", "error_code": "RATE_LIMIT", "error_message": "slow down", "display_message": null, "request_id": "rl-1"}"#;

/// Ends a call that would otherwise sleep for the Retry-After it was given.
async fn promptly<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the call ended instead of waiting out the Retry-After")
}

#[tokio::test]
async fn a_retry_after_beyond_an_instant_or_the_deadline_ends_the_call_with_the_429() {
    for retry_after in ["18446744073709551615", "9223372036854775807", "3600"] {
        let server = serve(reply(
            "429 Too Many Requests",
            &[("retry-after", retry_after.as_bytes())],
            RATE_LIMITED,
        ))
        .await;
        let retry = RetryPolicy::standard().with_retry_rate_limits(true);
        let err = promptly(item_get(&client(&server.url, retry)))
            .await
            .unwrap_err();
        assert!(err.is_rate_limited(), "{retry_after}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
        assert_eq!(err.request_id(), Some("rl-1"));
        assert_eq!(err.attempts(), 1, "{retry_after}");
        assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn a_retry_after_that_is_not_a_small_integer_is_ignored() {
    for retry_after in [
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "-1",
        "99999999999999999999999",
        "1e3",
        "",
    ] {
        let server = serve(reply(
            "429 Too Many Requests",
            &[("retry-after", retry_after.as_bytes())],
            RATE_LIMITED,
        ))
        .await;
        let err = item_get(&client(&server.url, RetryPolicy::disabled()))
            .await
            .unwrap_err();
        let ErrorKind::Status(status) = err.kind() else {
            panic!("{retry_after:?}: {err:?}");
        };
        assert_eq!(status.retry_after, None, "{retry_after:?}");
    }
}

#[tokio::test]
async fn a_content_length_past_the_limit_is_refused_before_reading() {
    for length in ["18446744073709551613", "18446744073709551615", "4194305"] {
        let server = serve(reply(
            "500 Internal Server Error",
            &[
                ("content-length", length.as_bytes()),
                ("plaid-request-id", b"cl-1"),
            ],
            b"{}",
        ))
        .await;
        let err = item_get(&client(&server.url, RetryPolicy::disabled()))
            .await
            .unwrap_err();
        match err.kind() {
            ErrorKind::BodyTooLarge { .. } => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{length}");
                assert_eq!(err.request_id(), Some("cl-1"), "{length}");
            }
            // hyper refuses lengths it cannot represent before we see the reply.
            ErrorKind::Connection(_) => assert!(length.starts_with("1844"), "{length}: {err:?}"),
            _ => panic!("{length}: {err:?}"),
        }
    }
}

#[tokio::test]
async fn malformed_content_lengths_are_transport_errors() {
    for headers in [
        vec![("content-length", &b"18446744073709551616"[..])],
        vec![("content-length", b"-1")],
        vec![("content-length", b"2"), ("content-length", b"3")],
        vec![("content-length", b"1, 2")],
    ] {
        let server = serve(reply("200 OK", &headers, b"{}")).await;
        let err = item_get(&client(&server.url, RetryPolicy::disabled()))
            .await
            .unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Connection(_)),
            "{headers:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_keeps_the_status_and_request_id() {
    let server = serve(reply(
        "200 OK",
        &[("content-length", b"5000"), ("x-request-id", b"short-1")],
        b"{\"item\":",
    ))
    .await;
    let err = item_get(&client(&server.url, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.request_id(), Some("short-1"));
}

#[tokio::test]
async fn huge_or_countless_headers_are_a_transport_error() {
    let huge = vec![b'a'; 1024 * 1024];
    let many: Vec<(String, Vec<u8>)> = (0..2000)
        .map(|i| (format!("x-h{i}"), b"v".to_vec()))
        .collect();
    let many: Vec<(&str, &[u8])> = many.iter().map(|(n, v)| (n.as_str(), &v[..])).collect();
    for headers in [vec![("x-huge", &huge[..])], many] {
        let server = serve(reply("200 OK", &headers, b"{}")).await;
        let err = item_get(&client(&server.url, RetryPolicy::disabled()))
            .await
            .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    }
}

/// Header name and raw value pairs.
type Headers<'a> = Vec<(&'a str, &'a [u8])>;

#[tokio::test]
async fn request_ids_that_do_not_look_like_one_are_not_recorded() {
    let body = example_response("/item/get").unwrap();
    let mut bad_body = body.clone();
    bad_body["request_id"] = "id with spaces\u{7}".into();
    let cases: [(Headers, String, Option<&str>); 4] = [
        // obs-text bytes (not UTF-8) in the header, nothing usable in the body
        (
            vec![("plaid-request-id", b"\xff\xfe")],
            bad_body.to_string(),
            None,
        ),
        // a bad Plaid-Request-Id falls back to a good X-Request-Id
        (
            vec![("plaid-request-id", b"a/b"), ("x-request-id", b"good-1")],
            bad_body.to_string(),
            Some("good-1"),
        ),
        // far too long
        (
            vec![("x-request-id", &[b'a'; 65][..])],
            bad_body.to_string(),
            None,
        ),
        (vec![], body.to_string(), body["request_id"].as_str()),
    ];
    for (headers, body, expected) in cases {
        let server = serve(reply("200 OK", &headers, body.as_bytes())).await;
        let response = crate::support::client(&server.url)
            .item_get()
            .body(plaid_item::types::ItemGetRequest::builder().access_token("access-sandbox-h"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.request_id(), expected, "{headers:?}");
    }
}

#[tokio::test]
async fn a_caller_may_set_limits_no_instant_can_hold() {
    let body = example_response("/item/get").unwrap().to_string();
    let server = serve(reply("200 OK", &[], body.as_bytes())).await;
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(CLIENT_ID, SECRET)
        .attempt_timeout(Duration::MAX)
        .overall_timeout(Duration::MAX)
        .max_response_bytes(usize::MAX)
        .build()
        .unwrap();
    item_get(&client).await.unwrap();
}
