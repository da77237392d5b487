//! What an app does with the generated types: match an open enum with the arm the docs
//! teach, read reply fields (optional ones with `if let Some`), build requests with the
//! fluent setters. tests/compat.rs checks this against regenerated SDKs: adding an enum value
//! or a reply field must keep it compiling; removing a field it reads or making
//! `request_id` required must not.

use plaid_item::types::{self, Products};
use plaid_item::{Client, Nullable};

/// A label per product: the ones the app knows, the rest by wire name.
pub fn label(product: &Products) -> String {
    match product {
        Products::Transactions => "transactions".to_string(),
        Products::Auth => "auth".to_string(),
        other => other.as_str().to_string(),
    }
}

/// `request_id` is optional in this reply.
pub fn application_list_request_id(resp: &types::ItemApplicationListResponse) -> String {
    if let Some(id) = &resp.request_id {
        id.clone()
    } else {
        String::new()
    }
}

/// Required fields read directly, optional and nullable ones as `Option`.
pub fn summary(item: &types::Item) -> String {
    let webhook = item.webhook.as_deref().unwrap_or("none");
    let institution = item.institution_id.as_deref().unwrap_or("none");
    let products: Vec<String> = item.billed_products.iter().map(label).collect();
    format!(
        "{} {webhook} {institution} {}",
        item.item_id,
        products.join(",")
    )
}

/// Calls built with the fluent setters, an explicit null included.
pub async fn calls(
    client: &Client,
    token: &plaid_item::secret::AccessToken,
) -> Result<(), plaid_item::Error> {
    let item = client.item_get().access_token(token).send().await?;
    let _ = summary(&item.item);
    client
        .item_webhook_update()
        .access_token(token)
        .webhook("https://example.com/hook")
        .send()
        .await?;
    client
        .item_webhook_update()
        .access_token(token)
        .webhook(Nullable::Null)
        .send()
        .await?;
    let page = client
        .item_activity_list()
        .access_token(token)
        .count(10)
        .send()
        .await?;
    let _ = &page.activities;
    let apps = client
        .item_application_list()
        .access_token(token)
        .send()
        .await?;
    let _ = application_list_request_id(&apps);
    Ok(())
}
