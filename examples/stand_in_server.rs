//! A stand-in for Plaid on 127.0.0.1 that answers every Item path with the spec's example,
//! for `benches/peers/run.sh` (and for profiling the SDK in a separate process).
//!
//! `cargo run --release --example stand_in_server -- [PORT] [MAX_SECONDS]`
//! prints `http://127.0.0.1:PORT` on its first line, then serves on one thread until killed
//! or until MAX_SECONDS (default 1800) have passed.

#[path = "../benches/support/stand_in.rs"]
mod stand_in;

use std::io::Write;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let max_seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1800);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("a bound address");
    println!("http://{addr}");
    std::io::stdout().flush().expect("stdout");
    let limit = Duration::from_secs(max_seconds.min(24 * 3600));
    if tokio::time::timeout(limit, stand_in::serve(listener, None))
        .await
        .is_err()
    {
        eprintln!("stand_in_server: {max_seconds} s passed, stopping");
    }
}
