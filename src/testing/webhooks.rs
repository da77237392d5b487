//! Webhooks the fake sends: recorded in-process (`FakePlaid::webhooks`) and POSTed, signed, to
//! the Item's webhook URL. Plaid sends nothing for an Item without a webhook URL, and neither
//! does the fake. Delivery goes only to loopback hosts unless the fake was built with
//! `deliver_webhooks_anywhere(true)`, so a test that sets `https://example.com/hook` never
//! reaches the network.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use super::clock::FakeClock;
use super::signing::Signer;

/// What became of a webhook's HTTP delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// Not finished yet.
    Pending,
    /// The receiver answered with this status.
    Answered(u16),
    /// The POST failed (connection refused, timeout); the reason.
    Failed(String),
    /// Not sent over HTTP: the URL is not loopback (see `deliver_webhooks_anywhere`) or not a
    /// valid http(s) URL.
    NotSent(String),
}

/// One webhook the fake sent.
#[derive(Clone)]
pub struct SentWebhook {
    /// `ITEM`, say.
    pub webhook_type: String,
    /// `ERROR`, `LOGIN_REPAIRED`, ...
    pub webhook_code: String,
    /// The Item it is about.
    pub item_id: String,
    /// The URL it was addressed to (the Item's webhook at the time).
    pub url: String,
    /// The exact body bytes, as signed.
    pub body: Bytes,
    /// The `Plaid-Verification` header: an ES256 JWT over the body.
    pub verification: String,
    delivery: Arc<Mutex<Delivery>>,
}

impl SentWebhook {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// Whether and how it was delivered.
    pub fn delivery(&self) -> Delivery {
        self.delivery.lock().unwrap().clone()
    }
}

impl fmt::Debug for SentWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The JWT is a credential of sorts (it proves origin): Debug leaves it out.
        f.debug_struct("SentWebhook")
            .field("webhook_type", &self.webhook_type)
            .field("webhook_code", &self.webhook_code)
            .field("item_id", &self.item_id)
            .field("url", &self.url)
            .field("body_bytes", &self.body.len())
            .field("delivery", &self.delivery())
            .finish()
    }
}

/// Signs, records and delivers webhooks.
pub(crate) struct Outbox {
    pub(crate) signer: Signer,
    clock: FakeClock,
    sent: Mutex<Vec<SentWebhook>>,
    http: reqwest::Client,
    deliver_anywhere: bool,
    /// The runtime the fake was started on: deliveries run there, whoever triggers them.
    runtime: tokio::runtime::Handle,
}

impl Outbox {
    pub(crate) fn new(
        signer: Signer,
        clock: FakeClock,
        deliver_anywhere: bool,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        crate::tls::install_default_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            signer,
            clock,
            sent: Mutex::new(Vec::new()),
            http,
            deliver_anywhere,
            runtime,
        }
    }

    pub(crate) fn sent(&self) -> Vec<SentWebhook> {
        self.sent.lock().unwrap().clone()
    }

    /// Records the webhook and starts its delivery; returns at once.
    pub(crate) fn send(&self, url: &str, payload: Value) {
        let field = |name: &str| payload[name].as_str().unwrap_or_default().to_string();
        let body = Bytes::from(serde_json::to_vec(&payload).unwrap_or_default());
        let verification = self.signer.sign(&body, self.clock.now().timestamp());
        let webhook = SentWebhook {
            webhook_type: field("webhook_type"),
            webhook_code: field("webhook_code"),
            item_id: field("item_id"),
            url: url.to_string(),
            body,
            verification,
            delivery: Arc::new(Mutex::new(Delivery::Pending)),
        };
        self.sent.lock().unwrap().push(webhook.clone());
        if let Err(reason) = self.check_target(url) {
            *webhook.delivery.lock().unwrap() = Delivery::NotSent(reason);
            return;
        }
        let request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Plaid-Verification", webhook.verification.clone())
            .body(webhook.body.clone());
        let delivery = webhook.delivery.clone();
        self.runtime.spawn(async move {
            let outcome = match request.send().await {
                Ok(response) => Delivery::Answered(response.status().as_u16()),
                Err(e) => Delivery::Failed(e.without_url().to_string()),
            };
            *delivery.lock().unwrap() = outcome;
        });
    }

    fn check_target(&self, url: &str) -> Result<(), String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("not a valid URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("not an http(s) URL".into());
        }
        if crate::client::is_loopback(&parsed) || self.deliver_anywhere {
            Ok(())
        } else {
            Err("not a loopback host; see FakePlaidBuilder::deliver_webhooks_anywhere".into())
        }
    }
}

/// The payload of an ITEM webhook, in Plaid's shape (`environment` is `sandbox`).
pub(crate) fn item_payload(code: &str, item_id: &str, extra: Value) -> Value {
    payload("ITEM", code, item_id, extra)
}

pub(crate) fn payload(webhook_type: &str, code: &str, item_id: &str, extra: Value) -> Value {
    let mut body = serde_json::json!({
        "webhook_type": webhook_type,
        "webhook_code": code,
        "item_id": item_id,
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut body, extra) {
        map.extend(more);
        map.insert("environment".into(), Value::String("sandbox".into()));
    }
    body
}
