//! The Rust side of `benches/peers/run.sh`: the same `/item/get` call the Python and Node
//! peers make, N times one after another, then M times with 64 calls in flight on one
//! client, on one thread (a current-thread runtime, like Node's event loop).
//!
//! `cargo run --release --example peer_item_get -- BASE_URL [SEQUENTIAL] [CONCURRENT] [IN_FLIGHT] [sdk|floor]`
//! prints one JSON line: calls per second for both phases, the peak RSS in KiB, and the part
//! of the RSS at the end that is the process's own memory (`RssAnon`: heap and stacks, not
//! the executable's pages, which the kernel maps from the file and can drop). `floor`
//! sends the same request from a bare hyper client and reads the reply without decoding it:
//! what the server and loopback alone allow.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use plaid_item::{Client, RetryPolicy};

const ACCESS_TOKEN: &str = "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6";
/// The spec's `/item/get` example, which `examples/spec_responder.rs` answers.
const ITEM_ID: &str = "Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr";

#[derive(Clone)]
enum Peer {
    Sdk(Client),
    Floor(Arc<Floor>),
}

struct Floor {
    client: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    uri: Uri,
    body: Bytes,
}

impl Peer {
    async fn call(&self) {
        match self {
            Peer::Sdk(client) => {
                let response = client
                    .item_get()
                    .access_token(ACCESS_TOKEN)
                    .send()
                    .await
                    .expect("item_get");
                assert_eq!(response.item.item_id, ITEM_ID);
            }
            Peer::Floor(floor) => {
                let mut request = Request::new(Full::new(floor.body.clone()));
                *request.method_mut() = Method::POST;
                *request.uri_mut() = floor.uri.clone();
                let headers = request.headers_mut();
                for (name, value) in [
                    ("plaid-client-id", "client-id-5f2a"),
                    ("plaid-secret", "secret-9d41c7"),
                    ("plaid-version", "2020-09-14"),
                ] {
                    headers.insert(
                        HeaderName::from_static(name),
                        HeaderValue::from_static(value),
                    );
                }
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                let response = floor.client.request(request).await.expect("floor send");
                assert!(response.status().is_success(), "{}", response.status());
                let body = response.into_body().collect().await.expect("floor body");
                assert!(!body.to_bytes().is_empty());
            }
        }
    }
}

/// `workers` tasks share one client and take calls from a counter until `total` are done.
async fn concurrent(peer: &Peer, total: usize, workers: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let peer = peer.clone();
        let next = next.clone();
        set.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                peer.call().await;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        done.expect("a worker panicked");
    }
}

/// A `kB` figure of `/proc/self/status` (`VmHWM`, `RssAnon`); 0 where there is none.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .expect("usage: peer_item_get BASE_URL [SEQ] [CONC] [IN_FLIGHT]");
    let mut number = |default: usize| {
        args.next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
            .min(10_000_000)
    };
    let (sequential, total, in_flight) = (number(2000), number(6400), number(64).max(1));
    let (peer, name) = match args.next().as_deref() {
        None | Some("sdk") => {
            let client = Client::builder()
                .base_url(&base)
                .credentials("client-id-5f2a", "secret-9d41c7")
                .retry_policy(RetryPolicy::disabled())
                .build()
                .expect("client");
            let name = concat!("rust plaid-item ", env!("CARGO_PKG_VERSION"));
            (Peer::Sdk(client), name)
        }
        Some("floor") => {
            let floor = Floor {
                client: hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                    .build_http(),
                uri: format!("{base}/item/get").parse().expect("a URI"),
                body: Bytes::from(format!("{{\"access_token\":\"{ACCESS_TOKEN}\"}}")),
            };
            (Peer::Floor(Arc::new(floor)), "floor: bare hyper, no decode")
        }
        Some(other) => panic!("the peer is sdk or floor, not {other:?}"),
    };

    for _ in 0..50 {
        peer.call().await; // warm-up: connection, allocator, caches
    }
    let start = Instant::now();
    for _ in 0..sequential {
        peer.call().await;
    }
    let seq_rate = sequential as f64 / start.elapsed().as_secs_f64();

    concurrent(&peer, in_flight * 2, in_flight).await; // warm-up: open the connections
    let start = Instant::now();
    concurrent(&peer, total, in_flight).await;
    let conc_rate = total as f64 / start.elapsed().as_secs_f64();

    println!(
        "{{\"peer\":\"{name}\",\"sequential_calls_per_s\":{seq_rate:.1},\"concurrent_calls_per_s\":{conc_rate:.1},\"peak_rss_kib\":{},\"anon_rss_kib\":{}}}",
        status_kib("VmHWM"),
        status_kib("RssAnon"),
    );
}
