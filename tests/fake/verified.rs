//! The round trip through the crate's verifier: the fake's webhooks, POSTed or read
//! in-process, pass `WebhookVerifier` pointed at the fake, and what an attacker does to them
//! on the way does not.

use std::time::Duration;

use plaid_item::testing::{Delivery, FakePlaid, NewItem};
use plaid_item::types;
use plaid_item::webhooks::{ItemWebhook, WebhookError};
use serde_json::Value;

use crate::webhooks::{key_fetches, received, receiver, reset_login, settled, verifier};

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
        .access_token(access_token)
        .webhook(plaid_item::Nullable::Value(url.clone()))
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
            .access_token(access_token)
            .webhook_code(code)
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
