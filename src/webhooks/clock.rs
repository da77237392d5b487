//! The verifier's notion of "now", injectable so tests can cover the 5-minute rule, clock
//! skew and cache lifetimes without sleeping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of wall-clock time. `iat` is wall-clock time, so this is not `Instant`.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock: what [`WebhookVerifier::new`](super::WebhookVerifier::new) uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Any `Fn() -> SystemTime` is a clock (`|| fixed_time`).
impl<F: Fn() -> SystemTime + Send + Sync> Clock for F {
    fn now(&self) -> SystemTime {
        self()
    }
}

/// Seconds since the Unix epoch (negative before it).
pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// `later - earlier`, or zero when the clock went backwards.
pub(crate) fn elapsed(earlier: SystemTime, later: SystemTime) -> Duration {
    later.duration_since(earlier).unwrap_or_default()
}
