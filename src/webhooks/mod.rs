//! Receiving Item webhooks: typed payloads ([`ItemWebhook`]) and verification of the
//! `Plaid-Verification` JWT ([`WebhookVerifier`]) that an attacker cannot get past.
//!
//! Framework-free: give the verifier the header value (or a `HeaderMap`) and the raw body
//! bytes from whatever server you use. See `examples/webhook_receiver.rs`.

mod clock;
mod error;
mod fetch;
mod item_webhook;
mod jwt;
mod keys;
mod limits;
mod verify;

pub use clock::{Clock, SystemClock};
pub use error::{PayloadError, WebhookError};
pub use item_webhook::{ItemWebhook, ITEM};
pub use limits::Limits;
pub use verify::{WebhookVerifier, PLAID_VERIFICATION};

/// The generated payload structs, re-exported next to the enum that carries them.
pub use crate::types::{
    ItemErrorWebhook, ItemLoginRepairedWebhook, NewAccountsAvailableWebhook,
    PendingDisconnectWebhook, PendingDisconnectWebhookReason, PendingExpirationWebhook,
    UserAccountRevokedWebhook, UserPermissionRevokedWebhook, WebhookEnvironmentValues,
    WebhookUpdateAcknowledgedWebhook,
};
