//! An HTTP/2 server that refuses every stream (`REFUSED_STREAM`): reqwest would resend on its
//! own, unseen by the retry policy; the SDK turns that off, so the policy decides, waits and
//! counts, and every send the server sees is one `attempts()` reports.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plaid_item::error::ErrorClass;
use plaid_item::{types, Client, ErrorKind, RetryPolicy};

use crate::support::{CLIENT_ID, SECRET};

/// Serves HTTP/2 without TLS (prior knowledge) and resets every stream with REFUSED_STREAM;
/// counts the requests it saw.
async fn refusing_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let Ok(mut connection) = h2::server::handshake(socket).await else {
                    return;
                };
                while let Some(Ok((_request, mut respond))) = connection.accept().await {
                    counter.fetch_add(1, Ordering::SeqCst);
                    respond.send_reset(h2::Reason::REFUSED_STREAM);
                }
            });
        }
    });
    (url, seen)
}

#[derive(Debug, Default)]
struct Waits(Mutex<Vec<Duration>>);

impl plaid_item::sleep::Sleeper for Waits {
    fn sleep(&self, wait: Duration) -> plaid_item::sleep::Sleeping {
        self.0.lock().unwrap().push(wait);
        Box::pin(std::future::ready(()))
    }
}

fn h2_client(url: &str, retry: RetryPolicy, waits: Arc<Waits>) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(retry)
        .sleeper(waits)
        .configure_http(|http| http.http2_prior_knowledge())
        .build()
        .unwrap()
}

async fn item_get(client: &Client) -> plaid_item::Error {
    client
        .item_get()
        .body(types::ItemGetRequest::builder().access_token("access-sandbox-r"))
        .send()
        .await
        .unwrap_err()
}

async fn item_remove(client: &Client) -> plaid_item::Error {
    client
        .item_remove()
        .body(types::ItemRemoveRequest::builder().access_token("access-sandbox-r"))
        .send()
        .await
        .unwrap_err()
}

fn assert_unprocessed(error: &plaid_item::Error) {
    assert!(
        matches!(error.kind(), ErrorKind::Connection(c) if c.unprocessed && !c.never_connected),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::NeverSent);
}

#[tokio::test]
async fn every_send_the_server_sees_is_an_attempt_the_policy_counted() {
    let (url, seen) = refusing_server().await;
    let waits = Arc::new(Waits::default());
    let client = h2_client(&url, RetryPolicy::standard(), waits.clone());

    let error = item_get(&client).await;
    assert_unprocessed(&error);
    assert_eq!(error.attempts(), 3);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        3,
        "not 9: reqwest resends nothing"
    );
    assert_eq!(
        waits.0.lock().unwrap().len(),
        2,
        "the policy's backoff before each resend"
    );

    seen.store(0, Ordering::SeqCst);
    let error = item_remove(&client).await;
    assert_unprocessed(&error);
    assert_eq!(
        (error.attempts(), seen.load(Ordering::SeqCst)),
        (3, 3),
        "a refused write was never processed: safe to resend, and counted"
    );
}

#[tokio::test]
async fn with_retries_off_a_refused_call_is_sent_once() {
    let (url, seen) = refusing_server().await;
    let waits = Arc::new(Waits::default());
    let client = h2_client(&url, RetryPolicy::disabled(), waits.clone());
    for error in [item_get(&client).await, item_remove(&client).await] {
        assert_unprocessed(&error);
        assert_eq!(error.attempts(), 1);
    }
    assert_eq!(seen.load(Ordering::SeqCst), 2, "one send per call");
    assert!(waits.0.lock().unwrap().is_empty());
}
