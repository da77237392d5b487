//! When a failed call is sent again, and how long to wait first: the one home of that decision.
//!
//! The decision is data, a [`RetryAction`] (retry or not, after how long, and the
//! [`RetryReason`]), made in three steps by [`RetryPolicy`]:
//!
//! 1. **built in**: what the error says ([`RetryReason::of`]: never sent, transient, rate
//!    limited, permanent), the operation's [`OperationSafety`], and the policy's switches,
//!    following the table below; `Retry-After` (parsed here, for a rate limit) becomes `after`;
//! 2. **refined**: each classifier added with [`RetryPolicy::refine`] receives the action so
//!    far and returns the one to use, in the order they were added;
//! 3. **bounded**: a retry past [`RetryPolicy::with_max_attempts`], or whose wait (`after`, else the
//!    jittered backoff) would end past the overall timeout, becomes `NoRetry`.
//!
//! The transport sleeps the final action's wait and logs its reason with each retry;
//! [`Error::is_retryable`] is step 1's "transient or never sent", for any operation.
//!
//! Which operations are safe to repeat is data from the spec pipeline: the supplement's
//! `x-plaid-item-idempotent` list (`codegen/supplement.yml`), emitted into the generated code
//! as `OPERATION_SAFETY`; an operation a newer spec adds is state-changing until listed there.
//! The table below is checked against that data by a test.
//!
//! | operations | retried on |
//! |---|---|
//! | read-only and sandbox: `item_activity_list`, `item_application_list`, `item_get`, `sandbox_item_fire_webhook`, `sandbox_item_reset_login`, `sandbox_item_set_verification_status`, `webhook_verification_key_get` | connection failures, timeouts, 5xx, `INTERNAL_SERVER_ERROR`, `PLANNED_MAINTENANCE` |
//! | everything else changes state (`item_access_token_invalidate`, `item_application_scopes_update`, `item_application_unlink`, `item_create_public_token`, `item_import`, `item_public_token_exchange`, `item_remove`, `item_webhook_update`, and any operation a newer spec adds) | only a failed connect, where the request provably never reached Plaid; everything else with [`RetryPolicy::with_retry_state_changing`] |
//! | any, HTTP 429 | never by default (Plaid's limits are per Item per minute); with [`RetryPolicy::with_retry_rate_limits`], after `Retry-After` when sent |

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{Error, ErrorClass, ErrorKind};

/// Whether sending an operation twice can change anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationSafety {
    /// Reads, and sandbox helpers: safe to send again.
    Idempotent,
    /// Writes: a second send may act twice.
    StateChanging,
}

/// What the spec pipeline says of `operation`. Operations it does not list as idempotent
/// (including ones it does not know) are treated as state-changing, the safe assumption.
pub fn operation_safety(operation: &str) -> OperationSafety {
    crate::generated::OPERATION_SAFETY
        .iter()
        .find(|(op, _)| *op == operation)
        .map_or(OperationSafety::StateChanging, |(_, safety)| *safety)
}

/// Why a failed call is, or is not, sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The connection was never made (refused, or the connect timed out): Plaid cannot have
    /// seen the request, so even a write is safe to send again.
    NeverSent,
    /// A failure that can pass: the connection broke, a time limit ran out, a 5xx, or Plaid's
    /// `INTERNAL_SERVER_ERROR` / `PLANNED_MAINTENANCE`.
    Transient,
    /// HTTP 429 or Plaid's `RATE_LIMIT_EXCEEDED`.
    RateLimited,
    /// A failure that sending again repeats: another 4xx, a reply that does not decode, a
    /// redirect, a body over the limit, a request refused before sending.
    Permanent,
    /// Transient, but the operation changes state and the policy does not repeat writes.
    StateChanging,
    /// The policy's attempts are used up.
    AttemptsExhausted,
    /// The wait would end after the overall timeout.
    PastDeadline,
    /// A refining classifier's own reason.
    Custom(&'static str),
}

impl RetryReason {
    /// What the error alone says ([`Error::class`]): [`NeverSent`](Self::NeverSent),
    /// [`Transient`](Self::Transient), [`RateLimited`](Self::RateLimited) or
    /// [`Permanent`](Self::Permanent).
    pub fn of(error: &Error) -> Self {
        error.class().into()
    }
}

