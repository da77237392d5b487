//! The `/item/activity/list` stream against a server with scripted pages: it follows the
//! cursor, ends on an absent or empty one, refuses a repeated one, ends after an error, and
//! sends nothing until polled.

use plaid_item::ErrorKind;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::client;

const TOKEN: &str = "access-sandbox-pages";

fn page(ids: &[&str], cursor: Option<&str>) -> Value {
    let activities: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({"activity": "ITEM_CREATE", "id": id, "initiated_date": "2026-01-02",
                   "initiator": "app-1", "state": "SUCCESS"})
        })
        .collect();
    let mut body = json!({"activities": activities, "last_data_access_times": [],
                          "request_id": format!("req-{}", ids.join("-"))});
    if let Some(cursor) = cursor {
        body["cursor"] = json!(cursor);
    }
    body
}

/// Serves `first` for a request without a cursor and `replies[c]` for cursor `c`.
async fn server(first: Value, replies: &[(&str, ResponseTemplate)]) -> MockServer {
    let server = MockServer::start().await;
    for (cursor, reply) in replies {
        Mock::given(method("POST"))
            .and(path("/item/activity/list"))
            .and(body_partial_json(json!({"cursor": cursor})))
            .respond_with(reply.clone())
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/item/activity/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .with_priority(5)
        .mount(&server)
        .await;
    server
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The cursor each request carried, in order (`None` for the first page).
async fn cursors_sent(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["access_token"], TOKEN, "every page carries the token");
            body.get("cursor")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn three_pages_follow_the_cursor_and_end_when_it_is_absent() {
    let server = server(
        page(&["a1", "a2"], Some("c1")),
        &[
            ("c1", ok(page(&["b1"], Some("c2")))),
            ("c2", ok(page(&["c1"], None))),
        ],
    )
    .await;
    let client = client(&server.uri());
    let mut pages = client
        .item_activity_list()
        .access_token(TOKEN)
        .count(2)
        .into_paginator()
        .send();
    let mut request_ids = Vec::new();
    while let Some(page) = pages.next().await {
        request_ids.push(page.unwrap().request_id().map(str::to_owned));
    }
    assert_eq!(request_ids.len(), 3);
    assert_eq!(
        cursors_sent(&server).await,
        [None, Some("c1".into()), Some("c2".into())]
    );
    assert!(pages.next().await.is_none(), "an ended stream stays ended");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn items_flattens_the_pages_in_order() {
    let server = server(
        page(&["a1", "a2"], Some("c1")),
        &[("c1", ok(page(&["b1"], None)))],
    )
    .await;
    let client = client(&server.uri());
    let mut items = client
        .item_activity_list()
        .access_token(TOKEN)
        .into_paginator()
        .items();
    let mut ids = Vec::new();
    while let Some(activity) = items.next().await {
        ids.push(activity.unwrap().id);
    }
    assert_eq!(ids, ["a1", "a2", "b1"]);
}

#[tokio::test]
async fn an_empty_cursor_is_the_last_page() {
    let server = server(page(&["a1"], Some("")), &[]).await;
    let client = client(&server.uri());
    let mut pages = client
        .item_activity_list()
        .access_token(TOKEN)
        .into_paginator()
        .send();
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.is_none());
    assert_eq!(cursors_sent(&server).await, [None]);
}

#[tokio::test]
async fn a_repeated_cursor_is_an_error_not_a_loop() {
    let server = server(
        page(&["a1"], Some("c1")),
        &[("c1", ok(page(&["b1"], Some("c1"))))],
    )
    .await;
    let client = client(&server.uri());
    let mut pages = client
        .item_activity_list()
        .access_token(TOKEN)
        .into_paginator()
        .send();
    assert!(pages.next().await.unwrap().is_ok());
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::RepeatedCursor { pages: 2, .. }),
        "{err:?}"
    );
    assert!(!err.is_retryable(), "the server repeats itself");
    assert_eq!(err.status(), Some(reqwest::StatusCode::OK));
    assert_eq!(
        err.request_id(),
        Some("req-b1"),
        "the page that repeated it"
    );
    assert!(err.to_string().contains("cursor"), "{err}");
    assert!(pages.next().await.is_none(), "it ends after saying so");
    assert_eq!(cursors_sent(&server).await, [None, Some("c1".into())]);
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_once_and_ends_the_stream() {
    let error = json!({"error_type": "ITEM_ERROR", "error_code": "ITEM_LOGIN_REQUIRED",
                       "error_message": "login required", "display_message": null,
                       "request_id": "req-failed"});
    let server = server(
        page(&["a1"], Some("c1")),
        &[
            ("c1", ResponseTemplate::new(400).set_body_json(error)),
            ("c2", ok(page(&["never"], None))),
        ],
    )
    .await;
    let client = client(&server.uri());
    let mut items = client
        .item_activity_list()
        .access_token(TOKEN)
        .into_paginator()
        .items();
    assert_eq!(items.next().await.unwrap().unwrap().id, "a1");
    let err = items.next().await.unwrap().unwrap_err();
    assert_eq!(err.error_code(), Some("ITEM_LOGIN_REQUIRED"));
    assert_eq!(err.request_id(), Some("req-failed"));
    assert!(items.next().await.is_none());
    assert_eq!(cursors_sent(&server).await, [None, Some("c1".into())]);
}

#[tokio::test]
async fn nothing_is_sent_until_the_stream_is_polled() {
    let server = server(page(&["a1"], None), &[]).await;
    let client = client(&server.uri());
    let mut pages = client
        .item_activity_list()
        .access_token(TOKEN)
        .into_paginator()
        .send();
    tokio::task::yield_now().await;
    assert!(server.received_requests().await.unwrap().is_empty());
    assert!(pages.next().await.unwrap().is_ok());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_setter_value_fails_the_first_page_before_sending() {
    let server = server(page(&["a1"], None), &[]).await;
    let client = client(&server.uri());
    let mut pages = client
        .item_activity_list()
        .access_token(TOKEN)
        .count(0)
        .into_paginator()
        .send();
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(err.to_string().contains("count"), "{err}");
    assert!(pages.next().await.is_none());
    assert!(server.received_requests().await.unwrap().is_empty());
}
