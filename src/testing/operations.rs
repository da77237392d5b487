//! One handler per operation, following Plaid's documented rules. Each decodes the body into
//! the operation's generated request model and answers with its generated response model, so
//! the fake's replies always match what the client decodes.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::types::{self, PlaidErrorType};
use crate::Nullable;

use super::errors::Refusal;
use super::items::{login_required, NewItem, StoredItem};
use super::validation::decode;
use super::webhooks::{item_payload, payload};
use super::Shared;

/// Every path the fake serves and its operation id. `tests/fake` checks this against the
/// paths of the merged spec, so a new operation cannot go unserved.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("/item/get", "item_get"),
    ("/item/remove", "item_remove"),
    ("/item/webhook/update", "item_webhook_update"),
    (
        "/item/access_token/invalidate",
        "item_access_token_invalidate",
    ),
    ("/item/public_token/exchange", "item_public_token_exchange"),
    ("/item/public_token/create", "item_create_public_token"),
    ("/item/import", "item_import"),
    ("/item/activity/list", "item_activity_list"),
    ("/item/application/list", "item_application_list"),
    ("/item/application/unlink", "item_application_unlink"),
    (
        "/item/application/scopes/update",
        "item_application_scopes_update",
    ),
    ("/sandbox/item/fire_webhook", "sandbox_item_fire_webhook"),
    ("/sandbox/item/reset_login", "sandbox_item_reset_login"),
    (
        "/sandbox/item/set_verification_status",
        "sandbox_item_set_verification_status",
    ),
    (
        "/webhook_verification_key/get",
        "webhook_verification_key_get",
    ),
];

/// The operation id of a path, when the fake serves it.
pub(crate) fn operation_of(path: &str) -> Option<&'static str> {
    OPERATIONS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, op)| *op)
}

type Reply = Result<Vec<u8>, Refusal>;

fn reply<T: Serialize>(value: &T) -> Reply {
    serde_json::to_vec(value).map_err(|e| {
        Refusal::new(
            500,
            PlaidErrorType::ApiError,
            "INTERNAL_SERVER_ERROR",
            format!("the fake could not encode its reply: {e}"),
        )
    })
}

