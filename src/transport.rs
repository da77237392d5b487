//! Sending one operation: attempts with time limits, retries, a bounded body read, decoding,
//! and one tracing span per call (the auth headers are the reqwest client's defaults). Every generated `send()` ends here.

use std::future::Future;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::{field, Instrument};

use crate::deadline::{before, Deadline};
use crate::error::{
    ConnectionError, DecodeError, Error, ErrorKind, RawBody, RedirectError, StatusError,
    TimeoutError, TimeoutKind, MAX_LOCATION_BYTES,
};
use crate::escape;
use crate::intercept::{AfterAttempt, Panicked};
use crate::retry::{FailedAttempt, RetryAction};
use crate::settings::Settings;
use crate::{Client, Response};

/// How much of a decode error's path and message is kept.
const MAX_DECODE_TEXT_BYTES: usize = 1024;

/// How a decoded reply of type `T` gives its top-level `request_id`; `None` when `T` has no
/// such field, and the body is scanned for it.
pub(crate) type RequestIdOf<T> = Option<fn(&T) -> Option<&str>>;

/// One call: everything up to the first await runs here, so that the future the caller holds
/// is small (a span and a box); the attempt loop, a KiB or so of state, is boxed once instead
/// of being copied through every layer that holds it (BENCHMARKS.md section 1).
pub(crate) fn send<'a, T: DeserializeOwned + 'a>(
    client: &'a Client,
    request: reqwest::Request,
    info: OperationInfo,
    request_id_of: RequestIdOf<T>,
) -> impl Future<Output = Result<Response<T>, Error>> + 'a {
    let settings = &*client.inner.0;
    let operation = info.operation_id;

    // The first five fields are the SDK's own; the rest follow OpenTelemetry's stable HTTP
    // client conventions, for `tracing-opentelemetry`. Their values are only computed when a
    // subscriber wants the span.
    let url = request.url();
    let span = tracing::info_span!(
        "plaid_item.call",
        operation,
        attempt = field::Empty,
        status = field::Empty,
        request_id = field::Empty,
        elapsed_ms = field::Empty,
        otel.kind = "client",
        otel.name = operation,
        http.request.method = request.method().as_str(),
        server.address = url.host_str(),
        server.port = url.port_or_known_default(),
        url.full = %ShownUrl(url),
        http.response.status_code = field::Empty,
        http.request.resend_count = field::Empty,
        "error.type" = field::Empty,
    );
    let started = Instant::now();
    let attempts = Box::pin(call::<T>(
        client,
        settings,
        request,
        Call {
            operation,
            started,
            request_id_of,
        },
        span.clone(),
    ));
    async move {
        let result = attempts.instrument(span.clone()).await;
        finish(&span, started, &result);
        result
    }
}

/// Records how the call ended on its span, and logs it.
fn finish<T>(span: &tracing::Span, started: Instant, result: &Result<Response<T>, Error>) {
    span.record("elapsed_ms", millis(started.elapsed()));
    match result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            span.record("http.response.status_code", response.status().as_u16());
            if let Some(id) = response.request_id() {
                span.record("request_id", id);
            }
            tracing::debug!(parent: span, "call succeeded");
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status.as_u16());
                span.record("http.response.status_code", status.as_u16());
            }
            span.record("error.type", error_type(error).as_ref());
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            tracing::warn!(parent: span, %error, "call failed");
        }
    }
}

/// What the attempt loop knows of the call besides the request.
struct Call<T> {
    operation: &'static str,
    started: Instant,
    request_id_of: RequestIdOf<T>,
}

