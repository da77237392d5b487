//! A loopback forwarder between the SDK and Prism. It numbers the requests, keeps Prism's
//! `sl-violations` header of each reply (the SDK's error does not carry headers, and the
//! header says *why* Prism refused), and, for the dynamic pass, asks Prism for a generated
//! reply with a different, reproducible seed per request: `Prefer: dynamic=true,
//! seed=<prefix>-<n>`. (Prism re-seeds its generator for every reply, so one fixed `--seed`
//! would answer every call to an operation with the same body.)
//!
//! It understands just enough HTTP/1.1 for that: one request per connection, bodies with
//! `Content-Length`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct Proxy {
    pub base_url: String,
    seed: Option<String>,
    seen: Arc<Mutex<Seen>>,
    task: JoinHandle<()>,
}

#[derive(Default)]
struct Seen {
    requests: u64,
    /// Prism's `sl-violations` header, by request number.
    violations: BTreeMap<u64, String>,
    /// Distinct reply bodies per path.
    bodies: BTreeMap<String, BTreeSet<Vec<u8>>>,
}

impl Proxy {
    /// Forwards to Prism at `upstream`; with a seed prefix, asks for generated replies.
    pub async fn start(upstream: SocketAddr, seed: Option<&str>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (state, prefix) = (Arc::clone(&seen), seed.map(str::to_owned));
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                // Calls are sequential, so the n-th request always gets number n.
                let n = {
                    let mut seen = lock(&state);
                    seen.requests += 1;
                    seen.requests
                };
                let prefer = prefix
                    .as_ref()
                    .map(|p| format!("Prefer: dynamic=true, seed={p}-{n}\r\n"));
                let state = Arc::clone(&state);
                tokio::spawn(async move {
                    if let Err(e) = forward(client, upstream, n, prefer, &state).await {
                        eprintln!("conformance proxy: request {n}: {e}");
                    }
                });
            }
        });
        Proxy {
            base_url,
            seed: seed.map(str::to_owned),
            seen,
            task,
        }
    }

    /// How many requests went through so far.
    pub fn requests(&self) -> u64 {
        lock(&self.seen).requests
    }

    /// How to replay request `n`'s reply, and what Prism said was wrong with it.
    pub fn describe(&self, n: u64) -> String {
        let mut text = String::new();
        if let Some(prefix) = &self.seed {
            text.push_str(&format!(
                "\n    replay: Prefer: dynamic=true, seed={prefix}-{n}"
            ));
        }
        if let Some(violations) = lock(&self.seen).violations.get(&n) {
            text.push_str(&format!("\n    Prism's sl-violations: {violations}"));
        }
        text
    }

    /// How many different bodies each path answered with.
    pub fn distinct_replies(&self) -> BTreeMap<String, usize> {
        let seen = lock(&self.seen);
        seen.bodies
            .iter()
            .map(|(p, b)| (p.clone(), b.len()))
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn forward(
    mut client: TcpStream,
    upstream: SocketAddr,
    n: u64,
    prefer: Option<String>,
    seen: &Mutex<Seen>,
) -> std::io::Result<()> {
    let request = read_request(&mut client).await?;
    let (head, body) = split(&request);
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let path = request_line
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let mut out = format!("{request_line}\r\n");
    for line in lines.filter(|l| !header_is(l, "connection") && !header_is(l, "prefer")) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(prefer.as_deref().unwrap_or_default());
    out.push_str("Connection: close\r\n\r\n");
    let mut prism = TcpStream::connect(upstream).await?;
    prism.write_all(out.as_bytes()).await?;
    prism.write_all(body).await?;
    let mut reply = Vec::new();
    prism.read_to_end(&mut reply).await?; // Prism closes: we asked for Connection: close.
    {
        let (head, body) = split(&reply);
        let mut seen = lock(seen);
        let violations = String::from_utf8_lossy(head)
            .split("\r\n")
            .find(|l| header_is(l, "sl-violations"))
            .and_then(|l| Some(l.split_once(':')?.1.trim().to_owned()));
        if let Some(violations) = violations {
            seen.violations.insert(n, violations);
        }
        seen.bodies.entry(path).or_default().insert(body.to_vec());
    }
    client.write_all(&reply).await?;
    client.shutdown().await
}

fn header_is(line: &str, name: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name))
}

/// One request: the head, then as many body bytes as `Content-Length` says.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(buffer);
        }
        buffer.extend_from_slice(&chunk[..n]);
        let Some(end) = find(&buffer, b"\r\n\r\n") else {
            continue;
        };
        let length = String::from_utf8_lossy(&buffer[..end])
            .split("\r\n")
            .find(|l| header_is(l, "content-length"))
            .and_then(|l| l.split_once(':')?.1.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if buffer.len() >= end + 4 + length {
            return Ok(buffer);
        }
    }
}

fn split(message: &[u8]) -> (&[u8], &[u8]) {
    match find(message, b"\r\n\r\n") {
        Some(end) => (&message[..end], &message[end + 4..]),
        None => (message, &[]),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
