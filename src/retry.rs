//! When a failed call is sent again, and how long to wait first.
//!
//! Which operations are safe to repeat is data from the spec pipeline: the supplement's
//! `x-plaid-item-idempotent` list (`codegen/supplement.yml`), emitted into the generated code
//! as `OPERATION_SAFETY`; an operation a newer spec adds is state-changing until listed there.
//! The table below is checked against that data by a test.
//!
//! | operations | retried on |
//! |---|---|
//! | read-only and sandbox: `item_activity_list`, `item_application_list`, `item_get`, `sandbox_item_fire_webhook`, `sandbox_item_reset_login`, `sandbox_item_set_verification_status`, `webhook_verification_key_get` | connection failures, timeouts, 5xx, `INTERNAL_SERVER_ERROR`, `PLANNED_MAINTENANCE` |
//! | everything else changes state (`item_access_token_invalidate`, `item_application_scopes_update`, `item_application_unlink`, `item_create_public_token`, `item_import`, `item_public_token_exchange`, `item_remove`, `item_webhook_update`, and any operation a newer spec adds) | only a failed connect, where the request provably never reached Plaid; everything else with [`RetryPolicy::retry_state_changing`] |
//! | any, HTTP 429 | never by default (Plaid's limits are per Item per minute); with [`RetryPolicy::retry_rate_limits`], after `Retry-After` when sent |

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, ErrorKind};

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
    let listed = crate::generated::OPERATION_SAFETY
        .iter()
        .any(|(op, idempotent)| *op == operation && *idempotent);
    if listed {
        OperationSafety::Idempotent
    } else {
        OperationSafety::StateChanging
    }
}

/// A user-supplied decision: `(operation, error, attempt) -> retry?`.
pub type RetryClassifier = Arc<dyn Fn(&str, &Error, u32) -> bool + Send + Sync>;

/// Retries with exponential backoff and full jitter, bounded by attempts and the client's
/// overall timeout.
#[derive(Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_rate_limits: bool,
    retry_state_changing: bool,
    classifier: Option<RetryClassifier>,
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
            .field("custom_classifier", &self.classifier.is_some())
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
            classifier: None,
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
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait's upper bound, doubled each retry up to `max`.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Also retry HTTP 429, waiting `Retry-After` when Plaid sends it.
    pub fn retry_rate_limits(mut self, yes: bool) -> Self {
        self.retry_rate_limits = yes;
        self
    }

    /// Also retry state-changing operations on 5xx and timeouts. Only for callers who make
    /// their writes safe to repeat.
    pub fn retry_state_changing(mut self, yes: bool) -> Self {
        self.retry_state_changing = yes;
        self
    }

    /// Replaces the built-in decision; attempts, backoff and deadlines still apply.
    pub fn classifier(
        mut self,
        decide: impl Fn(&str, &Error, u32) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.classifier = Some(Arc::new(decide));
        self
    }

    /// Whether `error` on the `attempt`-th send of `operation` earns another send.
    pub fn should_retry(&self, operation: &str, error: &Error, attempt: u32) -> bool {
        if attempt >= self.max_attempts {
            return false;
        }
        if let Some(decide) = &self.classifier {
            return decide(operation, error, attempt);
        }
        if error.is_rate_limited() {
            return self.retry_rate_limits;
        }
        let never_reached_server = matches!(
                    error.kind(),
                    ErrorKind::Transport(t) if t.connect
        ) || error.timeout_kind() == Some(crate::TimeoutKind::Connect);
        match operation_safety(operation) {
            OperationSafety::Idempotent => error.is_retryable(),
            OperationSafety::StateChanging => {
                never_reached_server || (self.retry_state_changing && error.is_retryable())
            }
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
    use crate::error::{StatusError, TransportError};

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
        let of = |safe: bool| -> Vec<String> {
            table
                .iter()
                .filter(|(_, s)| *s == safe)
                .map(|(op, _)| op.to_string())
                .collect()
        };
        assert_eq!(doc_row("read-only"), of(true));
        assert_eq!(doc_row("everything else"), of(false));
        assert_eq!(table.len(), 15, "one row per operation");
    }

    #[test]
    fn backoff_doubles_within_its_cap_and_jitter_stays_in_bounds() {
        let p =
            RetryPolicy::standard().backoff(Duration::from_millis(100), Duration::from_millis(350));
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

    fn status(code: u16) -> Error {
        Error::new(ErrorKind::Status(StatusError {
            status: reqwest::StatusCode::from_u16(code).unwrap(),
            plaid: None,
            request_id: None,
            retry_after: None,
            body: Default::default(),
        }))
    }

    #[test]
    fn decisions_follow_the_table() {
        let p = RetryPolicy::standard();
        assert!(p.should_retry("item_get", &status(500), 1));
        assert!(
            !p.should_retry("item_get", &status(500), 3),
            "attempts are bounded"
        );
        assert!(!p.should_retry("item_get", &status(400), 1));
        assert!(!p.should_retry("item_get", &status(429), 1));
        assert!(!p.should_retry("item_remove", &status(500), 1));
        assert!(p
            .clone()
            .retry_state_changing(true)
            .should_retry("item_remove", &status(500), 1));
        assert!(p
            .clone()
            .retry_rate_limits(true)
            .should_retry("item_get", &status(429), 1));
        assert!(!RetryPolicy::disabled().should_retry("item_get", &status(500), 1));
        let custom = RetryPolicy::standard().classifier(|op, _, _| op == "item_remove");
        assert!(custom.should_retry("item_remove", &status(400), 1));
        assert!(!custom.should_retry("item_get", &status(500), 1));
    }

    #[tokio::test]
    async fn a_failed_connect_is_retried_even_for_writes() {
        // Port 9 on loopback: nothing listens, so the connect is refused.
        let err = reqwest::Client::new()
            .get("http://127.0.0.1:9/")
            .send()
            .await
            .unwrap_err();
        let error = Error::new(ErrorKind::Transport(TransportError {
            connect: err.is_connect(),
            status: None,
            request_id: None,
            source: err,
        }));
        assert!(RetryPolicy::standard().should_retry("item_remove", &error, 1));
    }
}
