//! Requests Plaid refuses get Plaid's error shape from the fake: status, error_type,
//! error_code and request_id.

use plaid_item::testing::{FakePlaid, NewItem};
use plaid_item::{Client, RetryPolicy};
use serde_json::{json, Value};

use crate::code;

/// Sends a raw JSON request, returning the status and the reply body.
async fn raw(fake: &FakePlaid, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    raw_typed(fake, path, Some("application/json"), headers, body).await
}

/// [`raw`] with another content type, or none.
async fn raw_typed(
    fake: &FakePlaid,
    path: &str,
    content_type: Option<&str>,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", fake.base_url()))
        .body(body.to_string());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let reply = request.send().await.unwrap();
    let status = reply.status().as_u16();
    let header_id = reply
        .headers()
        .get("plaid-request-id")
        .map(|v| v.to_str().unwrap().to_string());
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["request_id"].as_str(), header_id.as_deref(), "{body}");
    (status, body)
}

fn codes(reply: &(u16, Value)) -> (u16, &str, &str) {
    (
        reply.0,
        reply.1["error_type"].as_str().unwrap(),
        reply.1["error_code"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new());
    let wrong = Client::builder()
        .base_url(fake.base_url())
        .credentials(fake.client_id(), "not-the-secret")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = wrong
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("INVALID_API_KEYS"));
    assert_eq!(error.status().unwrap().as_u16(), 400);
    assert!(error.request_id().is_some());

    let version = [("plaid-version", plaid_item::client::plaid_version())];
    let body = json!({"access_token": linked.access_token.expose_secret()}).to_string();
    let missing = raw(&fake, "/item/get", &version, &body).await;
    assert_eq!(codes(&missing), (400, "INVALID_REQUEST", "MISSING_FIELDS"));
    assert!(missing.1["error_message"]
        .as_str()
        .unwrap()
        .contains("client_id, secret"));

    // Credentials in the body are accepted, as Plaid accepts them.
    let in_body = json!({
        "access_token": linked.access_token.expose_secret(),
        "client_id": fake.client_id(),
        "secret": fake.secret(),
    });
    let ok = reqwest::Client::new()
        .post(format!("{}/item/get", fake.base_url()))
        .header("plaid-version", plaid_item::client::plaid_version())
        .json(&in_body)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_json_body_sent_as_another_content_type_is_invalid_body() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new());
    let body = json!({"access_token": linked.access_token.expose_secret()}).to_string();
    let headers = [
        ("plaid-client-id", fake.client_id()),
        ("plaid-secret", fake.secret()),
        ("plaid-version", plaid_item::client::plaid_version()),
    ];
    // `curl -d` sends the form type; `--data-binary` with `-H 'content-type: text/plain'`
    // and a bare `POST` without the header are refused alike, whatever the body holds.
    for content_type in [
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
        None,
    ] {
        let reply = raw_typed(&fake, "/item/get", content_type, &headers, &body).await;
        assert_eq!(
            codes(&reply),
            (400, "INVALID_REQUEST", "INVALID_BODY"),
            "{content_type:?}"
        );
    }
    let reply = raw_typed(
        &fake,
        "/item/get",
        Some("application/json; charset=utf-8"),
        &headers,
        &body,
    )
    .await;
    assert_eq!(reply.0, 200, "{}", reply.1);
}

#[tokio::test]
async fn a_missing_plaid_version_is_served_and_another_version_refused() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new());
    let body = json!({"access_token": linked.access_token.expose_secret()}).to_string();
    let creds = [
        ("plaid-client-id", fake.client_id()),
        ("plaid-secret", fake.secret()),
    ];
    let mut headers = creds.to_vec();
    headers.push(("plaid-version", "2019-05-29"));
    let reply = raw(&fake, "/item/get", &headers, &body).await;
    assert_eq!(codes(&reply), (400, "INVALID_REQUEST", "INVALID_HEADERS"));
    // Plaid serves a request without the header with the account's default version.
    let reply = raw(&fake, "/item/get", &creds, &body).await;
    assert_eq!(reply.0, 200, "{}", reply.1);
    assert_eq!(
        reply.1["item"]["item_id"].as_str(),
        Some(linked.item_id.as_str())
    );
}

#[tokio::test]
async fn bodies_are_checked_against_the_request_models() {
    let fake = FakePlaid::start().await;
    let version = plaid_item::client::plaid_version();
    let headers = [
        ("plaid-client-id", fake.client_id()),
        ("plaid-secret", fake.secret()),
        ("plaid-version", version),
    ];
    let cases = [
        ("/item/get", "{}", "MISSING_FIELDS", "access_token"),
        (
            "/item/get",
            r#"{"access_token": 42}"#,
            "INVALID_FIELD",
            "access_token",
        ),
        (
            "/item/get",
            r#"{"access_token": "a", "extra": 1}"#,
            "UNKNOWN_FIELDS",
            "extra",
        ),
        ("/item/get", "not json", "INVALID_BODY", "JSON"),
        (
            "/item/import",
            r#"{"products": ["auth"], "user_auth": {"user_id": "u"}}"#,
            "MISSING_FIELDS",
            "user_auth.auth_token",
        ),
        (
            "/item/activity/list",
            r#"{"count": 0}"#,
            "INVALID_FIELD",
            "count",
        ),
    ];
    for (path, body, expected, mentions) in cases {
        let reply = raw(&fake, path, &headers, body).await;
        assert_eq!(
            codes(&reply),
            (400, "INVALID_REQUEST", expected),
            "{path} {body}"
        );
        let message = reply.1["error_message"].as_str().unwrap();
        assert!(message.contains(mentions), "{path} {body}: {message}");
    }
    let reply = raw(&fake, "/item/nonexistent", &headers, "{}").await;
    assert_eq!(reply.0, 404);
    assert_eq!(reply.1["error_code"], "NOT_FOUND");
}

#[tokio::test]
async fn an_unknown_access_token_is_invalid() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let result = client
        .item_get()
        .access_token("access-sandbox-made-up")
        .send()
        .await;
    assert_eq!(code(result), "INVALID_ACCESS_TOKEN");
}

/// `PlaidError.status` is "only returned in the response body when the error information is
/// provided via a webhook" (the spec): not in a refusal, not in `/item/get`'s `item.error`,
/// but in the ERROR webhook.
#[tokio::test]
async fn status_is_in_webhook_errors_only() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new().webhook("https://example.com/hook"));
    let headers = [
        ("plaid-client-id", fake.client_id()),
        ("plaid-secret", fake.secret()),
        ("plaid-version", plaid_item::client::plaid_version()),
    ];
    let refused = raw(&fake, "/item/get", &headers, "{}").await;
    assert_eq!(refused.0, 400);
    assert!(refused.1.get("status").is_none(), "{}", refused.1);

    let client = fake.client();
    client
        .sandbox_item_reset_login()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap();
    let body = json!({"access_token": linked.access_token.expose_secret()}).to_string();
    let item = raw(&fake, "/item/get", &headers, &body).await;
    assert_eq!(item.1["item"]["error"]["error_code"], "ITEM_LOGIN_REQUIRED");
    assert!(
        item.1["item"]["error"].get("status").is_none(),
        "{}",
        item.1
    );
    let webhook: Value = serde_json::from_slice(&fake.webhooks().pop().unwrap().body).unwrap();
    assert_eq!(webhook["error"]["status"], 400, "{webhook}");
}
