//! Point 4: faults on cue, and the record of what the fake received.

use std::time::Duration;

use plaid_item::error::ErrorKind;
use plaid_item::testing::{FakePlaid, Fault, NewItem};
use plaid_item::types::{PlaidErrorType, Products};
use plaid_item::RetryPolicy;

#[tokio::test]
async fn a_plaid_error_rule_answers_the_next_n_calls_then_stops() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    let rule = fake.on("item_get").times(2).fail_with(Fault::plaid_error(
        500,
        PlaidErrorType::ApiError,
        "INTERNAL_SERVER_ERROR",
        "an unexpected error occurred",
    ));
    for _ in 0..2 {
        let error = client
            .item_get()
            .access_token(&linked.access_token)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 500);
        assert_eq!(error.error_code(), Some("INTERNAL_SERVER_ERROR"));
        assert!(error.request_id().is_some());
        assert!(error.is_retryable());
    }
    assert!(client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .is_ok());
    assert_eq!((rule.fired(), rule.remaining()), (2, 0));
}

#[tokio::test]
async fn a_rule_for_one_operation_leaves_the_others_alone() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    fake.on("item_remove")
        .always()
        .fail_with(Fault::DropConnection);
    assert!(client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .is_ok());
}

#[tokio::test]
async fn an_html_502_surfaces_as_a_status_error_without_a_plaid_body() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    fake.on_any().fail_with(Fault::html_502());
    let error = client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 502);
    assert!(error.plaid_error().is_none());
    assert!(error.raw_body().unwrap().text().contains("Bad Gateway"));
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_and_retries_recover() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new());
    fake.on("item_get").fail_with(Fault::DropConnection);
    let error = fake
        .client()
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Connection(_)),
        "{error:?}"
    );

    fake.on("item_get").fail_with(Fault::DropConnection);
    let retrying = fake
        .client_builder()
        .retry_policy(RetryPolicy::standard())
        .build()
        .unwrap();
    let item = retrying
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(item.item.item_id, linked.item_id);
    let gets = fake
        .requests()
        .iter()
        .filter(|r| r.operation == Some("item_get"))
        .count();
    assert_eq!(
        gets, 3,
        "one failed call, then a failed attempt and its retry"
    );
}

#[tokio::test]
async fn a_delay_trips_the_attempt_timeout() {
    let fake = FakePlaid::start().await;
    let linked = fake.link_item(NewItem::new());
    fake.on("item_get")
        .fail_with(Fault::Delay(Duration::from_secs(5)));
    let client = fake
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let error = client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ErrorKind::Timeout(t) if t.kind == plaid_item::TimeoutKind::Attempt
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_evolved_reply_still_decodes_keeping_what_is_new() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new().products([Products::Auth]));
    fake.on("item_get").fail_with(Fault::Evolved);
    let item = client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        item.item.update_type,
        plaid_item::types::ItemUpdateType::from("FAKE_NEW_UPDATE_TYPE")
    );
    assert_eq!(
        item.item.billed_products,
        vec![Products::Auth, Products::from("fake_new_product")]
    );
    assert!(item.item.extra.contains_key("fake_added_field"));
    assert!(item.extra.contains_key("fake_added_field"));
}

#[tokio::test]
async fn requests_are_recorded_with_credentials_redacted() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(NewItem::new());
    client
        .item_get()
        .access_token(&linked.access_token)
        .send()
        .await
        .unwrap();
    let recorded = fake.requests();
    assert_eq!(recorded.len(), 1);
    let r = &recorded[0];
    assert_eq!(
        (r.operation, r.path.as_str()),
        (Some("item_get"), "/item/get")
    );
    assert_eq!(r.body["access_token"], linked.access_token.expose_secret());
    assert_eq!(r.header("plaid-secret"), Some("<redacted>"));
    assert_eq!(r.header("plaid-client-id"), Some("<redacted>"));
    assert_eq!(
        r.header("plaid-version"),
        Some(plaid_item::client::plaid_version())
    );
    let shown = format!("{recorded:?}");
    assert!(!shown.contains(fake.secret()) && !shown.contains(linked.access_token.expose_secret()));
    fake.clear_requests();
    assert!(fake.requests().is_empty());
}
