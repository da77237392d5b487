//! A hostile reply must not write log lines of its own: every string field of a PlaidError
//! and the request id carry line breaks, terminal escapes and bidi overrides here, and the
//! captured log must still be exactly the SDK's own lines, with that text escaped.

use std::time::Duration;

use plaid_item::RetryPolicy;
use serde_json::json;

use super::{client, item_get, reply, serve};
use crate::support::logs::Captured;

const FORGED: &str =
    "\n2026-12-01T00:00:00.000000Z  INFO app: FORGED admin logged in\r\u{1b}[2K\u{2028}\u{202e}";

fn hostile_error(request_id: &str) -> Vec<u8> {
    json!({
        "error_type": format!("API_ERROR{FORGED}"),
        "error_code": format!("INTERNAL_SERVER_ERROR{FORGED}"),
        "error_message": format!("boom{FORGED}"),
        "display_message": format!("shown{FORGED}"),
        "documentation_url": format!("https://plaid.com/docs{FORGED}"),
        "suggested_action": format!("retry{FORGED}"),
        "request_id": request_id,
    })
    .to_string()
    .into_bytes()
}

/// Lines the fmt subscriber writes start with a timestamp and a level; a forged line would
/// start with whatever the server sent.
fn assert_only_sdk_lines(log: &str) {
    for line in log.lines() {
        let level = line.split_whitespace().nth(1).unwrap_or("");
        assert!(
            line.starts_with("20") && ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level),
            "a line the SDK did not write: {line:?}\n--- whole log ---\n{log}"
        );
        if line.contains("FORGED") {
            assert!(
                line.contains("plaid_item::transport: call failed")
                    || line.contains("plaid_item::transport: retrying")
                    || line.contains("plaid_item::open_enum: decoded a value"),
                "server text outside the SDK's own lines: {line:?}"
            );
        }
    }
    for c in ['\r', '\u{1b}', '\u{2028}', '\u{202e}'] {
        assert!(!log.contains(c), "raw {c:?} reached the log:\n{log}");
    }
}

#[tokio::test]
async fn control_characters_in_a_plaid_error_are_escaped_in_warn_and_info_lines() {
    let server = serve(reply(
        "500 Internal Server Error",
        &[],
        &hostile_error(&format!("rid{FORGED}")),
    ))
    .await;
    let (log, _guard) = Captured::install();
    let retry =
        RetryPolicy::standard().with_backoff(Duration::from_millis(1), Duration::from_millis(2));
    let err = item_get(&client(&server.url, retry)).await.unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(
        err.request_id(),
        None,
        "an id with a line break is not an id"
    );
    let log = log.text();
    assert_only_sdk_lines(&log);
    assert_eq!(
        log.matches("plaid_item::transport: retrying").count(),
        2,
        "{log}"
    );
    assert_eq!(
        log.matches("plaid_item::transport: call failed").count(),
        1,
        "{log}"
    );
    assert!(
        log.contains("boom\\n2026-12-01T00:00:00.000000Z  INFO app: FORGED"),
        "{log}"
    );
    assert_eq!(
        log.matches("reason=transient").count(),
        2,
        "each retry line names its reason: {log}"
    );
    assert!(
        !log.contains("request_id=") && !log.contains("(request_id"),
        "{log}"
    );

    let shown = err.to_string();
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    assert!(
        shown.contains("API_ERROR\\n2026")
            && shown.contains("INTERNAL_SERVER_ERROR\\n2026")
            && shown.contains("\\r\\u{1b}[2K\\u{2028}\\u{202e}"),
        "{shown}"
    );
    // The values themselves stay as Plaid sent them, for code that reads them.
    assert_eq!(
        err.plaid_error().unwrap().error_message,
        format!("boom{FORGED}")
    );
}

#[tokio::test]
async fn a_plausible_request_id_is_recorded_in_the_span_and_the_error() {
    let server = serve(reply("400 Bad Request", &[], &hostile_error("req-OK-42"))).await;
    let (log, _guard) = Captured::install();
    let err = item_get(&client(&server.url, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("req-OK-42"));
    let log = log.text();
    assert_only_sdk_lines(&log);
    let warn = log
        .lines()
        .find(|l| l.contains("call failed"))
        .unwrap_or_else(|| panic!("no WARN line in:\n{log}"));
    assert!(
        warn.contains("request_id=\"req-OK-42\"") || warn.contains("request_id=req-OK-42"),
        "{warn}"
    );
    assert!(warn.contains("(request_id req-OK-42)"), "{warn}");
}

#[tokio::test]
async fn a_hostile_success_body_cannot_forge_lines_either() {
    let mut body = crate::support::example_response("/item/get").unwrap();
    body["request_id"] = json!(format!("ok{FORGED}"));
    let server = serve(reply(
        "200 OK",
        &[("x-request-id", b"hdr-ok-1")],
        body.to_string().as_bytes(),
    ))
    .await;
    let (log, _guard) = Captured::install();
    let client = crate::support::client(&server.url);
    let response = client
        .item_get()
        .body(plaid_item::types::ItemGetRequest::builder().access_token("access-sandbox-h"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.request_id(),
        Some("hdr-ok-1"),
        "the bad body id falls back to the header"
    );
    assert_only_sdk_lines(&log.text());
    assert!(!log.text().contains("FORGED"));
}