/// Runs `operation` on an authenticated request body.
pub(crate) fn handle(
    shared: &Shared,
    operation: &'static str,
    body: Map<String, Value>,
    request_id: &str,
) -> Reply {
    let rid = || request_id.to_string();
    let now = shared.clock.now();
    let mut state = shared.state.lock().unwrap();
    match operation {
        "item_get" => {
            let req: types::ItemGetRequest = decode(body)?;
            let stored = state.by_token(&req.access_token)?;
            reply(&types::ItemGetResponse {
                item: api_item(&stored.item),
                request_id: rid(),
                status: item_status(stored),
                extra: Map::new(),
            })
        }
        "item_remove" => {
            let req: types::ItemRemoveRequest = decode(body)?;
            state.remove(&req.access_token)?;
            reply(&types::ItemRemoveResponse {
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_webhook_update" => {
            let req: types::ItemWebhookUpdateRequest = decode(body)?;
            let stored = state.by_token(&req.access_token)?;
            match req.webhook {
                Nullable::Absent => return Err(Refusal::missing_fields(&["webhook"])),
                Nullable::Null => stored.item.webhook = None,
                Nullable::Value(url) => {
                    check_url(&url)?;
                    stored.item.webhook = Some(url.clone());
                    let body = item_payload(
                        "WEBHOOK_UPDATE_ACKNOWLEDGED",
                        &stored.item.item_id,
                        json!({"error": null, "new_webhook_url": url}),
                    );
                    notify(shared, stored, body);
                }
            }
            reply(&types::ItemWebhookUpdateResponse {
                item: api_item(&stored.item),
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_access_token_invalidate" => {
            let req: types::ItemAccessTokenInvalidateRequest = decode(body)?;
            let new_access_token = state.rotate(&req.access_token)?;
            reply(&types::ItemAccessTokenInvalidateResponse {
                new_access_token,
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_public_token_exchange" => {
            let req: types::ItemPublicTokenExchangeRequest = decode(body)?;
            let (item_id, access_token) = state.exchange(&req.public_token, now)?;
            reply(&types::ItemPublicTokenExchangeResponse {
                access_token,
                item_id,
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_create_public_token" => {
            let req: types::ItemPublicTokenCreateRequest = decode(body)?;
            let item_id = state.by_token(&req.access_token)?.item.item_id.clone();
            let public_token = state.issue_public_token(&item_id, now);
            let expiration = state.public_token_expiry(&public_token);
            reply(&types::ItemPublicTokenCreateResponse {
                expiration,
                public_token,
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_import" => {
            let req: types::ItemImportRequest = decode(body)?;
            if req.products.is_empty() {
                return Err(Refusal::invalid_field(
                    "products must name at least one product",
                ));
            }
            if req.user_auth.user_id.is_empty()
                || req.user_auth.auth_token.expose_secret().is_empty()
            {
                return Err(Refusal::invalid_field(
                    "user_auth.user_id and user_auth.auth_token must not be empty",
                ));
            }
            let mut new = NewItem::new().products(req.products);
            if let Some(url) = req.options.and_then(|o| o.webhook) {
                check_url(&url)?;
                new = new.webhook(url);
            }
            let (item_id, _) = state.insert_item(new);
            let access_token = state.grant_access_token(&item_id);
            reply(&types::ItemImportResponse {
                access_token,
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_activity_list" => {
            let req: types::ItemActivityListRequest = decode(body)?;
            let count = req.count.map_or(50, |c| c.get());
            if count > 50 {
                return Err(Refusal::invalid_field("count must be between 1 and 50"));
            }
            let (mut activities, last_data_access_times) = match &req.access_token {
                Some(token) => {
                    let stored = state.by_token(token)?;
                    (
                        stored.activities.clone(),
                        stored.last_data_access_times.clone(),
                    )
                }
                None => {
                    let mut all = Vec::new();
                    let mut times = Vec::new();
                    for stored in state.items() {
                        all.extend(stored.activities.iter().cloned());
                        times.extend(stored.last_data_access_times.iter().cloned());
                    }
                    all.sort_by(|a, b| a.id.cmp(&b.id));
                    (all, times)
                }
            };
            let start = match &req.cursor {
                None => 0,
                Some(cursor) => parse_cursor(cursor)
                    .filter(|&offset| offset <= activities.len())
                    .ok_or_else(|| {
                        Refusal::invalid_field("cursor is not one this endpoint returned")
                    })?,
            };
            let total = activities.len();
            let end = start.saturating_add(count as usize).min(total);
            let page: Vec<types::Activity> = activities.drain(start..end).collect();
            let cursor = (end < total).then(|| make_cursor(end));
            reply(&types::ItemActivityListResponse {
                activities: page,
                cursor,
                last_data_access_times,
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_application_list" => {
            let req: types::ItemApplicationListRequest = decode(body)?;
            let applications = match &req.access_token {
                Nullable::Value(token) => state.by_token(token)?.applications.clone(),
                _ => state.items().flat_map(|s| s.applications.clone()).collect(),
            };
            reply(&types::ItemApplicationListResponse {
                applications,
                request_id: Some(rid()),
                extra: Map::new(),
            })
        }
        "item_application_unlink" => {
            let req: types::ItemApplicationUnlinkRequest = decode(body)?;
            let stored = state.by_token(&req.access_token)?;
            let before = stored.applications.len();
            stored
                .applications
                .retain(|a| a.application_id != req.application_id);
            if stored.applications.len() == before {
                return Err(unknown_application());
            }
            reply(&types::ItemApplicationUnlinkResponse {
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "item_application_scopes_update" => {
            let req: types::ItemApplicationScopesUpdateRequest = decode(body)?;
            if let types::ScopesContext::Unrecognized(raw) = &req.context {
                return Err(Refusal::invalid_field(format!(
                    "context {:?} is not ENROLLMENT or PORTAL",
                    raw.as_str()
                )));
            }
            // The spec: `state` is "required when context is `ENROLLMENT`".
            if req.context == types::ScopesContext::Enrollment
                && req.state.as_deref().is_none_or(str::is_empty)
            {
                return Err(Refusal::missing_fields(&["state"]));
            }
            let stored = state.by_token(&req.access_token)?;
            let app = stored
                .applications
                .iter_mut()
                .find(|a| a.application_id == req.application_id)
                .ok_or_else(unknown_application)?;
            app.scopes = Some(req.scopes);
            reply(&types::ItemApplicationScopesUpdateResponse {
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "sandbox_item_fire_webhook" => {
            let req: types::SandboxItemFireWebhookRequest = decode(body)?;
            let stored = state.by_token(&req.access_token)?;
            let body = fired_webhook(stored, &req)?;
            if stored.item.webhook.is_none() {
                return Err(sandbox_error(
                    "SANDBOX_WEBHOOK_INVALID",
                    "Webhook for this item is either not set up, or invalid. Please update the \
                     item's webhook and try again.",
                ));
            }
            notify(shared, stored, body);
            reply(&types::SandboxItemFireWebhookResponse {
                request_id: rid(),
                webhook_fired: true,
                extra: Map::new(),
            })
        }
        "sandbox_item_reset_login" => {
            let req: types::SandboxItemResetLoginRequest = decode(body)?;
            let stored = state.by_token(&req.access_token)?;
            let error = login_required();
            stored.item.error = Some(error.clone());
            let body = item_payload(
                "ERROR",
                &stored.item.item_id,
                json!({"error": webhook_error(&error)}),
            );
            notify(shared, stored, body);
            reply(&types::SandboxItemResetLoginResponse {
                request_id: rid(),
                reset_login: true,
                extra: Map::new(),
            })
        }
        "sandbox_item_set_verification_status" => {
            let req: types::SandboxItemSetVerificationStatusRequest = decode(body)?;
            use types::SandboxItemSetVerificationStatusRequestVerificationStatus as Status;
            let code = match &req.verification_status {
                Status::AutomaticallyVerified => "AUTOMATICALLY_VERIFIED",
                Status::VerificationExpired => "VERIFICATION_EXPIRED",
                Status::Unrecognized(raw) => {
                    return Err(Refusal::invalid_field(format!(
                        "verification_status {:?} is not automatically_verified or \
                         verification_expired",
                        raw.as_str()
                    )))
                }
            };
            let stored = state.by_token(&req.access_token)?;
            let account = stored
                .accounts
                .iter_mut()
                .find(|a| a.account_id == req.account_id)
                .ok_or_else(|| {
                    Refusal::new(
                        400,
                        PlaidErrorType::InvalidInput,
                        "INVALID_ACCOUNT_ID",
                        "the account_id is not an account of this Item",
                    )
                })?;
            account.verification_status = Some(req.verification_status.as_str().to_string());
            let body = payload(
                "AUTH",
                code,
                &stored.item.item_id,
                json!({"account_id": req.account_id}),
            );
            notify(shared, stored, body);
            reply(&types::SandboxItemSetVerificationStatusResponse {
                request_id: rid(),
                extra: Map::new(),
            })
        }
        "webhook_verification_key_get" => {
            let req: types::WebhookVerificationKeyGetRequest = decode(body)?;
            let signer = &shared.outbox.signer;
            if req.key_id != signer.kid() {
                return Err(Refusal::new(
                    400,
                    PlaidErrorType::InvalidInput,
                    "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
                    "the key_id is not one of this client's webhook verification keys",
                ));
            }
            reply(&types::WebhookVerificationKeyGetResponse {
                key: signer.jwk(),
                request_id: rid(),
                extra: Map::new(),
            })
        }
        other => Err(Refusal::not_found(other)),
    }
}

/// Sends a webhook for the Item when it has a URL, and remembers it for `item.status`.
pub(crate) fn notify(shared: &Shared, stored: &mut StoredItem, body: Value) {
    let Some(url) = stored.item.webhook.clone() else {
        return;
    };
    let code = body["webhook_code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    shared.outbox.send(&url, body);
    stored.last_webhook = Some((code, shared.clock.now()));
}

/// The Item as an API reply shows it: its `error` without `status`, which Plaid sends only
/// inside webhooks (the spec's description of `PlaidError.status`).
fn api_item(item: &types::Item) -> types::Item {
    let mut item = item.clone();
    if let Some(error) = &mut item.error {
        error.status = None;
    }
    item
}

/// Errors inside webhooks carry no `request_id` (Plaid leaves it out there), and do carry
/// `status`.
pub(crate) fn webhook_error(error: &types::PlaidError) -> Value {
    let mut value = serde_json::to_value(error).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.remove("request_id");
    }
    value
}

fn item_status(stored: &StoredItem) -> Option<types::ItemStatus> {
    let (code, at) = stored.last_webhook.as_ref()?;
    Some(types::ItemStatus {
        investments: None,
        last_webhook: Some(types::ItemStatusLastWebhook {
            code_sent: Some(code.clone()),
            sent_at: Some(*at),
            extra: Map::new(),
        }),
        transactions: None,
        extra: Map::new(),
    })
}

/// The body `/sandbox/item/fire_webhook` sends for the requested code.
fn fired_webhook(
    stored: &StoredItem,
    req: &types::SandboxItemFireWebhookRequest,
) -> Result<Value, Refusal> {
    use types::Products;
    use types::SandboxItemFireWebhookRequestWebhookCode as Code;
    let item_id = &stored.item.item_id;
    // The product each code needs, as the endpoint's description says.
    let needs = match &req.webhook_code {
        Code::DefaultUpdate | Code::SyncUpdatesAvailable | Code::RecurringTransactionsUpdate => {
            Some(Products::Transactions)
        }
        Code::AuthDataUpdate => Some(Products::Auth),
        Code::ProductReady | Code::Error => Some(Products::Assets),
        _ => None,
    };
    if let Some(product) = needs {
        if !stored.item.billed_products.contains(&product) {
            return Err(sandbox_error(
                "SANDBOX_PRODUCT_NOT_ENABLED",
                format!("The {product} product is not enabled on this item"),
            ));
        }
    }
    let (default_type, extra) = match &req.webhook_code {
        Code::DefaultUpdate => (
            "TRANSACTIONS",
            json!({"error": null, "new_transactions": 0}),
        ),
        Code::NewAccountsAvailable => ("ITEM", json!({"error": null})),
        Code::AuthDataUpdate => ("AUTH", json!({"error": null})),
        Code::SmsMicrodepositsVerification => (
            "AUTH",
            json!({"account_id": stored.accounts.first().map(|a| a.account_id.clone()), "status": "MANUALLY_VERIFIED"}),
        ),
        Code::AuthorizationGranted => ("ITEM", json!({"error": null})),
        Code::RecurringTransactionsUpdate => ("TRANSACTIONS", json!({"account_ids": []})),
        Code::SyncUpdatesAvailable => (
            "TRANSACTIONS",
            json!({"initial_update_complete": true, "historical_update_complete": true}),
        ),
        // Assets webhooks: the fake models no Asset Reports, so the body names the Item.
        Code::ProductReady => ("ASSETS", json!({"error": null})),
        Code::Error => {
            let error = stored.item.error.clone().unwrap_or_else(login_required);
            ("ASSETS", json!({"error": webhook_error(&error)}))
        }
        Code::Unrecognized(raw) => {
            return Err(sandbox_error(
                "SANDBOX_WEBHOOK_INVALID",
                format!("webhook_code {:?} cannot be fired", raw.as_str()),
            ))
        }
    };
    let webhook_type = match &req.webhook_type {
        None => default_type.to_string(),
        Some(types::WebhookType::Unrecognized(raw)) => {
            return Err(Refusal::invalid_field(format!(
                "webhook_type {:?} is not a webhook type",
                raw.as_str()
            )))
        }
        Some(t) => t.as_str().to_string(),
    };
    Ok(payload(
        &webhook_type,
        req.webhook_code.as_str(),
        item_id,
        extra,
    ))
}

/// Plaid's `SANDBOX_ERROR` type, which this spec's `PlaidErrorType` does not list.
fn sandbox_error(code: &str, message: impl Into<String>) -> Refusal {
    Refusal::new(400, PlaidErrorType::from("SANDBOX_ERROR"), code, message)
}

fn check_url(url: &str) -> Result<(), Refusal> {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        _ => Err(Refusal::invalid_field("webhook must be an http(s) URL")),
    }
}

fn unknown_application() -> Refusal {
    Refusal::new(
        400,
        PlaidErrorType::InvalidInput,
        "INVALID_FIELD",
        "application_id is not an application connected to this Item",
    )
}

const CURSOR_PREFIX: &str = "fake-cursor-";

fn make_cursor(offset: usize) -> String {
    format!("{CURSOR_PREFIX}{offset}")
}

fn parse_cursor(cursor: &str) -> Option<usize> {
    cursor.strip_prefix(CURSOR_PREFIX)?.parse().ok()
}
