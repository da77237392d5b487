//! A webhook receiver on hyper: verifies each request with `WebhookVerifier`, answers at once
//! and hands the webhook to a worker task that dispatches on `ItemWebhook`. Bodies are capped
//! and slow senders cut off before verification starts.
//!
//! With `PLAID_CLIENT_ID` and `PLAID_SECRET` set it serves on `WEBHOOK_RECEIVER_ADDR`
//! (default `127.0.0.1:8080`; Plaid needs a public URL, e.g. a tunnel to it) and fetches keys
//! from Plaid's Sandbox. Without them it starts the crate's fake Plaid, points an Item's
//! webhook at itself, triggers a few webhooks, prints what it verified, and exits.

use std::convert::Infallible;
use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use plaid_item::testing::{FakePlaid, NewItem};
use plaid_item::types::SandboxItemFireWebhookRequestWebhookCode as FireCode;
use plaid_item::webhooks::{ItemWebhook, WebhookError, WebhookVerifier};
use plaid_item::{Client, Environment};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Item webhooks are under 2 KiB; nothing larger is read into memory.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// Webhooks waiting for the worker; when full, the receiver answers 503 and Plaid retries.
const QUEUE: usize = 1024;
/// How long a sender may take over its headers, and over its body: a sender that trickles
/// bytes to hold connections open is cut off.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

struct Receiver {
    verifier: WebhookVerifier,
    work: mpsc::Sender<ItemWebhook>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    match Client::builder_from_env(|v| std::env::var(v).ok()) {
        Ok(builder) => {
            let client = builder.environment(Environment::Sandbox).build()?;
            let addr = std::env::var("WEBHOOK_RECEIVER_ADDR").unwrap_or("127.0.0.1:8080".into());
            let listener = TcpListener::bind(&addr).await?;
            println!("Receiving Plaid Sandbox webhooks on http://{addr}; Ctrl-C to stop");
            let (receiver, _handled) = start_worker(client);
            serve(listener, receiver).await;
            Ok(())
        }
        Err(plaid_item::ConfigError::MissingVariable(_)) => offline_demo().await,
        Err(other) => Err(other.into()),
    }
}

/// The verifier (keys fetched with `client`) and the worker behind it. The worker reports each
/// webhook it handled on the returned channel.
fn start_worker(client: Client) -> (Arc<Receiver>, mpsc::UnboundedReceiver<String>) {
    let (work, mut queue) = mpsc::channel(QUEUE);
    let (report, handled) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(webhook) = queue.recv().await {
            let line = act_on(&webhook);
            println!("  handled {line}");
            let _ = report.send(webhook.webhook_code().to_string());
        }
    });
    let verifier = WebhookVerifier::new(client);
    (Arc::new(Receiver { verifier, work }), handled)
}

async fn serve(listener: TcpListener, receiver: Arc<Receiver>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let receiver = receiver.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| receive(request, receiver.clone()));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Verifies and queues; the sender learns only a short code, never why verification failed.
async fn receive(
    request: Request<Incoming>,
    receiver: Arc<Receiver>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() != Method::POST {
        return Ok(answer(StatusCode::METHOD_NOT_ALLOWED, "post_only"));
    }
    let (parts, body) = request.into_parts();
    let body = match tokio::time::timeout(
        READ_TIMEOUT,
        Limited::new(body, MAX_BODY_BYTES).collect(),
    )
    .await
    {
        Ok(Ok(body)) => body.to_bytes(),
        Ok(Err(_)) => return Ok(answer(StatusCode::PAYLOAD_TOO_LARGE, "too_large")),
        Err(_) => return Ok(answer(StatusCode::REQUEST_TIMEOUT, "too_slow")),
    };
    let webhook = match receiver
        .verifier
        .verify_headers(&parts.headers, &body)
        .await
    {
        Ok(webhook) => webhook,
        Err(e) => {
            eprintln!("  refused a webhook: {e}");
            let (status, code) = refusal(&e);
            return Ok(answer(status, code));
        }
    };
    Ok(match receiver.work.try_send(webhook) {
        Ok(()) => answer(StatusCode::OK, "ok"),
        Err(_) => answer(StatusCode::SERVICE_UNAVAILABLE, "busy"),
    })
}

fn refusal(error: &WebhookError) -> (StatusCode, &'static str) {
    match error {
        // Plaid's key could not be fetched: not the sender's fault, so Plaid should retry.
        e if e.is_retryable() => (StatusCode::SERVICE_UNAVAILABLE, "retry_later"),
        WebhookError::BodyTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        // Genuinely signed, but not a payload this SDK can read.
        WebhookError::BadPayload(_) => (StatusCode::BAD_REQUEST, "bad_payload"),
        _ => (StatusCode::UNAUTHORIZED, "unverified"),
    }
}

fn answer(status: StatusCode, code: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(code.as_bytes())));
    *response.status_mut() = status;
    response
}

