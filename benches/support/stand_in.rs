//! A stand-in for Plaid on 127.0.0.1, for benchmarks: every `POST` path of the spec answers
//! `200` with the spec's first example (or a small realistic body where the spec has none),
//! serialised once at start-up. A request missing one of the three auth headers gets Plaid's
//! `400` error body, so a client that forgets them fails loudly instead of looking fast.
//!
//! Shared by `benches/overhead.rs` (in process, on its own runtime thread) and
//! `examples/stand_in_server.rs` (a separate process for `benches/peers/run.sh`).

#![allow(dead_code)] // each includer uses a different part

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;

const SPEC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/plaid-item.yml"));

const MISSING_AUTH: &str = r#"{"error_type":"INVALID_REQUEST","error_code":"MISSING_FIELDS","error_message":"the following required fields are missing: client_id, secret","display_message":null,"request_id":"stand-in-missing-auth"}"#;
const NOT_FOUND: &str = r#"{"error_type":"INVALID_REQUEST","error_code":"UNKNOWN_ROUTE","error_message":"no such route on the stand-in","display_message":null,"request_id":"stand-in-404"}"#;

/// One request as the server saw it (only kept by a recording server).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The spec's example reply of every path, as compact JSON.
pub fn example_replies() -> HashMap<String, Bytes> {
    let spec: Value = serde_yaml::from_str(SPEC).expect("spec/plaid-item.yml is valid YAML");
    let mut replies = HashMap::new();
    for (route, item) in spec["paths"].as_object().expect("the spec has paths") {
        let reply = item
            .pointer("/post/responses/200/content/application~1json/examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().next())
            .and_then(|example| example.get("value").cloned())
            .unwrap_or_else(|| fallback(route));
        let bytes = serde_json::to_vec(&reply).expect("a JSON value serialises");
        replies.insert(route.clone(), Bytes::from(bytes));
    }
    replies
}

/// Paths whose spec has no example get a small realistic reply (as in tests/sdk).
pub fn fallback(route: &str) -> Value {
    match route {
        "/item/application/list" => json!({
            "request_id": "r-app-list",
            "applications": [{
                "application_id": "app_1", "name": "Budget App", "display_name": null,
                "logo_url": null, "application_url": "https://budget.example",
                "reason_for_access": null, "created_at": "2020-01-01T00:00:00Z",
                "scopes": {
                    "product_access": {"statements": true},
                    "accounts": [{"unique_id": "acc_1", "authorized": true}],
                    "new_accounts": false
                }
            }]
        }),
        _ => json!({"request_id": "stand-in"}),
    }
}

struct State {
    replies: HashMap<String, Bytes>,
    recorded: Option<Arc<Mutex<Vec<Recorded>>>>,
}

/// Accepts connections on `listener` and answers them until the future is dropped.
pub async fn serve(listener: TcpListener, recorded: Option<Arc<Mutex<Vec<Recorded>>>>) {
    let state = Arc::new(State {
        replies: example_replies(),
        recorded,
    });
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(request, state.clone()));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    // Read the whole body, as a real server would, so the connection stays reusable.
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let path = parts.uri.path();
    if let Some(recorded) = &state.recorded {
        recorded.lock().unwrap().push(Recorded {
            path: path.to_string(),
            headers: parts.headers.clone(),
            body,
        });
    }
    let authed = ["plaid-client-id", "plaid-secret", "plaid-version"]
        .iter()
        .all(|name| parts.headers.contains_key(*name));
    let (status, reply) = if parts.method != Method::POST {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            Bytes::from_static(NOT_FOUND.as_bytes()),
        )
    } else if !authed {
        (
            StatusCode::BAD_REQUEST,
            Bytes::from_static(MISSING_AUTH.as_bytes()),
        )
    } else {
        match state.replies.get(path) {
            Some(reply) => (StatusCode::OK, reply.clone()),
            None => (
                StatusCode::NOT_FOUND,
                Bytes::from_static(NOT_FOUND.as_bytes()),
            ),
        }
    };
    let mut response = Response::new(Full::new(reply));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

/// A stand-in running on its own one-worker runtime (its own thread), so the client under
/// test keeps the other core. Dropping it stops the server and closes its connections.
pub struct Background {
    pub addr: SocketAddr,
    pub recorded: Option<Arc<Mutex<Vec<Recorded>>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Background {
    pub fn start(record: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("stand-in")
            .enable_all()
            .build()
            .expect("a tokio runtime for the stand-in");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a bound address");
        let recorded = record.then(|| Arc::new(Mutex::new(Vec::new())));
        runtime.spawn(serve(listener, recorded.clone()));
        Self {
            addr,
            recorded,
            runtime: Some(runtime),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything recorded so far, emptying the log.
    pub fn take_recorded(&self) -> Vec<Recorded> {
        self.recorded
            .as_ref()
            .map(|r| std::mem::take(&mut *r.lock().unwrap()))
            .unwrap_or_default()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
