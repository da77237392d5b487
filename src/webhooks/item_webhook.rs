//! The Item webhooks as one enum, and reading them from a body.
//!
//! Plaid's spec types `webhook_type` and `webhook_code` as plain strings (the values live only
//! in descriptions), so this dispatch is written by hand; the payload structs themselves are
//! generated from the supplement like every other model (open enums, unknown fields kept).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::error::{PayloadError, WebhookError};
use crate::types::{
    ItemErrorWebhook, ItemLoginRepairedWebhook, NewAccountsAvailableWebhook,
    PendingDisconnectWebhook, PendingExpirationWebhook, UserAccountRevokedWebhook,
    UserPermissionRevokedWebhook, WebhookUpdateAcknowledgedWebhook,
};

/// An Item webhook (`webhook_type: ITEM`), one variant per code, or [`Other`](Self::Other)
/// for any type or code this SDK does not model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ItemWebhook {
    /// `ERROR`: the Item needs the user (usually `ITEM_LOGIN_REQUIRED`: send them to update mode).
    Error(ItemErrorWebhook),
    /// `PENDING_EXPIRATION`: access consent runs out in about 7 days.
    PendingExpiration(PendingExpirationWebhook),
    /// `PENDING_DISCONNECT`: the Item will be disconnected in about 7 days.
    PendingDisconnect(PendingDisconnectWebhook),
    /// `USER_PERMISSION_REVOKED`: the user withdrew access to the Item.
    UserPermissionRevoked(UserPermissionRevokedWebhook),
    /// `USER_ACCOUNT_REVOKED`: the user withdrew access to one account.
    UserAccountRevoked(UserAccountRevokedWebhook),
    /// `WEBHOOK_UPDATE_ACKNOWLEDGED`: the Item's webhook URL changed.
    WebhookUpdateAcknowledged(WebhookUpdateAcknowledgedWebhook),
    /// `LOGIN_REPAIRED`: the Item left `ITEM_LOGIN_REQUIRED` on its own.
    LoginRepaired(ItemLoginRepairedWebhook),
    /// `NEW_ACCOUNTS_AVAILABLE`: the user has accounts they have not shared yet.
    NewAccountsAvailable(NewAccountsAvailableWebhook),
    /// Any other `webhook_type` or `webhook_code` (TRANSACTIONS, a code Plaid added later...),
    /// kept whole.
    Other {
        /// As sent.
        webhook_type: String,
        /// As sent.
        webhook_code: String,
        /// The whole payload as received.
        raw: Value,
    },
}

/// The `webhook_type` of every variant except [`ItemWebhook::Other`].
pub const ITEM: &str = "ITEM";

