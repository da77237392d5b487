//! Other ways a reply could send the client somewhere else or make it do more work: proxies
//! from the environment, a protocol upgrade nobody asked for, a compressed body.

use std::sync::atomic::Ordering;
use std::time::Duration;

use plaid_item::{Client, ErrorKind, RetryPolicy};

use super::{client, item_get, reply, serve};
use crate::support::{example_response, CLIENT_ID, SECRET};

/// Run in a child process (the proxy variables are read when a client is built, and setting
/// them here would reach every other test): builds a client from the child's environment
/// and calls the target it names. Does nothing unless the parent set `HARDENING_TARGET`.
#[tokio::test]
#[ignore = "run by env_proxies_never_see_plain_http_and_only_tunnel_https in a child process"]
async fn proxy_child() {
    let Ok(target) = std::env::var("HARDENING_TARGET") else {
        return;
    };
    let result = item_get(&client(&target, RetryPolicy::disabled())).await;
    if target.starts_with("https:") {
        result.expect_err("the stand-in proxy refuses the tunnel");
    } else {
        result.expect("plain http goes straight to the target");
    }
}

async fn run_child(target: &str, proxy: &str) {
    let (target, proxy) = (target.to_string(), proxy.to_string());
    let output = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args(["hardening::paths::proxy_child", "--exact", "--ignored"])
            .env("HARDENING_TARGET", &target);
        for name in ["NO_PROXY", "no_proxy", "REQUEST_METHOD"] {
            child.env_remove(name);
        }
        for name in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            child.env(name, &proxy);
        }
        child.output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn env_proxies_never_see_plain_http_and_only_tunnel_https() {
    let body = example_response("/item/get").unwrap().to_string();
    let target = serve(reply("200 OK", &[], body.as_bytes())).await;
    let proxy = serve(reply("403 Forbidden", &[], b"")).await;

    run_child(&target.url, &proxy.url).await;
    assert_eq!(
        proxy.connections.load(Ordering::SeqCst),
        0,
        "the proxy saw plain http"
    );
    assert_eq!(target.connections.load(Ordering::SeqCst), 1);

    // https keeps honouring HTTPS_PROXY: the proxy is asked for a tunnel (CONNECT) and
    // never sees the TLS inside it. `.invalid` never resolves, so only the proxy can answer.
    run_child("https://plaid-item-hardening.invalid", &proxy.url).await;
    assert_eq!(
        proxy.connections.load(Ordering::SeqCst),
        1,
        "https went through the proxy"
    );
}

#[tokio::test]
async fn an_unrequested_protocol_upgrade_is_an_error_not_a_hang() {
    let server = serve(
        b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n\x81\x05hello"
            .to_vec(),
    )
    .await;
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        item_get(&client(&server.url, RetryPolicy::disabled())),
    )
    .await
    .expect("ends within the attempt timeout")
    .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(
        matches!(err.kind(), ErrorKind::Status(_) | ErrorKind::Connection(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_compressed_body_is_not_inflated() {
    // A gzip header, then junk: inflating it (a decompression bomb, at worst) is not the
    // client's business; it did not ask for compression.
    let body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03junk-that-would-inflate";
    let server = serve(reply(
        "200 OK",
        &[("content-encoding", b"gzip"), ("x-request-id", b"gz-1")],
        body,
    ))
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = item_get(&client).await.unwrap_err();
    let ErrorKind::Decode(decode) = err.kind() else {
        panic!("{err:?}");
    };
    assert_eq!(decode.body.as_bytes(), body, "kept as sent");
    assert_eq!(err.request_id(), Some("gz-1"));
}
