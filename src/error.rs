//! The one error type every call returns.
//!
//! Whatever went wrong, it keeps what is needed to act on it: the operation, the HTTP status,
//! Plaid's `request_id`, the parsed PlaidError when there is one, the raw body (bounded), how
//! many attempts were made, and whether trying again can help.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::escape;
use crate::types::{PlaidError, PlaidErrorType};

/// How much of a reply body an error keeps.
pub const KEPT_BODY_BYTES: usize = 64 * 1024;

/// A failed call. Cheap to move: the details are boxed.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    operation: Option<&'static str>,
    attempts: u32,
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Plaid (or something in front of it) answered with a non-2xx status.
    Status(StatusError),
    /// A 2xx reply whose body does not match the model.
    Decode(DecodeError),
    /// A time limit ran out before a complete reply arrived.
    Timeout(TimeoutError),
    /// A 3xx reply. Plaid's API never redirects, so the redirect is not followed: the
    /// credentials and the request body go nowhere but the configured base URL.
    Redirect(RedirectError),
    /// No reply at all: the connection failed or broke.
    Connection(ConnectionError),
    /// The reply body was larger than the client's limit; it was not read further.
    #[non_exhaustive]
    BodyTooLarge {
        /// The reply's status.
        status: StatusCode,
        /// The client's limit in bytes.
        limit: usize,
        /// Plaid's `request_id`, from the headers.
        request_id: Option<String>,
    },
    /// The request was refused before anything was sent (a missing required field, say).
    InvalidRequest(String),
    /// An installed interceptor ([`crate::intercept`]) panicked; the call ended there.
    #[non_exhaustive]
    Interceptor {
        /// `before_send` or `after_attempt`.
        hook: &'static str,
        /// The interceptor's `Debug`, cut to 256 bytes.
        interceptor: String,
    },
    /// A paginated listing's server returned a cursor it had returned before: a server fault.
    /// The stream ends with this error instead of fetching the same pages for ever.
    #[non_exhaustive]
    RepeatedCursor {
        /// Pages received, the one that repeated the cursor included.
        pages: usize,
        /// Plaid's `request_id` of the page that repeated the cursor.
        request_id: Option<String>,
    },
}

/// What an error says about sending the same request again, whatever the operation: the
/// error's side of the retry decision ([`crate::retry`] adds the operation and the policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The connection was never made (refused, or the connect timed out), or the server
    /// declared the request unprocessed (HTTP/2 `REFUSED_STREAM`): it cannot have acted on it.
    NeverSent,
    /// A failure that can pass: the connection broke, a time limit ran out, a 5xx, or
    /// Plaid's `INTERNAL_SERVER_ERROR` / `PLANNED_MAINTENANCE`.
    Transient,
    /// HTTP 429 or Plaid's `RATE_LIMIT_EXCEEDED`.
    RateLimited,
    /// A failure that sending again repeats: another 4xx, a reply that does not decode, a
    /// redirect, a body over the limit, a request refused before sending, a repeated cursor.
    Permanent,
}

/// Plaid error codes that say "try again later" whatever the HTTP status.
const TRANSIENT_PLAID_CODES: [&str; 2] = ["INTERNAL_SERVER_ERROR", "PLANNED_MAINTENANCE"];

/// Which time limit fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Opening the TCP/TLS connection.
    Connect,
    /// One attempt: sending the request and reading the whole reply.
    Attempt,
    /// The whole call, across retries and the waits between them.
    Overall,
}

/// A time limit ran out; what of the reply had arrived by then.
#[derive(Debug)]
#[non_exhaustive]
pub struct TimeoutError {
    /// Which limit fired.
    pub kind: TimeoutKind,
    /// The status, when the headers arrived before the time ran out.
    pub status: Option<StatusCode>,
    /// Plaid's `request_id`, from the headers or the part of the body that arrived.
    pub request_id: Option<String>,
}

/// A 3xx reply, not followed.
#[derive(Debug)]
#[non_exhaustive]
pub struct RedirectError {
    /// The 3xx status.
    pub status: StatusCode,
    /// The `Location` header as sent (lossy UTF-8, at most [`MAX_LOCATION_BYTES`]); shown
    /// escaped.
    pub location: Option<String>,
    /// Plaid's `request_id`, from the body or the headers.
    pub request_id: Option<String>,
}

