//! Point 3: webhooks POSTed to the Item's URL, signed as Plaid signs them, and readable
//! in-process; `verified.rs` takes them through the crate's verifier.

use std::time::Duration;

use plaid_item::secret::AccessToken;
use plaid_item::testing::{Delivery, FakePlaid, NewItem, SentWebhook};
use plaid_item::types;
use plaid_item::webhooks::{ItemWebhook, WebhookVerifier};
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::code;

pub(crate) async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

/// Waits (bounded) until the receiver has `n` requests.
pub(crate) async fn received(server: &MockServer, n: usize) -> Vec<wiremock::Request> {
    for _ in 0..200 {
        let got = server.received_requests().await.unwrap_or_default();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the receiver did not get {n} webhooks");
}

/// The webhook's delivery outcome once known (the receiver may have the request before the
/// fake has read the reply).
pub(crate) async fn settled(webhook: &SentWebhook) -> Delivery {
    for _ in 0..200 {
        match webhook.delivery() {
            Delivery::Pending => tokio::time::sleep(Duration::from_millis(10)).await,
            done => return done,
        }
    }
    panic!("{webhook:?} was never delivered");
}

/// `sandbox_item_reset_login` on the Item, which the fake must report as done.
pub(crate) async fn reset_login(fake: &FakePlaid, access_token: &AccessToken) {
    let client = fake.client();
    let reply = client.sandbox_item_reset_login().access_token(access_token);
    assert!(reply.send().await.unwrap().reset_login);
}

/// The crate's verifier, fetching keys from the fake as it would from Plaid.
pub(crate) fn verifier(fake: &FakePlaid) -> WebhookVerifier {
    WebhookVerifier::new(fake.client())
}

/// How many times the fake was asked for a webhook key.
pub(crate) fn key_fetches(fake: &FakePlaid) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.operation == Some("webhook_verification_key_get"))
        .count()
}

#[tokio::test]
async fn login_required_and_back_reaches_the_receiver_signed() {
    let hook = receiver().await;
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new().webhook(format!("{}/plaid", hook.uri())));

    reset_login(&fake, &linked.access_token).await;
    let item = client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap();
    let error = item.item.error.as_ref().expect("the Item shows its error");
    assert_eq!(error.error_code, "ITEM_LOGIN_REQUIRED");

    let got = received(&hook, 1).await;
    assert_eq!(got[0].url.path(), "/plaid");
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["webhook_type"], "ITEM");
    assert_eq!(body["webhook_code"], "ERROR");
    assert_eq!(body["item_id"], linked.item_id.as_str());
    assert_eq!(body["environment"], "sandbox");
    assert_eq!(body["error"]["error_code"], "ITEM_LOGIN_REQUIRED");
    assert!(
        body["error"].get("request_id").is_none(),
        "webhook errors carry no request_id"
    );
    let verified = verifier(&fake)
        .verify_headers(&got[0].headers, &got[0].body)
        .await
        .unwrap();
    assert!(matches!(verified, ItemWebhook::Error(_)), "{verified:?}");

    assert!(fake.repair_login(&linked.item_id));
    let got = received(&hook, 2).await;
    let body: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_eq!(body["webhook_code"], "LOGIN_REPAIRED");
    let item = client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(item.item.error, None);
}

