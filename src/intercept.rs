//! Hooks into every attempt: add headers before a request is sent, observe each reply or
//! failure after. [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor) installs
//! them; they run in the order installed.
//!
//! What an interceptor can and cannot do, by construction:
//! - it sees and edits the request's own headers, never the credentials: `PLAID-CLIENT-ID`,
//!   `PLAID-SECRET` (and `Plaid-Version`) are the HTTP client's defaults, added after the
//!   hooks run, and a hook that sets one of them has it removed before sending;
//! - it cannot send, resend or skip a request: the retry policy alone decides, and
//!   [`AfterAttempt`] is read-only (a write is never sent twice because of one);
//! - a panic inside a hook ends the call with [`ErrorKind::Interceptor`](crate::ErrorKind),
//!   not a crashed task;
//! - with none installed the transport does not even look for them.
//!
//! Two ship with the crate: [`StaticHeader`] and [`CallMetrics`].

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;

use crate::retry::RetryAction;

/// A hook into every attempt of every call; both methods do nothing unless overridden.
pub trait Intercept: Send + Sync + fmt::Debug {
    /// Before each attempt is sent (retries included): may add or change headers.
    fn before_send(&self, _request: &mut BeforeSend<'_>) {}

    /// After each attempt, with its outcome and what happens next.
    fn after_attempt(&self, _attempt: &AfterAttempt<'_>) {}
}

/// The request about to be sent, as an interceptor may see it.
pub struct BeforeSend<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) headers: &'a mut HeaderMap,
}

impl BeforeSend<'_> {
    /// The operation id (`item_get`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// This attempt's number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The request's own headers (the credentials are not among them).
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// Sets a header, replacing any of the same name.
    pub fn set_header(&mut self, name: HeaderName, value: HeaderValue) {
        self.headers.insert(name, value);
    }
}

/// One attempt's outcome, read-only.
#[derive(Debug)]
pub struct AfterAttempt<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) elapsed: Duration,
    pub(crate) status: Option<StatusCode>,
    pub(crate) request_id: Option<&'a str>,
    pub(crate) error: Option<&'a crate::Error>,
    pub(crate) next: Option<RetryAction>,
}

impl<'a> AfterAttempt<'a> {
    /// The operation id (`item_get`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// This attempt's number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// From sending to the reply's last byte (or the failure).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The reply's status, when headers arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// Plaid's `request_id`, when the reply named one.
    pub fn request_id(&self) -> Option<&'a str> {
        self.request_id
    }

    /// How the attempt failed; `None` for a success.
    pub fn error(&self) -> Option<&'a crate::Error> {
        self.error
    }

    /// The retry decision after a failure: send again or not, and why. `None` for a success,
    /// and for the last attempt the policy allows.
    pub fn retry(&self) -> Option<RetryAction> {
        self.next
    }
}

/// The installed interceptors; empty costs nothing.
#[derive(Clone, Default, Debug)]
pub(crate) struct Interceptors(pub(crate) Vec<Arc<dyn Intercept>>);

/// Which hook panicked, and the interceptor's `Debug`.
pub(crate) struct Panicked {
    pub(crate) hook: &'static str,
    pub(crate) interceptor: String,
}

/// Headers an interceptor may not set: the client's credentials and the API version.
const RESERVED: [&str; 3] = ["plaid-client-id", "plaid-secret", "plaid-version"];

impl Interceptors {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn before_send(
        &self,
        operation: &'static str,
        attempt: u32,
        headers: &mut HeaderMap,
    ) -> Result<(), Panicked> {
        for interceptor in &self.0 {
            let mut request = BeforeSend {
                operation,
                attempt,
                headers,
            };
            contain("before_send", interceptor, || {
                interceptor.before_send(&mut request)
            })?;
        }
        for name in RESERVED {
            headers.remove(name);
        }
        Ok(())
    }

    pub(crate) fn after_attempt(&self, attempt: &AfterAttempt<'_>) -> Result<(), Panicked> {
        for interceptor in &self.0 {
            contain("after_attempt", interceptor, || {
                interceptor.after_attempt(attempt)
            })?;
        }
        Ok(())
    }
}

fn contain(
    hook: &'static str,
    interceptor: &Arc<dyn Intercept>,
    run: impl FnOnce(),
) -> Result<(), Panicked> {
    catch_unwind(AssertUnwindSafe(run)).map_err(|_| Panicked {
        hook,
        interceptor: crate::escape::truncate(format!("{interceptor:?}"), 256),
    })
}

/// Adds one header to every request: a correlation id, a tenant, a gateway's key.
#[derive(Debug, Clone)]
pub struct StaticHeader {
    name: HeaderName,
    value: HeaderValue,
}

impl StaticHeader {
    /// `name: value` on every attempt.
    pub fn new(name: HeaderName, value: HeaderValue) -> Self {
        Self { name, value }
    }
}

impl Intercept for StaticHeader {
    fn before_send(&self, request: &mut BeforeSend<'_>) {
        request.set_header(self.name.clone(), self.value.clone());
    }
}

/// Counts and latency per operation and outcome, for a service's metrics: read them with
/// [`CallMetrics::snapshot`] (a scrape), or pass a callback to [`CallMetrics::with_callback`]
/// to forward each attempt as it ends.
#[derive(Clone, Default)]
pub struct CallMetrics {
    counts: Arc<Mutex<BTreeMap<(&'static str, Outcome), Counted>>>,
    callback: Option<MetricsCallback>,
}

/// What [`CallMetrics::with_callback`] calls after every attempt.
type MetricsCallback = Arc<dyn Fn(&AfterAttempt<'_>) + Send + Sync>;

impl fmt::Debug for CallMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallMetrics").finish_non_exhaustive()
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// A 2xx reply that decoded.
    Success,
    /// Plaid (or a proxy) answered with an error status.
    Status(u16),
    /// A time limit ran out.
    Timeout,
    /// Any other failure: connection, decode, redirect, body limit.
    Failure,
}

/// Attempts counted for one operation and outcome, and their summed latency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    /// Attempts.
    pub attempts: u64,
    /// Their latencies added up.
    pub total_latency: Duration,
}

impl CallMetrics {
    /// Counts kept in memory, read with [`snapshot`](Self::snapshot).
    pub fn new() -> Self {
        Self::default()
    }

    /// Also calls `callback` after every attempt (to feed a metrics library).
    pub fn with_callback(
        mut self,
        callback: impl Fn(&AfterAttempt<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.callback = Some(Arc::new(callback));
        self
    }

    /// The counts so far, by operation and outcome.
    pub fn snapshot(&self) -> BTreeMap<(&'static str, Outcome), Counted> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Intercept for CallMetrics {
    fn after_attempt(&self, attempt: &AfterAttempt<'_>) {
        let outcome = match attempt.error() {
            None => Outcome::Success,
            Some(error) if error.timeout_kind().is_some() => Outcome::Timeout,
            Some(error) => match error.kind() {
                crate::ErrorKind::Status(status) => Outcome::Status(status.status.as_u16()),
                _ => Outcome::Failure,
            },
        };
        {
            let mut counts = self
                .counts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let counted = counts.entry((attempt.operation(), outcome)).or_default();
            counted.attempts += 1;
            counted.total_latency += attempt.elapsed();
        }
        if let Some(callback) = &self.callback {
            callback(attempt);
        }
    }
}
