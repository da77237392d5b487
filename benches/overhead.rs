//! Per-call cost of the SDK against hand-written code and against the HTTP floor.
//!
//! The crate's fake Plaid on 127.0.0.1 (its own thread, request recording off) answers
//! `plain.rs`'s Item. Three clients send the same request bytes to it:
//!
//! - `sdk`: `plaid_item::Client` (`item_get`, `item_activity_list`), retries off;
//! - `raw`: hand-written reqwest + serde_json, decoding into plain structs (`support/plain.rs`);
//! - `floor`: a bare hyper-util client, body serialised once, reply read but not decoded.
//!
//! Each is measured sequentially (one call at a time) and as bursts of 64 concurrent calls on
//! one client. The client runs on a current-thread runtime on the bench thread, so the
//! server and the client each have one of the machine's two cores.
//!
//! After criterion's groups the bench prints SDK/raw and SDK/floor, from criterion's own
//! samples and from an interleaved pass (rounds of every variant in turn, which cancels the
//! drift of a shared machine) that also counts allocations per call on the client's thread.
//!
//! `cargo bench --bench overhead` runs it all (about 1.5 minutes on 2 cores);
//! `OVERHEAD_ROUNDS=0` skips the interleaved pass; `PLAID_BENCH_PROFILE=sdk/item_get/20000`
//! only runs that many calls of one variant (for callgrind or perf), against
//! `PLAID_BENCH_BASE_URL` when set (e.g. `examples/fake_plaid.rs` in another process).

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/fake_server.rs"]
mod fake_server;
#[path = "support/plain.rs"]
mod plain;
#[path = "support/samples.rs"]
mod samples;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use plaid_item::{types, RetryPolicy};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

const CONCURRENCY: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    ItemGet,
    ActivityList,
}

const OPS: [Op; 2] = [Op::ItemGet, Op::ActivityList];

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::ItemGet => "item_get",
            Op::ActivityList => "item_activity_list",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Op::ItemGet => "/item/get",
            Op::ActivityList => "/item/activity/list",
        }
    }

    fn parse(name: &str) -> Option<Op> {
        OPS.into_iter().find(|op| op.name() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Variant {
    Sdk,
    Raw,
    Floor,
}

const VARIANTS: [Variant; 3] = [Variant::Sdk, Variant::Raw, Variant::Floor];

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Sdk => "sdk",
            Variant::Raw => "raw",
            Variant::Floor => "floor",
        }
    }

    fn parse(name: &str) -> Option<Variant> {
        VARIANTS.into_iter().find(|v| v.name() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Sequential,
    Concurrent,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Concurrent => "concurrent64",
        }
    }

    /// Calls per criterion iteration.
    fn calls(self) -> usize {
        match self {
            Mode::Sequential => 1,
            Mode::Concurrent => CONCURRENCY,
        }
    }
}

type HyperClient = hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>;

/// The three clients, each built once and shared by every call, as an application would.
struct Clients {
    base: String,
    sdk: plaid_item::Client,
    activity_request: types::ItemActivityListRequest,
    raw: reqwest::Client,
    floor: HyperClient,
    /// `{"access_token": "..."}`, serialised once for the floor.
    floor_body: Bytes,
    floor_uris: [Uri; 2],
}

impl Clients {
    fn new(base: &str) -> Self {
        // Built first: it also installs the process's rustls provider, which reqwest needs.
        let sdk = plaid_item::Client::builder()
            .base_url(base)
            .credentials(plain::CLIENT_ID, plain::SECRET)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("the SDK client builds for a loopback URL");
        // The activity request is built from JSON once and cloned per call, so this bench
        // does not depend on the builder's setter types.
        let activity_request =
            serde_json::from_value(serde_json::json!({ "access_token": plain::ACCESS_TOKEN }))
                .expect("an ItemActivityListRequest with only an access token");
        let raw = reqwest::Client::builder()
            .user_agent(plain::USER_AGENT)
            .build()
            .expect("a reqwest client");
        let floor = hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http();
        let floor_body = Bytes::from(
            serde_json::to_vec(&plain::AccessTokenRequest {
                access_token: plain::ACCESS_TOKEN,
            })
            .unwrap(),
        );
        let uri = |op: Op| -> Uri { format!("{base}{}", op.path()).parse().expect("a URI") };
        Self {
            base: base.to_string(),
            sdk,
            activity_request,
            raw,
            floor,
            floor_body,
            floor_uris: [uri(Op::ItemGet), uri(Op::ActivityList)],
        }
    }