#[tokio::test]
async fn webhook_update_acknowledges_to_the_new_url() {
    let old = receiver().await;
    let new = receiver().await;
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new().webhook(old.uri()));
    let new_url = format!("{}/new", new.uri());
    fake.client()
        .item_webhook_update()
        .access_token(linked.access_token.clone())
        .webhook(plaid_item::Nullable::Value(new_url.clone()))
        .send()
        .await
        .unwrap();
    let got = received(&new, 1).await;
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["webhook_code"], "WEBHOOK_UPDATE_ACKNOWLEDGED");
    assert_eq!(body["new_webhook_url"], new_url.as_str());
    assert!(old.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn fire_webhook_sends_each_requested_code() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let verifier = verifier(&fake);
    // No receiver: a non-loopback URL is recorded but never contacted.
    let linked = fake.link_item(
        NewItem::new()
            .webhook("https://example.com/hook")
            .products([types::Products::Transactions, types::Products::Assets]),
    );
    use types::SandboxItemFireWebhookRequestWebhookCode as Code;
    for (code_value, expected_type) in [
        (Code::DefaultUpdate, "TRANSACTIONS"),
        (Code::NewAccountsAvailable, "ITEM"),
        (Code::SyncUpdatesAvailable, "TRANSACTIONS"),
        (Code::Error, "ASSETS"),
        (Code::ProductReady, "ASSETS"),
    ] {
        let fired = client
            .sandbox_item_fire_webhook()
            .access_token(linked.access_token.clone())
            .webhook_code(code_value.clone())
            .send()
            .await
            .unwrap();
        assert!(fired.webhook_fired);
        let last: SentWebhook = fake.webhooks().pop().unwrap();
        assert_eq!(last.webhook_code, code_value.as_str());
        assert_eq!(last.webhook_type, expected_type);
        assert_eq!(last.item_id, linked.item_id);
        assert!(matches!(last.delivery(), Delivery::NotSent(_)), "{last:?}");
        let verified = verifier
            .verify(&last.verification, &last.body)
            .await
            .unwrap();
        assert_eq!(verified.webhook_code(), code_value.as_str());
    }
    let unknown = client
        .sandbox_item_fire_webhook()
        .access_token(linked.access_token.clone())
        .webhook_code(Code::from("NOT_A_CODE"))
        .send()
        .await;
    assert_eq!(code(unknown), "SANDBOX_WEBHOOK_INVALID");
}

/// The endpoint's description: a code whose product the Item lacks is
/// SANDBOX_PRODUCT_NOT_ENABLED, of Plaid's SANDBOX_ERROR type, and nothing is sent.
#[tokio::test]
async fn fire_webhook_needs_the_codes_product() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(
        NewItem::new()
            .webhook("https://example.com/hook")
            .products([types::Products::Auth]),
    );
    use types::SandboxItemFireWebhookRequestWebhookCode as Code;
    for code_value in [
        Code::DefaultUpdate,
        Code::SyncUpdatesAvailable,
        Code::RecurringTransactionsUpdate,
        Code::ProductReady,
        Code::Error,
    ] {
        let error = client
            .sandbox_item_fire_webhook()
            .access_token(linked.access_token.clone())
            .webhook_code(code_value.clone())
            .send()
            .await
            .expect_err("the Item has only auth");
        assert_eq!(
            error.error_code(),
            Some("SANDBOX_PRODUCT_NOT_ENABLED"),
            "{code_value}"
        );
        let plaid = error.plaid_error().unwrap();
        assert_eq!(plaid.error_type.as_str(), "SANDBOX_ERROR");
    }
    assert!(fake.webhooks().is_empty());
    client
        .sandbox_item_fire_webhook()
        .access_token(linked.access_token.clone())
        .webhook_code(Code::AuthDataUpdate)
        .send()
        .await
        .expect("auth is enabled");
    assert_eq!(fake.webhooks().len(), 1);
}

#[tokio::test]
async fn an_item_without_a_webhook_gets_none() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    reset_login(&fake, &linked.access_token).await;
    assert!(fake.webhooks().is_empty());
    let fire = client
        .sandbox_item_fire_webhook()
        .access_token(linked.access_token.clone())
        .webhook_code(types::SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate)
        .send()
        .await;
    assert_eq!(code(fire), "SANDBOX_WEBHOOK_INVALID");
}

#[tokio::test]
async fn an_unknown_key_id_is_refused() {
    let fake = FakePlaid::start().await;
    let reply = reqwest::Client::new()
        .post(format!("{}/webhook_verification_key/get", fake.base_url()))
        .header("PLAID-CLIENT-ID", fake.client_id())
        .header("PLAID-SECRET", fake.secret())
        .header("Plaid-Version", plaid_item::client::plaid_version())
        .json(&json!({"key_id": "someone-elses-key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["error_code"], "INVALID_WEBHOOK_VERIFICATION_KEY_ID");
    assert!(body["request_id"].is_string());
    assert!(!fake.webhook_key_id().is_empty());
}
