//! Shared set-up: a client pointed at a local server, and the spec's own examples.

use std::sync::OnceLock;

use plaid_item::{Client, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const CLIENT_ID: &str = "client-id-5f2a";
pub const SECRET: &str = "secret-9d41c7";

/// A client for `base_url` with retries off, so each test sees exactly one attempt.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a loopback client builds")
}

/// The access token the shared calls below send.
pub const ACCESS_TOKEN: &str = "access-sandbox-h";

/// item_get with [`ACCESS_TOKEN`], its reply dropped.
pub async fn item_get(client: &Client) -> Result<(), plaid_item::Error> {
    client
        .item_get()
        .access_token(ACCESS_TOKEN)
        .send()
        .await
        .map(|_| ())
}

/// item_remove (a write) with [`ACCESS_TOKEN`], its reply dropped.
pub async fn item_remove(client: &Client) -> Result<(), plaid_item::Error> {
    client
        .item_remove()
        .access_token(ACCESS_TOKEN)
        .send()
        .await
        .map(|_| ())
}

/// A server that answers every POST with item_get's spec example.
pub async fn answers_item_get() -> MockServer {
    fails_then_answers_item_get(0, ResponseTemplate::new(500)).await
}

/// A server whose first `failures` replies are `failure`, then item_get's spec example.
pub async fn fails_then_answers_item_get(failures: u64, failure: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(example_response("/item/get").unwrap()),
        )
        .mount(&server)
        .await;
    if failures > 0 {
        Mock::given(method("POST"))
            .respond_with(failure)
            .up_to_n_times(failures)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    server
}

/// The vendored spec, as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/plaid-item.yml"))
                .expect("spec/plaid-item.yml is readable");
        serde_yaml::from_str(&text).expect("the vendored spec is valid YAML")
    })
}

/// The first example of the 200 response of `POST path`, when the spec gives one.
pub fn example_response(path: &str) -> Option<Value> {
    let examples = spec()
        .get("paths")?
        .get(path)?
        .pointer("/post/responses/200/content/application~1json/examples")?
        .as_object()?;
    examples.values().next()?.get("value").cloned()
}

/// A one-behaviour HTTP server on loopback for replies wiremock cannot send (cut-off bodies,
/// stalls). Each connection reads one request, then `reply` decides what happens.
pub mod raw {
    use std::future::Future;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    pub struct RawServer {
        pub url: String,
        pub connections: Arc<AtomicUsize>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Drop for RawServer {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    /// Serves every connection with `reply(stream)` after reading the request.
    pub async fn serve<F, Fut>(reply: F) -> RawServer
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let reply = Arc::new(reply);
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let reply = reply.clone();
                tokio::spawn(async move {
                    read_request(&mut stream).await;
                    reply(stream).await;
                });
            }
        });
        RawServer {
            url,
            connections,
            task,
        }
    }

    /// Serves these exact bytes, then closes the connection.
    pub async fn serve_bytes(bytes: &'static [u8]) -> RawServer {
        serve(move |mut stream| async move {
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
        })
        .await
    }

    async fn read_request(stream: &mut TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let Ok(n) = stream.read(&mut chunk).await else {
                return;
            };
            if n == 0 {
                return;
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length {
                    return;
                }
            }
        }
    }
}

#[path = "../common/every_operation.rs"]
mod every_operation;

/// Calls each operation once with every required field, the credential-bearing ones set from
/// `secrets`, returning each outcome by operation id.
pub async fn call_every_operation(client: &Client, secrets: &Secrets) -> every_operation::Outcomes {
    let tokens = every_operation::Tokens {
        access_token: secrets.access_token,
        public_token: secrets.public_token,
        auth_token: secrets.auth_token,
    };
    every_operation::call_every_operation(client, &tokens, "kid-1").await
}

/// Credential values distinctive enough to search logs and debug output for.
pub struct Secrets {
    pub client_id: &'static str,
    pub secret: &'static str,
    pub access_token: &'static str,
    pub public_token: &'static str,
    pub auth_token: &'static str,
}

impl Secrets {
    pub fn all(&self) -> [&'static str; 5] {
        [
            self.client_id,
            self.secret,
            self.access_token,
            self.public_token,
            self.auth_token,
        ]
    }
}

/// Log output captured at TRACE for the current thread, to search it.
pub mod logs {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing::subscriber::DefaultGuard;
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    pub struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Captured {
        /// Captures everything logged on this thread until the guard drops.
        pub fn install() -> (Captured, DefaultGuard) {
            keep_callsites_live();
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(captured.clone())
                .with_ansi(false)
                .finish();
            (captured, tracing::subscriber::set_default(subscriber))
        }

        pub fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    /// tracing caches each callsite's interest process-wide. A callsite first hit while no
    /// subscriber exists anywhere is cached as "never", and a thread-local subscriber
    /// installed concurrently can miss the rebuild, losing that event for good (a WARN
    /// line missing once in a few runs). A global subscriber that is interested
    /// "sometimes" and enables nothing keeps every callsite asking the current thread's
    /// subscriber instead.
    pub fn keep_callsites_live() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let _ = tracing::subscriber::set_global_default(AskEachTime);
        });
    }

    struct AskEachTime;

    impl tracing::Subscriber for AskEachTime {
        fn register_callsite(
            &self,
            _: &'static tracing::Metadata<'static>,
        ) -> tracing::subscriber::Interest {
            tracing::subscriber::Interest::sometimes()
        }
        fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
            Some(tracing::level_filters::LevelFilter::OFF)
        }
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            false
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, _: &tracing::Event<'_>) {}
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }
}
