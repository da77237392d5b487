//! The fake cannot drift from the spec: it serves every operation the merged spec has, and
//! answers each with a reply the client decodes.

use std::collections::BTreeSet;

use plaid_item::testing::{FakePlaid, NewItem, OPERATIONS};

#[test]
fn the_fake_serves_every_path_of_the_spec_and_the_supplement() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut spec_paths = BTreeSet::new();
    for file in ["spec/plaid-item.yml", "codegen/supplement.yml"] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        if let Some(paths) = value.get("paths").and_then(|p| p.as_mapping()) {
            spec_paths.extend(paths.keys().filter_map(|k| k.as_str().map(str::to_string)));
        }
    }
    let served: BTreeSet<String> = OPERATIONS.iter().map(|(p, _)| p.to_string()).collect();
    let unserved: Vec<_> = spec_paths.difference(&served).collect();
    assert!(unserved.is_empty(), "the fake does not serve {unserved:?}");
    assert!(spec_paths.len() >= 14, "{spec_paths:?}");
}

#[tokio::test]
async fn every_operation_of_the_client_succeeds_against_the_fake() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(
        NewItem::new()
            .account("acc_1")
            .webhook("https://example.com/h"),
    );
    let app = serde_json::from_value(serde_json::json!({
        "application_id": "app_1", "name": "Budget App", "created_at": "2026-01-01T00:00:00Z"
    }))
    .unwrap();
    fake.seed_application(&linked.item_id, app);
    let public = fake.create_item(NewItem::new()).public_token;
    let secrets = support::Secrets {
        access_token: linked.access_token.expose_secret().to_string(),
        public_token: public.expose_secret().to_string(),
    };
    for (operation, outcome) in support::call_every_operation(&client, &secrets).await {
        assert!(outcome.is_ok(), "{operation}: {:?}", outcome.err());
    }
}

/// The same calls as `tests/sdk`'s secret-hygiene test, in the order that keeps the Item
/// alive until the end.
mod support {
    use plaid_item::types::{self, Products};
    use plaid_item::Client;

    pub struct Secrets {
        pub access_token: String,
        pub public_token: String,
    }

    pub async fn call_every_operation(
        client: &Client,
        s: &Secrets,
    ) -> Vec<(&'static str, Result<(), plaid_item::Error>)> {
        let token = || s.access_token.as_str();
        let mut outcomes = Vec::new();
        macro_rules! call {
            ($name:literal, $call:expr) => {
                outcomes.push(($name, $call.send().await.map(|_| ())));
            };
        }
        call!(
            "item_get",
            client
                .item_get()
                .body(types::ItemGetRequest::builder().access_token(token()))
        );
        call!(
            "item_activity_list",
            client
                .item_activity_list()
                .body(types::ItemActivityListRequest::builder().access_token(Some(token())))
        );
        call!(
            "item_application_list",
            client
                .item_application_list()
                .body(types::ItemApplicationListRequest::builder().access_token(token()))
        );
        call!(
            "item_application_scopes_update",
            client.item_application_scopes_update().body(
                types::ItemApplicationScopesUpdateRequest::builder()
                    .access_token(token())
                    .application_id("app_1")
                    .context(types::ScopesContext::Enrollment)
                    .state(Some("oauth-state".to_string()))
                    .scopes(types::Scopes::builder())
            )
        );
        call!(
            "item_application_unlink",
            client.item_application_unlink().body(
                types::ItemApplicationUnlinkRequest::builder()
                    .access_token(token())
                    .application_id("app_1")
            )
        );
        call!(
            "sandbox_item_fire_webhook",
            client.sandbox_item_fire_webhook().body(
                types::SandboxItemFireWebhookRequest::builder()
                    .access_token(token())
                    .webhook_code(types::SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate)
            )
        );
        call!(
            "item_webhook_update",
            client.item_webhook_update().body(
                types::ItemWebhookUpdateRequest::builder()
                    .access_token(token())
                    .webhook("https://example.com/h2")
            )
        );
        call!(
            "sandbox_item_reset_login",
            client
                .sandbox_item_reset_login()
                .body(types::SandboxItemResetLoginRequest::builder().access_token(token()))
        );
        call!("sandbox_item_set_verification_status", client.sandbox_item_set_verification_status().body(
            types::SandboxItemSetVerificationStatusRequest::builder().access_token(token()).account_id("acc_1")
                .verification_status(types::SandboxItemSetVerificationStatusRequestVerificationStatus::VerificationExpired)));
        call!(
            "item_public_token_exchange",
            client.item_public_token_exchange().body(
                types::ItemPublicTokenExchangeRequest::builder()
                    .public_token(s.public_token.as_str())
            )
        );
        call!(
            "item_create_public_token",
            client
                .item_create_public_token()
                .body(types::ItemPublicTokenCreateRequest::builder().access_token(token()))
        );
        call!(
            "item_import",
            client.item_import().body(
                types::ItemImportRequest::builder()
                    .products(vec![Products::Transactions])
                    .user_auth(
                        types::ItemImportRequestUserAuth::builder()
                            .user_id("user-1")
                            .auth_token("auth-1")
                    )
            )
        );
        call!(
            "item_access_token_invalidate",
            client
                .item_access_token_invalidate()
                .body(types::ItemAccessTokenInvalidateRequest::builder().access_token(token()))
        );
        outcomes
    }
}
