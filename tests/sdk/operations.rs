//! Every operation: method, path, the three auth headers, the exact JSON body, and the spec's
//! example reply decoding into the typed response.

use plaid_item::types::{self, Products, WebhookType};
use plaid_item::Nullable;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{client, example_response, CLIENT_ID, SECRET};

/// Mounts `path`, answering with the spec's example (or `fallback`), and returns the server.
async fn serve(route: &str, expected_body: &Value, fallback: Value) -> (MockServer, Value) {
    let server = MockServer::start().await;
    let reply = example_response(route).unwrap_or(fallback);
    Mock::given(method("POST"))
        .and(path(route))
        .and(header("PLAID-CLIENT-ID", CLIENT_ID))
        .and(header("PLAID-SECRET", SECRET))
        .and(header("Plaid-Version", "2020-09-14"))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(&reply))
        .expect(1)
        .mount(&server)
        .await;
    (server, reply)
}

/// The one request the server saw, for checks `body_json` cannot express.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

/// The reply re-serialised equals what the server sent: nothing was lost or invented.
fn assert_round_trips<T: serde::Serialize>(typed: &T, sent: &Value) {
    assert_eq!(&serde_json::to_value(typed).unwrap(), sent);
}

#[tokio::test]
async fn item_get() {
    let body = json!({"access_token": "access-sandbox-1"});
    let (server, reply) = serve("/item/get", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_get()
        .body(types::ItemGetRequest::builder().access_token("access-sandbox-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.item.item_id,
        "Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr"
    );
    assert_eq!(
        response.item.available_products,
        vec![Products::Balance, Products::Auth]
    );
    assert!(response.item.error.is_none());
    assert_eq!(response.request_id(), Some("m8MDnv9okwxFNBV"));
    assert_eq!(response.status(), 200);
    let status = response.status.as_ref().expect("the example has a status");
    assert!(status.transactions.is_some());
    let sent = only_request(&server).await;
    assert!(
        sent.headers.get("api-version").is_none(),
        "progenitor's api-version header is not sent"
    );
    // The example sends `error: null`; our model writes a `None` back the same way.
    assert_round_trips(&response.into_inner(), &reply);
}

#[tokio::test]
async fn item_remove() {
    let body = json!({"access_token": "access-sandbox-2"});
    let (server, _) = serve("/item/remove", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_remove()
        .body(types::ItemRemoveRequest::builder().access_token("access-sandbox-2"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.request_id, "m8MDnv9okwxFNBV");
}

#[tokio::test]
async fn item_activity_list() {
    let body = json!({"access_token": "access-sandbox-3", "count": 10, "cursor": "c1"});
    let (server, reply) = serve("/item/activity/list", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_activity_list()
        .body(
            types::ItemActivityListRequest::builder()
                .access_token(Some("access-sandbox-3"))
                .count(Some(std::num::NonZeroU64::new(10).unwrap()))
                .cursor(Some("c1".to_string())),
        )
        .send()
        .await
        .unwrap();
    assert!(response.activities.is_empty());
    assert_round_trips(&response.into_inner(), &reply);
}

#[tokio::test]
async fn item_application_list() {
    let body = json!({"access_token": "access-sandbox-4"});
    let fallback = json!({
        "request_id": "r-app-list",
        "applications": [{
            "application_id": "app_1", "name": "Budget App", "display_name": null,
            "logo_url": null, "application_url": "https://budget.example", "reason_for_access": null,
            "created_at": "2020-01-01T00:00:00Z",
            "scopes": {"product_access": {"statements": true}, "accounts": [{"unique_id": "acc_1", "authorized": true}], "new_accounts": false}
        }]
    });
    let (server, _) = serve("/item/application/list", &body, fallback).await;
    let response = client(&server.uri())
        .item_application_list()
        .body(types::ItemApplicationListRequest::builder().access_token(Some("access-sandbox-4")))
        .send()
        .await
        .unwrap();
    let app = &response.applications[0];
    assert_eq!(app.application_id, "app_1");
    let scopes = app.scopes.as_ref().unwrap();
    assert_eq!(scopes.accounts[0].unique_id, "acc_1");
    assert_eq!(scopes.new_accounts, Nullable::Value(false));
}

#[tokio::test]
async fn item_application_unlink() {
    let body = json!({"access_token": "access-sandbox-5", "application_id": "app_1"});
    let (server, _) = serve("/item/application/unlink", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_application_unlink()
        .body(
            types::ItemApplicationUnlinkRequest::builder()
                .access_token("access-sandbox-5")
                .application_id("app_1"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.request_id, "m8MDnv9okwxFNBV");
}

#[tokio::test]
async fn item_application_scopes_update() {
    let body = json!({
        "access_token": "access-sandbox-6",
        "application_id": "app_1",
        "context": "PORTAL",
        "scopes": {
            "product_access": {"transactions": false},
            "accounts": [{"unique_id": "acc_1", "authorized": true}],
            "new_accounts": false
        }
    });
    let (server, _) = serve(
        "/item/application/scopes/update",
        &body,
        json!({"request_id": "r-scopes"}),
    )
    .await;
    let response = client(&server.uri())
        .item_application_scopes_update()
        .body(
            types::ItemApplicationScopesUpdateRequest::builder()
                .access_token("access-sandbox-6")
                .application_id("app_1")
                .context(types::ScopesContext::Portal)
                .scopes(
                    types::Scopes::builder()
                        .product_access(types::ProductAccess::builder().transactions(false))
                        .accounts([types::AccountAccess::builder()
                            .unique_id("acc_1")
                            .authorized(true)])
                        .new_accounts(false),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.request_id, "r-scopes");
}

#[tokio::test]
async fn sandbox_item_fire_webhook() {
    let body = json!({"access_token": "access-sandbox-7", "webhook_code": "DEFAULT_UPDATE", "webhook_type": "TRANSACTIONS"});
    let (server, _) = serve("/sandbox/item/fire_webhook", &body, json!(null)).await;
    let response = client(&server.uri())
        .sandbox_item_fire_webhook()
        .body(
            types::SandboxItemFireWebhookRequest::builder()
                .access_token("access-sandbox-7")
                .webhook_code(types::SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate)
                .webhook_type(Some(WebhookType::Transactions)),
        )
        .send()
        .await
        .unwrap();
    assert!(response.webhook_fired);
    assert_eq!(response.request_id(), Some("1vwmF5TBQwiqfwP"));
}

#[tokio::test]
async fn item_webhook_update() {
    let body = json!({"access_token": "access-sandbox-8", "webhook": "https://www.genericwebhookurl.com/webhook"});
    let (server, reply) = serve("/item/webhook/update", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_webhook_update()
        .body(
            types::ItemWebhookUpdateRequest::builder()
                .access_token("access-sandbox-8")
                .webhook(Some(
                    "https://www.genericwebhookurl.com/webhook".to_string(),
                )),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.item.webhook.as_deref(),
        Some("https://www.genericwebhookurl.com/webhook")
    );
    assert_eq!(
        response.item.billed_products,
        vec![Products::Assets, Products::Auth]
    );
    assert_round_trips(&response.into_inner(), &reply);
}

#[tokio::test]
async fn item_access_token_invalidate() {
    let body = json!({"access_token": "access-sandbox-9"});
    let (server, _) = serve("/item/access_token/invalidate", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_access_token_invalidate()
        .body(types::ItemAccessTokenInvalidateRequest::builder().access_token("access-sandbox-9"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.new_access_token.expose_secret(),
        "access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970"
    );
}

#[tokio::test]
async fn sandbox_item_reset_login() {
    let body = json!({"access_token": "access-sandbox-10"});
    let (server, _) = serve("/sandbox/item/reset_login", &body, json!(null)).await;
    let response = client(&server.uri())
        .sandbox_item_reset_login()
        .body(types::SandboxItemResetLoginRequest::builder().access_token("access-sandbox-10"))
        .send()
        .await
        .unwrap();
    assert!(response.reset_login);
}

#[tokio::test]
async fn sandbox_item_set_verification_status() {
    let body = json!({
        "access_token": "access-sandbox-11",
        "account_id": "acc_9",
        "verification_status": "automatically_verified"
    });
    let (server, _) = serve("/sandbox/item/set_verification_status", &body, json!(null)).await;
    let response = client(&server.uri())
        .sandbox_item_set_verification_status()
        .body(
            types::SandboxItemSetVerificationStatusRequest::builder()
                .access_token("access-sandbox-11")
                .account_id("acc_9")
                .verification_status(
                    types::SandboxItemSetVerificationStatusRequestVerificationStatus::AutomaticallyVerified,
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.request_id, "1vwmF5TBQwiqfwP");
}

#[tokio::test]
async fn item_public_token_exchange() {
    let body = json!({"public_token": "public-sandbox-12"});
    let (server, _) = serve("/item/public_token/exchange", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_public_token_exchange()
        .body(types::ItemPublicTokenExchangeRequest::builder().public_token("public-sandbox-12"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.item_id, "M5eVJqLnv3tbzdngLDp9FL5OlDNxlNhlE55op");
    assert!(response
        .access_token
        .expose_secret()
        .starts_with("access-sandbox-de3ce8ef"));
}

#[tokio::test]
async fn item_create_public_token() {
    let body = json!({"access_token": "access-sandbox-13"});
    let (server, _) = serve("/item/public_token/create", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_create_public_token()
        .body(types::ItemPublicTokenCreateRequest::builder().access_token("access-sandbox-13"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.public_token.expose_secret(),
        "public-sandbox-b0e2c4ee-a763-4df5-bfe9-46a46bce993d"
    );
    assert!(response.expiration.is_none());
}

#[tokio::test]
async fn item_import() {
    let body = json!({
        "products": ["auth", "transactions"],
        "user_auth": {"user_id": "user-1", "auth_token": "auth-token-14"},
        "options": {"webhook": "https://example.com/hook"}
    });
    let (server, _) = serve("/item/import", &body, json!(null)).await;
    let response = client(&server.uri())
        .item_import()
        .body(
            types::ItemImportRequest::builder()
                .products(vec![Products::Auth, Products::Transactions])
                .user_auth(
                    types::ItemImportRequestUserAuth::builder()
                        .user_id("user-1")
                        .auth_token("auth-token-14"),
                )
                .options(
                    types::ItemImportRequestOptions::builder()
                        .webhook(Some("https://example.com/hook".to_string())),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.access_token.expose_secret(),
        "access-sandbox-99ace160-3cf7-4e51-a083-403633425815"
    );
}

#[tokio::test]
async fn a_missing_required_field_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server.uri())
        .item_get()
        .body(types::ItemGetRequest::builder())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), plaid_item::ErrorKind::InvalidRequest(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("access_token"), "{err}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn webhook_null_and_absent_are_different_requests() {
    // `webhook: null` removes the Item's webhook; leaving it out changes nothing.
    let removed = json!({"access_token": "access-sandbox-15", "webhook": null});
    let (server, _) = serve("/item/webhook/update", &removed, json!(null)).await;
    client(&server.uri())
        .item_webhook_update()
        .body(
            types::ItemWebhookUpdateRequest::builder()
                .access_token("access-sandbox-15")
                .webhook(Nullable::Null),
        )
        .send()
        .await
        .unwrap();

    let untouched = json!({"access_token": "access-sandbox-15"});
    let (server, _) = serve("/item/webhook/update", &untouched, json!(null)).await;
    client(&server.uri())
        .item_webhook_update()
        .body(types::ItemWebhookUpdateRequest::builder().access_token("access-sandbox-15"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn spec_defaults_are_not_sent_unless_set() {
    // The spec gives `count` a default of 50 and every scope flag a default of true.
    let body = json!({"access_token": "access-sandbox-16"});
    let (server, _) = serve("/item/activity/list", &body, json!(null)).await;
    client(&server.uri())
        .item_activity_list()
        .body(types::ItemActivityListRequest::builder().access_token(Some("access-sandbox-16")))
        .send()
        .await
        .unwrap();
    let scopes: types::Scopes = types::Scopes::builder().try_into().unwrap();
    assert_eq!(serde_json::to_value(&scopes).unwrap(), json!({}));
}

/// The base URL is parsed once per client and each operation's path appended to it; the
/// request must go where formatting `"{base}{path}"` and parsing it would send it.
#[tokio::test]
async fn each_request_goes_to_the_base_url_followed_by_the_operations_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(example_response("/item/get").expect("an example")),
        )
        .mount(&server)
        .await;
    let base = server.uri();
    for (given, expected_path) in [
        (base.clone(), "/item/get"),
        (format!("{base}/plaid"), "/plaid/item/get"),
        (format!("{base}/plaid/"), "/plaid/item/get"), // the builder drops a trailing `/`
        (format!("{base}/a%20b"), "/a%20b/item/get"),
        // A query in the base URL swallows the path, as the formatted string did.
        (format!("{base}/?tenant=7"), "/"),
    ] {
        let client = client(&given);
        let _ = crate::support::item_get(&client).await;
        let requests = server.received_requests().await.unwrap();
        let last = requests.last().expect("a request");
        assert_eq!(last.url.path(), expected_path, "base URL {given}");
        let formatted = url::Url::parse(&format!("{}/item/get", client.base_url())).unwrap();
        assert_eq!(last.url.path(), formatted.path(), "base URL {given}");
        assert_eq!(last.url.query(), formatted.query(), "base URL {given}");
    }
}
