//! What a person writes by hand instead of using the SDK: a borrowed request struct and
//! plain response structs with `String` for enums and timestamps. This is variant (b) of
//! `benches/overhead.rs` and the "plain" row of `benches/codec.rs`.

#![allow(dead_code)]

use serde::{Deserialize, Serialize};

pub const CLIENT_ID: &str = "client-id-5f2a";
pub const SECRET: &str = "secret-9d41c7";
pub const PLAID_VERSION: &str = "2020-09-14";
pub const ACCESS_TOKEN: &str = "access-sandbox-4b1cd2f6-0c6e-4bb0-9a64-5f58b3b0f7d2";
/// The SDK's user agent, so the hand-written request is byte for byte the same.
pub const USER_AGENT: &str = concat!("plaid-item-rust/", env!("CARGO_PKG_VERSION"));

/// `{"access_token": "..."}`: the body of `/item/get` and of `/item/activity/list` here.
#[derive(Serialize)]
pub struct AccessTokenRequest<'a> {
    pub access_token: &'a str,
}

#[derive(Deserialize, Debug)]
pub struct ItemGetResponse {
    pub item: Item,
    #[serde(default)]
    pub status: Option<ItemStatus>,
    pub request_id: String,
}

#[derive(Deserialize, Debug)]
pub struct Item {
    pub item_id: String,
    #[serde(default)]
    pub institution_id: Option<String>,
    #[serde(default)]
    pub webhook: Option<String>,
    #[serde(default)]
    pub error: Option<PlaidError>,
    pub available_products: Vec<String>,
    pub billed_products: Vec<String>,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub consented_products: Vec<String>,
    #[serde(default)]
    pub consent_expiration_time: Option<String>,
    pub update_type: String,
}

#[derive(Deserialize, Debug)]
pub struct PlaidError {
    pub error_type: String,
    pub error_code: String,
    pub error_message: String,
    #[serde(default)]
    pub display_message: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
}

#[derive(Deserialize, Debug)]
pub struct ItemStatus {
    #[serde(default)]
    pub investments: Option<ProductStatus>,
    #[serde(default)]
    pub transactions: Option<ProductStatus>,
    #[serde(default)]
    pub last_webhook: Option<LastWebhook>,
}

#[derive(Deserialize, Debug)]
pub struct ProductStatus {
    #[serde(default)]
    pub last_successful_update: Option<String>,
    #[serde(default)]
    pub last_failed_update: Option<String>,
}

#[derive(Deserialize, Debug)]
pub struct LastWebhook {
    #[serde(default)]
    pub sent_at: Option<String>,
    #[serde(default)]
    pub code_sent: Option<String>,
}

/// The spec's example has empty lists, so the element type does not change the cost here.
#[derive(Deserialize, Debug)]
pub struct ItemActivityListResponse {
    pub request_id: String,
    pub activities: Vec<serde_json::Value>,
    pub last_data_access_times: Vec<serde_json::Value>,
    #[serde(default)]
    pub cursor: Option<String>,
}