impl From<ErrorClass> for RetryReason {
    fn from(class: ErrorClass) -> Self {
        match class {
            ErrorClass::NeverSent => Self::NeverSent,
            ErrorClass::Transient => Self::Transient,
            ErrorClass::RateLimited => Self::RateLimited,
            ErrorClass::Permanent => Self::Permanent,
        }
    }
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NeverSent => "never sent",
            Self::Transient => "transient",
            Self::RateLimited => "rate limited",
            Self::Permanent => "permanent",
            Self::StateChanging => "not safe to repeat",
            Self::AttemptsExhausted => "attempts exhausted",
            Self::PastDeadline => "past the overall timeout",
            Self::Custom(reason) => reason,
        })
    }
}

/// A retry decision: send again (after a wait) or not, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAction {
    /// Return the error.
    NoRetry {
        /// Why not.
        reason: RetryReason,
    },
    /// Send again.
    Retry {
        /// Why.
        reason: RetryReason,
        /// How long to wait first; `None` leaves it to the policy's jittered backoff. In the
        /// final decision it is always set: the wait the transport sleeps.
        after: Option<Duration>,
    },
}

impl RetryAction {
    /// Send again after the policy's backoff.
    pub fn retry(reason: RetryReason) -> Self {
        Self::Retry {
            reason,
            after: None,
        }
    }

    /// Return the error.
    pub fn no_retry(reason: RetryReason) -> Self {
        Self::NoRetry { reason }
    }

    /// True for [`RetryAction::Retry`].
    pub fn is_retry(&self) -> bool {
        matches!(self, Self::Retry { .. })
    }

    /// Why.
    pub fn reason(&self) -> RetryReason {
        match *self {
            Self::NoRetry { reason } | Self::Retry { reason, .. } => reason,
        }
    }

    /// The wait before the next send, when retrying and it is set.
    pub fn after(&self) -> Option<Duration> {
        match *self {
            Self::Retry { after, .. } => after,
            Self::NoRetry { .. } => None,
        }
    }
}

/// What a classifier is told of a failed attempt. Built by [`FailedAttempt::new`]; it may
/// gain fields.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FailedAttempt<'a> {
    /// The operation id (`item_get`).
    pub operation: &'a str,
    /// What the spec pipeline says of it ([`operation_safety`]).
    pub safety: OperationSafety,
    /// How the attempt failed.
    pub error: &'a Error,
    /// Sends so far, this one included (1 after the first).
    pub attempt: u32,
}

impl<'a> FailedAttempt<'a> {
    /// The `attempt`-th send of `operation` failed with `error`.
    pub fn new(operation: &'a str, error: &'a Error, attempt: u32) -> Self {
        Self {
            operation,
            safety: operation_safety(operation),
            error,
            attempt,
        }
    }
}

/// A refining classifier: the action so far in, the action to use out.
pub type RetryClassifier =
    Arc<dyn Fn(&FailedAttempt<'_>, RetryAction) -> RetryAction + Send + Sync>;

/// `Retry-After` in seconds, the only form Plaid sends; the one place it is read.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The wait a reply asked for, when it is a rate limit that says.
fn asked_wait(error: &Error) -> Option<Duration> {
    match error.kind() {
        ErrorKind::Status(s) => s.retry_after,
        _ => None,
    }
}

/// Retries with exponential backoff and full jitter, bounded by attempts and the client's
/// overall timeout.
#[derive(Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_rate_limits: bool,
    retry_state_changing: bool,
    classifiers: Vec<RetryClassifier>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("retry_rate_limits", &self.retry_rate_limits)
            .field("retry_state_changing", &self.retry_state_changing)
            .field("classifiers", &self.classifiers.len())
            .finish()
    }
}

