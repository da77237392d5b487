//! Models that survive Plaid changing its API: every enum takes values it does not know,
//! open objects keep fields they do not know, and the newest public spec's replies parse.

use std::collections::BTreeSet;

use plaid_item::types::{self, *};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client, example_response, spec};

/// Deserialise, re-serialise: the JSON must come back unchanged, unknown parts included.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(value: &Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"));
    let written = serde_json::to_value(&typed).unwrap();
    assert_eq!(&written, value, "re-serialised JSON differs");
    let again: T = serde_json::from_value(written).unwrap();
    assert_eq!(again, typed);
    typed
}

macro_rules! every_enum {
    ($check:ident) => {{
        let mut names = BTreeSet::new();
        every_enum!(@ $check, names, ActionState, ActivityType, ItemUpdateType, PlaidErrorType, Products,
            SandboxItemFireWebhookRequestWebhookCode, SandboxItemSetVerificationStatusRequestVerificationStatus,
            ScopesContext, WebhookType, PendingDisconnectWebhookReason, WebhookEnvironmentValues);
        names
    }};
    (@ $check:ident, $names:ident, $($ty:ident),*) => {
        $( $check::<$ty>(stringify!($ty)); $names.insert(stringify!($ty).to_string()); )*
    };
}

fn unknown_value_round_trips<T>(name: &str)
where
    T: DeserializeOwned
        + Serialize
        + std::fmt::Display
        + From<&'static str>
        + PartialEq
        + std::fmt::Debug,
{
    let raw = "VALUE_FROM_A_NEWER_PLAID";
    let parsed: T = serde_json::from_value(json!(raw)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        parsed.to_string(),
        raw,
        "{name}: Display keeps the raw value"
    );
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        json!(raw),
        "{name}: serialises unchanged"
    );
    assert_eq!(T::from(raw), parsed, "{name}");
}

#[test]
fn every_enum_in_the_spec_accepts_an_unknown_value() {
    let tested = every_enum!(unknown_value_round_trips);
    // The list above must be every string enum the pipeline found, named or inline.
    let root = env!("CARGO_MANIFEST_DIR");
    let mut merged = plaid_item_codegen::load_merged(
        format!("{root}/spec/plaid-item.yml").as_ref(),
        &plaid_item_codegen::Supplement::bundled().unwrap(),
    )
    .unwrap()
    .document;
    plaid_item_codegen::features::run_passes(&mut merged);
    let found: BTreeSet<String> =
        plaid_item_codegen::features::open_enums::named_string_enums(&merged)
            .into_iter()
            .map(|e| plaid_item_codegen::names::type_name(&e.name))
            .collect();
    assert_eq!(tested, found, "add new enums to every_enum!");
}

#[test]
fn known_values_are_plain_variants() {
    assert_eq!(
        serde_json::from_value::<Products>(json!("auth")).unwrap(),
        Products::Auth
    );
    assert_eq!(WebhookType::Item.as_str(), "ITEM");
    assert!(Products::KNOWN.contains(&Products::DepositSwitch));
    let unknown = Products::from("cra_base_report");
    assert!(
        matches!(unknown, Products::Unrecognized(ref raw) if raw.as_str() == "cra_base_report")
    );
}