/// The attempt loop. Not an `async fn`, which would keep a second copy of `request` in its
/// state: the block below uses the one it captures, and hands each attempt's request to
/// reqwest (which boxes it) before awaiting, so no other copy takes room in the state.
#[allow(clippy::manual_async_fn)] // an `async fn` would rebind `request`: two copies
fn call<'a, T: DeserializeOwned + 'a>(
    client: &'a Client,
    settings: &'a Settings,
    request: reqwest::Request,
    call: Call<T>,
    span: tracing::Span,
) -> impl Future<Output = Result<Response<T>, Error>> + 'a {
    async move {
        let deadline = after(call.started, settings.timeouts.overall());
        let max_attempts = settings.retry.max_attempts();
        let attempts = Attempts {
            client,
            settings,
            span: &span,
            operation: call.operation,
            started: call.started,
            deadline,
        };
        let mut attempt = 0;
        // Every attempt but the last the policy allows sends a copy; the last sends the
        // original (with retries off, no copy is ever made). A body that cannot be copied is
        // sent once.
        loop {
            attempt += 1;
            // (No `Option` local: a partly moved one would keep its room in the state.)
            let Some(copy) = (if attempt < max_attempts {
                request.try_clone()
            } else {
                None
            }) else {
                break;
            };
            let (sending, limit, sent) = attempts.start(copy, attempt)?;
            let outcome = attempt_once(sending, limit)
                .await
                .and_then(|reply| decode::<T>(reply, call.request_id_of));
            let error = match outcome {
                Ok(response) => return attempts.succeeded(response, attempt, sent),
                Err(error) => error,
            };
            let failed = FailedAttempt::new(call.operation, &error, attempt);
            let remaining = deadline.saturating_duration_since(Instant::now());
            let action = settings.retry.decide(&failed, remaining, fastrand::f64());
            attempts.observe(attempt, sent, failure(&error), Some(action))?;
            let (reason, wait) = match action {
                RetryAction::Retry { reason, after } => (reason, after.unwrap_or_default()),
                RetryAction::NoRetry { .. } => return Err(error.during(call.operation, attempt)),
            };
            tracing::info!(attempt, wait_ms = millis(wait), %reason, %error, "retrying");
            settings.sleeper.sleep(wait).await;
        }
        let (sending, limit, sent) = attempts.start(request, attempt)?;
        let outcome = attempt_once(sending, limit)
            .await
            .and_then(|reply| decode::<T>(reply, call.request_id_of));
        match outcome {
            Ok(response) => attempts.succeeded(response, attempt, sent),
            Err(error) => {
                attempts.observe(attempt, sent, failure(&error), None)?;
                Err(error.during(call.operation, attempt))
            }
        }
    }
}

/// What `after_attempt` is told of a failed attempt: status, request id, error.
fn failure(error: &Error) -> (Option<StatusCode>, Option<&str>, Option<&Error>) {
    (error.status(), error.request_id(), Some(error))
}

/// What every attempt of one call shares.
struct Attempts<'a> {
    client: &'a Client,
    settings: &'a Settings,
    span: &'a tracing::Span,
    operation: &'static str,
    started: Instant,
    /// The overall limit.
    deadline: Instant,
}

impl Attempts<'_> {
    /// Starts attempt number `attempt`: its time limit, the interceptors' `before_send`, and
    /// reqwest's future, which takes the request. Also when it was sent, if an interceptor
    /// will want to know.
    #[allow(clippy::type_complexity)]
    fn start(
        &self,
        mut request: reqwest::Request,
        attempt: u32,
    ) -> Result<
        (
            impl Future<Output = reqwest::Result<reqwest::Response>>,
            Limit,
            Option<Instant>,
        ),
        Error,
    > {
        let (settings, operation) = (self.settings, self.operation);
        self.span.record("attempt", attempt);
        if attempt > 1 {
            self.span.record("http.request.resend_count", attempt - 1);
        }
        let now = if attempt == 1 {
            self.started
        } else {
            Instant::now()
        };
        let remaining = self.deadline.saturating_duration_since(now);
        let (limit, kind) = if remaining < settings.timeouts.attempt() {
            (remaining, TimeoutKind::Overall)
        } else {
            (settings.timeouts.attempt(), TimeoutKind::Attempt)
        };
        let limit = Limit {
            deadline: after(now, limit),
            kind,
            bytes: settings.max_response_bytes,
        };
        let sent = if settings.interceptors.is_empty() {
            None
        } else {
            let headers = request.headers_mut();
            if let Err(panicked) = settings
                .interceptors
                .before_send(operation, attempt, headers)
            {
                return Err(interceptor_error(panicked).during(operation, attempt));
            }
            Some(Instant::now())
        };
        Ok((self.client.client.execute(request), limit, sent))
    }

    fn succeeded<T>(
        &self,
        response: Response<T>,
        attempt: u32,
        sent: Option<Instant>,
    ) -> Result<Response<T>, Error> {
        let (status, request_id) = (Some(response.status()), response.request_id());
        self.observe(attempt, sent, (status, request_id, None), None)?;
        Ok(response)
    }

    /// Tells the interceptors' `after_attempt` (if any are installed: `sent` is `Some`) how
    /// the attempt ended and what comes next; a panic in one ends the call.
    fn observe(
        &self,
        attempt: u32,
        sent: Option<Instant>,
        (status, request_id, error): (Option<StatusCode>, Option<&str>, Option<&Error>),
        next: Option<RetryAction>,
    ) -> Result<(), Error> {
        let Some(sent) = sent else { return Ok(()) };
        let after = AfterAttempt {
            operation: self.operation,
            attempt,
            elapsed: sent.elapsed(),
            status,
            request_id,
            error,
            next,
        };
        self.settings
            .interceptors
            .after_attempt(&after)
            .map_err(|panicked| interceptor_error(panicked).during(self.operation, attempt))
    }
}

