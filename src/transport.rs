//! Sending one operation: auth headers, attempts with time limits, retries, a bounded body
//! read, decoding, and one tracing span per call. Every generated `send()` ends here.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tokio::time::{timeout, Instant};
use tracing::{field, Instrument};

use crate::error::{
    DecodeError, Error, ErrorKind, RawBody, StatusError, TimeoutKind, TransportError,
};
use crate::runtime::Settings;
use crate::{Client, Response};

/// progenitor adds this header with the spec's version; Plaid does not use it.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

pub(crate) async fn send<T: DeserializeOwned>(
    client: &Client,
    mut request: reqwest::Request,
    info: OperationInfo,
) -> Result<Response<T>, Error> {
    let settings = &*client.inner.0;
    let operation = info.operation_id;
    request.headers_mut().remove(PROGENITOR_VERSION_HEADER);
    settings.auth.apply(request.headers_mut());

    let span = tracing::info_span!(
        "plaid_item.call",
        operation,
        attempt = field::Empty,
        status = field::Empty,
        request_id = field::Empty,
        elapsed_ms = field::Empty,
    );
    let started = Instant::now();
    let result = call::<T>(client, settings, request, operation, &span)
        .instrument(span.clone())
        .await;
    span.record("elapsed_ms", started.elapsed().as_millis() as u64);
    match &result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            if let Some(id) = response.request_id() {
                span.record("request_id", id);
            }
            tracing::debug!(parent: &span, "call succeeded");
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status.as_u16());
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            tracing::warn!(parent: &span, %error, "call failed");
        }
    }
    result
}

async fn call<T: DeserializeOwned>(
    client: &Client,
    settings: &Settings,
    request: reqwest::Request,
    operation: &'static str,
    span: &tracing::Span,
) -> Result<Response<T>, Error> {
    let deadline = Instant::now() + settings.timeouts.overall;
    let mut attempt = 0;
    loop {
        attempt += 1;
        span.record("attempt", attempt);
        let Some(this_attempt) = request.try_clone() else {
            return Err(Error::new(ErrorKind::InvalidRequest(
                "request body cannot be replayed".into(),
            ))
            .during(operation, attempt - 1));
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let (limit, kind) = if remaining < settings.timeouts.attempt {
            (remaining, TimeoutKind::Overall)
        } else {
            (settings.timeouts.attempt, TimeoutKind::Attempt)
        };
        let outcome = match timeout(
            limit,
            attempt_once(client, this_attempt, settings.max_response_bytes),
        )
        .await
        {
            Ok(reply) => reply.and_then(decode::<T>),
            Err(_) => Err(Error::new(ErrorKind::Timeout(kind))),
        };
        let error = match outcome {
            Ok(response) => return Ok(response),
            Err(error) => error,
        };
        if !settings.retry.should_retry(operation, &error, attempt) {
            return Err(error.during(operation, attempt));
        }
        let wait =
            retry_after(&error).unwrap_or_else(|| settings.retry.delay(attempt, fastrand::f64()));
        if Instant::now() + wait >= deadline {
            return Err(error.during(operation, attempt));
        }
        tracing::info!(attempt, wait_ms = wait.as_millis() as u64, %error, "retrying");
        tokio::time::sleep(wait).await;
    }
}

fn retry_after(error: &Error) -> Option<Duration> {
    match error.kind() {
        ErrorKind::Status(s) if s.status == StatusCode::TOO_MANY_REQUESTS => s.retry_after,
        _ => None,
    }
}

/// A complete reply, body read within the limit.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

async fn attempt_once(
    client: &Client,
    request: reqwest::Request,
    limit: usize,
) -> Result<Reply, Error> {
    let mut response = client
        .client
        .execute(request)
        .await
        .map_err(transport_error)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let too_large = |headers: &HeaderMap| {
        Error::new(ErrorKind::BodyTooLarge {
            status,
            limit,
            request_id: header_request_id(headers),
        })
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large(&headers));
    }
    let mut body = BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > limit => return Err(too_large(&headers)),
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(source) => {
                return Err(Error::new(ErrorKind::Transport(TransportError {
                    connect: false,
                    status: Some(status),
                    request_id: scan_request_id(&body).or_else(|| header_request_id(&headers)),
                    source,
                })))
            }
        }
    }
    Ok(Reply {
        status,
        headers,
        body: body.freeze(),
    })
}

fn transport_error(source: reqwest::Error) -> Error {
    if source.is_timeout() && source.is_connect() {
        return Error::new(ErrorKind::Timeout(TimeoutKind::Connect));
    }
    Error::new(ErrorKind::Transport(TransportError {
        connect: source.is_connect(),
        status: None,
        request_id: None,
        source,
    }))
}

