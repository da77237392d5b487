//! A reply whose headers arrived and whose body then stalls or trickles: the timeout error
//! keeps the status and the request id received so far.

use std::time::Duration;

use plaid_item::{Client, RetryPolicy, TimeoutKind};
use tokio::io::AsyncWriteExt;

use super::{client, item_get};
use crate::support::raw::{self, RawServer};
use crate::support::{CLIENT_ID, SECRET};

/// Writes `head` (the headers and the start of a longer body), then `trickle` one byte every
/// 100 ms, then holds the connection open.
async fn stall_after(head: &'static [u8], trickle: &'static [u8]) -> RawServer {
    raw::serve(move |mut stream| async move {
        let _ = stream.write_all(head).await;
        for byte in trickle {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = stream.write_all(&[*byte]).await;
        }
        std::future::pending::<()>().await
    })
    .await
}

async fn timed_out(client: &Client) -> plaid_item::Error {
    let err = item_get(client).await.unwrap_err();
    assert!(err.timeout_kind().is_some(), "{err:?}");
    err
}

#[tokio::test]
async fn a_stall_after_the_headers_keeps_the_status_and_the_header_request_id() {
    let server = stall_after(
        b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\nx-request-id: hdr-x-1\r\n\r\n{\"item\"",
        b"",
    )
    .await;
    let err = timed_out(&client(&server.url, RetryPolicy::disabled())).await;
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.request_id(), Some("hdr-x-1"));
    assert!(err.to_string().contains("HTTP 200"), "{err}");
}

#[tokio::test]
async fn plaid_request_id_is_preferred_to_x_request_id() {
    let server = stall_after(
        b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 500\r\nx-request-id: proxy-id\r\nplaid-request-id: plaid-id\r\n\r\n",
        b"",
    )
    .await;
    let err = timed_out(&client(&server.url, RetryPolicy::disabled())).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.request_id(), Some("plaid-id"));
}

#[tokio::test]
async fn a_trickling_body_that_named_its_request_id_keeps_it() {
    let server = stall_after(
        b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 900\r\n\r\n{\"request_id\": \"body-id-7\", ",
        br#""error_message": "slowly, one byte at a time"#,
    )
    .await;
    let err = timed_out(&client(&server.url, RetryPolicy::disabled())).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.request_id(), Some("body-id-7"));
}

#[tokio::test]
async fn the_overall_limit_after_the_headers_keeps_them_too() {
    let server = stall_after(
        b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\nplaid-request-id: ov-1\r\n\r\n",
        b"",
    )
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(RetryPolicy::disabled())
        .attempt_timeout(Duration::from_secs(30))
        .overall_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let err = timed_out(&client).await;
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Overall));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.request_id(), Some("ov-1"));
}
