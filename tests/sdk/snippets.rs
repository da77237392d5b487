//! Calls as a user writes them, run against a local server: the fluent setters, plain values where wrappers were needed, and moving a field
//! out of a `Response`.

use plaid_item::secret::AccessToken;
use plaid_item::types;
use plaid_item::{ErrorKind, Nullable};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{client, example_response};

/// Answers every path with the spec's example reply for it.
async fn plaid() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &Request| {
            let reply = example_response(request.url.path()).unwrap_or(Value::Null);
            ResponseTemplate::new(200).set_body_json(reply)
        })
        .mount(&server)
        .await;
    server
}

/// The JSON bodies the server received, in order.
async fn bodies(server: &MockServer) -> Vec<Value> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn the_fluent_snippets_compile_and_send_what_they_say() -> Result<(), plaid_item::Error> {
    let server = plaid().await;
    let client = client(&server.uri());
    let token = AccessToken::from("access-sandbox-12");

    let item = client.item_get().access_token(&token).send().await?;
    client
        .item_webhook_update()
        .access_token(&token)
        .webhook("https://example.com/hook")
        .send()
        .await?;
    client
        .item_webhook_update()
        .access_token(&token)
        .webhook(Nullable::Null)
        .send()
        .await?;
    let page = client
        .item_activity_list()
        .access_token(&token)
        .count(10)
        .cursor("abc")
        .send()
        .await?;

    let request_id = item.request_id().map(str::to_owned);
    let (body, meta) = item.into_parts();
    assert_eq!(meta.request_id, request_id);
    let _moved: types::Item = body.item;
    let _activities: Vec<types::Activity> = page.into_inner().activities;

    let sent = bodies(&server).await;
    assert_eq!(sent[0]["access_token"], "access-sandbox-12");
    assert_eq!(sent[1]["webhook"], "https://example.com/hook");
    assert!(sent[2]["webhook"].is_null() && sent[2].get("webhook").is_some());
    assert_eq!(sent[3]["count"], 10);
    assert_eq!(sent[3]["cursor"], "abc");
    Ok(())
}

#[tokio::test]
async fn the_natural_code_for_each_field_kind_compiles() -> Result<(), plaid_item::Error> {
    let server = plaid().await;
    let client = client(&server.uri());
    let token = AccessToken::from("access-sandbox-t");

    // An optional credential field takes a `&str`, in a body builder as on the operation.
    let body = types::ItemActivityListRequest::builder()
        .access_token("a")
        .count(Some(10))
        .cursor("abc");
    client.item_activity_list().body(body).send().await?;
    // A nested value's builder, where the field wants the value.
    client
        .item_import()
        .products([types::Products::Auth])
        .user_auth(
            types::ItemImportRequestUserAuth::builder()
                .user_id("u")
                .auth_token("t"),
        )
        .options(types::ItemImportRequestOptions::builder().webhook("https://example.com/i"))
        .send()
        .await?;
    // `Some(…)` on a nullable field is a value; a token is reused by reference.
    client
        .item_webhook_update()
        .access_token(&token)
        .webhook(Some("https://example.com/x"))
        .send()
        .await?;
    let item = client.item_get().access_token(&token).send().await?;
    let item = item.into_inner().item;
    assert!(!item.item_id.is_empty());

    let sent = bodies(&server).await;
    assert_eq!(sent[0]["access_token"], "a");
    assert_eq!(sent[0]["count"], 10);
    assert_eq!(sent[1]["options"]["webhook"], "https://example.com/i");
    assert_eq!(sent[1]["products"], serde_json::json!(["auth"]));
    assert_eq!(sent[2]["webhook"], "https://example.com/x");
    Ok(())
}

#[tokio::test]
async fn a_missing_required_field_fails_before_sending_and_names_it() {
    let server = plaid().await;
    let client = client(&server.uri());
    let err = client
        .item_application_scopes_update()
        .access_token("access-sandbox-1")
        .context("ENROLLMENT")
        .scopes(types::Scopes::builder())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{err}");
    assert!(err.to_string().contains("application_id"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_zero_count_fails_before_sending_and_names_the_field() {
    let server = plaid().await;
    let client = client(&server.uri());
    let err = client
        .item_activity_list()
        .access_token("access-sandbox-1")
        .count(0)
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("count") && text.contains("at least 1"),
        "{text}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unset_nullable_field_is_left_out_and_a_none_is_null() -> Result<(), plaid_item::Error> {
    let server = plaid().await;
    let client = client(&server.uri());
    client
        .item_webhook_update()
        .access_token("t")
        .send()
        .await?;
    client
        .item_webhook_update()
        .access_token("t")
        .webhook(None::<&str>)
        .send()
        .await?;
    let sent = bodies(&server).await;
    assert!(sent[0].get("webhook").is_none(), "{}", sent[0]);
    assert!(sent[1]["webhook"].is_null() && sent[1].get("webhook").is_some());
    Ok(())
}

/// What users copy (the README, doc comments, examples, the fake's tests, the dependent
/// project) sets fields on the operation, not through `.body(types::X::builder()...)`; the
/// body builder stays for bodies built elsewhere.
#[test]
fn what_users_copy_shows_the_fluent_calls() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("README.md"),
        root.join("tests/downstream/src/main.rs"),
    ];
    let mut dirs = vec![
        root.join("src"),
        root.join("examples"),
        root.join("tests/fake"),
        root.join("tests/common"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // `.body(` then, past whitespace and a path, `Request::builder()`.
        for (at, _) in text.match_indices(".body(") {
            let rest = text[at + 6..].trim_start();
            let path_end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            if rest[..path_end].ends_with("Request::builder") {
                let line = text[..at].lines().count();
                found.push(format!("{}:{line}", file.display()));
            }
        }
    }
    assert!(files.len() > 20, "the walk found the sources");
    assert!(found.is_empty(), "use the fluent setters: {found:#?}");
}