/// What an application does with each webhook (here: says what it would do).
fn act_on(webhook: &ItemWebhook) -> String {
    match webhook {
        ItemWebhook::Error(w) => match &w.error {
            Some(e) if e.error_code == "ITEM_LOGIN_REQUIRED" => {
                format!(
                    "ERROR: item {} needs the user in Link's update mode",
                    w.item_id
                )
            }
            Some(e) => format!("ERROR: item {} reports {}", w.item_id, e.error_code),
            None => format!("ERROR: item {} with no error attached", w.item_id),
        },
        ItemWebhook::PendingExpiration(w) => format!(
            "PENDING_EXPIRATION: ask the user to renew consent for item {} before {}",
            w.item_id, w.consent_expiration_time
        ),
        ItemWebhook::PendingDisconnect(w) => format!(
            "PENDING_DISCONNECT: item {} disconnects at {} ({})",
            w.item_id, w.disconnect_time, w.reason
        ),
        ItemWebhook::UserPermissionRevoked(w) => {
            format!("USER_PERMISSION_REVOKED: delete item {}'s data", w.item_id)
        }
        ItemWebhook::UserAccountRevoked(w) => format!(
            "USER_ACCOUNT_REVOKED: delete account {} of item {}",
            w.account_id, w.item_id
        ),
        ItemWebhook::WebhookUpdateAcknowledged(w) => format!(
            "WEBHOOK_UPDATE_ACKNOWLEDGED: item {} now reports to {}",
            w.item_id, w.new_webhook_url
        ),
        ItemWebhook::LoginRepaired(w) => format!("LOGIN_REPAIRED: item {} works again", w.item_id),
        ItemWebhook::NewAccountsAvailable(w) => format!(
            "NEW_ACCOUNTS_AVAILABLE: offer Link's account select for item {}",
            w.item_id.as_deref().unwrap_or("?")
        ),
        ItemWebhook::Other {
            webhook_type,
            webhook_code,
            ..
        } => format!("{webhook_type} {webhook_code}: not a webhook this app acts on"),
        // Codes a later version of this SDK models.
        other => format!("{}: not yet handled here", other.webhook_code()),
    }
}

/// Offline: the fake Plaid sends real, signed webhooks to this receiver over loopback.
async fn offline_demo() -> Result<(), Box<dyn Error>> {
    let fake = FakePlaid::start().await;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/plaid/webhook", listener.local_addr()?);
    println!(
        "PLAID_CLIENT_ID/PLAID_SECRET not set: the fake Plaid at {} sends to {url}",
        fake.base_url()
    );
    let (receiver, mut handled) = start_worker(fake.client());
    tokio::spawn(serve(listener, receiver));

    let client = fake.client();
    let item = fake.link_item(NewItem::new());
    let token = &item.access_token;
    client
        .item_webhook_update()
        .access_token(token)
        .webhook(url.as_str())
        .send()
        .await?;
    expect(&mut handled, "WEBHOOK_UPDATE_ACKNOWLEDGED").await?;
    client
        .sandbox_item_reset_login()
        .access_token(token)
        .send()
        .await?;
    expect(&mut handled, "ERROR").await?;
    fake.repair_login(&item.item_id);
    expect(&mut handled, "LOGIN_REPAIRED").await?;
    for code in [FireCode::NewAccountsAvailable, FireCode::DefaultUpdate] {
        let expected = code.as_str().to_string();
        let fire = client.sandbox_item_fire_webhook().access_token(token);
        fire.webhook_code(code).send().await?;
        expect(&mut handled, &expected).await?;
    }

    // What an attacker might send instead: a genuine signature over a body of their own, no
    // signature at all, a body too large to read.
    let genuine = fake.webhooks().pop().ok_or("the fake sent no webhook")?;
    let http = reqwest::Client::new();
    let forged = [
        (
            "a genuine signature over an altered body",
            Some(genuine.verification.as_str()),
            genuine.body.to_vec().repeat(2),
            401,
        ),
        (
            "no Plaid-Verification header",
            None,
            genuine.body.to_vec(),
            401,
        ),
        (
            "a 100 KiB body (the cap is 64 KiB)",
            Some(genuine.verification.as_str()),
            vec![b' '; 100 * 1024],
            413,
        ),
    ];
    for (what, header, body, expected) in forged {
        let mut request = http.post(&url).body(body);
        if let Some(token) = header {
            request = request.header("Plaid-Verification", token);
        }
        let status = request.send().await?.status();
        if status.as_u16() != expected {
            return Err(format!("{what}: answered {status}, expected {expected}").into());
        }
        println!("Refused {what}: {status}");
    }
    Ok(())
}

/// Waits (bounded) for the worker to handle the next webhook and checks its code.
async fn expect(
    handled: &mut mpsc::UnboundedReceiver<String>,
    code: &str,
) -> Result<(), Box<dyn Error>> {
    match tokio::time::timeout(Duration::from_secs(10), handled.recv()).await {
        Ok(Some(got)) if got == code => Ok(()),
        Ok(got) => Err(format!("expected a verified {code}, got {got:?}").into()),
        Err(_) => Err(format!("no verified {code} within 10 s").into()),
    }
}
