//! Compiles only if plaid-item was generated from the 1.697.4 slice completed by this
//! project's supplement: the operations and types below are not in the vendored spec.

use plaid_item::{types, Client};

#[allow(dead_code)]
async fn terminate(client: &Client) -> Result<(), plaid_item::Error> {
    client
        .item_products_terminate()
        .body(
            types::ItemProductsTerminateRequest::builder()
                .access_token("access-sandbox-...")
                .reason_code(types::ItemProductsTerminateRequestReasonCode::DuplicateItem),
        )
        .send()
        .await?;
    let _seed = client.sandbox_item_application_seed();
    let item: types::ItemGetResponse = client
        .item_get()
        .body(types::ItemGetRequest::builder().access_token("access-sandbox-..."))
        .send()
        .await?
        .into_inner();
    let _consent: types::ItemWithConsentFields = item.item;
    Ok(())
}

fn main() {}