fn decode<T: DeserializeOwned>(reply: Reply) -> Result<Response<T>, Error> {
    if reply.status.is_success() {
        // One plain parse, and a scan for the top-level request_id that builds nothing;
        // serde_path_to_error (an allocation per key) only re-parses a body that failed.
        if let Ok(value) = serde_json::from_slice::<T>(&reply.body) {
            let request_id =
                top_level_request_id(&reply.body).or_else(|| header_request_id(&reply.headers));
            return Ok(Response::new(
                value,
                reply.status,
                reply.headers,
                request_id,
            ));
        }
    }
    let request_id = body_request_id(&reply.body).or_else(|| header_request_id(&reply.headers));
    if !reply.status.is_success() {
        let plaid = serde_json::from_slice(&reply.body).ok();
        let retry_after = reply
            .headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(Error::new(ErrorKind::Status(StatusError {
            status: reply.status,
            plaid,
            request_id,
            retry_after,
            body: RawBody::keep(&reply.body),
        })));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&reply.body);
    let decoded = serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .map_err(|e| (e.path().to_string(), e.into_inner()))
        .and_then(|value| {
            deserializer
                .end()
                .map(|()| value)
                .map_err(|e| (".".to_string(), e))
        });
    match decoded {
        Ok(value) => Ok(Response::new(
            value,
            reply.status,
            reply.headers,
            request_id,
        )),
        Err((path, e)) => Err(Error::new(ErrorKind::Decode(DecodeError {
            status: reply.status,
            path,
            message: e.to_string(),
            request_id,
            body: RawBody::keep(&reply.body),
        }))),
    }
}

/// `request_id` from a JSON body, whatever else the body holds; from a cut-off or otherwise
/// broken body, the first `"request_id": "..."` that can be read.
fn body_request_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Probe {
        request_id: Option<String>,
    }
    match serde_json::from_slice::<Probe>(body) {
        Ok(probe) => probe.request_id,
        Err(_) => scan_request_id(body),
    }
}

/// The string value of the top-level key `request_id` of a JSON object, in one pass over the
/// bytes that skips strings and nested values; `None` when absent or not a plain string.
fn top_level_request_id(body: &[u8]) -> Option<String> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while *body.get(end)? != b'"' {
                    end += if body[end] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && &body[start..end] == b"request_id" {
                    let rest = &body[end + 1..];
                    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
                    if rest[colon] == b':' {
                        return string_value(&rest[colon + 1..]);
                    }
                }
                i = end + 1;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// A JSON string without escapes at the start of `rest` (after whitespace).
fn string_value(rest: &[u8]) -> Option<String> {
    let quote = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[quote] != b'"' {
        return None;
    }
    let value = &rest[quote + 1..];
    let end = value.iter().position(|&b| b == b'"' || b == b'\\')?;
    if value[end] != b'"' {
        return None;
    }
    std::str::from_utf8(&value[..end]).ok().map(str::to_string)
}

fn scan_request_id(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"request_id\"";
    let at = body.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let rest = &body[at..];
    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[colon] != b':' {
        return None;
    }
    string_value(&rest[colon + 1..])
}

fn header_request_id(headers: &HeaderMap) -> Option<String> {
    ["plaid-request-id", "x-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_request_id_skips_nested_ones() {
        let body =
            br#"{"item": {"error": {"request_id": "inner"}, "x": "a\"b"}, "request_id" : "outer"}"#;
        assert_eq!(top_level_request_id(body), Some("outer".to_string()));
        assert_eq!(
            top_level_request_id(br#"{"item": {"request_id": "inner"}}"#),
            None
        );
        assert_eq!(top_level_request_id(br#"{"request_id": 42}"#), None);
    }

    #[test]
    fn request_id_survives_a_cut_off_body() {
        assert_eq!(
            body_request_id(br#"{"error_type": "API_ERROR", "request_id": "abc123", "error_mess"#),
            Some("abc123".to_string())
        );
        assert_eq!(
            body_request_id(br#"{"request_id":"x"}"#),
            Some("x".to_string())
        );
        assert_eq!(body_request_id(b"<html>502 Bad Gateway</html>"), None);
        assert_eq!(body_request_id(br#"{"request_id": "unterminated"#), None);
        assert_eq!(body_request_id(br#"{"request_id": 42}"#), None);
    }

    #[test]
    fn the_fast_scan_reads_only_the_top_level_request_id() {
        let nested =
            br#"{"item": {"request_id": "inner", "s": "a \" quote"}, "request_id": "outer"}"#;
        assert_eq!(top_level_request_id(nested), Some("outer".to_string()));
        assert_eq!(
            top_level_request_id(br#"{"item": {"request_id": "inner"}}"#),
            None
        );
        assert_eq!(top_level_request_id(br#"["request_id", "x"]"#), None);
        assert_eq!(top_level_request_id(br#"{"request_id": "cut"#), None);
    }
}
