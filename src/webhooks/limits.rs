//! Every bound the verifier enforces, with the defaults and why they are what they are.

use std::time::Duration;

/// The verifier's limits. Start from [`Limits::default`] and change fields:
/// `let mut limits = Limits::default(); limits.max_body_bytes = 64 * 1024;`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest `Plaid-Verification` value decoded. Default 8 KiB: Plaid's tokens are about
    /// 300 bytes; anything near the limit is not from Plaid.
    pub max_token_bytes: usize,
    /// Longest body hashed and parsed. Default 1 MiB: Item webhooks are under 2 KiB.
    pub max_body_bytes: usize,
    /// Oldest `iat` accepted. Default 5 minutes, as Plaid's verification procedure says.
    pub max_age: Duration,
    /// How far in the future `iat` may be, for a sender clock slightly ahead of ours.
    /// Default 30 s (NTP-synchronised clocks differ by milliseconds).
    pub allowed_skew: Duration,
    /// Keys kept. Default 32: Plaid signs with a handful of keys at a time, and only a
    /// key Plaid actually returned enters this cache, so an attacker cannot fill it.
    pub max_cached_keys: usize,
    /// How long a key is trusted before it is fetched again to learn whether Plaid retired
    /// it (`expired_at`). Default 1 hour. If that refresh fails, the known key stays in use.
    pub key_ttl: Duration,
    /// `kid`s Plaid said it does not know, kept so asking again costs nothing. Default 256;
    /// when full, the entry closest to expiry is dropped first.
    pub max_unknown_kids: usize,
    /// How long an unknown `kid` is remembered. Default 5 minutes (the life of a token).
    pub unknown_kid_ttl: Duration,
    /// Key fetches allowed in a burst (token bucket size). Default 10.
    pub fetch_burst: u32,
    /// Time for the bucket to regain one fetch. Default 6 s: at most 10 fetches a minute
    /// once the burst is spent, however many random `kid`s arrive.
    pub fetch_refill: Duration,
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
