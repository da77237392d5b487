//! Point 3: webhooks POSTed to the Item's URL, signed as Plaid signs them, and readable
//! in-process.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use plaid_item::testing::{Delivery, FakePlaid, NewItem, SentWebhook};
use plaid_item::types;
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
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

/// Checks a webhook the way a receiver must: fetch the key named by the JWT's `kid` from the
/// fake, verify the ES256 signature, and compare the body's SHA-256 with the claim.
async fn verify(fake: &FakePlaid, jwt: &str, body: &[u8]) -> Result<Value, String> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("not a compact JWT".into());
    };
    let decode =
        |p: &str| -> Value { serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap() };
    let header = decode(header);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JWT");
    let key: Value = reqwest::Client::new()
        .post(format!("{}/webhook_verification_key/get", fake.base_url()))
        .header("PLAID-CLIENT-ID", fake.client_id())
        .header("PLAID-SECRET", fake.secret())
        .header("Plaid-Version", plaid_item::client::plaid_version())
        .json(&json!({"key_id": header["kid"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwk = &key["key"];
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    assert_eq!(jwk["expired_at"], Value::Null);
    let mut point = vec![4u8];
    for c in ["x", "y"] {
        point.extend(URL_SAFE_NO_PAD.decode(jwk[c].as_str().unwrap()).unwrap());
    }
    let signed = format!("{}.{}", parts[0], parts[1]);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
        .verify(
            signed.as_bytes(),
            &URL_SAFE_NO_PAD.decode(signature).unwrap(),
        )
        .map_err(|_| "bad signature".to_string())?;
    let claims = decode(claims);
    let digest = ring::digest::digest(&ring::digest::SHA256, body);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    if claims["request_body_sha256"] != hex.as_str() {
        return Err("body hash mismatch".into());
    }
    Ok(claims)
}

#[tokio::test]
async fn login_required_and_back_reaches_the_receiver_signed() {
    let hook = receiver().await;
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new().webhook(format!("{}/plaid", hook.uri())));

    let reset = client
        .sandbox_item_reset_login()
        .body(
            types::SandboxItemResetLoginRequest::builder()
                .access_token(linked.access_token.clone()),
        )
        .send()
        .await
        .unwrap();
    assert!(reset.reset_login);
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
    let jwt = got[0]
        .headers
        .get("plaid-verification")
        .unwrap()
        .to_str()
        .unwrap();
    let claims = verify(&fake, jwt, &got[0].body).await.unwrap();
    let age = fake.clock().now().timestamp() - claims["iat"].as_i64().unwrap();
    assert!((0..60).contains(&age), "iat {age}s old");

    // A receiver must reject the same signature over a changed body.
    let mut tampered = got[0].body.clone();
    tampered.extend_from_slice(b" ");
    assert_eq!(
        verify(&fake, jwt, &tampered).await,
        Err("body hash mismatch".into())
    );

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
        verify(&fake, &last.verification, &last.body).await.unwrap();
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
    client
        .sandbox_item_reset_login()
        .body(
            types::SandboxItemResetLoginRequest::builder()
                .access_token(linked.access_token.clone()),
        )
        .send()
        .await
        .unwrap();
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