#[test]
fn every_spec_example_round_trips() {
    let mut checked = 0;
    for route in spec()["paths"].as_object().unwrap().keys() {
        let Some(example) = example_response(route) else {
            continue;
        };
        match route.as_str() {
            "/item/get" => drop(round_trip::<ItemGetResponse>(&example)),
            "/item/remove" => drop(round_trip::<ItemRemoveResponse>(&example)),
            "/item/activity/list" => drop(round_trip::<ItemActivityListResponse>(&example)),
            "/item/application/unlink" => {
                drop(round_trip::<ItemApplicationUnlinkResponse>(&example))
            }
            "/sandbox/item/fire_webhook" => {
                drop(round_trip::<SandboxItemFireWebhookResponse>(&example))
            }
            "/item/webhook/update" => drop(round_trip::<ItemWebhookUpdateResponse>(&example)),
            "/item/access_token/invalidate" => {
                drop(round_trip::<ItemAccessTokenInvalidateResponse>(&example))
            }
            "/sandbox/item/reset_login" => {
                drop(round_trip::<SandboxItemResetLoginResponse>(&example))
            }
            "/sandbox/item/set_verification_status" => drop(round_trip::<
                SandboxItemSetVerificationStatusResponse,
            >(&example)),
            "/item/public_token/exchange" => {
                drop(round_trip::<ItemPublicTokenExchangeResponse>(&example))
            }
            "/item/public_token/create" => {
                drop(round_trip::<ItemPublicTokenCreateResponse>(&example))
            }
            "/item/import" => drop(round_trip::<ItemImportResponse>(&example)),
            other => panic!("no response type listed for {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 12, "the vendored spec has 12 response examples");
}

#[test]
fn extra_fields_survive_a_round_trip() {
    let example = example_response("/item/get").unwrap();
    let mut body = example.clone();
    body["a_new_top_level_field"] = json!({"nested": [1, 2]});
    body["item"]["institution_name"] = json!("Royal Bank of Plaid");
    body["status"]["transactions"]["new_counter"] = json!(3);
    let typed = round_trip::<ItemGetResponse>(&body);
    assert_eq!(typed.item.extra["institution_name"], "Royal Bank of Plaid");
    assert_eq!(typed.extra["a_new_top_level_field"]["nested"][1], 2);
}

#[test]
fn required_nullable_fields_accept_absence_and_null() {
    let mut item = example_response("/item/get").unwrap()["item"].clone();
    item.as_object_mut()
        .unwrap()
        .remove("consent_expiration_time");
    item.as_object_mut().unwrap().remove("error");
    item["webhook"] = Value::Null;
    let parsed: types::Item = serde_json::from_value(item).unwrap();
    assert!(
        parsed.consent_expiration_time.is_none()
            && parsed.error.is_none()
            && parsed.webhook.is_none()
    );
}

fn newest_spec() -> Option<Value> {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/plaid-1.697.4-full.yml"
    );
    let text = std::fs::read_to_string(file).ok()?;
    Some(serde_yaml::from_str(&text).expect("the fixture is valid YAML"))
}

fn enum_values(spec: &Value, schema: &str) -> Vec<String> {
    spec["components"]["schemas"][schema]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Replies built from Plaid's newest public spec (1.697.4), fed to the client generated from
/// the vendored 1.517.0 spec: every one parses and keeps the new data.
#[tokio::test]
async fn replies_from_the_newest_spec_parse_and_keep_new_data() {
    let newest = newest_spec().expect("tests/fixtures/plaid-1.697.4-full.yml is committed");
    let products = enum_values(&newest, "Products");
    let error_types = enum_values(&newest, "PlaidErrorType");
    assert_eq!((products.len(), error_types.len()), (38, 24));

    let server = MockServer::start().await;
    let mut item = newest["paths"]["/item/get"]["post"]["responses"]["200"]["content"]
        ["application/json"]["examples"]["example-1"]["value"]
        .clone();
    item["item"]["available_products"] = json!(products);
    item["item"]["auth_method"] = json!("INSTANT_MATCH");
    Mock::given(method("POST"))
        .and(path("/item/get"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&item))
        .mount(&server)
        .await;
    let response = client(&server.uri())
        .item_get()
        .body(types::ItemGetRequest::builder().access_token("access-sandbox-new"))
        .send()
        .await
        .unwrap();
    let got: Vec<&str> = response
        .item
        .available_products
        .iter()
        .map(|p| p.as_str())
        .collect();
    assert_eq!(got, products.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        response
            .item
            .available_products
            .iter()
            .any(|p| !p.is_known()),
        "1.697.4 adds products"
    );
    assert_eq!(response.item.extra["auth_method"], "INSTANT_MATCH");
    assert_eq!(
        response.item.extra["institution_name"],
        "First Platypus Bank"
    );
    assert_eq!(
        serde_json::to_value(response.into_inner()).unwrap(),
        item,
        "nothing lost"
    );

    for error_type in &error_types {
        let body = json!({
            "error_type": error_type, "error_code": "SOME_CODE", "error_code_reason": "NEW",
            "error_message": "m", "display_message": null, "request_id": "req-e",
            "required_account_subtypes": ["checking"], "provided_account_subtypes": []
        });
        let parsed: PlaidError = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(parsed.error_type.as_str(), error_type);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), body);
    }
}

/// Every 200 example in the newest spec parses with the vendored spec's models.
#[test]
fn every_example_of_the_newest_spec_parses() {
    let newest = newest_spec().expect("tests/fixtures/plaid-1.697.4-full.yml is committed");
    let mut parsed = 0;
    for (route, item) in newest["paths"].as_object().unwrap() {
        let Some(examples) = item
            .pointer("/post/responses/200/content/application~1json/examples")
            .and_then(Value::as_object)
        else {
            continue;
        };
        for example in examples.values() {
            let value = &example["value"];
            let ok = match route.as_str() {
                "/item/get" => serde_json::from_value::<ItemGetResponse>(value.clone()).is_ok(),
                "/item/webhook/update" => {
                    serde_json::from_value::<ItemWebhookUpdateResponse>(value.clone()).is_ok()
                }
                "/item/activity/list" => {
                    serde_json::from_value::<ItemActivityListResponse>(value.clone()).is_ok()
                }
                "/item/application/list" => {
                    serde_json::from_value::<ItemApplicationListResponse>(value.clone()).is_ok()
                }
                _ => continue,
            };
            assert!(ok, "{route}: {value}");
            parsed += 1;
        }
    }
    assert!(parsed >= 2, "parsed {parsed} examples");
}
