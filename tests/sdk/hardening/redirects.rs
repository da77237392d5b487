//! A 3xx is an error that names where it pointed; nothing follows it anywhere, with the SDK's
//! own client and with one whose caller turned redirects on (`configure_http`).

use std::sync::atomic::Ordering;

use plaid_item::{ErrorKind, RetryPolicy};

use super::{item_get, item_remove, reply, serve, CLIENTS, FOLLOWABLE_REDIRECTS};
use crate::support::example_response;

/// A server that would answer like Plaid, so a followed redirect would look like success.
async fn elsewhere() -> crate::support::raw::RawServer {
    let body = example_response("/item/get").unwrap().to_string();
    serve(reply(
        "200 OK",
        &[("content-type", b"application/json")],
        body.as_bytes(),
    ))
    .await
}

#[tokio::test]
async fn no_redirect_code_is_followed_to_another_host_port_or_scheme() {
    let other = elsewhere().await;
    let port = other.url.rsplit(':').next().unwrap().to_string();
    let targets = [
        ("cross-host", format!("http://localhost:{port}/item/get")),
        ("cross-port", format!("{}/item/get", other.url)),
        ("to https", format!("https://127.0.0.1:{port}/item/get")),
        ("scheme-relative", format!("//127.0.0.1:{port}/item/get")),
    ];
    for (whose, client) in CLIENTS {
        for code in FOLLOWABLE_REDIRECTS {
            for (what, location) in &targets {
                let what = format!("{what} with {whose}");
                let server = serve(reply(
                    code,
                    &[
                        ("location", location.as_bytes()),
                        ("plaid-request-id", b"redir-1"),
                    ],
                    b"",
                ))
                .await;
                let err = item_get(&client(&server.url, RetryPolicy::standard()))
                    .await
                    .expect_err("a redirect is not a success");
                let ErrorKind::Redirect(redirect) = err.kind() else {
                    panic!("{code} {what}: {err:?}");
                };
                assert_eq!(redirect.status.as_u16().to_string(), code[..3], "{what}");
                assert_eq!(redirect.location.as_deref(), Some(location.as_str()));
                assert_eq!(err.status(), Some(redirect.status));
                assert_eq!(err.request_id(), Some("redir-1"), "{code} {what}");
                assert_eq!(err.attempts(), 1, "a 3xx is never retried: {code} {what}");
                assert!(!err.is_retryable());
                let shown = err.to_string();
                assert!(
                    shown.contains("not followed") && shown.contains(location.as_str()),
                    "{shown}"
                );
                assert_eq!(
                    server.connections.load(Ordering::SeqCst),
                    1,
                    "{code} {what}"
                );
            }
        }
    }
    assert_eq!(
        other.connections.load(Ordering::SeqCst),
        0,
        "the other server received nothing"
    );
}

#[tokio::test]
async fn a_307_loop_sends_a_write_once_even_when_writes_are_retried() {
    for (whose, client) in CLIENTS {
        let server = serve(reply(
            "307 Temporary Redirect",
            &[("location", b"/item/remove")],
            br#"{"request_id": "loop-1"}"#,
        ))
        .await;
        let retry = RetryPolicy::standard()
            .with_retry_state_changing(true)
            .with_max_attempts(5);
        let err = item_remove(&client(&server.url, retry)).await.unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Redirect(_)), "{err:?}");
        assert_eq!(err.request_id(), Some("loop-1"), "from the body");
        assert_eq!(err.attempts(), 1, "{whose}");
        assert_eq!(server.connections.load(Ordering::SeqCst), 1, "{whose}");
    }
}

#[tokio::test]
async fn a_hostile_location_is_kept_bounded_and_shown_escaped() {
    for (whose, client) in CLIENTS {
        // Header values may carry a tab and raw bytes >= 0x80: here U+202E (right-to-left
        // override), then far more than is kept. (hyper refuses other control bytes.)
        let mut location = b"http://evil.example/\xe2\x80\xae\tX".to_vec();
        location.extend(std::iter::repeat_n(b'a', 10_000));
        let server = serve(reply("302 Found", &[("location", &location)], b"")).await;
        let err = item_get(&client(&server.url, RetryPolicy::disabled()))
            .await
            .unwrap_err();
        let ErrorKind::Redirect(redirect) = err.kind() else {
            panic!("{whose}: {err:?}");
        };
        let kept = redirect.location.as_deref().unwrap();
        assert!(
            kept.starts_with("http://evil.example/\u{202e}\tX"),
            "{kept:?}"
        );
        assert!(kept.len() <= plaid_item::error::MAX_LOCATION_BYTES);
        let shown = err.to_string();
        assert!(shown.contains("\\u{202e}\\tX"), "{shown}");
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
        assert!(
            shown.len() < 1024,
            "the shown Location is capped: {}",
            shown.len()
        );
    }
}

#[tokio::test]
async fn a_304_or_300_is_a_redirect_error_too() {
    for (whose, client) in CLIENTS {
        for code in ["300 Multiple Choices", "304 Not Modified"] {
            let server = serve(reply(code, &[], b"")).await;
            let err = item_get(&client(&server.url, RetryPolicy::standard()))
                .await
                .unwrap_err();
            let ErrorKind::Redirect(redirect) = err.kind() else {
                panic!("{code} with {whose}: {err:?}");
            };
            assert_eq!(redirect.location, None);
            assert_eq!(err.attempts(), 1);
        }
    }
}
