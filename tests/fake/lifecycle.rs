//! Every Item rule the fake follows (tokens, webhooks, imports, activity, applications),
//! through the public client.

use std::time::Duration;

use plaid_item::testing::{FakePlaid, NewItem};
use plaid_item::types::{self, Products};

use crate::code;

#[tokio::test]
async fn a_public_token_exchanges_once_and_the_item_reads_back() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let created = fake.create_item(
        NewItem::new()
            .institution("ins_3")
            .products([Products::Auth, Products::Transactions]),
    );
    let exchange = || {
        client
            .item_public_token_exchange()
            .public_token(created.public_token.clone())
    };
    let exchanged = exchange().send().await.unwrap();
    assert_eq!(exchanged.item_id, created.item_id);
    assert!(exchanged.request_id().is_some());
    assert_eq!(code(exchange().send().await), "INVALID_PUBLIC_TOKEN");

    let item = client
        .item_get()
        .access_token(&exchanged.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(item.item.item_id, created.item_id);
    assert_eq!(item.item.institution_id.as_deref(), Some("ins_3"));
    assert_eq!(
        item.item.billed_products,
        vec![Products::Auth, Products::Transactions]
    );
    assert_eq!(item.item.error, None);
}

#[tokio::test]
async fn a_public_token_expires_after_thirty_minutes_on_the_fake_clock() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let late = fake.create_item(NewItem::new());
    let in_time = fake.create_item(NewItem::new());
    fake.clock().advance(Duration::from_secs(29 * 60));
    let exchange = |token| {
        client
            .item_public_token_exchange()
            .public_token(token)
            .send()
    };
    assert!(exchange(in_time.public_token).await.is_ok());
    fake.clock().advance(Duration::from_secs(60));
    let error = exchange(late.public_token).await.unwrap_err();
    assert_eq!(error.error_code(), Some("INVALID_PUBLIC_TOKEN"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(error
        .plaid_error()
        .unwrap()
        .error_message
        .contains("expired"));
}

#[tokio::test]
async fn rotating_the_access_token_retires_the_old_one() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    let rotated = client
        .item_access_token_invalidate()
        .access_token(linked.access_token.clone())
        .send()
        .await
        .unwrap();
    let new = rotated.into_inner().new_access_token;
    assert_ne!(new, linked.access_token);
    assert_eq!(
        code(
            client
                .item_get()
                .access_token(&linked.access_token)
                .send()
                .await
        ),
        "INVALID_ACCESS_TOKEN"
    );
    let item = client.item_get().access_token(&new).send().await.unwrap();
    assert_eq!(item.item.item_id, linked.item_id);
}

#[tokio::test]
async fn removing_the_item_ends_it_and_its_token() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    let remove = || {
        client
            .item_remove()
            .access_token(linked.access_token.clone())
            .send()
    };
    remove().await.unwrap();
    assert!(fake.item(&linked.item_id).is_none());
    assert_eq!(
        code(
            client
                .item_get()
                .access_token(&linked.access_token)
                .send()
                .await
        ),
        "INVALID_ACCESS_TOKEN"
    );
    assert_eq!(code(remove().await), "INVALID_ACCESS_TOKEN");
}

#[tokio::test]
async fn webhook_update_changes_the_item_and_null_removes_it() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    let update = |webhook| {
        client
            .item_webhook_update()
            .access_token(linked.access_token.clone())
            .webhook(webhook)
            .send()
    };
    let updated = update(plaid_item::Nullable::Value(
        "https://example.com/new".into(),
    ))
    .await
    .unwrap();
    assert_eq!(
        updated.item.webhook.as_deref(),
        Some("https://example.com/new")
    );
    let read = client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.item.webhook.as_deref(),
        Some("https://example.com/new")
    );
    let status = read
        .status
        .as_ref()
        .and_then(|s| s.last_webhook.as_ref())
        .unwrap();
    assert_eq!(
        status.code_sent.as_deref(),
        Some("WEBHOOK_UPDATE_ACKNOWLEDGED")
    );

    let cleared = update(plaid_item::Nullable::Null).await.unwrap();
    assert_eq!(cleared.item.webhook, None);
    assert_eq!(
        code(update(plaid_item::Nullable::Value("ftp://nope".into())).await),
        "INVALID_FIELD"
    );
}

#[tokio::test]
async fn create_public_token_gives_a_token_that_exchanges_for_the_same_item() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    let created = client
        .item_create_public_token()
        .access_token(linked.access_token.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    let expiration = created.expiration.expect("an expiration");
    let minutes = (expiration - fake.clock().now()).num_minutes();
    assert!((29..=30).contains(&minutes), "{minutes}");
    let exchanged = client
        .item_public_token_exchange()
        .public_token(created.public_token)
        .send()
        .await
        .unwrap();
    assert_eq!(exchanged.item_id, linked.item_id);
    assert_eq!(exchanged.access_token, linked.access_token);
}

