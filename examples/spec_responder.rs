//! A static Plaid for client benchmarks (`benches/peers/run.sh`): every `POST` path answers
//! 200 with the spec's own example reply, built once at start. It checks nothing and keeps
//! nothing, so its cost per call is a map lookup and a write, small next to any client's:
//! the peers' figures then describe the clients, not the server. Tests use the fake Plaid
//! (`examples/fake_plaid.rs`), which validates and keeps state.
//!
//! `cargo run --release --example spec_responder -- [--max-seconds S]` prints its base URL
//! on the first line and serves HTTP/1.1 on 127.0.0.1 until killed or S seconds (default
//! 1800) have passed.

#[path = "../benches/support/spec_examples.rs"]
mod spec_examples;

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

async fn answer(
    replies: Arc<HashMap<String, Bytes>>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let reply = replies.get(request.uri().path()).cloned();
    // The body is read to the end so that the connection can be kept alive.
    let _ = request.into_body().collect().await;
    let mut response = match reply {
        Some(body) => Response::new(Full::new(body)),
        None => {
            let mut missing = Response::new(Full::new(Bytes::from_static(b"{}")));
            *missing.status_mut() = StatusCode::NOT_FOUND;
            missing
        }
    };
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut max_seconds = 1800u64;
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next().and_then(|v| v.parse().ok())) {
            ("--max-seconds", Some(seconds)) => max_seconds = seconds,
            _ => {
                eprintln!("usage: spec_responder [--max-seconds S]");
                std::process::exit(2);
            }
        }
    }
    let replies = Arc::new(spec_examples::example_replies());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("the bound address");
    println!("http://{address}");
    std::io::stdout().flush().expect("stdout");
    let serve = async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let replies = replies.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(replies.clone(), request));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    };
    let limit = Duration::from_secs(max_seconds.min(24 * 3600));
    let _ = tokio::time::timeout(limit, serve).await;
    eprintln!("spec_responder: {max_seconds} s passed, stopping");
}
