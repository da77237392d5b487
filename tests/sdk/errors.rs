//! The error path: whatever a non-2xx (or broken 2xx) reply holds, the error keeps the status,
//! the operation, Plaid's request_id when present, and the raw body.

use plaid_item::types::{self, PlaidErrorType};
use plaid_item::ErrorKind;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client, raw};

async fn item_get_against(reply: ResponseTemplate) -> plaid_item::Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(reply)
        .mount(&server)
        .await;
    item_get_at(&server.uri()).await
}

async fn item_get_at(url: &str) -> plaid_item::Error {
    client(url)
        .item_get()
        .body(types::ItemGetRequest::builder().access_token("access-sandbox-err"))
        .send()
        .await
        .expect_err("the server answered with a failure")
}

#[tokio::test]
async fn a_plaid_error_is_parsed_with_status_and_request_id() {
    let err = item_get_against(ResponseTemplate::new(400).set_body_json(json!({
        "error_type": "ITEM_ERROR",
        "error_code": "ITEM_LOGIN_REQUIRED",
        "error_message": "the login details of this item have changed",
        "display_message": "Please log in again.",
        "request_id": "req-400",
        "suggested_action": null
    })))
    .await;
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_REQUEST));
    assert_eq!(err.operation(), Some("item_get"));
    assert_eq!(err.request_id(), Some("req-400"));
    assert_eq!(err.error_code(), Some("ITEM_LOGIN_REQUIRED"));
    let plaid = err.plaid_error().expect("parsed");
    assert_eq!(plaid.error_type, PlaidErrorType::ItemError);
    assert_eq!(
        plaid.display_message.as_deref(),
        Some("Please log in again.")
    );
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.contains("item_get")
            && text.contains("ITEM_LOGIN_REQUIRED")
            && text.contains("req-400"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unknown_error_type_and_new_fields_still_parse() {
    let err = item_get_against(ResponseTemplate::new(400).set_body_json(json!({
        "error_type": "TRANSACTIONS_ERROR",
        "error_code": "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
        "error_message": "retry from the start",
        "display_message": null,
        "request_id": "req-new",
        "error_code_reason": "NEW_FIELD_FROM_1_6XX",
        "required_account_subtypes": ["checking"]
    })))
    .await;
    let plaid = err
        .plaid_error()
        .expect("an unknown error_type must not lose the typed error");
    assert_eq!(plaid.error_type.as_str(), "TRANSACTIONS_ERROR");
    assert!(!plaid.error_type.is_known());
    assert_eq!(plaid.extra["error_code_reason"], "NEW_FIELD_FROM_1_6XX");
    assert_eq!(err.request_id(), Some("req-new"));
}

#[tokio::test]
async fn an_html_502_keeps_its_status_and_body() {
    let err = item_get_against(
        ResponseTemplate::new(502)
            .insert_header("content-type", "text/html")
            .set_body_string("<html><body>502 Bad Gateway</body></html>"),
    )
    .await;
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
    assert_eq!(err.operation(), Some("item_get"));
    assert!(err.plaid_error().is_none());
    assert!(err.raw_body().unwrap().text().contains("502 Bad Gateway"));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("502"), "{err}");
}