#[tokio::test]
async fn import_creates_a_working_item() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let import = |products: Vec<Products>| {
        client
            .item_import()
            .products(products)
            .user_auth(
                types::ItemImportRequestUserAuth::builder()
                    .user_id("user-1")
                    .auth_token("auth-token-1"),
            )
            .send()
    };
    let imported = import(vec![Products::Transactions])
        .await
        .unwrap()
        .into_inner();
    let item = client
        .item_get()
        .access_token(&imported.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(item.item.billed_products, vec![Products::Transactions]);
    assert_eq!(code(import(vec![]).await), "INVALID_FIELD");
}

fn activity(id: &str) -> types::Activity {
    serde_json::from_value(serde_json::json!({
        "activity": "SCOPES_UPDATE", "id": id, "initiated_date": "2026-01-02",
        "initiator": "user", "state": "SUCCESS", "target_application_id": "app_1"
    }))
    .unwrap()
}

fn application(id: &str) -> types::ConnectedApplication {
    serde_json::from_value(serde_json::json!({
        "application_id": id, "name": "Budget App", "created_at": "2026-01-01T00:00:00Z"
    }))
    .unwrap()
}

#[tokio::test]
async fn seeded_activity_pages_with_cursors_until_the_end() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    for i in 0..5 {
        assert!(fake.seed_activity(&linked.item_id, activity(&format!("act_{i}"))));
    }
    let page = |cursor: Option<String>| {
        let call = client
            .item_activity_list()
            .access_token(&linked.access_token)
            .count(2);
        match cursor {
            Some(c) => call.cursor(c).send(),
            None => call.send(),
        }
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..5 {
        let reply = page(cursor.clone()).await.unwrap().into_inner();
        seen.extend(reply.activities.into_iter().map(|a| a.id));
        cursor = reply.cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["act_0", "act_1", "act_2", "act_3", "act_4"]);
    assert_eq!(code(page(Some("forged".into())).await), "INVALID_FIELD");
}

#[tokio::test]
async fn applications_are_listed_unlinked_and_rescoped() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    fake.seed_application(&linked.item_id, application("app_1"));
    fake.seed_application(&linked.item_id, application("app_2"));
    let list = || {
        client
            .item_application_list()
            .access_token(linked.access_token.expose_secret())
            .send()
    };
    let ids = |r: &types::ItemApplicationListResponse| -> Vec<String> {
        r.applications
            .iter()
            .map(|a| a.application_id.clone())
            .collect()
    };
    assert_eq!(ids(&list().await.unwrap()), ["app_1", "app_2"]);

    client
        .item_application_scopes_update()
        .access_token(linked.access_token.clone())
        .application_id("app_2")
        .context(types::ScopesContext::Portal)
        .scopes(types::Scopes::builder().new_accounts(plaid_item::Nullable::Value(true)))
        .send()
        .await
        .unwrap();
    let listed = list().await.unwrap();
    let scopes = listed.applications[1].scopes.as_ref().expect("scopes set");
    assert_eq!(scopes.new_accounts, plaid_item::Nullable::Value(true));
    // During enrollment the OAuth `state` is required.
    let enrollment = || {
        client
            .item_application_scopes_update()
            .access_token(linked.access_token.clone())
            .application_id("app_2")
            .context(types::ScopesContext::Enrollment)
            .scopes(types::Scopes::builder())
    };
    assert_eq!(code(enrollment().send().await), "MISSING_FIELDS");
    enrollment().state("oauth-state").send().await.unwrap();

    let unlink = |app: &str| {
        client
            .item_application_unlink()
            .access_token(linked.access_token.clone())
            .application_id(app)
            .send()
    };
    unlink("app_1").await.unwrap();
    assert_eq!(ids(&list().await.unwrap()), ["app_2"]);
    assert_eq!(code(unlink("app_1").await), "INVALID_FIELD");
}

#[tokio::test]
async fn set_verification_status_is_stored_and_announced() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(
        NewItem::new()
            .account("acc_1")
            .webhook("https://example.com/h"),
    );
    use types::SandboxItemSetVerificationStatusRequestVerificationStatus as Status;
    let set = |account: &str, status| {
        client
            .sandbox_item_set_verification_status()
            .access_token(linked.access_token.clone())
            .account_id(account)
            .verification_status(status)
            .send()
    };
    set("acc_1", Status::AutomaticallyVerified).await.unwrap();
    assert_eq!(
        fake.verification_status(&linked.item_id, "acc_1")
            .as_deref(),
        Some("automatically_verified")
    );
    let sent = fake.webhooks();
    assert_eq!(
        (sent[0].webhook_type.as_str(), sent[0].webhook_code.as_str()),
        ("AUTH", "AUTOMATICALLY_VERIFIED")
    );
    assert_eq!(sent[0].json()["account_id"], "acc_1");
    assert_eq!(
        code(set("acc_9", Status::VerificationExpired).await),
        "INVALID_ACCOUNT_ID"
    );
    assert_eq!(
        code(set("acc_1", Status::from("sometimes_verified")).await),
        "INVALID_FIELD"
    );
}