impl RetryPolicy {
    /// Up to 3 attempts, waits drawn from 0..200 ms, then 0..400 ms, capped at 5 s.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            retry_rate_limits: false,
            retry_state_changing: false,
            classifiers: Vec::new(),
        }
    }

    /// Every call is sent once.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Total sends, the first one included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait's upper bound, doubled each retry up to `max`.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Also retry HTTP 429, waiting `Retry-After` when Plaid sends it.
    pub fn with_retry_rate_limits(mut self, yes: bool) -> Self {
        self.retry_rate_limits = yes;
        self
    }

    /// Also retry state-changing operations on 5xx and timeouts. Only for callers who make
    /// their writes safe to repeat.
    pub fn with_retry_state_changing(mut self, yes: bool) -> Self {
        self.retry_state_changing = yes;
        self
    }

    /// Total sends, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The first wait's upper bound and the cap, as set by [`with_backoff`](Self::with_backoff).
    pub fn backoff(&self) -> (Duration, Duration) {
        (self.initial_backoff, self.max_backoff)
    }

    /// Whether HTTP 429 is retried.
    pub fn retry_rate_limits(&self) -> bool {
        self.retry_rate_limits
    }

    /// Whether state-changing operations are retried on 5xx and timeouts.
    pub fn retry_state_changing(&self) -> bool {
        self.retry_state_changing
    }

    /// Adds a classifier that refines the decision: it receives the built-in action (or the
    /// previous classifier's) and returns the one to use. Attempts and the overall timeout
    /// still bound whatever it returns.
    ///
    /// ```
    /// use plaid_item::retry::{RetryAction, RetryReason};
    /// use plaid_item::RetryPolicy;
    ///
    /// let policy = RetryPolicy::standard().refine(|failed, action| {
    ///     match failed.error.error_code() {
    ///         Some("PRODUCT_NOT_READY") => RetryAction::retry(RetryReason::Custom("product not ready")),
    ///         _ => action,
    ///     }
    /// });
    /// ```
    pub fn refine(
        mut self,
        classifier: impl Fn(&FailedAttempt<'_>, RetryAction) -> RetryAction + Send + Sync + 'static,
    ) -> Self {
        self.classifiers.push(Arc::new(classifier));
        self
    }

    /// Steps 1 and 2 of the module doc: the built-in action, refined by each classifier.
    pub fn classify(&self, failed: &FailedAttempt<'_>) -> RetryAction {
        let built_in = self.built_in(failed);
        self.classifiers
            .iter()
            .fold(built_in, |action, refine| refine(failed, action))
    }

    fn built_in(&self, failed: &FailedAttempt<'_>) -> RetryAction {
        match RetryReason::of(failed.error) {
            RetryReason::RateLimited if self.retry_rate_limits => RetryAction::Retry {
                reason: RetryReason::RateLimited,
                after: asked_wait(failed.error),
            },
            RetryReason::NeverSent => RetryAction::retry(RetryReason::NeverSent),
            RetryReason::Transient
                if failed.safety == OperationSafety::Idempotent || self.retry_state_changing =>
            {
                RetryAction::retry(RetryReason::Transient)
            }
            RetryReason::Transient => RetryAction::no_retry(RetryReason::StateChanging),
            other => RetryAction::no_retry(other),
        }
    }

    /// The final decision (all three steps): with `remaining` left before the overall
    /// timeout, and `unit` in `[0, 1)` the jitter draw. A `Retry` always has its wait set.
    pub(crate) fn decide(
        &self,
        failed: &FailedAttempt<'_>,
        remaining: Duration,
        unit: f64,
    ) -> RetryAction {
        let action = self.classify(failed);
        let RetryAction::Retry { reason, after } = action else {
            return action;
        };
        if failed.attempt >= self.max_attempts {
            return RetryAction::no_retry(RetryReason::AttemptsExhausted);
        }
        let wait = after.unwrap_or_else(|| self.delay(failed.attempt, unit));
        if wait >= remaining {
            return RetryAction::no_retry(RetryReason::PastDeadline);
        }
        RetryAction::Retry {
            reason,
            after: Some(wait),
        }
    }

    /// The wait before send number `attempt + 1`: full jitter, `unit` drawn from `[0, 1)`.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        // `clamp` passes NaN through and `mul_f64` panics on it: a NaN draw waits nothing.
        let unit = if unit.is_nan() {
            0.0
        } else {
            unit.clamp(0.0, 1.0)
        };
        ceiling.mul_f64(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ConnectionError, StatusError, TimeoutError, TimeoutKind};

    #[test]
    fn the_table_marks_reads_and_sandbox_idempotent_and_everything_else_not() {
        for op in [
            "item_get",
            "item_activity_list",
            "item_application_list",
            "sandbox_item_reset_login",
        ] {
            assert_eq!(operation_safety(op), OperationSafety::Idempotent, "{op}");
        }
        for op in [
            "item_remove",
            "item_public_token_exchange",
            "item_import",
            "item_products_terminate",
        ] {
            assert_eq!(operation_safety(op), OperationSafety::StateChanging, "{op}");
        }
    }

    /// The backticked operation ids in the module doc's table row starting with `row`.
    fn doc_row(row: &str) -> Vec<String> {
        let source = include_str!("retry.rs");
        let line = source
            .lines()
            .find(|l| l.starts_with(&format!("//! | {row}")))
            .expect("the row is in the module doc");
        let cell = line.split('|').nth(1).unwrap();
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_doc_table_is_the_spec_pipelines_data() {
        let table = crate::generated::OPERATION_SAFETY;
        let of = |safety: OperationSafety| -> Vec<String> {
            table
                .iter()
                .filter(|(_, s)| *s == safety)
                .map(|(op, _)| op.to_string())
                .collect()
        };
        assert_eq!(doc_row("read-only"), of(OperationSafety::Idempotent));
        assert_eq!(
            doc_row("everything else"),
            of(OperationSafety::StateChanging)
        );
        assert_eq!(table.len(), 15, "one row per operation");
    }

    /// The README's shorter table names the same idempotent operations (`sandbox_*` standing
    /// for every sandbox helper).
    #[test]
    fn the_readme_table_names_every_idempotent_operation() {
        let readme = include_str!("../README.md");
        let line = readme
            .lines()
            .find(|l| l.starts_with("| `item_get`"))
            .expect("the README's retry table");
        let named: Vec<&str> = line
            .split('|')
            .nth(1)
            .unwrap()
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        let covers = |op: &str| {
            named
                .iter()
                .any(|n| *n == op || n.strip_suffix('*').is_some_and(|p| op.starts_with(p)))
        };
        for (op, safety) in crate::generated::OPERATION_SAFETY {
            let idempotent = *safety == OperationSafety::Idempotent;
            assert_eq!(covers(op), idempotent, "{op} in the README's retry table");
        }
    }

    #[test]
    fn backoff_doubles_within_its_cap_and_jitter_stays_in_bounds() {
        let p = RetryPolicy::standard()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        assert_eq!(p.delay(1, 1.0), Duration::from_millis(100));
        assert_eq!(p.delay(2, 1.0), Duration::from_millis(200));
        assert_eq!(p.delay(3, 1.0), Duration::from_millis(350));
        assert_eq!(p.delay(40, 1.0), Duration::from_millis(350));
        assert_eq!(p.delay(2, 0.0), Duration::ZERO);
        assert_eq!(p.delay(2, 0.5), Duration::from_millis(100));
        assert_eq!(
            p.delay(2, f64::NAN),
            Duration::ZERO,
            "a NaN draw must not panic"
        );
        assert_eq!(p.delay(2, f64::INFINITY), Duration::from_millis(200));
    }

    fn status_with(code: u16, plaid_code: Option<&str>, retry_after: Option<u64>) -> Error {
        let plaid = plaid_code.map(|c| {
            serde_json::from_value(serde_json::json!({"error_type": "API_ERROR",
                "error_code": c, "error_message": "m", "display_message": null}))
            .unwrap()
        });
        Error::new(ErrorKind::Status(StatusError {
            status: reqwest::StatusCode::from_u16(code).unwrap(),
            plaid,
            request_id: None,
            retry_after: retry_after.map(Duration::from_secs),
            body: Default::default(),
        }))
    }

    fn status(code: u16) -> Error {
        status_with(code, None, None)
    }

    fn timeout(kind: TimeoutKind) -> Error {
        Error::new(ErrorKind::Timeout(TimeoutError {
            kind,
            status: None,
            request_id: None,
        }))
    }

    /// A real reqwest connect failure (to a port just closed), as `connect` or as a
    /// connection that broke after it was made.
    async fn connection(connect: bool) -> Error {
        // reqwest is built without a default rustls provider; this test must not depend on
        // another one having installed it.
        crate::tls::install_default_provider();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let source = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert!(source.is_connect(), "{source:?}");
        Error::new(ErrorKind::Connection(ConnectionError {
            never_connected: connect,
            unprocessed: false,
            status: None,
            request_id: None,
            source,
        }))
    }

    const LOTS: Duration = Duration::from_secs(60);

    /// The final decision after the first send, with a mid-range jitter draw.
    fn decide(policy: &RetryPolicy, op: &str, error: &Error) -> RetryAction {
        policy.decide(&FailedAttempt::new(op, error, 1), LOTS, 0.5)
    }

    fn retried(reason: RetryReason) -> RetryAction {
        RetryAction::Retry {
            reason,
            after: Some(Duration::from_millis(100)), // 0.5 of the first 200 ms ceiling
        }
    }

    #[tokio::test]
    async fn row_read_only_retries_every_transient_failure() {
        let p = RetryPolicy::standard();
        for op in ["item_get", "sandbox_item_reset_login"] {
            assert_eq!(
                decide(&p, op, &connection(true).await),
                retried(RetryReason::NeverSent)
            );
            for transient in [
                connection(false).await,
                timeout(TimeoutKind::Attempt),
                status(500),
                status(503),
                status_with(400, Some("INTERNAL_SERVER_ERROR"), None),
                status_with(400, Some("PLANNED_MAINTENANCE"), None),
            ] {
                assert_eq!(
                    decide(&p, op, &transient),
                    retried(RetryReason::Transient),
                    "{op}: {transient}"
                );
                assert!(transient.is_retryable(), "{transient}");
            }
            for permanent in [
                status(400),
                status_with(400, Some("ITEM_LOGIN_REQUIRED"), None),
                status(404),
            ] {
                assert_eq!(
                    decide(&p, op, &permanent),
                    RetryAction::no_retry(RetryReason::Permanent)
                );
                assert!(!permanent.is_retryable(), "{permanent}");
            }
        }
    }

    #[tokio::test]
    async fn row_everything_else_retries_only_what_never_reached_plaid() {
        let p = RetryPolicy::standard();
        for op in [
            "item_remove",
            "item_public_token_exchange",
            "a_newer_operation",
        ] {
            assert_eq!(
                decide(&p, op, &connection(true).await),
                retried(RetryReason::NeverSent),
                "{op}"
            );
            assert_eq!(
                decide(&p, op, &timeout(TimeoutKind::Connect)),
                retried(RetryReason::NeverSent),
                "a connect that timed out sent nothing"
            );
            for transient in [
                connection(false).await,
                timeout(TimeoutKind::Attempt),
                status(500),
            ] {
                assert_eq!(
                    decide(&p, op, &transient),
                    RetryAction::no_retry(RetryReason::StateChanging),
                    "{op}: {transient}"
                );
                assert_eq!(
                    decide(&p.clone().with_retry_state_changing(true), op, &transient),
                    retried(RetryReason::Transient),
                    "{op} opted in: {transient}"
                );
            }
            assert_eq!(
                decide(&p.clone().with_retry_state_changing(true), op, &status(400)),
                RetryAction::no_retry(RetryReason::Permanent)
            );
        }
    }

    #[test]
    fn row_429_is_not_retried_unless_enabled_then_after_retry_after() {
        let off = RetryPolicy::standard();
        let on = RetryPolicy::standard().with_retry_rate_limits(true);
        let limited = status_with(429, Some("RATE_LIMIT"), Some(7));
        let unsaid = status(429);
        for op in ["item_get", "item_remove"] {
            for error in [&limited, &unsaid] {
                assert_eq!(
                    decide(&off, op, error),
                    RetryAction::no_retry(RetryReason::RateLimited)
                );
                assert!(!error.is_retryable());
            }
            assert_eq!(
                decide(&on, op, &limited),
                RetryAction::Retry {
                    reason: RetryReason::RateLimited,
                    after: Some(Duration::from_secs(7)),
                },
                "Retry-After's wait, not the backoff's"
            );
            assert_eq!(
                decide(&on, op, &unsaid),
                retried(RetryReason::RateLimited),
                "without Retry-After, the backoff's"
            );
        }
    }

    #[test]
    fn a_retry_after_past_the_deadline_ends_the_call() {
        let on = RetryPolicy::standard().with_retry_rate_limits(true);
        let limited = status_with(429, None, Some(30));
        let failed = FailedAttempt::new("item_get", &limited, 1);
        assert_eq!(
            on.decide(&failed, Duration::from_secs(30), 0.5),
            RetryAction::no_retry(RetryReason::PastDeadline)
        );
        assert!(on.decide(&failed, Duration::from_secs(31), 0.5).is_retry());
        let huge = status_with(429, None, Some(u64::MAX));
        assert_eq!(
            on.decide(&FailedAttempt::new("item_get", &huge, 1), LOTS, 0.5),
            RetryAction::no_retry(RetryReason::PastDeadline),
            "a server's u64::MAX seconds is no panic"
        );
        let backoff = RetryPolicy::standard();
        assert_eq!(
            backoff.decide(
                &FailedAttempt::new("item_get", &status(500), 1),
                Duration::ZERO,
                0.0
            ),
            RetryAction::no_retry(RetryReason::PastDeadline),
            "no time left: not even a zero wait"
        );
    }

    #[test]
    fn attempts_bound_every_retry() {
        let p = RetryPolicy::standard();
        let error = status(500);
        assert!(p
            .decide(&FailedAttempt::new("item_get", &error, 2), LOTS, 0.5)
            .is_retry());
        assert_eq!(
            p.decide(&FailedAttempt::new("item_get", &error, 3), LOTS, 0.5),
            RetryAction::no_retry(RetryReason::AttemptsExhausted)
        );
        assert_eq!(
            decide(&RetryPolicy::disabled(), "item_get", &error),
            RetryAction::no_retry(RetryReason::AttemptsExhausted)
        );
        assert_eq!(
            p.decide(&FailedAttempt::new("item_get", &status(400), 3), LOTS, 0.5),
            RetryAction::no_retry(RetryReason::Permanent),
            "a no keeps its own reason"
        );
    }

    #[test]
    fn a_classifier_can_turn_a_retry_off() {
        let p = RetryPolicy::standard().refine(|failed, action| {
            if failed.operation == "item_get" && failed.error.status().is_some() {
                RetryAction::no_retry(RetryReason::Custom("not today"))
            } else {
                action
            }
        });
        assert_eq!(
            decide(&p, "item_get", &status(500)),
            RetryAction::no_retry(RetryReason::Custom("not today"))
        );
        assert_eq!(
            decide(&p, "item_application_list", &status(500)),
            retried(RetryReason::Transient),
            "what it does not touch keeps the built-in decision"
        );
    }

    #[test]
    fn a_classifier_can_turn_a_retry_on_within_the_bounds() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        let p = RetryPolicy::standard()
            .refine(move |failed, action| {
                record.lock().unwrap().push(action);
                match failed.error.error_code() {
                    Some("PRODUCT_NOT_READY") => {
                        RetryAction::retry(RetryReason::Custom("product not ready"))
                    }
                    _ => action,
                }
            })
            .refine(|_, action| match action {
                RetryAction::Retry {
                    reason: RetryReason::Custom(_),
                    after: None,
                } => RetryAction::Retry {
                    reason: action.reason(),
                    after: Some(Duration::from_secs(2)),
                },
                other => other,
            });
        let not_ready = status_with(400, Some("PRODUCT_NOT_READY"), None);
        assert_eq!(
            decide(&p, "item_remove", &not_ready),
            RetryAction::Retry {
                reason: RetryReason::Custom("product not ready"),
                after: Some(Duration::from_secs(2)),
            },
            "the second classifier refines the first's decision"
        );
        assert_eq!(
            *seen.lock().unwrap(),
            vec![RetryAction::no_retry(RetryReason::Permanent)],
            "the first receives the built-in decision"
        );
        assert_eq!(
            p.decide(&FailedAttempt::new("item_remove", &not_ready, 3), LOTS, 0.5),
            RetryAction::no_retry(RetryReason::AttemptsExhausted)
        );
        assert_eq!(
            p.decide(
                &FailedAttempt::new("item_remove", &not_ready, 1),
                Duration::from_secs(1),
                0.5
            ),
            RetryAction::no_retry(RetryReason::PastDeadline)
        );
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_nothing_else() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        for (value, wait) in [
            (" 3 ", Some(3)),
            ("0", Some(0)),
            ("-1", None),
            ("1.5", None),
            ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        ] {
            headers.insert(RETRY_AFTER, value.parse().unwrap());
            assert_eq!(
                retry_after(&headers),
                wait.map(Duration::from_secs),
                "{value}"
            );
        }
    }
}
