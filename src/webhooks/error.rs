//! Why a webhook was refused.
//!
//! Nothing here holds the `Plaid-Verification` token, the key material or the body: the
//! variants carry fixed reasons, numbers, and at most a short, escaped `alg` or `kid` (values
//! an attacker chose, so they are cut and escaped before they reach a log line).

use std::fmt;
use std::sync::Arc;

/// The longest `alg` or `kid` an error repeats.
const SHOWN_CHARS: usize = 64;

/// Why [`WebhookVerifier`](super::WebhookVerifier) refused a webhook, or why
/// [`ItemWebhook::parse`](super::ItemWebhook::parse) could not read one.
///
/// [`KeyFetch`](Self::KeyFetch) and [`KeyFetchThrottled`](Self::KeyFetchThrottled) (the two
/// for which [`is_retryable`](Self::is_retryable) is true) mean the verifier could not ask
/// Plaid for the key: answer 503 so Plaid sends the webhook again later. Every other variant
/// means "do not trust this request": answer 401 (413 for
/// [`BodyTooLarge`](Self::BodyTooLarge), 400 for a verified [`BadPayload`](Self::BadPayload)),
/// as `examples/webhook_receiver.rs` does.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request has no `Plaid-Verification` header.
    MissingHeader,
    /// The token is longer than the verifier's limit; it was not decoded.
    #[non_exhaustive]
    TokenTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is longer than the verifier's limit; it was not hashed or parsed.
    #[non_exhaustive]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The token is not a compact JWS Plaid would send (the reason is fixed text).
    MalformedToken(&'static str),
    /// The header's `alg` is not `ES256` (`none`, `HS256`, `RS256`...). Refused before any
    /// key is looked up.
    #[non_exhaustive]
    UnsupportedAlgorithm {
        /// The token's `alg`.
        alg: String,
    },
    /// Plaid has no key with this `kid` (remembered for a while, so asking again is cheap).
    #[non_exhaustive]
    UnknownKey {
        /// The token's `kid`.
        kid: String,
    },
    /// The key exists but Plaid has retired it (`expired_at` is set).
    #[non_exhaustive]
    ExpiredKey {
        /// The key's id.
        kid: String,
    },
    /// The key Plaid returned cannot verify ES256 (wrong type or curve, bad coordinates).
    UnusableKey(&'static str),
    /// The signature does not verify with the key.
    BadSignature,
    /// `iat` is older than the allowed age.
    #[non_exhaustive]
    StaleToken {
        /// How old `iat` is.
        age_secs: u64,
        /// The age allowed.
        max_age_secs: u64,
    },
    /// `iat` is further in the future than the allowed clock skew.
    #[non_exhaustive]
    FutureToken {
        /// How far ahead `iat` is.
        ahead_secs: u64,
        /// The skew allowed.
        allowed_skew_secs: u64,
    },
    /// The SHA-256 of the body is not the token's `request_body_sha256`.
    BodyMismatch,
    /// Fetching the key from Plaid failed: the call's error, with its status and request id.
    /// Shared (`Arc`) because every verification waiting on the same fetch gets it.
    KeyFetch(Arc<crate::Error>),
    /// Unknown keys are being asked for faster than the verifier's fetch limit allows; no
    /// request was sent to Plaid.
    KeyFetchThrottled,
    /// The body is not a webhook payload: invalid JSON, no `webhook_type`/`webhook_code`, or a
    /// known code whose payload does not match its schema.
    BadPayload(PayloadError),
}

/// Where a payload failed to parse, without the payload itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayloadError {
    /// The JSON path of the offending field (`error.error_type`), escaped and cut short.
    pub path: String,
    /// What kind of problem it was (fixed text).
    pub reason: &'static str,
}

impl PayloadError {
    pub(crate) fn new(path: &str, reason: &'static str) -> Self {
        Self {
            path: shown(path),
            reason,
        }
    }
}

/// An attacker-chosen string made safe to print: escaped as `crate::escape` escapes every
/// server string, and cut after [`SHOWN_CHARS`].
pub(crate) fn shown(value: &str) -> String {
    crate::escape::text_cut(value, SHOWN_CHARS).to_string()
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader => f.write_str("webhook has no Plaid-Verification header"),
            Self::TokenTooLarge { limit } => {
                write!(f, "Plaid-Verification token is larger than {limit} bytes")
            }
            Self::BodyTooLarge { limit } => write!(f, "webhook body is larger than {limit} bytes"),
            Self::MalformedToken(reason) => {
                write!(f, "malformed Plaid-Verification token: {reason}")
            }
            Self::UnsupportedAlgorithm { alg } => {
                write!(
                    f,
                    "webhook token uses alg \"{alg}\"; only ES256 is accepted"
                )
            }
            Self::UnknownKey { kid } => write!(f, "Plaid has no webhook key with kid \"{kid}\""),
            Self::ExpiredKey { kid } => write!(f, "webhook key \"{kid}\" has expired"),
            Self::UnusableKey(reason) => write!(f, "webhook key cannot verify ES256: {reason}"),
            Self::BadSignature => f.write_str("webhook signature does not verify"),
            Self::StaleToken {
                age_secs,
                max_age_secs,
            } => write!(
                f,
                "webhook token was issued {age_secs} s ago (at most {max_age_secs} s allowed)"
            ),
            Self::FutureToken {
                ahead_secs,
                allowed_skew_secs,
            } => write!(
                f,
                "webhook token is issued {ahead_secs} s in the future (at most \
                 {allowed_skew_secs} s of clock skew allowed)"
            ),
            Self::BodyMismatch => {
                f.write_str("webhook body does not match the token's request_body_sha256")
            }
            Self::KeyFetch(e) => write!(f, "fetching the webhook key failed: {e}"),
            Self::KeyFetchThrottled => f.write_str(
                "too many unknown webhook keys asked for; key fetch skipped (rate limit)",
            ),
            Self::BadPayload(e) => write!(f, "webhook payload at `{}`: {}", e.path, e.reason),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::KeyFetch(e) => Some(&**e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attacker_strings_are_cut_and_escaped() {
        let long = "k".repeat(500);
        let s = shown(&long);
        assert!(s.starts_with(&"k".repeat(SHOWN_CHARS)), "{s}");
        assert!(s.ends_with("...[436 more bytes]"), "{s}");
        assert_eq!(
            shown("a\"b\n\u{1b}[31m\u{202e}"),
            "a\"b\\n\\u{1b}[31m\\u{202e}"
        );
    }
}
