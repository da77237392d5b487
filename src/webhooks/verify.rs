//! Plaid's webhook verification procedure, in its order, cheapest refusals first.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use ring::digest::{digest, SHA256};
use subtle::ConstantTimeEq;

use super::clock::{unix_secs, Clock, SystemClock};
use super::error::WebhookError;
use super::fetch::fetch_key;
use super::item_webhook::ItemWebhook;
use super::jwt;
use super::keys::KeyCache;
use super::limits::Limits;
use crate::Client;

/// The header Plaid puts the JWT in (header names are case-insensitive).
pub const PLAID_VERIFICATION: &str = "plaid-verification";

/// Verifies webhooks with keys fetched through a [`Client`] and cached. Build one per
/// process and share it (`Arc` or a `static`): the key cache and the fetch limit live in it.
///
/// ```no_run
/// # async fn run(client: plaid_item::Client, headers: reqwest::header::HeaderMap, body: bytes::Bytes) {
/// use plaid_item::webhooks::{ItemWebhook, WebhookVerifier};
///
/// let verifier = WebhookVerifier::new(client);
/// match verifier.verify_headers(&headers, &body).await {
///     Ok(ItemWebhook::Error(w)) => println!("{} needs the user: {:?}", w.item_id, w.error),
///     Ok(other) => println!("{}", other.webhook_code()),
///     Err(e) => eprintln!("refused: {e}"), // answer 401 (503 when e.is_retryable())
/// }
/// # }
/// ```
pub struct WebhookVerifier {
    client: Client,
    limits: Limits,
    clock: Arc<dyn Clock>,
    keys: KeyCache,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("limits", &self.limits)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl WebhookVerifier {
    /// A verifier with the [`Limits::default`] bounds and the system clock. Keys are fetched
    /// with `client`, so its credentials, environment, time limits and retries apply.
    pub fn new(client: Client) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        Self {
            client,
            limits: Limits::default(),
            keys: KeyCache::new(Limits::default(), clock.clone()),
            clock,
        }
    }

    /// Replaces the bounds (and empties the key cache).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self.keys = KeyCache::new(limits, self.clock.clone());
        self
    }

    /// Replaces the clock, for tests (and empties the key cache).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self.keys = KeyCache::new(self.limits, self.clock.clone());
        self
    }

    /// The limits it applies.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Verifies a webhook from its request headers (the `Plaid-Verification` header) and raw
    /// body, exactly as received.
    pub async fn verify_headers(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<ItemWebhook, WebhookError> {
        let mut values = headers.get_all(PLAID_VERIFICATION).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return match headers.contains_key(PLAID_VERIFICATION) {
                true => Err(WebhookError::MalformedToken(
                    "more than one Plaid-Verification header",
                )),
                false => Err(WebhookError::MissingHeader),
            };
        };
        if value.len() > self.limits.max_token_bytes {
            return Err(WebhookError::TokenTooLarge {
                limit: self.limits.max_token_bytes,
            });
        }
        let token = value
            .to_str()
            .map_err(|_| WebhookError::MalformedToken("header is not visible ASCII"))?;
        self.verify(token, body).await
    }

    /// Verifies a webhook: `plaid_verification` is the `Plaid-Verification` header's value,
    /// `body` the raw body exactly as received (hashing re-serialised JSON gives the wrong
    /// answer). Returns the parsed webhook only when every check passes.
    pub async fn verify(
        &self,
        plaid_verification: &str,
        body: &[u8],
    ) -> Result<ItemWebhook, WebhookError> {
        // Sizes first: nothing is decoded, hashed or fetched for an oversized request.
        if plaid_verification.len() > self.limits.max_token_bytes {
            return Err(WebhookError::TokenTooLarge {
                limit: self.limits.max_token_bytes,
            });
        }
        if body.len() > self.limits.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                limit: self.limits.max_body_bytes,
            });
        }
        // The header, unverified: anything but ES256 stops here, before any key lookup.
        let token = jwt::decode(plaid_verification.trim())?;
        let key = self
            .keys
            .get(&token.kid, || fetch_key(&self.client, &token.kid))
            .await?;
        if key.expired_at.is_some() {
            return Err(WebhookError::ExpiredKey {
                kid: super::error::shown(&key.kid),
            });
        }
        token.verify(&key.point)?;
        let claims = token.claims()?;
        self.check_iat(claims.iat)?;
        let actual = crate::hex::lower(digest(&SHA256, body).as_ref());
        // Constant time, as Plaid asks, so timing says nothing about how much of a forged
        // hash matched (the lengths are public: 64 hex digits).
        if !bool::from(
            actual
                .as_bytes()
                .ct_eq(claims.request_body_sha256.as_bytes()),
        ) {
            return Err(WebhookError::BodyMismatch);
        }
        ItemWebhook::parse(body)
    }

    /// Refuses an `iat` older than `max_age` or further ahead than `allowed_skew`.
    fn check_iat(&self, iat: i64) -> Result<(), WebhookError> {
        let now = unix_secs(self.clock.now());
        let age = now.saturating_sub(iat);
        if age > 0 && age.unsigned_abs() > self.limits.max_age.as_secs() {
            return Err(WebhookError::StaleToken {
                age_secs: age.unsigned_abs(),
                max_age_secs: self.limits.max_age.as_secs(),
            });
        }
        if age < 0 && age.unsigned_abs() > self.limits.allowed_skew.as_secs() {
            return Err(WebhookError::FutureToken {
                ahead_secs: age.unsigned_abs(),
                allowed_skew_secs: self.limits.allowed_skew.as_secs(),
            });
        }
        Ok(())
    }
}

impl WebhookError {
    /// Whether the sender should try again later (the key could not be fetched): answer
    /// 5xx. Every other error means the request is not a genuine, fresh Plaid webhook.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::KeyFetch(_) | Self::KeyFetchThrottled)
    }
}
