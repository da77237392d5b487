//! All 15 operations (Plaid's 14 and the supplement's webhook key one) through the SDK, with the values a real integration sends: every required
//! field and the optional ones people set.

use plaid_item::secret::{AccessToken, PublicToken};
use plaid_item::types::{
    self, Products, SandboxItemFireWebhookRequestWebhookCode as WebhookCode,
    SandboxItemSetVerificationStatusRequestVerificationStatus as VerificationStatus, ScopesContext,
    WebhookType,
};
use plaid_item::{Client, Error, Response};
use reqwest::StatusCode;

const ACCESS_TOKEN: &str = "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6";
const PUBLIC_TOKEN: &str = "public-sandbox-b0e2c4ee-a763-4df5-bfe9-46a46bce993d";
const APPLICATION_ID: &str = "5f5b9d2c0a5b6b0012c5a3e1";
const ACCOUNT_ID: &str = "BxBXxLj1m4HMXBm9WZZmCWVbPjX16EHwv99vp";
const WEBHOOK: &str = "https://www.example.com/plaid/webhook";

/// What one call came back with.
pub struct Call {
    pub operation: &'static str,
    pub outcome: Result<Reply, Error>,
}

/// A reply that decoded into its typed response.
pub struct Reply {
    pub status: StatusCode,
    /// Prism's `sl-violations` header: what it found wrong with the request or its own reply.
    pub violations: Option<String>,
}

fn call<T>(operation: &'static str, result: Result<Response<T>, Error>) -> Call {
    let outcome = result.map(|response| Reply {
        status: response.status(),
        violations: response
            .headers()
            .get("sl-violations")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    });
    Call { operation, outcome }
}

fn token() -> AccessToken {
    AccessToken::from(ACCESS_TOKEN)
}

/// Calls every operation once, in the spec's path order.
pub async fn every_operation(client: &Client) -> Vec<Call> {
    let mut calls = Vec::with_capacity(15);

    let body = types::ItemAccessTokenInvalidateRequest::builder().access_token(token());
    let result = client
        .item_access_token_invalidate()
        .body(body)
        .send()
        .await;
    calls.push(call("item_access_token_invalidate", result));

    let body = types::ItemActivityListRequest::builder()
        .access_token(token())
        .count(std::num::NonZeroU64::new(25).unwrap())
        .cursor("eyJsYXN0X2lkIjoiYWN0XzEyMyJ9".to_string());
    let result = client.item_activity_list().body(body).send().await;
    calls.push(call("item_activity_list", result));

    let body = types::ItemApplicationListRequest::builder().access_token(token());
    let result = client.item_application_list().body(body).send().await;
    calls.push(call("item_application_list", result));

    let body = types::ItemApplicationScopesUpdateRequest::builder()
        .access_token(token())
        .application_id(APPLICATION_ID)
        .context(ScopesContext::Enrollment)
        .state("oauth-state-3f1c".to_string())
        .scopes(scopes());
    let result = client
        .item_application_scopes_update()
        .body(body)
        .send()
        .await;
    calls.push(call("item_application_scopes_update", result));

    let body = types::ItemApplicationUnlinkRequest::builder()
        .access_token(token())
        .application_id(APPLICATION_ID);
    let result = client.item_application_unlink().body(body).send().await;
    calls.push(call("item_application_unlink", result));

    let body = types::ItemGetRequest::builder().access_token(token());
    calls.push(call("item_get", client.item_get().body(body).send().await));

    let body = types::ItemImportRequest::builder()
        .products(vec![Products::Auth, Products::Transactions])
        .user_auth(
            types::ItemImportRequestUserAuth::builder()
                .user_id("user-7c2a91")
                .auth_token("exchange-auth-token-5d8e"),
        )
        .options(
            types::ItemImportRequestOptions::try_from(
                types::ItemImportRequestOptions::builder().webhook(WEBHOOK.to_string()),
            )
            .unwrap(),
        );
    calls.push(call(
        "item_import",
        client.item_import().body(body).send().await,
    ));

    let body = types::ItemPublicTokenCreateRequest::builder().access_token(token());
    let result = client.item_create_public_token().body(body).send().await;
    calls.push(call("item_create_public_token", result));

    let body = types::ItemPublicTokenExchangeRequest::builder()
        .public_token(PublicToken::from(PUBLIC_TOKEN));
    let result = client.item_public_token_exchange().body(body).send().await;
    calls.push(call("item_public_token_exchange", result));

    let body = types::ItemRemoveRequest::builder().access_token(token());
    calls.push(call(
        "item_remove",
        client.item_remove().body(body).send().await,
    ));

    let body = types::ItemWebhookUpdateRequest::builder()
        .access_token(token())
        .webhook(WEBHOOK.to_string());
    let result = client.item_webhook_update().body(body).send().await;
    calls.push(call("item_webhook_update", result));

    let body = types::SandboxItemFireWebhookRequest::builder()
        .access_token(token())
        .webhook_type(WebhookType::Transactions)
        .webhook_code(WebhookCode::DefaultUpdate);
    let result = client.sandbox_item_fire_webhook().body(body).send().await;
    calls.push(call("sandbox_item_fire_webhook", result));

    let body = types::SandboxItemResetLoginRequest::builder().access_token(token());
    let result = client.sandbox_item_reset_login().body(body).send().await;
    calls.push(call("sandbox_item_reset_login", result));

    let body = types::SandboxItemSetVerificationStatusRequest::builder()
        .access_token(token())
        .account_id(ACCOUNT_ID)
        .verification_status(VerificationStatus::AutomaticallyVerified);
    let result = client
        .sandbox_item_set_verification_status()
        .body(body)
        .send()
        .await;
    calls.push(call("sandbox_item_set_verification_status", result));

    // From the supplement's `paths`: the key a webhook verifier fetches.
    let body = types::WebhookVerificationKeyGetRequest::builder()
        .key_id("bfbd5111-8e33-4643-8ced-b2e642a72f3c");
    let result = client
        .webhook_verification_key_get()
        .body(body)
        .send()
        .await;
    calls.push(call("webhook_verification_key_get", result));

    calls
}

/// Share one account with transactions but not statements, and no accounts opened later.
fn scopes() -> types::Scopes {
    let account = types::AccountAccess::builder()
        .unique_id(ACCOUNT_ID)
        .authorized(true)
        .account_product_access(
            types::AccountProductAccess::try_from(
                types::AccountProductAccess::builder()
                    .account_data(true)
                    .statements(false)
                    .tax_documents(false),
            )
            .unwrap(),
        );
    let products = types::ProductAccess::builder()
        .transactions(true)
        .auth(true)
        .identity(false)
        .statements(false);
    types::Scopes::builder()
        .accounts(vec![types::AccountAccess::try_from(account).unwrap()])
        .new_accounts(false)
        .product_access(types::ProductAccess::try_from(products).unwrap())
        .try_into()
        .unwrap()
}
