//! Compiles only if plaid-item was generated from Plaid's whole 1.697.4 file with this
//! project's selection: the operations and types below are not in the vendored spec.

use plaid_item::{types, Client};

/// Built with the default selection (the Item API at 1.697.4).
#[cfg(not(feature = "changed-selection"))]
#[allow(dead_code)]
async fn item_api(client: &Client) -> Result<(), plaid_item::Error> {
    client
        .item_products_terminate()
        .access_token("access-sandbox-...")
        .reason_code(types::ProductsTerminateReasonCode::DuplicateItem)
        .send()
        .await?;
    let _seed = client.sandbox_item_application_seed();
    let item = client
        .item_get()
        .access_token("access-sandbox-...")
        .send()
        .await?
        .into_inner();
    let _consent: types::ItemWithConsentFields = item.item;
    Ok(())
}

/// Built with `selection.yml`: `/institutions/get_by_id` added, the sandbox calls left out (a
/// call to one would not compile here).
#[cfg(feature = "changed-selection")]
#[allow(dead_code)]
async fn changed(client: &Client) -> Result<(), plaid_item::Error> {
    let found: types::InstitutionsGetByIdResponse = client
        .institutions_get_by_id()
        .institution_id("ins_109508")
        .country_codes([types::CountryCode::Us])
        .send()
        .await?
        .into_inner();
    let _name: &str = &found.institution.name;
    client.item_get().access_token("access-sandbox-...").send().await?;
    Ok(())
}

fn main() {}
