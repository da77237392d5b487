//! One call of every operation with every required field, shared by `tests/sdk` (the secrets
//! sweep, the reply fuzzer) and `tests/fake` (the fake serves them all); each includes this file
//! with `#[path]`. The order keeps the Item alive to the end: `item_remove` comes last, with the
//! token `item_access_token_invalidate` returned when it returned one, as a real caller must.

use plaid_item::types::{self, Products};
use plaid_item::Client;

/// The values that go into the credential-bearing fields.
pub struct Tokens<'a> {
    pub access_token: &'a str,
    pub public_token: &'a str,
    /// `item_import`'s `user_auth.auth_token`.
    pub auth_token: &'a str,
}

/// Each operation's outcome, by operation id, in call order.
pub type Outcomes = Vec<(&'static str, Result<(), plaid_item::Error>)>;

/// Calls each of the 15 operations once; `key_id` is the `kid` asked of
/// `webhook_verification_key_get`.
pub async fn call_every_operation(client: &Client, tokens: &Tokens<'_>, key_id: &str) -> Outcomes {
    let token = || tokens.access_token;
    let mut outcomes = Vec::new();
    macro_rules! call {
        ($name:literal, $call:expr) => {
            outcomes.push(($name, $call.send().await.map(|_| ())));
        };
    }
    call!("item_get", client.item_get().access_token(token()));
    call!(
        "item_activity_list",
        client.item_activity_list().access_token(token())
    );
    call!(
        "item_application_list",
        client.item_application_list().access_token(token())
    );
    call!(
        "item_application_scopes_update",
        client
            .item_application_scopes_update()
            .access_token(token())
            .application_id("app_1")
            .context(types::ScopesContext::Enrollment)
            .state("oauth-state")
            .scopes(types::Scopes::builder())
    );
    call!(
        "item_application_unlink",
        client
            .item_application_unlink()
            .access_token(token())
            .application_id("app_1")
    );
    call!(
        "sandbox_item_fire_webhook",
        client
            .sandbox_item_fire_webhook()
            .access_token(token())
            .webhook_code(types::SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate)
    );
    call!(
        "item_webhook_update",
        client
            .item_webhook_update()
            .access_token(token())
            .webhook("https://example.com/h2")
    );
    call!(
        "sandbox_item_reset_login",
        client.sandbox_item_reset_login().access_token(token())
    );
    call!(
        "sandbox_item_set_verification_status",
        client.sandbox_item_set_verification_status()
                .access_token(token())
                .account_id("acc_1")
                .verification_status(
                    types::SandboxItemSetVerificationStatusRequestVerificationStatus::VerificationExpired
                )
    );
    call!(
        "item_public_token_exchange",
        client
            .item_public_token_exchange()
            .public_token(tokens.public_token)
    );
    call!(
        "item_create_public_token",
        client.item_create_public_token().access_token(token())
    );
    call!(
        "item_import",
        client
            .item_import()
            .products(vec![Products::Transactions])
            .user_auth(
                types::ItemImportRequestUserAuth::builder()
                    .user_id("user-1")
                    .auth_token(tokens.auth_token)
            )
    );
    call!(
        "webhook_verification_key_get",
        client.webhook_verification_key_get().key_id(key_id)
    );
    let rotated = client
        .item_access_token_invalidate()
        .access_token(token())
        .send()
        .await;
    let remove_with = match &rotated {
        Ok(reply) => reply.new_access_token.expose_secret().to_string(),
        Err(_) => token().to_string(),
    };
    outcomes.push(("item_access_token_invalidate", rotated.map(|_| ())));
    call!(
        "item_remove",
        client.item_remove().access_token(remove_with)
    );
    outcomes
}
