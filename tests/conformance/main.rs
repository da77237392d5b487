//! Independent conformance: the SDK against Stoplight Prism serving the merged spec, and the
//! merged spec against Spectral's OpenAPI rules.
//!
//! Prism is an implementation of the spec that nobody here wrote: it checks the three auth
//! headers, validates every request body against its schema (422), and with `--errors` turns
//! any reply of its own that breaks the schema into a 500 with an `sl-violations` header.
//! Needs Node and npm (the tools are installed under `target/` on first use); without them
//! the tests skip with a message, unless `CI` is set, where they fail.

mod calls;
mod merged_spec;
mod node_tools;
mod prism;
mod proxy;

use std::collections::BTreeSet;
use std::process::Command;

use plaid_item::{Client, RetryPolicy};
use reqwest::StatusCode;

use calls::Call;
use proxy::Proxy;

/// Generated replies per operation in the dynamic pass.
const DYNAMIC_ROUNDS: usize = 20;
const SEED: &str = "42";
const SPECTRAL_VERSION: &str = "6.16.3";

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials("conformance-client-id", "conformance-secret")
        // A 500 from --errors must fail the call, not be retried into a different reply.
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a loopback client builds")
}

/// What is wrong with one call, if anything: not 2xx, a violation, or no typed reply.
fn problem(call: &Call) -> Option<String> {
    let operation = call.operation;
    match &call.outcome {
        Ok(reply) if !reply.status.is_success() => {
            Some(format!("{operation}: status {}", reply.status))
        }
        Ok(reply) => reply
            .violations
            .as_ref()
            .map(|v| format!("{operation}: {} with sl-violations: {v}", reply.status)),
        // The error names the operation itself.
        Err(error) => Some(format!(
            "{error}\n    body: {}",
            error.raw_body().map(|b| b.text()).unwrap_or_default()
        )),
    }
}

/// Calls every operation once through `proxy`: the operations called, and what went wrong.
async fn one_round(client: &Client, proxy: &Proxy) -> (Vec<&'static str>, Vec<String>) {
    let first = proxy.requests() + 1;
    let calls = calls::every_operation(client).await;
    // Retries are off, so call k of the round was request `first + k`.
    let sent = proxy.requests() + 1 - first;
    assert_eq!(sent, calls.len() as u64, "one request per call");
    let problems = calls
        .iter()
        .zip(first..)
        .filter_map(|(call, n)| Some(problem(call)? + &proxy.describe(n)))
        .collect();
    (calls.iter().map(|c| c.operation).collect(), problems)
}

/// The first problems in full and a count of the rest: one fault fails hundreds of calls.
fn shorten(problems: &[String]) -> String {
    const SHOWN: usize = 15;
    let mut text = problems[..problems.len().min(SHOWN)].join("\n");
    if problems.len() > SHOWN {
        text.push_str(&format!("\n... and {} more", problems.len() - SHOWN));
    }
    text
}

#[tokio::test]
async fn every_operation_is_accepted_and_its_reply_decodes() {
    let Some(prism) = prism::shared() else { return };
    let proxy = Proxy::start(prism.addr, None).await;
    let (called, problems) = one_round(&client(&proxy.base_url), &proxy).await;

    let called: BTreeSet<String> = called.into_iter().map(str::to_owned).collect();
    assert_eq!(
        called,
        merged_spec::operations(),
        "every operation is called"
    );
    assert!(
        problems.is_empty(),
        "{} of {} operations failed against Prism:\n{}\n(Prism's log: {:?})",
        problems.len(),
        called.len(),
        shorten(&problems),
        prism::log_file()
    );
}

#[tokio::test]
async fn generated_replies_decode() {
    let Some(prism) = prism::shared() else { return };
    let proxy = Proxy::start(prism.addr, Some(SEED)).await;
    let client = client(&proxy.base_url);
    let mut problems = Vec::new();
    for _ in 0..DYNAMIC_ROUNDS {
        problems.extend(one_round(&client, &proxy).await.1);
    }
    let total = proxy.requests();
    assert!(
        problems.is_empty(),
        "{} of {total} generated replies failed:\n{}",
        problems.len(),
        shorten(&problems)
    );
    // Not vacuous: every operation was answered with several different generated replies.
    let distinct = proxy.distinct_replies();
    assert_eq!(
        distinct.len(),
        merged_spec::operations().len(),
        "{distinct:?}"
    );
    for (path, count) in &distinct {
        assert!(
            *count > 1,
            "{path}: all {DYNAMIC_ROUNDS} replies were the same"
        );
    }
    eprintln!("{total} generated replies decoded; distinct replies per path: {distinct:?}");
}

/// The three headers every call carries, as `client()` sends them.
fn auth_headers() -> [(&'static str, &'static str); 3] {
    [
        ("PLAID-CLIENT-ID", "conformance-client-id"),
        ("PLAID-SECRET", "conformance-secret"),
        ("Plaid-Version", plaid_item::client::plaid_version()),
    ]
}

/// A POST that bypasses the SDK, for requests the SDK never sends. Returns the status and the
/// `sl-violations` header followed by the body.
async fn raw_post(
    base_url: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &serde_json::Value,
) -> (StatusCode, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new()
        .post(format!("{base_url}{path}"))
        .json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("Prism answers");
    let status = response.status();
    let violations = response
        .headers()
        .get("sl-violations")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    (
        status,
        format!("{violations} {}", response.text().await.unwrap()),
    )
}

#[tokio::test]
async fn a_request_without_any_one_auth_header_is_refused() {
    let Some(prism) = prism::shared() else { return };
    let body = serde_json::json!({"access_token": "access-sandbox-1"});
    let auth = auth_headers();
    let (status, text) = raw_post(&prism.base_url, "/item/get", &auth, &body).await;
    assert_eq!(status, StatusCode::OK, "with all three headers: {text}");
    for (missing, _) in auth {
        let headers: Vec<_> = auth.into_iter().filter(|(n, _)| *n != missing).collect();
        let (status, text) = raw_post(&prism.base_url, "/item/get", &headers, &body).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "without {missing}: {text}"
        );
    }
}

#[tokio::test]
async fn a_body_missing_a_required_field_is_refused() {
    let Some(prism) = prism::shared() else { return };
    let path = "/item/application/unlink";
    let full = serde_json::json!({"access_token": "access-sandbox-1", "application_id": "app_1"});
    let (status, text) = raw_post(&prism.base_url, path, &auth_headers(), &full).await;
    assert_eq!(status, StatusCode::OK, "the complete body: {text}");
    let partial = serde_json::json!({"access_token": "access-sandbox-1"});
    let (status, text) = raw_post(&prism.base_url, path, &auth_headers(), &partial).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("application_id"), "names the field: {text}");
}

/// Spectral's `oas` rules (all of them) with `.spectral.yaml`; warnings fail too.
#[test]
fn the_merged_spec_passes_spectral() {
    let Some(spectral) =
        node_tools::package("spectral", "@stoplight/spectral-cli", SPECTRAL_VERSION)
    else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("node")
        .arg(spectral.join("dist/index.js"))
        .args(["lint", "--fail-severity", "warn", "--ruleset"])
        .arg(root.join(".spectral.yaml"))
        .arg(merged_spec::path())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "Spectral found problems in the merged spec (fix codegen/supplement.yml; allow Plaid's own \
         text in .spectral.yaml with a reason):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
