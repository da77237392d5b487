//! Every bound the verifier enforces, with the defaults and why they are what they are.

use std::time::Duration;

/// The verifier's limits: a value type configured as [`RetryPolicy`](crate::RetryPolicy) and
/// [`Timeouts`](crate::Timeouts) are, `with_x` to set and `x()` to read:
/// `Limits::default().with_max_body_bytes(64 * 1024)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest `Plaid-Verification` value decoded. Default 8 KiB: Plaid's tokens are about
    /// 300 bytes; anything near the limit is not from Plaid.
    pub(crate) max_token_bytes: usize,
    /// Longest body hashed and parsed. Default 1 MiB: Item webhooks are under 2 KiB.
    pub(crate) max_body_bytes: usize,
    /// Oldest `iat` accepted. Default 5 minutes, as Plaid's verification procedure says.
    pub(crate) max_age: Duration,
    /// How far in the future `iat` may be, for a sender clock slightly ahead of ours.
    /// Default 30 s (NTP-synchronised clocks differ by milliseconds).
    pub(crate) allowed_skew: Duration,
    /// Keys kept. Default 32: Plaid signs with a handful of keys at a time, and only a
    /// key Plaid actually returned enters this cache, so an attacker cannot fill it.
    pub(crate) max_cached_keys: usize,
    /// How long a key is trusted before it is fetched again to learn whether Plaid retired
    /// it (`expired_at`). Default 1 hour. If that refresh fails, the known key stays in use.
    pub(crate) key_ttl: Duration,
    /// `kid`s Plaid said it does not know, kept so asking again costs nothing. Default 256;
    /// when full, the entry closest to expiry is dropped first.
    pub(crate) max_unknown_kids: usize,
    /// How long an unknown `kid` is remembered. Default 5 minutes (the life of a token).
    pub(crate) unknown_kid_ttl: Duration,
    /// Key fetches allowed in a burst (token bucket size). Default 10.
    pub(crate) fetch_burst: u32,
    /// Time for the bucket to regain one fetch. Default 6 s: at most 10 fetches a minute
    /// once the burst is spent, however many random `kid`s arrive.
    pub(crate) fetch_refill: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_token_bytes: 8 * 1024,
            max_body_bytes: 1024 * 1024,
            max_age: Duration::from_secs(5 * 60),
            allowed_skew: Duration::from_secs(30),
            max_cached_keys: 32,
            key_ttl: Duration::from_secs(60 * 60),
            max_unknown_kids: 256,
            unknown_kid_ttl: Duration::from_secs(5 * 60),
            fetch_burst: 10,
            fetch_refill: Duration::from_secs(6),
        }
    }
}

impl Limits {
    /// Longest `Plaid-Verification` value decoded. Default 8 KiB: Plaid's tokens are about
    /// 300 bytes; anything near the limit is not from Plaid.
    pub fn max_token_bytes(&self) -> usize {
        self.max_token_bytes
    }

    /// Sets [`max_token_bytes`](Self::max_token_bytes).
    pub fn with_max_token_bytes(mut self, value: usize) -> Self {
        self.max_token_bytes = value;
        self
    }

    /// Longest body hashed and parsed. Default 1 MiB: Item webhooks are under 2 KiB.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Sets [`max_body_bytes`](Self::max_body_bytes).
    pub fn with_max_body_bytes(mut self, value: usize) -> Self {
        self.max_body_bytes = value;
        self
    }

    /// Oldest `iat` accepted. Default 5 minutes, as Plaid's verification procedure says.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// Sets [`max_age`](Self::max_age).
    pub fn with_max_age(mut self, value: Duration) -> Self {
        self.max_age = value;
        self
    }

    /// How far in the future `iat` may be, for a sender clock slightly ahead of ours.
    /// Default 30 s (NTP-synchronised clocks differ by milliseconds).
    pub fn allowed_skew(&self) -> Duration {
        self.allowed_skew
    }

    /// Sets [`allowed_skew`](Self::allowed_skew).
    pub fn with_allowed_skew(mut self, value: Duration) -> Self {
        self.allowed_skew = value;
        self
    }

    /// Keys kept. Default 32: Plaid signs with a handful of keys at a time, and only a
    /// key Plaid actually returned enters this cache, so an attacker cannot fill it.
    pub fn max_cached_keys(&self) -> usize {
        self.max_cached_keys
    }

    /// Sets [`max_cached_keys`](Self::max_cached_keys).
    pub fn with_max_cached_keys(mut self, value: usize) -> Self {
        self.max_cached_keys = value;
        self
    }

    /// How long a key is trusted before it is fetched again to learn whether Plaid retired
    /// it (`expired_at`). Default 1 hour. If that refresh fails, the known key stays in use.
    pub fn key_ttl(&self) -> Duration {
        self.key_ttl
    }

    /// Sets [`key_ttl`](Self::key_ttl).
    pub fn with_key_ttl(mut self, value: Duration) -> Self {
        self.key_ttl = value;
        self
    }

    /// `kid`s Plaid said it does not know, kept so asking again costs nothing. Default 256;
    /// when full, the entry closest to expiry is dropped first.
    pub fn max_unknown_kids(&self) -> usize {
        self.max_unknown_kids
    }

    /// Sets [`max_unknown_kids`](Self::max_unknown_kids).
    pub fn with_max_unknown_kids(mut self, value: usize) -> Self {
        self.max_unknown_kids = value;
        self
    }

    /// How long an unknown `kid` is remembered. Default 5 minutes (the life of a token).
    pub fn unknown_kid_ttl(&self) -> Duration {
        self.unknown_kid_ttl
    }

    /// Sets [`unknown_kid_ttl`](Self::unknown_kid_ttl).
    pub fn with_unknown_kid_ttl(mut self, value: Duration) -> Self {
        self.unknown_kid_ttl = value;
        self
    }

    /// Key fetches allowed in a burst (token bucket size). Default 10.
    pub fn fetch_burst(&self) -> u32 {
        self.fetch_burst
    }

    /// Sets [`fetch_burst`](Self::fetch_burst).
    pub fn with_fetch_burst(mut self, value: u32) -> Self {
        self.fetch_burst = value;
        self
    }

    /// Time for the bucket to regain one fetch. Default 6 s: at most 10 fetches a minute
    /// once the burst is spent, however many random `kid`s arrive.
    pub fn fetch_refill(&self) -> Duration {
        self.fetch_refill
    }

    /// Sets [`fetch_refill`](Self::fetch_refill).
    pub fn with_fetch_refill(mut self, value: Duration) -> Self {
        self.fetch_refill = value;
        self
    }
}
