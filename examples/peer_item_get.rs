//! The Rust side of `benches/peers/run.sh`: the same `/item/get` call the Python and Node
//! peers make, N times one after another, then M times with 64 calls in flight on one
//! client, on one thread (a current-thread runtime, like Node's event loop).
//!
//! `cargo run --release --example peer_item_get -- BASE_URL [SEQUENTIAL] [CONCURRENT] [IN_FLIGHT]`
//! prints one JSON line: calls per second for both phases and the peak RSS in KiB.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use plaid_item::{Client, RetryPolicy};

const ACCESS_TOKEN: &str = "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6";
const ITEM_ID: &str = "Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr";

async fn call(client: &Client) {
    let response = client
        .item_get()
        .access_token(ACCESS_TOKEN)
        .send()
        .await
        .expect("item_get");
    assert_eq!(response.item.item_id, ITEM_ID);
}

/// `workers` tasks share one client and take calls from a counter until `total` are done.
async fn concurrent(client: &Client, total: usize, workers: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let client = client.clone();
        let next = next.clone();
        set.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                call(&client).await;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        done.expect("a worker panicked");
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
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
    let client = Client::builder()
        .base_url(base)
        .credentials("client-id-5f2a", "secret-9d41c7")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");

    for _ in 0..50 {
        call(&client).await; // warm-up: connection, allocator, caches
    }
    let start = Instant::now();
    for _ in 0..sequential {
        call(&client).await;
    }
    let seq_rate = sequential as f64 / start.elapsed().as_secs_f64();

    concurrent(&client, in_flight * 2, in_flight).await; // warm-up: open the connections
    let start = Instant::now();
    concurrent(&client, total, in_flight).await;
    let conc_rate = total as f64 / start.elapsed().as_secs_f64();

    println!(
        "{{\"peer\":\"rust plaid-item {}\",\"sequential_calls_per_s\":{seq_rate:.1},\"concurrent_calls_per_s\":{conc_rate:.1},\"peak_rss_kib\":{}}}",
        env!("CARGO_PKG_VERSION"),
        peak_rss_kib()
    );
}
