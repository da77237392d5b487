//! No credential appears in a log line (at TRACE), a `Debug` or `Display` of the client, a
//! request or response model, or any error, across every operation and both outcomes.

use plaid_item::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::logs::Captured;
use crate::support::{call_every_operation, example_response, Secrets};

const SECRETS: Secrets = Secrets {
    client_id: "CLIENT-ID-k7q2",
    secret: "PLAID-SECRET-x9w4",
    access_token: "access-sandbox-TOKEN-m3n8",
    public_token: "public-sandbox-TOKEN-p5r1",
    auth_token: "AUTH-TOKEN-z2v6",
};
/// Returned by the stand-in in replies: a fresh access token must not leak either.
const NEW_TOKEN: &str = "access-sandbox-NEW-c4d0";

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS.all().into_iter().chain([NEW_TOKEN]) {
        assert!(!text.contains(secret), "{what} leaks {secret}:\n{text}");
    }
}

async fn run_all(client: &Client) -> Vec<String> {
    let mut shown = vec![format!("{client:?}")];
    for (op, outcome) in call_every_operation(client, &SECRETS).await {
        match outcome {
            Ok(()) => {}
            Err(e) => {
                shown.push(format!("{op}: {e} / {e:?}"));
                if let Some(source) = std::error::Error::source(&e) {
                    shown.push(format!("{source} / {source:?}"));
                }
            }
        }
    }
    shown
}

#[tokio::test]
async fn no_secret_reaches_logs_debug_or_errors() {
    let (captured, _guard) = Captured::install();

    // Success replies echo credentials back the way Plaid does (tokens in bodies).
    let ok = MockServer::start().await;
    let mut exchange = example_response("/item/public_token/exchange").unwrap();
    exchange["access_token"] = json!(NEW_TOKEN);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(exchange))
        .mount(&ok)
        .await;
    let failing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .mount(&failing)
        .await;

    let mut shown = Vec::new();
    for url in [ok.uri(), failing.uri(), "http://127.0.0.1:9".to_string()] {
        let client = Client::builder()
            .base_url(url)
            .credentials(SECRETS.client_id, SECRETS.secret)
            .retry_policy(
                RetryPolicy::standard()
                    .with_backoff(std::time::Duration::ZERO, std::time::Duration::ZERO),
            )
            .build()
            .unwrap();
        shown.extend(run_all(&client).await);
    }
    drop(_guard);

    // The stand-in received the real values, so the test really sent them.
    let seen = ok.received_requests().await.unwrap();
    assert_eq!(
        seen.len(),
        15,
        "every operation, the webhook key one included"
    );
    assert!(seen
        .iter()
        .all(|r| r.headers.get("plaid-secret").unwrap() == SECRETS.secret));
    assert!(seen
        .iter()
        .any(|r| String::from_utf8_lossy(&r.body).contains(SECRETS.auth_token)));

    let logs = captured.text();
    assert!(
        logs.contains("plaid_item.call"),
        "spans were captured: {logs}"
    );
    assert!(logs.contains("retrying"), "retries were logged: {logs}");
    assert_clean("the logs", &logs);
    assert_clean("debug and error output", &shown.join("\n"));
}

#[test]
fn models_holding_credentials_never_print_them() {
    use plaid_item::types;
    let exchange: types::ItemPublicTokenExchangeResponse = serde_json::from_value(json!({
        "access_token": NEW_TOKEN, "item_id": "i", "request_id": "r"
    }))
    .unwrap();
    let import: types::ItemImportRequest = types::ItemImportRequest::builder()
        .products(vec![types::Products::Auth])
        .secret(Some(SECRETS.secret))
        .user_auth(
            types::ItemImportRequestUserAuth::builder()
                .user_id("u")
                .auth_token(SECRETS.auth_token),
        )
        .try_into()
        .unwrap();
    let get: types::ItemGetRequest = types::ItemGetRequest::builder()
        .access_token(SECRETS.access_token)
        .try_into()
        .unwrap();
    let exchange_req: types::ItemPublicTokenExchangeRequest =
        types::ItemPublicTokenExchangeRequest::builder()
            .public_token(SECRETS.public_token)
            .try_into()
            .unwrap();
    let builder = types::ItemGetRequest::builder().access_token(SECRETS.access_token);
    for shown in [
        format!("{exchange:?}"),
        format!("{import:?}"),
        format!("{get:?}"),
        format!("{exchange_req:?}"),
        format!("{builder:?}"),
    ] {
        assert_clean("a model's Debug", &shown);
    }
    // The values are still there for the wire.
    assert!(serde_json::to_string(&import)
        .unwrap()
        .contains(SECRETS.auth_token));
}
