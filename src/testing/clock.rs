//! The fake's clock: real time plus an offset a test moves forward, so expiry rules (a public
//! token lives 30 minutes) can be exercised without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

/// A handle on the fake's clock; clones share it.
#[derive(Clone, Debug, Default)]
pub struct FakeClock {
    offset_ms: Arc<AtomicI64>,
}

impl FakeClock {
    /// The fake's idea of now: the real time plus every `advance` so far.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the fake's time forward (token expiry, webhook `iat`). Real time is untouched.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(ms))
            })
            .ok();
    }
}

/// The fake's clock is also a webhook verifier's clock, so a test that moves the fake's time
/// (the webhooks' `iat`) moves the verifier's with it:
/// `WebhookVerifier::new(fake.client()).with_clock(fake.clock().clone())`. A verifier on the
/// system clock refuses webhooks sent after `advance` as issued in the future.
impl crate::webhooks::Clock for FakeClock {
    fn now(&self) -> SystemTime {
        SystemTime::from(FakeClock::now(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward_by_at_least_that_much() {
        let clock = FakeClock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(31 * 60));
        let after = clock.clone().now();
        assert!(after - before >= chrono::Duration::minutes(31));
    }
}
