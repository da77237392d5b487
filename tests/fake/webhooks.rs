//! Point 3: webhooks POSTed to the Item's URL, signed as Plaid signs them, and readable
//! in-process.

use std::time::Duration;

use plaid_item::secret::AccessToken;
use plaid_item::testing::{Delivery, FakePlaid, NewItem, SentWebhook};
use plaid_item::types;
use plaid_item::webhooks::{ItemWebhook, WebhookError, WebhookVerifier};
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{code, get};

async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

/// Waits (bounded) until the receiver has `n` requests.
async fn received(server: &MockServer, n: usize) -> Vec<wiremock::Request> {
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
async fn settled(webhook: &SentWebhook) -> Delivery {
    for _ in 0..200 {
        match webhook.delivery() {
            Delivery::Pending => tokio::time::sleep(Duration::from_millis(10)).await,
            done => return done,
        }
    }
    panic!("{webhook:?} was never delivered");
}

/// `sandbox_item_reset_login` on the Item, which the fake must report as done.
async fn reset_login(fake: &FakePlaid, access_token: &AccessToken) {
    let client = fake.client();
    let reply = client.sandbox_item_reset_login().access_token(access_token);
    assert!(reply.send().await.unwrap().reset_login);
}

/// The crate's verifier, fetching keys from the fake as it would from Plaid.
fn verifier(fake: &FakePlaid) -> WebhookVerifier {
    WebhookVerifier::new(fake.client())
}

/// How many times the fake was asked for a webhook key.
fn key_fetches(fake: &FakePlaid) -> usize {
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
        .body(get(&linked.access_token))
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
        .body(get(&linked.access_token))
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
        .body(
            types::ItemWebhookUpdateRequest::builder()
                .access_token(linked.access_token.clone())
                .webhook(plaid_item::Nullable::Value(new_url.clone())),
        )
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
    let linked = fake.link_item(NewItem::new().webhook("https://example.com/hook"));
    use types::SandboxItemFireWebhookRequestWebhookCode as Code;
    for (code_value, expected_type) in [
        (Code::DefaultUpdate, "TRANSACTIONS"),
        (Code::NewAccountsAvailable, "ITEM"),
        (Code::SyncUpdatesAvailable, "TRANSACTIONS"),
        (Code::Error, "ITEM"),
    ] {
        let fired = client
            .sandbox_item_fire_webhook()
            .body(
                types::SandboxItemFireWebhookRequest::builder()
                    .access_token(linked.access_token.clone())
                    .webhook_code(code_value.clone()),
            )
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
        .body(
            types::SandboxItemFireWebhookRequest::builder()
                .access_token(linked.access_token.clone())
                .webhook_code(Code::from("NOT_A_CODE")),
        )
        .send()
        .await;
    assert_eq!(code(unknown), "SANDBOX_WEBHOOK_INVALID");
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
        .body(
            types::SandboxItemFireWebhookRequest::builder()
                .access_token(linked.access_token.clone())
                .webhook_code(types::SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate),
        )
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

/// The round trip: the fake POSTs signed webhooks to a receiver on loopback, and the crate's
/// verifier, pointed at the fake, accepts each header and raw body as received.
#[tokio::test]
async fn posted_webhooks_pass_the_crates_verifier_end_to_end() {
    let hook = receiver().await;
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let verifier = verifier(&fake);
    let linked = fake.link_item(NewItem::new());
    let url = format!("{}/plaid", hook.uri());
    let access_token = &linked.access_token;

    client
        .item_webhook_update()
        .body(
            types::ItemWebhookUpdateRequest::builder()
                .access_token(access_token)
                .webhook(plaid_item::Nullable::Value(url.clone())),
        )
        .send()
        .await
        .unwrap();
    let got = received(&hook, 1).await;
    match verifier.verify_headers(&got[0].headers, &got[0].body).await {
        Ok(ItemWebhook::WebhookUpdateAcknowledged(w)) => {
            assert_eq!(
                (w.item_id, w.new_webhook_url),
                (linked.item_id.clone(), url)
            );
        }
        other => panic!("expected WEBHOOK_UPDATE_ACKNOWLEDGED, got {other:?}"),
    }

    reset_login(&fake, access_token).await;
    let got = received(&hook, 2).await;
    match verifier.verify_headers(&got[1].headers, &got[1].body).await {
        Ok(ItemWebhook::Error(w)) => {
            assert_eq!(w.item_id, linked.item_id);
            let error = w.error.expect("ERROR carries the Item's error");
            assert_eq!(error.error_code, "ITEM_LOGIN_REQUIRED");
        }
        other => panic!("expected ERROR, got {other:?}"),
    }

    use types::SandboxItemFireWebhookRequestWebhookCode as Code;
    for code in [Code::NewAccountsAvailable, Code::DefaultUpdate] {
        client
            .sandbox_item_fire_webhook()
            .body(
                types::SandboxItemFireWebhookRequest::builder()
                    .access_token(access_token)
                    .webhook_code(code),
            )
            .send()
            .await
            .unwrap();
    }
    let got = received(&hook, 4).await;
    let mut fired = Vec::new();
    for r in &got[2..] {
        fired.push(verifier.verify_headers(&r.headers, &r.body).await.unwrap());
    }
    // Deliveries run concurrently, so the two fired webhooks may arrive in either order.
    fired.sort_by(|a, b| a.webhook_code().cmp(b.webhook_code()));
    match &fired[..] {
        [ItemWebhook::Other {
            webhook_type,
            webhook_code,
            ..
        }, ItemWebhook::NewAccountsAvailable(w)] => {
            assert_eq!(
                (webhook_type.as_str(), webhook_code.as_str()),
                ("TRANSACTIONS", "DEFAULT_UPDATE")
            );
            assert_eq!(w.item_id.as_deref(), Some(linked.item_id.as_str()));
        }
        other => panic!("expected DEFAULT_UPDATE and NEW_ACCOUNTS_AVAILABLE, got {other:?}"),
    }

    // In-process, the same webhooks verify too, and they are the very bytes that were POSTed.
    let sent = fake.webhooks();
    assert_eq!(sent.len(), 4);
    for webhook in &sent {
        assert!(
            got.iter().any(|r| r.body == webhook.body),
            "{webhook:?} not received"
        );
        assert_eq!(settled(webhook).await, Delivery::Answered(200));
        let verified = verifier
            .verify(&webhook.verification, &webhook.body)
            .await
            .unwrap();
        assert_eq!(verified.webhook_code(), webhook.webhook_code);
    }
    // Eight verifications, one key fetch: the verifier cached the fake's key.
    assert_eq!(key_fetches(&fake), 1);
}

/// What a proxy or attacker between the fake and the receiver might do to a genuine webhook.
#[tokio::test]
async fn a_body_altered_in_transit_is_refused_as_a_mismatch() {
    let hook = receiver().await;
    let fake = FakePlaid::start().await;
    let verifier = verifier(&fake);
    let linked = fake.link_item(NewItem::new().webhook(hook.uri()));
    reset_login(&fake, &linked.access_token).await;
    let got = received(&hook, 1).await;
    let (headers, body) = (&got[0].headers, &got[0].body);

    // Another Item's id, same length, still valid JSON: only the hash can tell.
    let text = String::from_utf8(body.clone()).unwrap();
    let other_id: String = linked.item_id.chars().rev().collect();
    assert_ne!(other_id, linked.item_id);
    let redirected = text.replace(&linked.item_id, &other_id);
    // The same JSON re-serialised (what a framework's JSON extractor hands on).
    let reparsed: Value = serde_json::from_slice(body).unwrap();
    let reserialised = serde_json::to_vec_pretty(&reparsed).unwrap();
    for altered in [redirected.as_bytes(), &reserialised[..]] {
        assert_ne!(altered, &body[..]);
        let err = verifier.verify_headers(headers, altered).await.unwrap_err();
        assert!(matches!(err, WebhookError::BodyMismatch), "{err:?}");
    }
    verifier.verify_headers(headers, body).await.unwrap();
}

/// A sender who signs with its own key (here: another fake's) names a `kid` the fake does
/// not know; the verifier asks once and refuses.
#[tokio::test]
async fn a_webhook_signed_by_another_key_is_refused_as_unknown() {
    let fake = FakePlaid::start().await;
    let impostor = FakePlaid::start().await;
    let linked = impostor.link_item(NewItem::new().webhook("https://example.com/hook"));
    reset_login(&impostor, &linked.access_token).await;
    let forged = impostor.webhooks().pop().unwrap();
    let verifier = verifier(&fake);
    for _ in 0..3 {
        let err = verifier
            .verify(&forged.verification, &forged.body)
            .await
            .unwrap_err();
        assert!(matches!(err, WebhookError::UnknownKey { .. }), "{err:?}");
    }
    assert_eq!(key_fetches(&fake), 1, "the unknown kid is remembered");
}

/// A genuine webhook captured and sent again later is refused once its `iat` is over five
/// minutes old, on the fake's clock given to the verifier.
#[tokio::test]
async fn a_webhook_replayed_after_five_minutes_is_refused_as_stale() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new().webhook("https://example.com/hook"));
    reset_login(&fake, &linked.access_token).await;
    let captured = fake.webhooks().pop().unwrap();
    let verifier = verifier(&fake).with_clock(fake.clock().clone());
    fake.clock().advance(Duration::from_secs(4 * 60));
    verifier
        .verify(&captured.verification, &captured.body)
        .await
        .expect("four minutes old is still fresh");
    fake.clock().advance(Duration::from_secs(2 * 60));
    let err = verifier
        .verify(&captured.verification, &captured.body)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            WebhookError::StaleToken {
                age_secs: 360..=370,
                ..
            }
        ),
        "{err:?}"
    );
}

/// A test that moves the fake's time (to expire a public token, say) moves the webhooks'
/// `iat` with it: a verifier on the system clock sees them as issued in the future, one on
/// the fake's clock accepts them.
#[tokio::test]
async fn after_the_fakes_clock_moves_webhooks_verify_on_the_fakes_clock() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new().webhook("https://example.com/hook"));
    fake.clock().advance(Duration::from_secs(31 * 60));
    reset_login(&fake, &linked.access_token).await;
    let sent = fake.webhooks().pop().unwrap();
    let err = verifier(&fake)
        .verify(&sent.verification, &sent.body)
        .await
        .unwrap_err();
    assert!(matches!(err, WebhookError::FutureToken { .. }), "{err:?}");
    let on_fake_time = verifier(&fake).with_clock(fake.clock().clone());
    let verified = on_fake_time.verify(&sent.verification, &sent.body).await;
    assert!(
        matches!(verified, Ok(ItemWebhook::Error(_))),
        "{verified:?}"
    );
}