impl ItemWebhook {
    /// Reads a webhook body WITHOUT verifying it: for tests, and for services behind a proxy
    /// that has already verified the `Plaid-Verification` header. Anyone can send a body; use
    /// [`WebhookVerifier::verify`](super::WebhookVerifier::verify) otherwise.
    pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let raw: Value = serde_json::from_slice(body)
            .map_err(|_| WebhookError::BadPayload(PayloadError::new("", "not valid JSON")))?;
        Self::from_value(raw)
    }

    /// Like [`parse`](Self::parse), from JSON already read.
    pub fn from_value(raw: Value) -> Result<Self, WebhookError> {
        let field = |name: &'static str| -> Result<String, WebhookError> {
            match raw.get(name) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(WebhookError::BadPayload(PayloadError::new(
                    name,
                    "expected a string",
                ))),
                None if raw.is_object() => Err(WebhookError::BadPayload(PayloadError::new(
                    name,
                    "missing field",
                ))),
                None => Err(WebhookError::BadPayload(PayloadError::new(
                    "",
                    "expected a JSON object",
                ))),
            }
        };
        let webhook_type = field("webhook_type")?;
        let webhook_code = field("webhook_code")?;
        if webhook_type != ITEM {
            return Ok(Self::Other {
                webhook_type,
                webhook_code,
                raw,
            });
        }
        Ok(match webhook_code.as_str() {
            "ERROR" => Self::Error(typed(raw)?),
            "PENDING_EXPIRATION" => Self::PendingExpiration(typed(raw)?),
            "PENDING_DISCONNECT" => Self::PendingDisconnect(typed(raw)?),
            "USER_PERMISSION_REVOKED" => Self::UserPermissionRevoked(typed(raw)?),
            "USER_ACCOUNT_REVOKED" => Self::UserAccountRevoked(typed(raw)?),
            "WEBHOOK_UPDATE_ACKNOWLEDGED" => Self::WebhookUpdateAcknowledged(typed(raw)?),
            "LOGIN_REPAIRED" => Self::LoginRepaired(typed(raw)?),
            "NEW_ACCOUNTS_AVAILABLE" => Self::NewAccountsAvailable(typed(raw)?),
            _ => Self::Other {
                webhook_type,
                webhook_code,
                raw,
            },
        })
    }

    /// The `webhook_type`: [`ITEM`] for every variant but [`Other`](Self::Other), which keeps
    /// the type as sent (`TRANSACTIONS`, ...).
    pub fn webhook_type(&self) -> &str {
        match self {
            Self::Other { webhook_type, .. } => webhook_type,
            _ => ITEM,
        }
    }

    /// The `webhook_code` (`ERROR`, `LOGIN_REPAIRED`...).
    pub fn webhook_code(&self) -> &str {
        match self {
            Self::Error(w) => &w.webhook_code,
            Self::PendingExpiration(w) => &w.webhook_code,
            Self::PendingDisconnect(w) => &w.webhook_code,
            Self::UserPermissionRevoked(w) => &w.webhook_code,
            Self::UserAccountRevoked(w) => &w.webhook_code,
            Self::WebhookUpdateAcknowledged(w) => &w.webhook_code,
            Self::LoginRepaired(w) => &w.webhook_code,
            Self::NewAccountsAvailable(w) => w.webhook_code.as_deref().unwrap_or_default(),
            Self::Other { webhook_code, .. } => webhook_code,
        }
    }

    /// The `item_id` the webhook is about, when it names one.
    pub fn item_id(&self) -> Option<&str> {
        match self {
            Self::Error(w) => Some(&w.item_id),
            Self::PendingExpiration(w) => Some(&w.item_id),
            Self::PendingDisconnect(w) => Some(&w.item_id),
            Self::UserPermissionRevoked(w) => Some(&w.item_id),
            Self::UserAccountRevoked(w) => Some(&w.item_id),
            Self::WebhookUpdateAcknowledged(w) => Some(&w.item_id),
            Self::LoginRepaired(w) => Some(&w.item_id),
            Self::NewAccountsAvailable(w) => w.item_id.as_deref(),
            Self::Other { raw, .. } => raw.get("item_id").and_then(Value::as_str),
        }
    }

    /// The payload as JSON again (known fields, kept unknown fields, or the raw payload).
    pub fn to_json(&self) -> Value {
        fn json(value: &impl Serialize) -> Value {
            serde_json::to_value(value).unwrap_or(Value::Null)
        }
        match self {
            Self::Error(w) => json(w),
            Self::PendingExpiration(w) => json(w),
            Self::PendingDisconnect(w) => json(w),
            Self::UserPermissionRevoked(w) => json(w),
            Self::UserAccountRevoked(w) => json(w),
            Self::WebhookUpdateAcknowledged(w) => json(w),
            Self::LoginRepaired(w) => json(w),
            Self::NewAccountsAvailable(w) => json(w),
            Self::Other { raw, .. } => raw.clone(),
        }
    }
}

/// The payload as `T`, naming the failing field's path but never its value.
fn typed<T: DeserializeOwned>(raw: Value) -> Result<T, WebhookError> {
    serde_path_to_error::deserialize(raw).map_err(|e| {
        let reason = match e.inner().classify() {
            serde_json::error::Category::Data => "does not match the payload schema",
            _ => "not valid JSON",
        };
        WebhookError::BadPayload(PayloadError::new(&e.path().to_string(), reason))
    })
}