/// A request's URL for a span: a `user:password@` in it (from a base URL) redacted. The
/// Item API carries its tokens in bodies, never in URLs.
struct ShownUrl<'a>(&'a reqwest::Url);

impl std::fmt::Display for ShownUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::environment::redact_userinfo(self.0.as_str()))
    }
}

/// OpenTelemetry's `error.type`: the status code for a reply Plaid refused, else the kind of
/// failure.
fn error_type(error: &Error) -> std::borrow::Cow<'static, str> {
    match error.kind() {
        ErrorKind::Status(status) => status.status.as_u16().to_string().into(),
        ErrorKind::Timeout(_) => "timeout".into(),
        ErrorKind::Connection(_) => "connection".into(),
        ErrorKind::Redirect(_) => "redirect".into(),
        ErrorKind::Decode(_) => "decode".into(),
        ErrorKind::BodyTooLarge { .. } => "body_too_large".into(),
        ErrorKind::InvalidRequest(_) => "invalid_request".into(),
        ErrorKind::Interceptor { .. } => "interceptor".into(),
        _ => "_OTHER".into(),
    }
}

fn interceptor_error(panicked: Panicked) -> Error {
    Error::new(ErrorKind::Interceptor {
        hook: panicked.hook,
        interceptor: panicked.interceptor,
    })
}

/// `from + limit`, or a point about 30 years on when the sum does not fit (a caller's
/// `Duration::MAX` means "no limit", not a panic).
fn after(from: Instant, limit: Duration) -> Instant {
    from.checked_add(limit)
        .unwrap_or_else(|| from + Duration::from_secs(30 * 365 * 24 * 3600))
}

/// Milliseconds for a log field, saturating instead of truncating.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A complete reply, body read within the limit.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// What one attempt may take: until when, which timeout that is, and how many body bytes.
struct Limit {
    deadline: Instant,
    kind: TimeoutKind,
    bytes: usize,
}

/// One send. The time limit covers the headers and the body read alike (one deadline for
/// both, on a timer shared with other calls: `deadline.rs`); when it passes after the headers
/// arrived, the error keeps the status and the request id
/// received so far.
async fn attempt_once(
    sending: impl Future<Output = reqwest::Result<reqwest::Response>>,
    limit: Limit,
) -> Result<Reply, Error> {
    let timed_out = |status, request_id| {
        Error::new(ErrorKind::Timeout(TimeoutError {
            kind: limit.kind,
            status,
            request_id,
        }))
    };
    let mut deadline = Deadline::new(limit.deadline);
    let mut response = match before(&mut deadline, sending).await {
        Some(response) => response.map_err(transport_error)?,
        None => return Err(timed_out(None, None)),
    };
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let too_large = |headers: &HeaderMap| {
        Error::new(ErrorKind::BodyTooLarge {
            status,
            limit: limit.bytes,
            request_id: header_request_id(headers),
        })
    };
    if response
        .content_length()
        .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > limit.bytes))
    {
        return Err(too_large(&headers));
    }
    let mut body = Body::Empty;
    loop {
        let Some(next) = before(&mut deadline, response.chunk()).await else {
            let request_id =
                scan_request_id(body.as_slice()).or_else(|| header_request_id(&headers));
            return Err(timed_out(Some(status), request_id));
        };
        match next {
            Ok(Some(chunk)) if body.len().saturating_add(chunk.len()) > limit.bytes => {
                return Err(too_large(&headers))
            }
            Ok(Some(chunk)) => body.push(chunk),
            Ok(None) => break,
            Err(source) => {
                return Err(Error::new(ErrorKind::Connection(ConnectionError {
                    never_connected: false,
                    unprocessed: false,
                    status: Some(status),
                    request_id: scan_request_id(body.as_slice())
                        .or_else(|| header_request_id(&headers)),
                    source,
                })))
            }
        }
    }
    Ok(Reply {
        status,
        headers,
        body: body.into_bytes(),
    })
}

