//! Webhook verification cost: `WebhookVerifier::verify` on a genuine webhook whose
//! key is already cached, beside baselines measured in the same run, so the report is a
//! ratio:
//!
//! - `verify/cached_key`: the whole procedure (sizes, JWT header, cache lookup, ES256,
//!   `iat`, body hash, parse), on an ITEM `ERROR` webhook signed by the fake Plaid;
//! - `baseline/es256_verify`: ring's P-256 ECDSA verify of the same signing input alone (the
//!   floor: no verifier can skip it);
//! - `baseline/sha256_body`: the body's SHA-256;
//! - `baseline/parse_only`: `ItemWebhook::parse` of the same body, no verification.
//!
//! After criterion's runs, an interleaved pass times verify, ES256 and parse side by side in
//! rounds, so load that changes during the run does not skew the ratios.
//!
//! `cargo bench --bench webhooks -- --warm-up-time 1 --measurement-time 3` (about 25 s).

#[path = "support/samples.rs"]
mod samples;

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::Criterion;
use plaid_item::testing::{FakePlaid, NewItem, SentWebhook};
use plaid_item::types::JwkPublicKey;
use plaid_item::webhooks::{ItemWebhook, WebhookVerifier};
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};

const VERIFY: &str = "verify/cached_key";
const ES256: &str = "baseline/es256_verify";
const SHA256: &str = "baseline/sha256_body";
const PARSE: &str = "baseline/parse_only";

/// A genuine ITEM `ERROR` webhook from the fake, and the key that signed it.
async fn signed_webhook(fake: &FakePlaid) -> (SentWebhook, JwkPublicKey) {
    let client = fake.client();
    let linked = fake.link_item(NewItem::new().webhook("https://example.com/hook"));
    client
        .sandbox_item_reset_login()
        .access_token(&linked.access_token)
        .send()
        .await
        .expect("the fake resets the login");
    let webhook = fake
        .webhooks()
        .pop()
        .expect("the fake signs an ERROR webhook");
    let key = client
        .webhook_verification_key_get()
        .key_id(fake.webhook_key_id())
        .send()
        .await
        .expect("the fake serves its key")
        .into_inner()
        .key;
    (webhook, key)
}

/// `04 || x || y`, what ring takes.
fn sec1_point(key: &JwkPublicKey) -> Vec<u8> {
    let mut point = vec![4u8];
    for coordinate in [&key.x, &key.y] {
        point.extend(URL_SAFE_NO_PAD.decode(coordinate.expose_secret()).unwrap());
    }
    point
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let fake = runtime.block_on(FakePlaid::start());
    let (webhook, key) = runtime.block_on(signed_webhook(&fake));
    let (token, body) = (webhook.verification.as_str(), &webhook.body[..]);
    let verifier = WebhookVerifier::new(fake.client());
    // The one key fetch, outside the measurement: every measured call hits the cache.
    runtime
        .block_on(verifier.verify(token, body))
        .expect("a genuine webhook verifies");

    let (signing_input, signature) = token.rsplit_once('.').expect("a compact JWT");
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let public_key = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, sec1_point(&key));
    public_key
        .verify(signing_input.as_bytes(), &signature)
        .expect("the baseline verifies the same signature");

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = criterion.benchmark_group("webhooks");
    group.bench_function(VERIFY, |b| {
        b.iter_custom(|iters| {
            // One block_on for the whole loop: the runtime's entry is not part of the figure.
            let elapsed = runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let verified = verifier.verify(black_box(token), black_box(body)).await;
                    black_box(verified.expect("verifies"));
                }
                start.elapsed()
            });
            samples::record(VERIFY, iters, elapsed);
            elapsed
        })
    });
    let mut sync_case = |id: &'static str, run: &dyn Fn()| {
        group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    run();
                }
                let elapsed = start.elapsed();
                samples::record(id, iters, elapsed);
                elapsed
            })
        });
    };
    let es256 = || {
        let verified = public_key.verify(black_box(signing_input.as_bytes()), &signature);
        black_box(verified).expect("verifies");
    };
    let parse = || {
        black_box(ItemWebhook::parse(black_box(body)).expect("parses"));
    };
    sync_case(ES256, &es256);
    sync_case(SHA256, &|| {
        black_box(ring::digest::digest(&ring::digest::SHA256, black_box(body)));
    });
    sync_case(PARSE, &parse);
    group.finish();
    criterion.final_summary();
    if !bench_mode {
        return;
    }

    println!("\n== webhook verification, key cached (median of criterion's samples) ==");
    println!("body {} bytes, token {} bytes", body.len(), token.len());
    for id in [VERIFY, ES256, SHA256, PARSE] {
        println!("{id:<24} {:>10}", samples::human_ns(samples::median_ns(id)));
    }
    let ratio = |a, b| samples::ratio(samples::median_ns(a), samples::median_ns(b));
    println!(
        "criterion medians: verify / ES256 alone = {}; verify / parse only = {}",
        ratio(VERIFY, ES256),
        ratio(VERIFY, PARSE)
    );

    // Criterion measures one case after another, so a change in the machine's load between
    // them skews the ratio. Interleaved rounds time the three side by side, round by round.
    let timed = |iters: u32, run: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..iters {
            run();
        }
        start.elapsed().as_nanos() as f64 / f64::from(iters)
    };
    let (mut to_es256, mut to_parse) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let verify_ns = runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..ROUND_ITERS {
                black_box(verifier.verify(token, body).await.expect("verifies"));
            }
            start.elapsed().as_nanos() as f64 / f64::from(ROUND_ITERS)
        });
        to_es256.push(verify_ns / timed(ROUND_ITERS, &es256));
        to_parse.push(verify_ns / timed(ROUND_ITERS * 10, &parse));
    }
    let show = |v: &mut Vec<f64>| samples::median(v).map_or("-".into(), |m| format!("{m:.2}"));
    println!(
        "interleaved ({ROUNDS} rounds, median): verify / ES256 alone = {}; verify / parse only = {}",
        show(&mut to_es256),
        show(&mut to_parse)
    );
}

/// Interleaved pass: rounds, and verifications per round (about 15 ms of each).
const ROUNDS: usize = 40;
const ROUND_ITERS: u32 = 200;