    async fn call(&self, variant: Variant, op: Op) {
        match variant {
            Variant::Sdk => self.sdk(op).await,
            Variant::Raw => self.raw(op).await,
            Variant::Floor => self.floor(op).await,
        }
    }

    async fn sdk(&self, op: Op) {
        match op {
            Op::ItemGet => {
                let response = self
                    .sdk
                    .item_get()
                    .body(types::ItemGetRequest::builder().access_token(plain::ACCESS_TOKEN))
                    .send()
                    .await
                    .expect("SDK item_get");
                black_box(response);
            }
            Op::ActivityList => {
                let response = self
                    .sdk
                    .item_activity_list()
                    .body(self.activity_request.clone())
                    .send()
                    .await
                    .expect("SDK item_activity_list");
                black_box(response);
            }
        }
    }

    async fn raw(&self, op: Op) {
        let body = serde_json::to_vec(&plain::AccessTokenRequest {
            access_token: plain::ACCESS_TOKEN,
        })
        .expect("a request body");
        let response = self
            .raw
            .post(format!("{}{}", self.base, op.path()))
            .header("PLAID-CLIENT-ID", plain::CLIENT_ID)
            .header("PLAID-SECRET", plain::SECRET)
            .header("Plaid-Version", plain::PLAID_VERSION)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .expect("raw send");
        assert!(response.status().is_success(), "raw: {}", response.status());
        let bytes = response.bytes().await.expect("raw body");
        match op {
            Op::ItemGet => {
                let decoded: plain::ItemGetResponse =
                    serde_json::from_slice(&bytes).expect("raw decode");
                black_box(decoded);
            }
            Op::ActivityList => {
                let decoded: plain::ItemActivityListResponse =
                    serde_json::from_slice(&bytes).expect("raw decode");
                black_box(decoded);
            }
        }
    }

    async fn floor(&self, op: Op) {
        let uri = match op {
            Op::ItemGet => &self.floor_uris[0],
            Op::ActivityList => &self.floor_uris[1],
        };
        let mut request = Request::new(Full::new(self.floor_body.clone()));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri.clone();
        let headers = request.headers_mut();
        headers.insert(
            HeaderName::from_static("plaid-client-id"),
            HeaderValue::from_static(plain::CLIENT_ID),
        );
        headers.insert(
            HeaderName::from_static("plaid-secret"),
            HeaderValue::from_static(plain::SECRET),
        );
        headers.insert(
            HeaderName::from_static("plaid-version"),
            HeaderValue::from_static(plain::PLAID_VERSION),
        );
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(plain::USER_AGENT));
        let response = self.floor.request(request).await.expect("floor send");
        assert!(
            response.status().is_success(),
            "floor: {}",
            response.status()
        );
        let body = response
            .into_body()
            .collect()
            .await
            .expect("floor body")
            .to_bytes();
        black_box(body.len());
    }
}

/// One iteration of `mode`: a call, or 64 concurrent calls on the shared client.
async fn run_once(clients: &Arc<Clients>, mode: Mode, variant: Variant, op: Op) {
    match mode {
        Mode::Sequential => clients.call(variant, op).await,
        Mode::Concurrent => {
            let mut set = JoinSet::new();
            for _ in 0..CONCURRENCY {
                let clients = clients.clone();
                set.spawn(async move { clients.call(variant, op).await });
            }
            while let Some(joined) = set.join_next().await {
                joined.expect("a call panicked");
            }
        }
    }
}

fn sample_id(mode: Mode, op: Op, variant: Variant) -> String {
    format!("{}/{}/{}", mode.name(), op.name(), variant.name())
}