/// How much of a `Location` header a [`RedirectError`] keeps.
pub const MAX_LOCATION_BYTES: usize = 2048;

/// A non-2xx reply.
#[derive(Debug)]
#[non_exhaustive]
pub struct StatusError {
    /// The non-2xx status.
    pub status: StatusCode,
    /// The body parsed as Plaid's error object, when it is one.
    pub plaid: Option<PlaidError>,
    /// Plaid's `request_id`, from the body or the headers.
    pub request_id: Option<String>,
    /// The `Retry-After` header, when the server sent one in seconds.
    pub retry_after: Option<std::time::Duration>,
    /// The body, bounded.
    pub body: RawBody,
}

/// A 2xx reply whose body did not decode.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The 2xx status.
    pub status: StatusCode,
    /// Where in the JSON the problem is, e.g. `item.available_products[2]`.
    pub path: String,
    /// serde's message, bounded.
    pub message: String,
    /// Plaid's `request_id`, from the body or the headers.
    pub request_id: Option<String>,
    /// The body, bounded.
    pub body: RawBody,
}

/// The connection failed (no reply), or broke before the reply was complete (then the status
/// and request id that did arrive are kept).
#[derive(Debug)]
#[non_exhaustive]
pub struct ConnectionError {
    /// True when the connection was never established, so the server cannot have seen the
    /// request: the one case where retrying a state-changing call is safe.
    pub never_connected: bool,
    /// True when the server declared that it did not process the request (an HTTP/2
    /// `REFUSED_STREAM`, or a graceful `GOAWAY` before the request's stream): as safe to send
    /// again as a request that never left (RFC 9113, section 8.7).
    pub unprocessed: bool,
    /// The status, when the reply broke off after its headers.
    pub status: Option<StatusCode>,
    /// Plaid's `request_id`, when the part of the reply that arrived named it.
    pub request_id: Option<String>,
    /// reqwest's error, for its details (`std::error::Error::source` too).
    pub source: reqwest::Error,
}

/// The first [`KEPT_BODY_BYTES`] of a reply body.
#[derive(Clone, Default)]
pub struct RawBody {
    bytes: Bytes,
    truncated: bool,
}

impl RawBody {
    /// A copy, not a slice: a slice would keep the whole reply buffer (up to the client's
    /// body limit) alive for as long as the error is held.
    pub(crate) fn keep(bytes: &[u8]) -> Self {
        let truncated = bytes.len() > KEPT_BODY_BYTES;
        Self {
            bytes: Bytes::copy_from_slice(&bytes[..bytes.len().min(KEPT_BODY_BYTES)]),
            truncated,
        }
    }

