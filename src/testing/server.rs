//! The HTTP side: accepts connections on loopback, reads each request, applies the fault
//! rules, checks credentials and hands the body to the operation's handler.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::errors::Refusal;
use super::items::random_id;
use super::operations::{handle, operation_of};
use super::record::RecordedRequest;
use super::rules::{evolve, Fault};
use super::validation::{credentials, json_content_type, json_object};
use super::Shared;

/// Request bodies larger than this are refused; Item requests are a few hundred bytes.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Serves until the task is aborted; aborting it also ends every open connection.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
        let shared = shared.clone();
        connections.spawn(async move {
            let service = service_fn(move |request| answer(request, shared.clone()));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The error a service returns to make hyper close the connection without a reply.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on cue")
    }
}

impl std::error::Error for Dropped {}

async fn answer(
    request: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let request_id = random_id(15);
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let refusal = Refusal::invalid_body("the body could not be read or is too large");
            return Ok(plaid_error(refusal.in_reply(), &request_id));
        }
    };
    let path = parts.uri.path();
    let operation = operation_of(path);
    if let Some(requests) = &shared.requests {
        let recorded = RecordedRequest::new(operation, path, &parts.headers, &body);
        requests.lock().unwrap().push(recorded);
    }
    let mut evolved = false;
    match shared.rules.take(operation) {
        None => {}
        Some(Fault::DropConnection) => return Err(Dropped),
        Some(Fault::PlaidError { status, error }) => {
            let error = Box::new(error);
            return Ok(plaid_error(Refusal { status, error }, &request_id));
        }
        Some(Fault::Raw {
            status,
            content_type,
            body,
        }) => {
            let mut response = Response::new(Full::new(body));
            *response.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(CONTENT_TYPE, value);
            }
            return Ok(response);
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Evolved) => evolved = true,
    }
    let outcome = match operation {
        None => Err(Refusal::not_found(path)),
        Some(_) if parts.method != Method::POST => Err(Refusal::not_found(path)),
        Some(operation) => json_content_type(&parts.headers)
            .and_then(|()| json_object(&body))
            .and_then(|map| {
                credentials(&parts.headers, &map, &shared.expected)?;
                handle(&shared, operation, map, &request_id)
            }),
    };
    Ok(match outcome {
        Ok(bytes) if evolved => {
            let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            evolve(&mut value);
            json_reply(
                StatusCode::OK,
                serde_json::to_vec(&value).unwrap_or(bytes),
                &request_id,
            )
        }
        Ok(bytes) => json_reply(StatusCode::OK, bytes, &request_id),
        Err(refusal) => plaid_error(refusal.in_reply(), &request_id),
    })
}

fn plaid_error(refusal: Refusal, request_id: &str) -> Response<Full<Bytes>> {
    let mut error = refusal.error;
    error.request_id = Some(request_id.to_string());
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
    json_reply(
        status,
        serde_json::to_vec(&error).unwrap_or_default(),
        request_id,
    )
}

fn json_reply(status: StatusCode, body: Vec<u8>, request_id: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("plaid-request-id", id);
    }
    response
}