fn bench_all(c: &mut Criterion, rt: &Runtime, clients: &Arc<Clients>) {
    for mode in [Mode::Sequential, Mode::Concurrent] {
        for op in OPS {
            let mut group = c.benchmark_group(format!("{}/{}", mode.name(), op.name()));
            group.throughput(Throughput::Elements(mode.calls() as u64));
            for variant in VARIANTS {
                let id = sample_id(mode, op, variant);
                group.bench_function(variant.name(), |b| {
                    b.to_async(rt).iter_custom(|iters| {
                        let clients = clients.clone();
                        let id = id.clone();
                        async move {
                            let start = Instant::now();
                            for _ in 0..iters {
                                run_once(&clients, mode, variant, op).await;
                            }
                            let elapsed = start.elapsed();
                            samples::record(&id, iters, elapsed);
                            elapsed
                        }
                    })
                });
            }
            group.finish();
        }
    }
}

/// The three clients must send the same request: same path, body and headers.
fn check_same_requests(rt: &Runtime) {
    let server = fake_server::Background::start(true);
    let clients = Arc::new(Clients::new(&server.base_url()));
    for op in OPS {
        let mut seen = Vec::new();
        for variant in VARIANTS {
            rt.block_on(clients.call(variant, op));
            let mut recorded = server.take_recorded();
            assert_eq!(recorded.len(), 1, "{} sent one request", variant.name());
            let request = recorded.remove(0);
            // The fake records credentials as `<redacted>`; all three send the same ones,
            // and a wrong one would fail the call with INVALID_API_KEYS.
            let mut headers = request.headers.clone();
            headers.sort();
            seen.push((variant, request.path, request.body, headers));
        }
        let (_, path, body, headers) = &seen[0];
        for (variant, other_path, other_body, other_headers) in &seen[1..] {
            assert_eq!(path, other_path, "{} path", variant.name());
            assert_eq!(
                body,
                other_body,
                "{} must send the SDK's exact body for {} (update benches/support/plain.rs)",
                variant.name(),
                op.name()
            );
            assert_eq!(
                headers,
                other_headers,
                "{} must send the SDK's headers for {} (update benches/overhead.rs)",
                variant.name(),
                op.name()
            );
        }
    }
}

struct Row {
    mode: Mode,
    op: Op,
    ns: [Option<f64>; 3],
    allocs: Option<[f64; 3]>,
}

fn print_table(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "{:<13} {:<19} {:>10} {:>10} {:>10} {:>8} {:>10}   allocs/call sdk / raw / floor",
        "mode", "operation", "sdk", "raw", "floor", "SDK/raw", "SDK/floor"
    );
    for row in rows {
        let [sdk, raw, floor] = row.ns;
        let allocs = row
            .allocs
            .map(|[a, b, c]| format!("{a:.0} / {b:.0} / {c:.0}"))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<13} {:<19} {:>10} {:>10} {:>10} {:>8} {:>10}   {}",
            row.mode.name(),
            row.op.name(),
            samples::human_ns(sdk),
            samples::human_ns(raw),
            samples::human_ns(floor),
            samples::ratio(sdk, raw),
            samples::ratio(sdk, floor),
            allocs
        );
    }
}

fn criterion_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for mode in [Mode::Sequential, Mode::Concurrent] {
        for op in OPS {
            let per_call = |variant| {
                samples::median_ns(&sample_id(mode, op, variant)).map(|ns| ns / mode.calls() as f64)
            };
            rows.push(Row {
                mode,
                op,
                ns: VARIANTS.map(per_call),
                allocs: None,
            });
        }
    }
    rows
}