    /// The kept bytes, as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body as text, lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// True when the reply was longer than what is kept.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies can echo user data; Debug says how much there is, not what it says.
        write!(
            f,
            "RawBody({} bytes{})",
            self.bytes.len(),
            if self.truncated { ", truncated" } else { "" }
        )
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                operation: None,
                attempts: 0,
                kind,
            }),
        }
    }

    pub(crate) fn during(mut self, operation: &'static str, attempts: u32) -> Self {
        self.inner.operation = Some(operation);
        self.inner.attempts = attempts;
        self
    }

    /// What went wrong, to match on.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The operation id (`item_get`), when the request got as far as being sent.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// How many times the request was sent.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The HTTP status, whenever a reply's headers arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.inner.kind {
            ErrorKind::Status(e) => Some(e.status),
            ErrorKind::Decode(e) => Some(e.status),
            ErrorKind::BodyTooLarge { status, .. } => Some(*status),
            ErrorKind::Connection(e) => e.status,
            ErrorKind::Timeout(e) => e.status,
            ErrorKind::Redirect(e) => Some(e.status),
            ErrorKind::InvalidRequest(_) | ErrorKind::Interceptor { .. } => None,
            ErrorKind::RepeatedCursor { .. } => Some(StatusCode::OK),
        }
    }

    /// Plaid's `request_id`, from the body or the `Plaid-Request-Id`/`X-Request-Id`
    /// headers; only a value that looks like an id (1 to 64 characters of
    /// `A-Z a-z 0-9 _ -`) is kept.
    pub fn request_id(&self) -> Option<&str> {
        match &self.inner.kind {
            ErrorKind::Status(e) => e.request_id.as_deref(),
            ErrorKind::Decode(e) => e.request_id.as_deref(),
            ErrorKind::BodyTooLarge { request_id, .. } => request_id.as_deref(),
            ErrorKind::Connection(e) => e.request_id.as_deref(),
            ErrorKind::Timeout(e) => e.request_id.as_deref(),
            ErrorKind::Redirect(e) => e.request_id.as_deref(),
            ErrorKind::InvalidRequest(_) | ErrorKind::Interceptor { .. } => None,
            ErrorKind::RepeatedCursor { request_id, .. } => request_id.as_deref(),
        }
    }

    /// Which time limit ended the call, when one did.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match &self.inner.kind {
            ErrorKind::Timeout(e) => Some(e.kind),
            _ => None,
        }
    }

    /// The parsed PlaidError of a non-2xx reply.
    pub fn plaid_error(&self) -> Option<&PlaidError> {
        match &self.inner.kind {
            ErrorKind::Status(e) => e.plaid.as_ref(),
            _ => None,
        }
    }

    /// Plaid's `error_code` (`ITEM_LOGIN_REQUIRED`, ...), the field to branch on.
    pub fn error_code(&self) -> Option<&str> {
        self.plaid_error().map(|e| e.error_code.as_str())
    }

    /// The reply body, bounded, for replies that had one.
    pub fn raw_body(&self) -> Option<&RawBody> {
        match &self.inner.kind {
            ErrorKind::Status(e) => Some(&e.body),
            ErrorKind::Decode(e) => Some(&e.body),
            _ => None,
        }
    }

    /// What this error says about sending the same request again (see [`ErrorClass`]).
    pub fn class(&self) -> ErrorClass {
        if self.is_rate_limited() {
            return ErrorClass::RateLimited;
        }
        match &self.inner.kind {
            ErrorKind::Connection(e) if e.never_connected || e.unprocessed => ErrorClass::NeverSent,
            ErrorKind::Timeout(e) if e.kind == TimeoutKind::Connect => ErrorClass::NeverSent,
            ErrorKind::Connection(_) | ErrorKind::Timeout(_) => ErrorClass::Transient,
            ErrorKind::Status(e)
                if e.status.is_server_error()
                    || e.plaid.as_ref().is_some_and(|p| {
                        TRANSIENT_PLAID_CODES.contains(&p.error_code.as_str())
                    }) =>
            {
                ErrorClass::Transient
            }
            _ => ErrorClass::Permanent,
        }
    }

    /// Whether sending the same request again can succeed, following Plaid's guidance:
    /// connection failures, timeouts, 5xx, `INTERNAL_SERVER_ERROR` and `PLANNED_MAINTENANCE`
    /// can; other 4xx (429 rate limits included: they are per Item per minute) cannot. The
    /// rule is [`Error::class`]; whether the client does retry also depends on the operation
    /// and the policy ([`crate::retry`]).
    pub fn is_retryable(&self) -> bool {
        matches!(self.class(), ErrorClass::NeverSent | ErrorClass::Transient)
    }

    /// True when Plaid said the rate limit was hit (HTTP 429 or `RATE_LIMIT_EXCEEDED`).
    pub fn is_rate_limited(&self) -> bool {
        match &self.inner.kind {
            ErrorKind::Status(e) => {
                e.status == StatusCode::TOO_MANY_REQUESTS
                    || e.plaid
                        .as_ref()
                        .is_some_and(|p| p.error_type == PlaidErrorType::RateLimitExceeded)
            }
            _ => false,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("operation", &self.inner.operation)
            .field("attempts", &self.inner.attempts)
            .field("kind", &self.inner.kind)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.inner.operation {
            write!(f, "{op}: ")?;
        }
        match &self.inner.kind {
            ErrorKind::Status(e) => {
                write!(f, "HTTP {}", e.status)?;
                if let Some(p) = &e.plaid {
                    write!(
                        f,
                        " {} {}: {}",
                        escape::text(&p.error_type.to_string()),
                        escape::text(&p.error_code),
                        escape::text(&p.error_message)
                    )?;
                } else if !e.body.as_bytes().is_empty() {
                    write!(
                        f,
                        " with a body that is not a Plaid error ({} bytes)",
                        e.body.as_bytes().len()
                    )?;
                } else {
                    write!(f, " with an empty body")?;
                }
            }
            ErrorKind::Decode(e) => write!(
                f,
                "HTTP {} reply does not match the model at `{}`: {}",
                e.status,
                escape::text(&e.path),
                escape::text(&e.message)
            )?,
            ErrorKind::Timeout(e) => {
                write!(
                    f,
                    "timed out ({})",
                    match e.kind {
                        TimeoutKind::Connect => "connect timeout",
                        TimeoutKind::Attempt => "per-attempt timeout",
                        TimeoutKind::Overall => "overall timeout",
                    }
                )?;
                if let Some(status) = e.status {
                    write!(f, " reading the body of an HTTP {status} reply")?;
                }
            }
            ErrorKind::Redirect(e) => {
                write!(f, "HTTP {} redirect, not followed", e.status)?;
                if let Some(location) = &e.location {
                    write!(f, " (Location: {})", escape::text(location))?;
                }
            }
            ErrorKind::Connection(e) => {
                let what = if e.never_connected {
                    "could not connect"
                } else {
                    "connection failed"
                };
                write!(f, "{what}: {}", escape::text(&e.source.to_string()))?
            }
            ErrorKind::BodyTooLarge { status, limit, .. } => write!(
                f,
                "HTTP {status} reply is larger than the {limit}-byte limit"
            )?,
            ErrorKind::InvalidRequest(message) => write!(f, "invalid request: {message}")?,
            ErrorKind::Interceptor { hook, interceptor } => write!(
                f,
                "interceptor {} panicked in {hook}",
                escape::text(interceptor)
            )?,
            ErrorKind::RepeatedCursor { pages, .. } => write!(
                f,
                "the server returned a cursor it had already returned, after {pages} pages; \
                 stopped instead of fetching the same pages again"
            )?,
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request_id {})", escape::text(id))?;
        }
        if self.inner.attempts > 1 {
            write!(f, " after {} attempts", self.inner.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.kind {
            ErrorKind::Connection(e) => Some(&e.source),
            _ => None,
        }
    }
}

/// Raised by the generated request building, before anything is sent. One concrete error
/// type, so that the generated `map_err(Error::InvalidRequest)?` infers it.
impl From<progenitor_client::Error<()>> for Error {
    fn from(e: progenitor_client::Error<()>) -> Self {
        let message = match e {
            progenitor_client::Error::InvalidRequest(m) => m,
            progenitor_client::Error::CommunicationError(e) => e.to_string(),
            progenitor_client::Error::Custom(m) => m,
            other => format!("{:?}", other.status()),
        };
        Error::new(ErrorKind::InvalidRequest(message))
    }
}

/// `reqwest::RequestBuilder::build` fails only on a bad URL or body, before sending.
impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::new(ErrorKind::InvalidRequest(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_paths_and_messages_are_shown_escaped() {
        let error = Error::new(ErrorKind::Decode(DecodeError {
            status: StatusCode::OK,
            path: "item.\nINFO forged".into(),
            message: "unknown variant `x\r\u{1b}[2K`".into(),
            request_id: None,
            body: RawBody::default(),
        }));
        let shown = error.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert!(shown.contains("item.\\nINFO forged") && shown.contains("x\\r\\u{1b}[2K"));
    }

    #[test]
    fn a_kept_body_is_a_bounded_copy() {
        let reply = Bytes::from(vec![b'x'; 4 * KEPT_BODY_BYTES]);
        let kept = RawBody::keep(&reply);
        assert_eq!(kept.as_bytes().len(), KEPT_BODY_BYTES);
        assert!(kept.is_truncated());
        // Not a view into the reply: dropping the reply's last handle frees it.
        assert!(reply.is_unique());
    }
}