/// A reply body as it arrives: a reply in one chunk (the usual case) is kept as that chunk,
/// without a copy.
enum Body {
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Body {
    fn push(&mut self, chunk: Bytes) {
        *self = match std::mem::replace(self, Body::Empty) {
            Body::Empty => Body::One(chunk),
            Body::One(first) => {
                let mut all = BytesMut::with_capacity(first.len() + chunk.len());
                all.extend_from_slice(&first);
                all.extend_from_slice(&chunk);
                Body::Many(all)
            }
            Body::Many(mut all) => {
                all.extend_from_slice(&chunk);
                Body::Many(all)
            }
        }
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Body::Empty => &[],
            Body::One(bytes) => bytes,
            Body::Many(bytes) => bytes,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Body::Empty => Bytes::new(),
            Body::One(bytes) => bytes,
            Body::Many(bytes) => bytes.freeze(),
        }
    }
}

fn transport_error(source: reqwest::Error) -> Error {
    if source.is_timeout() && source.is_connect() {
        return Error::new(ErrorKind::Timeout(TimeoutError {
            kind: TimeoutKind::Connect,
            status: None,
            request_id: None,
        }));
    }
    Error::new(ErrorKind::Connection(ConnectionError {
        never_connected: source.is_connect(),
        unprocessed: unprocessed(&source),
        status: None,
        request_id: None,
        source,
    }))
}

/// Whether an HTTP/2 server declared the request unprocessed: it reset the stream with
/// `REFUSED_STREAM`, or went away gracefully before the stream. reqwest would resend these on
/// its own (twice, at once, unseen); the client turns that off so that the retry policy
/// decides, counts and waits for them like any request that never reached Plaid.
fn unprocessed(source: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source);
    while let Some(error) = cause {
        if let Some(h2) = error.downcast_ref::<h2::Error>() {
            let reason = h2.reason();
            return h2.is_remote()
                && ((h2.is_reset() && reason == Some(h2::Reason::REFUSED_STREAM))
                    || (h2.is_go_away() && reason == Some(h2::Reason::NO_ERROR)));
        }
        cause = error.source();
    }
    false
}

