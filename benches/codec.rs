//! Codec cost: serialising every request type and deserialising every response type of the
//! spec, from the spec's example (or the realistic body `tests/sdk` uses where the spec has
//! none), in nanoseconds and allocations per operation.
//!
//! Besides the generated types alone (`serde_json::to_vec` / `from_slice`, what the SDK's
//! codec costs), three rows split the SDK's decoding of a reply into its parts, mirroring
//! `src/transport.rs`: the `request_id` probe (a first full parse), the typed decode through
//! `serde_path_to_error`, and both together; and one row decodes into the hand-written plain
//! structs of `support/plain.rs` for comparison, and one into the same structs with a
//! flattened `extra` map on every object, as the generated types have.
//!
//! `cargo bench --bench codec` (about 1.5 minutes); `cargo bench --bench codec -- de/` for a
//! subset. Allocations are counted by a global allocator in this binary.

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/plain.rs"]
mod plain;
#[path = "support/samples.rs"]
mod samples;
#[path = "support/spec_examples.rs"]
mod spec_examples;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::Criterion;
use plaid_item::types;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

/// One measured operation; `run` returns something to keep the optimiser honest.
struct Case {
    id: String,
    bytes: usize,
    run: Box<dyn Fn() -> usize>,
}

fn ser_case<T: Serialize + DeserializeOwned + 'static>(name: &str, body: Value) -> Case {
    let value: T = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("{name}: the sample body does not fit the type: {e}"));
    let written = serde_json::to_value(&value).expect("serialises");
    if written != body {
        eprintln!("note: {name} serialises to {written}, not the sample {body}");
    }
    let bytes = serde_json::to_vec(&value).unwrap().len();
    Case {
        id: format!("ser/{name}"),
        bytes,
        run: Box::new(move || serde_json::to_vec(black_box(&value)).unwrap().len()),
    }
}

fn de_case<T: DeserializeOwned + 'static>(id: String, body: Bytes) -> Case {
    serde_json::from_slice::<T>(&body)
        .unwrap_or_else(|e| panic!("{id}: the example does not decode: {e}"));
    Case {
        id,
        bytes: body.len(),
        run: Box::new(move || {
            let value: T = serde_json::from_slice(black_box(&body)).unwrap();
            black_box(value);
            0
        }),
    }
}

/// The `request_id` probe `src/transport.rs` runs over every reply before decoding it.
fn probe_request_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Probe {
        request_id: Option<String>,
    }
    serde_json::from_slice::<Probe>(body).ok()?.request_id
}

/// The typed decode as `src/transport.rs` does it: through `serde_path_to_error`, then
/// checking that nothing follows the value.
fn decode_with_path<T: DeserializeOwned>(body: &[u8]) -> T {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).unwrap();
    deserializer.end().unwrap();
    value
}

fn sdk_decode_cases<T: DeserializeOwned + 'static>(name: &str, body: Bytes) -> Vec<Case> {
    let len = body.len();
    let probe_body = body.clone();
    let path_body = body.clone();
    vec![
        Case {
            id: format!("sdk_path/{name}/request_id_probe"),
            bytes: len,
            run: Box::new(move || probe_request_id(black_box(&probe_body)).map_or(0, |s| s.len())),
        },
        Case {
            id: format!("sdk_path/{name}/path_to_error_decode"),
            bytes: len,
            run: Box::new(move || {
                black_box(decode_with_path::<T>(black_box(&path_body)));
                0
            }),
        },
        Case {
            id: format!("sdk_path/{name}/probe_and_decode"),
            bytes: len,
            run: Box::new(move || {
                let id = probe_request_id(black_box(&body));
                black_box(decode_with_path::<T>(black_box(&body)));
                id.map_or(0, |s| s.len())
            }),
        },
    ]
}

/// The plain structs of `support/plain.rs` with what the generated types add to keep unknown
/// fields: a `#[serde(flatten)]` map on every object. `plain_with_extra` against `plain`
/// isolates the cost of that flatten (serde buffers every field of a flattened struct).
#[allow(dead_code)] // the fields are only decoded
mod with_extra {
    use serde::Deserialize;
    use serde_json::{Map, Value};

    #[derive(Deserialize, Debug)]
    pub struct ItemGetResponse {
        pub item: Item,
        #[serde(default)]
        pub status: Option<ItemStatus>,
        pub request_id: String,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }

    #[derive(Deserialize, Debug)]
    pub struct Item {
        pub item_id: String,
        #[serde(default)]
        pub institution_id: Option<String>,
        #[serde(default)]
        pub webhook: Option<String>,
        #[serde(default)]
        pub error: Option<Value>,
        pub available_products: Vec<String>,
        pub billed_products: Vec<String>,
        #[serde(default)]
        pub products: Vec<String>,
        #[serde(default)]
        pub consented_products: Vec<String>,
        #[serde(default)]
        pub consent_expiration_time: Option<String>,
        pub update_type: String,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }

    #[derive(Deserialize, Debug)]
    pub struct ItemStatus {
        #[serde(default)]
        pub investments: Option<ProductStatus>,
        #[serde(default)]
        pub transactions: Option<ProductStatus>,
        #[serde(default)]
        pub last_webhook: Option<LastWebhook>,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }

    #[derive(Deserialize, Debug)]
    pub struct ProductStatus {
        #[serde(default)]
        pub last_successful_update: Option<String>,
        #[serde(default)]
        pub last_failed_update: Option<String>,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }

    #[derive(Deserialize, Debug)]
    pub struct LastWebhook {
        #[serde(default)]
        pub sent_at: Option<String>,
        #[serde(default)]
        pub code_sent: Option<String>,
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

const TOKEN: &str = "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6";

/// A realistic body for every request type (the same shapes as `tests/sdk/operations.rs`).
fn request_cases() -> Vec<Case> {
    vec![
        ser_case::<types::ItemActivityListRequest>(
            "ItemActivityListRequest",
            json!({"access_token": TOKEN, "count": 10, "cursor": "c1"}),
        ),
        ser_case::<types::ItemApplicationListRequest>(
            "ItemApplicationListRequest",
            json!({"access_token": TOKEN}),
        ),
        ser_case::<types::ItemApplicationUnlinkRequest>(
            "ItemApplicationUnlinkRequest",
            json!({"access_token": TOKEN, "application_id": "app_1"}),
        ),
        ser_case::<types::ItemApplicationScopesUpdateRequest>(
            "ItemApplicationScopesUpdateRequest",
            json!({
                "access_token": TOKEN,
                "application_id": "app_1",
                "context": "PORTAL",
                "scopes": {
                    "product_access": {"transactions": false},
                    "accounts": [{"unique_id": "acc_1", "authorized": true}],
                    "new_accounts": false
                }
            }),
        ),
        ser_case::<types::ItemGetRequest>("ItemGetRequest", json!({"access_token": TOKEN})),
        ser_case::<types::ItemRemoveRequest>("ItemRemoveRequest", json!({"access_token": TOKEN})),
        ser_case::<types::SandboxItemFireWebhookRequest>(
            "SandboxItemFireWebhookRequest",
            json!({"access_token": TOKEN, "webhook_code": "DEFAULT_UPDATE", "webhook_type": "TRANSACTIONS"}),
        ),
        ser_case::<types::ItemWebhookUpdateRequest>(
            "ItemWebhookUpdateRequest",
            json!({"access_token": TOKEN, "webhook": "https://www.genericwebhookurl.com/webhook"}),
        ),
        ser_case::<types::ItemAccessTokenInvalidateRequest>(
            "ItemAccessTokenInvalidateRequest",
            json!({"access_token": TOKEN}),
        ),
        ser_case::<types::SandboxItemResetLoginRequest>(
            "SandboxItemResetLoginRequest",
            json!({"access_token": TOKEN}),
        ),
        ser_case::<types::SandboxItemSetVerificationStatusRequest>(
            "SandboxItemSetVerificationStatusRequest",
            json!({"access_token": TOKEN, "account_id": "acc_9", "verification_status": "automatically_verified"}),
        ),
        ser_case::<types::ItemPublicTokenExchangeRequest>(
            "ItemPublicTokenExchangeRequest",
            json!({"public_token": "public-sandbox-b0e2c4ee-a763-4df5-bfe9-46a46bce993d"}),
        ),
        ser_case::<types::ItemPublicTokenCreateRequest>(
            "ItemPublicTokenCreateRequest",
            json!({"access_token": TOKEN}),
        ),
        ser_case::<types::ItemImportRequest>(
            "ItemImportRequest",
            json!({
                "products": ["auth", "transactions"],
                "user_auth": {"user_id": "user-1", "auth_token": "auth-token-14"},
                "options": {"webhook": "https://example.com/hook"}
            }),
        ),
    ]
}

/// Every response type, from the spec's example of its path (or a small fallback).
fn response_cases(replies: &HashMap<String, Bytes>) -> Vec<Case> {
    let body = |path: &str| {
        replies
            .get(path)
            .unwrap_or_else(|| panic!("the spec has no path {path}"))
            .clone()
    };
    macro_rules! de {
        ($ty:ident, $path:literal) => {
            de_case::<types::$ty>(concat!("de/", stringify!($ty)).to_string(), body($path))
        };
    }
    let error = Bytes::from_static(
        br#"{"error_type":"ITEM_ERROR","error_code":"ITEM_LOGIN_REQUIRED","error_message":"the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information","display_message":null,"request_id":"HNTDNrA8F1shFEW","causes":[],"status":400,"documentation_url":"https://plaid.com/docs/errors/item/#item_login_required","suggested_action":null}"#,
    );
    vec![
        de!(ItemActivityListResponse, "/item/activity/list"),
        de!(ItemApplicationListResponse, "/item/application/list"),
        de!(ItemApplicationUnlinkResponse, "/item/application/unlink"),
        de!(
            ItemApplicationScopesUpdateResponse,
            "/item/application/scopes/update"
        ),
        de!(ItemGetResponse, "/item/get"),
        de!(ItemRemoveResponse, "/item/remove"),
        de!(SandboxItemFireWebhookResponse, "/sandbox/item/fire_webhook"),
        de!(ItemWebhookUpdateResponse, "/item/webhook/update"),
        de!(
            ItemAccessTokenInvalidateResponse,
            "/item/access_token/invalidate"
        ),
        de!(SandboxItemResetLoginResponse, "/sandbox/item/reset_login"),
        de!(
            SandboxItemSetVerificationStatusResponse,
            "/sandbox/item/set_verification_status"
        ),
        de!(
            ItemPublicTokenExchangeResponse,
            "/item/public_token/exchange"
        ),
        de!(ItemPublicTokenCreateResponse, "/item/public_token/create"),
        de!(ItemImportResponse, "/item/import"),
        de_case::<types::PlaidError>("de/PlaidError".to_string(), error),
    ]
}

fn comparison_cases(replies: &HashMap<String, Bytes>) -> Vec<Case> {
    let item_get = replies["/item/get"].clone();
    let activity = replies["/item/activity/list"].clone();
    let mut cases = vec![
        de_case::<plain::ItemGetResponse>("plain/ItemGetResponse".into(), item_get.clone()),
        de_case::<plain::ItemActivityListResponse>(
            "plain/ItemActivityListResponse".into(),
            activity.clone(),
        ),
        de_case::<with_extra::ItemGetResponse>(
            "plain_with_extra/ItemGetResponse".into(),
            item_get.clone(),
        ),
    ];
    cases.extend(sdk_decode_cases::<types::ItemGetResponse>(
        "ItemGetResponse",
        item_get,
    ));
    cases.extend(sdk_decode_cases::<types::ItemActivityListResponse>(
        "ItemActivityListResponse",
        activity,
    ));
    cases
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let replies = spec_examples::example_replies();
    let mut cases = request_cases();
    cases.extend(response_cases(&replies));
    cases.extend(comparison_cases(&replies));

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20)
        .configure_from_args();
    let mut group = criterion.benchmark_group("codec");
    for case in &cases {
        group.bench_function(case.id.as_str(), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box((case.run)());
                }
                let elapsed = start.elapsed();
                samples::record(&case.id, iters, elapsed);
                elapsed
            })
        });
    }
    group.finish();
    criterion.final_summary();
    if !bench_mode {
        return;
    }

    const ALLOC_RUNS: u64 = 1000;
    println!("\n== plaid-item codec: per operation (median of criterion's samples) ==");
    println!(
        "{:<56} {:>7} {:>10} {:>9} {:>10}",
        "operation", "bytes", "time", "allocs", "alloc B"
    );
    for case in &cases {
        let (a0, b0) = alloc::snapshot();
        for _ in 0..ALLOC_RUNS {
            black_box((case.run)());
        }
        let (a1, b1) = alloc::snapshot();
        println!(
            "{:<56} {:>7} {:>10} {:>9.1} {:>10.0}",
            case.id,
            case.bytes,
            samples::human_ns(samples::median_ns(&case.id)),
            (a1 - a0) as f64 / ALLOC_RUNS as f64,
            (b1 - b0) as f64 / ALLOC_RUNS as f64,
        );
    }
    let ratio = |a: &str, b: &str| samples::ratio(samples::median_ns(a), samples::median_ns(b));
    println!(
        "\nItemGetResponse: SDK decode path / typed decode alone = {}; typed / plain structs = {}",
        ratio(
            "sdk_path/ItemGetResponse/probe_and_decode",
            "de/ItemGetResponse"
        ),
        ratio("de/ItemGetResponse", "plain/ItemGetResponse"),
    );
    println!(
        "ItemGetResponse: plain structs with a flattened extra map / without = {}",
        ratio("plain_with_extra/ItemGetResponse", "plain/ItemGetResponse"),
    );
    println!(
        "ItemActivityListResponse: SDK decode path / typed decode alone = {}; typed / plain = {}",
        ratio(
            "sdk_path/ItemActivityListResponse/probe_and_decode",
            "de/ItemActivityListResponse"
        ),
        ratio(
            "de/ItemActivityListResponse",
            "plain/ItemActivityListResponse"
        ),
    );
}
