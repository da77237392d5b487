//! Walks one Item through its life: exchange a public token, read the Item, point its
//! webhook somewhere new, rotate its access token, list connected applications and consent
//! activity, and remove it.
//!
//! With `PLAID_CLIENT_ID` and `PLAID_SECRET` set it talks to Plaid's Sandbox; without them it
//! starts the crate's fake Plaid (`plaid_item::testing`, feature `test-util`), so it runs
//! offline against an Item that behaves like a Sandbox one.

use plaid_item::secret::{AccessToken, PublicToken};
use plaid_item::testing::{FakePlaid, NewItem};
use plaid_item::{Client, Environment};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, public_token, _fake) = match Client::builder_from_env(|v| std::env::var(v).ok()) {
        Ok(builder) => {
            let client = builder.environment(Environment::Sandbox).build()?;
            println!("Using Plaid Sandbox at {}", client.base_url());
            let token = sandbox_public_token().await?;
            (client, token, None)
        }
        Err(plaid_item::ConfigError::MissingVariable(_)) => {
            let fake = FakePlaid::start().await;
            println!(
                "PLAID_CLIENT_ID/PLAID_SECRET not set: using the fake Plaid at {}",
                fake.base_url()
            );
            let created = fake.create_item(NewItem::new());
            let client = fake.client_builder().build()?;
            (client, created.public_token, Some(fake))
        }
        Err(other) => return Err(other.into()),
    };

    let exchanged = client
        .item_public_token_exchange()
        .public_token(public_token)
        .send()
        .await?;
    println!(
        "1. Exchanged the public token: item {} ({})",
        exchanged.item_id, exchanged.access_token
    );
    let access_token: AccessToken = exchanged.into_inner().access_token;

    let item = client.item_get().access_token(&access_token).send().await?;
    let products: Vec<String> = item
        .item
        .billed_products
        .iter()
        .map(ToString::to_string)
        .collect();
    println!(
        "2. Item {} at {}: billed for [{}], webhook {:?} (request {})",
        item.item.item_id,
        item.item
            .institution_id
            .as_deref()
            .unwrap_or("an unknown institution"),
        products.join(", "),
        item.item.webhook.as_deref().unwrap_or("none"),
        item.request_id().unwrap_or("?"),
    );

    let updated = client
        .item_webhook_update()
        .access_token(&access_token)
        .webhook("https://example.com/plaid/webhook")
        .send()
        .await?;
    println!(
        "3. Webhook now {:?}",
        updated.item.webhook.as_deref().unwrap_or("none")
    );

    let rotated = client
        .item_access_token_invalidate()
        .access_token(&access_token)
        .send()
        .await?;
    let access_token = rotated.into_inner().new_access_token;
    println!(
        "4. Rotated the access token: the old one no longer works; the new one is {access_token}"
    );

    match client
        .item_application_list()
        .access_token(&access_token)
        .send()
        .await
    {
        Ok(apps) => println!("5. {} connected application(s)", apps.applications.len()),
        Err(e) => println!("5. Listing applications is not enabled for this account: {e}"),
    }

    match client
        .item_activity_list()
        .access_token(&access_token)
        .send()
        .await
    {
        Ok(activity) => println!(
            "6. {} consent event(s) on record",
            activity.activities.len()
        ),
        Err(e) => println!("6. Consent activity is not enabled for this account: {e}"),
    }

    let removed = client
        .item_remove()
        .access_token(&access_token)
        .send()
        .await?;
    println!("7. Removed the Item (request {})", removed.request_id);
    Ok(())
}

/// Sandbox items come from `/sandbox/public_token/create`, which is outside the Item API, so
/// this one call is plain HTTP.
async fn sandbox_public_token() -> Result<PublicToken, Box<dyn std::error::Error>> {
    #[derive(serde::Deserialize)]
    struct Created {
        public_token: PublicToken,
    }
    let client_id = std::env::var("PLAID_CLIENT_ID")?;
    let secret = std::env::var("PLAID_SECRET")?;
    let created: Created = reqwest::Client::new()
        .post("https://sandbox.plaid.com/sandbox/public_token/create")
        .json(&serde_json::json!({
            "client_id": client_id,
            "secret": secret,
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(created.public_token)
}