#[tokio::test]
async fn an_empty_500_is_a_typed_error() {
    let err = item_get_against(ResponseTemplate::new(500)).await;
    assert_eq!(
        err.status(),
        Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert!(matches!(err.kind(), ErrorKind::Status(_)));
    assert!(err.raw_body().unwrap().as_bytes().is_empty());
    assert!(err.to_string().contains("empty body"), "{err}");
}

#[tokio::test]
async fn truncated_error_json_keeps_the_request_id() {
    let err = item_get_against(
        ResponseTemplate::new(500)
            .set_body_string(r#"{"error_type": "API_ERROR", "request_id": "req-cut", "error_co"#),
    )
    .await;
    assert_eq!(
        err.status(),
        Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert_eq!(err.request_id(), Some("req-cut"));
    assert!(err.plaid_error().is_none());
}

#[tokio::test]
async fn a_reply_cut_off_mid_body_keeps_status_and_request_id() {
    let server = raw::serve_bytes(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"request_id\": \"req-mid\", \"item\": {",
    )
    .await;
    let err = item_get_at(&server.url).await;
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    assert_eq!(err.status(), Some(reqwest::StatusCode::OK));
    assert_eq!(err.request_id(), Some("req-mid"));
    assert_eq!(err.operation(), Some("item_get"));
}

#[tokio::test]
async fn a_2xx_missing_a_required_field_names_the_path() {
    let err = item_get_against(ResponseTemplate::new(200).set_body_json(json!({
        "request_id": "req-200",
        "item": {"item_id": "i", "webhook": null, "error": null, "available_products": [],
                 "billed_products": [], "consent_expiration_time": null}
    })))
    .await;
    let ErrorKind::Decode(decode) = err.kind() else {
        panic!("expected a decode error: {err:?}")
    };
    assert_eq!(decode.path, "item");
    assert!(decode.message.contains("update_type"), "{}", decode.message);
    assert_eq!(err.status(), Some(reqwest::StatusCode::OK));
    assert_eq!(err.request_id(), Some("req-200"));
    assert_eq!(err.operation(), Some("item_get"));
    assert!(err.raw_body().unwrap().text().contains("\"item_id\""));
}

#[tokio::test]
async fn a_wrongly_typed_nested_value_names_its_path() {
    let err = item_get_against(ResponseTemplate::new(200).set_body_json(json!({
        "request_id": "req-type",
        "item": {"item_id": "i", "webhook": null, "error": null, "available_products": ["auth", 7],
                 "billed_products": [], "consent_expiration_time": null, "update_type": "background"}
    })))
    .await;
    let ErrorKind::Decode(decode) = err.kind() else {
        panic!("expected a decode error: {err:?}")
    };
    assert_eq!(decode.path, "item.available_products[1]");
}

#[tokio::test]
async fn non_json_2xx_is_a_decode_error_with_status() {
    let err = item_get_against(ResponseTemplate::new(200).set_body_string("OK")).await;
    assert!(matches!(err.kind(), ErrorKind::Decode(_)), "{err:?}");
    assert_eq!(err.status(), Some(reqwest::StatusCode::OK));
}

/// The order `ResponseMeta::request_id` and `Error::request_id` document: the body's
/// `request_id`, then `Plaid-Request-Id`, then `X-Request-Id` (a proxy's).
#[tokio::test]
async fn the_request_id_comes_from_the_body_then_plaid_request_id_then_x_request_id() {
    let both = |reply: ResponseTemplate| {
        reply
            .insert_header("x-request-id", "proxy-id")
            .insert_header("plaid-request-id", "header-id")
    };
    let mut ok = crate::support::example_response("/item/get").expect("the spec's example");
    ok["request_id"] = json!("body-id");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(both(ResponseTemplate::new(200).set_body_json(ok)))
        .mount(&server)
        .await;
    let response = client(&server.uri())
        .item_get()
        .access_token("access-sandbox-err")
        .send()
        .await
        .expect("the example decodes");
    assert_eq!(response.request_id(), Some("body-id"));

    let error = json!({"error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR",
        "error_message": "m", "display_message": null, "request_id": "body-id"});
    let err = item_get_against(both(ResponseTemplate::new(500).set_body_json(error))).await;
    assert_eq!(err.request_id(), Some("body-id"));
    let err = item_get_against(both(ResponseTemplate::new(502))).await;
    assert_eq!(err.request_id(), Some("header-id"));
    let err =
        item_get_against(ResponseTemplate::new(502).insert_header("x-request-id", "proxy-id"))
            .await;
    assert_eq!(err.request_id(), Some("proxy-id"));
}