/// Rounds of every (mode, op, variant) in turn, rotating the order each round; the median
/// per combination. Also counts allocations per call on this (the client's) thread.
fn interleaved_rows(rt: &Runtime, clients: &Arc<Clients>, rounds: usize) -> Vec<Row> {
    const SEQUENTIAL_CALLS: usize = 400;
    const BURSTS: usize = 12;
    let combos: Vec<(Mode, Op, Variant)> = [Mode::Sequential, Mode::Concurrent]
        .into_iter()
        .flat_map(|mode| OPS.into_iter().map(move |op| (mode, op)))
        .flat_map(|(mode, op)| VARIANTS.into_iter().map(move |v| (mode, op, v)))
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); combos.len()];
    let mut allocs: Vec<Vec<f64>> = vec![Vec::new(); combos.len()];
    for round in 0..rounds {
        for k in 0..combos.len() {
            let index = (k + round) % combos.len();
            let (mode, op, variant) = combos[index];
            let iterations = match mode {
                Mode::Sequential => SEQUENTIAL_CALLS,
                Mode::Concurrent => BURSTS,
            };
            let calls = (iterations * mode.calls()) as f64;
            let (allocs_before, _) = alloc::snapshot();
            let start = Instant::now();
            rt.block_on(async {
                for _ in 0..iterations {
                    run_once(clients, mode, variant, op).await;
                }
            });
            let elapsed = start.elapsed();
            let (allocs_after, _) = alloc::snapshot();
            times[index].push(elapsed.as_nanos() as f64 / calls);
            allocs[index].push((allocs_after - allocs_before) as f64 / calls);
        }
    }
    let mut rows = Vec::new();
    for chunk in 0..combos.len() / 3 {
        let (mode, op, _) = combos[chunk * 3];
        let at = |v: usize| chunk * 3 + v;
        rows.push(Row {
            mode,
            op,
            ns: [0, 1, 2].map(|v| samples::median(&mut times[at(v)])),
            allocs: Some([0, 1, 2].map(|v| samples::median(&mut allocs[at(v)]).unwrap_or(0.0))),
        });
    }
    rows
}

/// `PLAID_BENCH_PROFILE=variant/op/calls[/64]`: only run those calls, for a profiler; with
/// `/64`, as bursts of 64 concurrent calls.
fn profile(spec: &str) {
    let parts: Vec<&str> = spec.split('/').collect();
    let (Some(variant), Some(op), Some(calls)) = (
        parts.first().and_then(|v| Variant::parse(v)),
        parts.get(1).and_then(|o| Op::parse(o)),
        parts.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        panic!("PLAID_BENCH_PROFILE must be sdk|raw|floor / item_get|item_activity_list / N [/64]");
    };
    let mode = match parts.get(3) {
        None => Mode::Sequential,
        Some(&"64") => Mode::Concurrent,
        Some(other) => panic!("PLAID_BENCH_PROFILE: in flight must be 64, not {other}"),
    };
    let calls = calls.min(10_000_000);
    let rt = client_runtime();
    let server = match std::env::var("PLAID_BENCH_BASE_URL") {
        Ok(_) => None,
        Err(_) => Some(fake_server::Background::start(false)),
    };
    let base = std::env::var("PLAID_BENCH_BASE_URL")
        .unwrap_or_else(|_| server.as_ref().unwrap().base_url());
    let clients = Arc::new(Clients::new(&base));
    let start = Instant::now();
    rt.block_on(async {
        for _ in 0..calls / mode.calls() {
            run_once(&clients, mode, variant, op).await;
        }
    });
    let elapsed = start.elapsed();
    println!(
        "{} {} {} x{calls}: {}",
        mode.name(),
        variant.name(),
        op.name(),
        samples::human_ns(Some(elapsed.as_nanos() as f64 / calls as f64))
    );
}

fn client_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime for the clients")
}

fn main() {
    if let Ok(spec) = std::env::var("PLAID_BENCH_PROFILE") {
        return profile(&spec);
    }
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let server = fake_server::Background::start(false);
    let rt = client_runtime();
    let clients = Arc::new(Clients::new(&server.base_url()));
    check_same_requests(&rt);

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .configure_from_args();
    bench_all(&mut criterion, &rt, &clients);
    criterion.final_summary();
    if !bench_mode {
        return; // `cargo test --benches`: each benchmark ran once, no figures to print.
    }

    println!(
        "\n== plaid-item overhead: time per call (median), lower is better; \
         concurrent64 = one burst of 64 calls / 64 =="
    );
    print_table("From criterion's samples:", &criterion_rows());
    let rounds = std::env::var("OVERHEAD_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(9usize)
        .min(1000);
    if rounds > 0 {
        let rows = interleaved_rows(&rt, &clients, rounds);
        print_table(
            &format!("Interleaved pass ({rounds} rounds, every variant in turn):"),
            &rows,
        );
    }
    drop(server);
}
