//! A hostile network: servers that redirect, send absurd numbers and headers,
//! stall after the headers, hold on to memory through errors, or try to forge log lines.

mod caller_settings;
mod logs;
mod memory;
mod numbers;
mod paths;
mod redaction;
mod redirects;
mod timeouts;

use std::sync::Arc;
use std::time::Duration;

use plaid_item::{Client, ClientBuilder, RetryPolicy};
use tokio::io::AsyncWriteExt;

use crate::support::raw::{self, RawServer};
use crate::support::{item_get, item_remove, CLIENT_ID, SECRET};

/// An HTTP/1.1 reply: status line, these headers, a matching Content-Length (unless the
/// headers set one), `Connection: close`, then the body.
fn reply(status: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n").into_bytes();
    let mut has_length = false;
    for (name, value) in headers {
        has_length |= name.eq_ignore_ascii_case("content-length");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if !has_length {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// Serves `bytes` on every connection, then closes it.
async fn serve(bytes: Vec<u8>) -> RawServer {
    let bytes = Arc::new(bytes);
    raw::serve(move |mut stream| {
        let bytes = bytes.clone();
        async move {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
    })
    .await
}

/// A client with short, fixed limits so a misbehaving server ends a test quickly.
fn client(url: &str, retry: RetryPolicy) -> Client {
    builder(url, retry).build().unwrap()
}

/// The same client after a caller's `configure_http` turned on everything the SDK keeps off
/// (redirects, `Referer`, invalid certificates): the SDK's settings must still hold.
fn tuned_client(url: &str, retry: RetryPolicy) -> Client {
    builder(url, retry)
        .configure_http(|http| {
            http.redirect(reqwest::redirect::Policy::limited(10))
                .referer(true)
                .tls_danger_accept_invalid_certs(true)
                .pool_max_idle_per_host(4)
        })
        .build()
        .unwrap()
}

/// Every 3xx that names a target a client could follow.
const FOLLOWABLE_REDIRECTS: [&str; 5] = [
    "301 Moved Permanently",
    "302 Found",
    "303 See Other",
    "307 Temporary Redirect",
    "308 Permanent Redirect",
];

/// Both clients, named: a hardening test that runs with each shows the guarantee does not
/// depend on the caller's HTTP settings.
const CLIENTS: [(&str, MakeClient); 2] = [
    ("the SDK's client", client),
    ("a caller-tuned client", tuned_client),
];

type MakeClient = fn(&str, RetryPolicy) -> Client;

fn builder(url: &str, retry: RetryPolicy) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(retry)
        .attempt_timeout(Duration::from_millis(500))
        .overall_timeout(Duration::from_secs(10))
}