fn decode<T: DeserializeOwned>(
    reply: Reply,
    request_id_of: RequestIdOf<T>,
) -> Result<Response<T>, Error> {
    if reply.status.is_success() {
        // One plain parse; the request_id is read from the decoded reply (or, for a type
        // without the field, found by a scan that builds nothing). serde_path_to_error (an
        // allocation per key) only re-parses a body that failed.
        if let Ok(value) = serde_json::from_slice::<T>(&reply.body) {
            let request_id = match request_id_of {
                Some(read) => read(&value).and_then(escape::request_id),
                None => top_level_request_id(&reply.body),
            }
            .or_else(|| header_request_id(&reply.headers));
            return Ok(Response::new(
                value,
                reply.status,
                reply.headers,
                request_id,
            ));
        }
    }
    let request_id = body_request_id(&reply.body).or_else(|| header_request_id(&reply.headers));
    if reply.status.is_redirection() {
        let location = reply.headers.get(LOCATION).map(|value| {
            let bytes = value.as_bytes();
            String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_LOCATION_BYTES)]).into_owned()
        });
        return Err(Error::new(ErrorKind::Redirect(RedirectError {
            status: reply.status,
            location,
            request_id,
        })));
    }
    if !reply.status.is_success() {
        // Parsed from the kept part only: a PlaidError is a few hundred bytes, and one parsed
        // from a larger body would hold its strings (megabytes, if the server likes).
        let body = RawBody::keep(&reply.body);
        let plaid = serde_json::from_slice(body.as_bytes()).ok();
        let retry_after = crate::retry::retry_after(&reply.headers);
        return Err(Error::new(ErrorKind::Status(StatusError {
            status: reply.status,
            plaid,
            request_id,
            retry_after,
            body,
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
            // Both can quote the body (a key, an unknown variant): bounded.
            path: escape::truncate(path, MAX_DECODE_TEXT_BYTES),
            message: escape::truncate(e.to_string(), MAX_DECODE_TEXT_BYTES),
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
        Ok(probe) => probe.request_id.as_deref().and_then(escape::request_id),
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
                let end = string_end(body, start)?;
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

/// The index of the quote that closes the string whose contents start at `at`: memchr jumps
/// to each quote or backslash, where most of a body's bytes are strings.
fn string_end(body: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let found = at + memchr::memchr2(b'"', b'\\', body.get(at..)?)?;
        if body[found] == b'"' {
            return Some(found);
        }
        at = found + 2;
    }
}

/// A JSON string without escapes at the start of `rest` (after whitespace), when it looks
/// like a request id.
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
    std::str::from_utf8(&value[..end])
        .ok()
        .and_then(escape::request_id)
}

fn scan_request_id(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"request_id\"";
    let at = memchr::memmem::find(body, KEY)? + KEY.len();
    let rest = &body[at..];
    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[colon] != b':' {
        return None;
    }
    string_value(&rest[colon + 1..])
}

/// The first of `Plaid-Request-Id`, `X-Request-Id` that looks like a request id.
fn header_request_id(headers: &HeaderMap) -> Option<String> {
    ["plaid-request-id", "x-request-id"]
        .iter()
        .find_map(|name| escape::request_id(headers.get(*name)?.to_str().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_keeps_one_chunk_as_is_and_joins_more_in_order() {
        let one = Bytes::from_static(b"{\"request_id\": \"a\"}");
        let mut body = Body::Empty;
        assert_eq!((body.len(), body.as_slice()), (0, &b""[..]));
        body.push(one.clone());
        assert_eq!(body.as_slice().as_ptr(), one.as_ptr(), "not copied");
        body.push(Bytes::from_static(b" tail"));
        body.push(Bytes::from_static(b"!"));
        assert_eq!(body.len(), one.len() + 6);
        let joined = body.into_bytes();
        assert_eq!(&joined[..], &b"{\"request_id\": \"a\"} tail!"[..]);
        assert!(Body::Empty.into_bytes().is_empty());
    }

    #[derive(serde::Deserialize)]
    struct Reply200 {
        request_id: String,
    }

    fn reply(body: &'static str, header_id: Option<&'static str>) -> Reply {
        let mut headers = HeaderMap::new();
        if let Some(id) = header_id {
            headers.insert("plaid-request-id", id.parse().unwrap());
        }
        Reply {
            status: StatusCode::OK,
            headers,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn a_decoded_replys_request_id_is_read_from_its_field_and_checked_like_a_scanned_one() {
        let field: RequestIdOf<Reply200> = Some(|r| Some(r.request_id.as_str()));
        let id = |body, header, read: RequestIdOf<Reply200>| {
            let response = decode(reply(body, header), read).unwrap();
            response.request_id().map(str::to_string)
        };
        // The field, escapes and all, once decoded; the header only when the field is no id.
        let escaped = r#"{"request_id": "req\u002d7"}"#;
        assert_eq!(id(escaped, Some("hdr"), field), Some("req-7".into()));
        assert_eq!(
            id(escaped, Some("hdr"), None),
            Some("hdr".into()),
            "the scan takes plain strings only"
        );
        let forged = r#"{"request_id": "x\nINFO forged"}"#;
        assert_eq!(id(forged, Some("hdr"), field), Some("hdr".into()));
        assert_eq!(id(forged, None, field), None);
        // A nested request_id is not the reply's.
        let nested = r#"{"item": {"request_id": "inner"}, "request_id": "outer"}"#;
        assert_eq!(id(nested, None, field), Some("outer".into()));
        assert_eq!(id(nested, None, None), Some("outer".into()));
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
    fn the_fast_scan_reads_only_the_top_level_request_id_as_a_plain_string() {
        let nested =
            br#"{"item": {"request_id": "inner", "s": "a \" quote"}, "request_id": "outer"}"#;
        assert_eq!(top_level_request_id(nested), Some("outer".to_string()));
        let deeper = br#"{"item": {"error": {"request_id": "inner"}}, "request_id" : "outer"}"#;
        assert_eq!(top_level_request_id(deeper), Some("outer".to_string()));
        assert_eq!(
            top_level_request_id(br#"{"item": {"request_id": "inner"}}"#),
            None
        );
        assert_eq!(top_level_request_id(br#"{"request_id": 42}"#), None);
        assert_eq!(top_level_request_id(br#"["request_id", "x"]"#), None);
        assert_eq!(top_level_request_id(br#"{"request_id": "cut"#), None);
        let escaped = br#"{"x": "a\\", "y": "\"request_id\": \"no\"", "request_id": "r"}"#;
        assert_eq!(top_level_request_id(escaped), Some("r".to_string()));
    }
}
