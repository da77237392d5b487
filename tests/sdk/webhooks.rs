//! Webhook verification against a local key endpoint, with webhooks signed here the way Plaid
//! signs them (ES256 JWT `{alg, kid, typ}` / `{iat, request_body_sha256}`) by a P-256 key
//! generated per test. Every refusal is checked for its variant, for the number of key
//! fetches it caused, and for never showing the token, the key or the body.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use plaid_item::webhooks::{ItemWebhook, Limits, WebhookError, WebhookVerifier};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{client, CLIENT_ID, SECRET};

const KEY_PATH: &str = "/webhook_verification_key/get";
/// The verifier's "now" in every test: tokens are signed relative to it.
const NOW: u64 = 1_760_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A P-256 signing key and its public JWK, as Plaid's key endpoint returns it.
struct Signer {
    kid: String,
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl Signer {
    fn new(kid: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        Self {
            kid: kid.into(),
            pair,
            rng,
        }
    }

    fn x_y(&self) -> (String, String) {
        let point = self.pair.public_key().as_ref();
        assert_eq!(point.len(), 65);
        (b64(&point[1..33]), b64(&point[33..]))
    }

    fn jwk(&self, expired_at: Option<i64>) -> Value {
        let (x, y) = self.x_y();
        json!({
            "alg": "ES256", "crv": "P-256", "kid": self.kid, "kty": "EC", "use": "sig",
            "x": x, "y": y, "created_at": 1_560_466_150, "expired_at": expired_at
        })
    }

    fn sign_parts(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let sig = self.pair.sign(&self.rng, input.as_bytes()).unwrap();
        format!("{input}.{}", b64(sig.as_ref()))
    }

    /// The `Plaid-Verification` value for `body`, issued at `iat`.
    fn token_at(&self, body: &[u8], iat: u64) -> String {
        self.sign_parts(
            &json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"}),
            &json!({"iat": iat, "request_body_sha256": sha256_hex(body)}),
        )
    }

    fn token(&self, body: &[u8]) -> String {
        self.token_at(body, NOW - 3)
    }
}

fn sha256_hex(body: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, body)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A key endpoint serving `signers`' keys; any other kid gets Plaid's 400.
async fn key_server(keys: Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(KEY_PATH))
        .respond_with(move |request: &Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            match keys.iter().find(|k| k["kid"] == body["key_id"]) {
                Some(key) => ResponseTemplate::new(200)
                    .set_body_json(json!({"key": key, "request_id": "req-key-1"})),
                None => ResponseTemplate::new(400).set_body_json(json!({
                    "error_type": "INVALID_INPUT", "error_code": "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
                    "error_message": "invalid key_id provided", "display_message": null,
                    "request_id": "req-key-missing"
                })),
            }
        })
        .mount(&server)
        .await;
    server
}

fn verifier(server: &MockServer) -> WebhookVerifier {
    WebhookVerifier::new(client(&server.uri())).with_clock(now)
}

async fn fetches(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// One valid body per ITEM code.
fn bodies() -> Vec<(&'static str, Value)> {
    let item = "wz666MBjYWTp2PDzzggYhM6oWWmBb";
    let error = json!({"error_type": "ITEM_ERROR", "error_code": "ITEM_LOGIN_REQUIRED",
        "error_message": "login required", "display_message": null, "status": 400});
    vec![
        (
            "ERROR",
            json!({"webhook_type": "ITEM", "webhook_code": "ERROR", "item_id": item,
            "error": error, "environment": "production"}),
        ),
        (
            "PENDING_EXPIRATION",
            json!({"webhook_type": "ITEM", "webhook_code": "PENDING_EXPIRATION",
            "item_id": item, "consent_expiration_time": "2020-01-15T13:25:17.766Z",
            "environment": "sandbox"}),
        ),
        (
            "PENDING_DISCONNECT",
            json!({"webhook_type": "ITEM", "webhook_code": "PENDING_DISCONNECT",
            "item_id": item, "user_id": "usr_9nSp2KuZ2x4JDw", "reason": "INSTITUTION_MIGRATION",
            "disconnect_time": "2020-01-15T13:25:17.766Z", "environment": "production"}),
        ),
        (
            "USER_PERMISSION_REVOKED",
            json!({"webhook_type": "ITEM",
            "webhook_code": "USER_PERMISSION_REVOKED", "item_id": item, "error": error,
            "environment": "production"}),
        ),
        (
            "USER_ACCOUNT_REVOKED",
            json!({"webhook_type": "ITEM",
            "webhook_code": "USER_ACCOUNT_REVOKED", "item_id": item, "account_id": "acc_1",
            "environment": "production"}),
        ),
        (
            "WEBHOOK_UPDATE_ACKNOWLEDGED",
            json!({"webhook_type": "ITEM",
            "webhook_code": "WEBHOOK_UPDATE_ACKNOWLEDGED", "item_id": item, "error": null,
            "new_webhook_url": "https://example.com/hook", "environment": "production"}),
        ),
        (
            "LOGIN_REPAIRED",
            json!({"webhook_type": "ITEM", "webhook_code": "LOGIN_REPAIRED",
            "item_id": item, "environment": "development"}),
        ),
        (
            "NEW_ACCOUNTS_AVAILABLE",
            json!({"webhook_type": "ITEM",
            "webhook_code": "NEW_ACCOUNTS_AVAILABLE", "item_id": item, "error": null,
            "environment": "production"}),
        ),
    ]
}

fn login_repaired() -> Vec<u8> {
    br#"{"webhook_type":"ITEM","webhook_code":"LOGIN_REPAIRED","item_id":"item-1","environment":"sandbox"}"#.to_vec()
}

/// Neither `Display` nor `Debug` of `error` shows the token, the key, the body or a credential.
fn assert_no_secrets(error: &WebhookError, signer: &Signer, token: &str, body: &[u8]) {
    let (x, y) = signer.x_y();
    let shown = format!("{error} / {error:?}");
    let (_, signature) = token.rsplit_once('.').unwrap();
    let (header_b64, rest) = token.split_once('.').unwrap();
    let claims_b64 = rest.split_once('.').map_or(rest, |(c, _)| c);
    for secret in [
        token,
        signature,
        claims_b64,
        header_b64,
        x.as_str(),
        y.as_str(),
        SECRET,
        CLIENT_ID,
    ] {
        if secret.is_empty() {
            continue;
        }
        assert!(!shown.contains(secret), "{shown} shows {secret}");
    }
    if body.len() > 8 {
        assert!(!shown.contains(&*String::from_utf8_lossy(body)), "{shown}");
    }
}

#[tokio::test]
async fn a_valid_webhook_of_every_code_verifies_into_its_variant() {
    let signer = Signer::new("kid-every-code");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    for (code, body) in bodies() {
        let body = serde_json::to_vec(&body).unwrap();
        let webhook = verifier
            .verify(&signer.token(&body), &body)
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(webhook.webhook_code(), code);
        assert_eq!(webhook.webhook_type(), "ITEM");
        let variant_matches =
            match (&webhook, code) {
                (ItemWebhook::Error(w), "ERROR") => {
                    w.error.as_ref().unwrap().error_code == "ITEM_LOGIN_REQUIRED"
                }
                (ItemWebhook::PendingExpiration(w), "PENDING_EXPIRATION") => {
                    w.consent_expiration_time.timestamp_millis() == 1_579_094_717_766
                }
                (ItemWebhook::PendingDisconnect(w), "PENDING_DISCONNECT") => w.reason
                    == plaid_item::webhooks::PendingDisconnectWebhookReason::InstitutionMigration,
                (ItemWebhook::UserPermissionRevoked(_), "USER_PERMISSION_REVOKED")
                | (ItemWebhook::UserAccountRevoked(_), "USER_ACCOUNT_REVOKED")
                | (ItemWebhook::WebhookUpdateAcknowledged(_), "WEBHOOK_UPDATE_ACKNOWLEDGED")
                | (ItemWebhook::LoginRepaired(_), "LOGIN_REPAIRED")
                | (ItemWebhook::NewAccountsAvailable(_), "NEW_ACCOUNTS_AVAILABLE") => true,
                _ => false,
            };
        assert!(variant_matches, "{code}: {webhook:?}");
        assert_eq!(webhook.item_id(), Some("wz666MBjYWTp2PDzzggYhM6oWWmBb"));
    }
    assert_eq!(fetches(&server).await, 1, "one key fetch for all eight");
}

#[tokio::test]
async fn the_key_fetch_is_an_authenticated_call_for_the_kid() {
    let signer = Signer::new("kid-auth");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(KEY_PATH))
        .and(header("PLAID-CLIENT-ID", CLIENT_ID))
        .and(header("PLAID-SECRET", SECRET))
        .and(header("Plaid-Version", "2020-09-14"))
        .and(body_partial_json(json!({"key_id": "kid-auth"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"key": signer.jwk(None), "request_id": "r"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body = login_repaired();
    verifier(&server)
        .verify(&signer.token(&body), &body)
        .await
        .unwrap();
}

#[tokio::test]
async fn verify_headers_reads_plaid_verification_and_refuses_none_or_two() {
    let signer = Signer::new("kid-headers");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let body = login_repaired();
    let token = signer.token(&body);
    let mut headers = reqwest::header::HeaderMap::new();
    let err = verifier.verify_headers(&headers, &body).await.unwrap_err();
    assert!(matches!(err, WebhookError::MissingHeader), "{err:?}");
    headers.insert("Plaid-Verification", token.parse().unwrap());
    let ok = verifier.verify_headers(&headers, &body).await.unwrap();
    assert!(matches!(ok, ItemWebhook::LoginRepaired(_)));
    headers.append("plaid-verification", token.parse().unwrap());
    let err = verifier.verify_headers(&headers, &body).await.unwrap_err();
    assert!(matches!(err, WebhookError::MalformedToken(_)), "{err:?}");
    assert_no_secrets(&err, &signer, &token, &body);
}

#[tokio::test]
async fn any_alg_but_es256_is_refused_before_a_key_is_fetched() {
    let signer = Signer::new("kid-alg");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let body = login_repaired();
    let claims = json!({"iat": NOW, "request_body_sha256": sha256_hex(&body)});
    let input = |alg: &str| {
        format!(
            "{}.{}",
            b64(json!({"alg": alg, "kid": signer.kid, "typ": "JWT"}).to_string()),
            b64(claims.to_string())
        )
    };
    // HS256 with the public key as the HMAC secret: the classic confusion attack. Try the
    // JWK's JSON, its raw point and its x coordinate as the secret.
    let jwk = signer.jwk(None);
    let mut tokens = Vec::new();
    for secret in [
        jwk.to_string().into_bytes(),
        signer.pair.public_key().as_ref().to_vec(),
        jwk["x"].as_str().unwrap().as_bytes().to_vec(),
    ] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret);
        let input = input("HS256");
        let tag = ring::hmac::sign(&key, input.as_bytes());
        tokens.push((
            "HS256".to_string(),
            format!("{input}.{}", b64(tag.as_ref())),
        ));
    }
    tokens.push(("none".into(), format!("{}.", input("none"))));
    tokens.push(("None".into(), format!("{}.", input("None"))));
    tokens.push((
        "RS256".into(),
        format!("{}.{}", input("RS256"), b64([1u8; 256])),
    ));
    // A real ES256 signature under a header claiming another alg: the alg still decides.
    for alg in ["ES384", "PS256", "EdDSA", "es256"] {
        let input = input(alg);
        let sig = signer.pair.sign(&signer.rng, input.as_bytes()).unwrap();
        tokens.push((alg.into(), format!("{input}.{}", b64(sig.as_ref()))));
    }
    for (alg, token) in tokens {
        let err = verifier.verify(&token, &body).await.unwrap_err();
        match &err {
            WebhookError::UnsupportedAlgorithm { alg: shown, .. } => assert_eq!(shown, &alg),
            other => panic!("{alg}: {other:?}"),
        }
        assert_no_secrets(&err, &signer, &token, &body);
    }
    assert_eq!(
        fetches(&server).await,
        0,
        "no key was fetched for a wrong alg"
    );
}

#[tokio::test]
async fn a_tampered_body_or_one_changed_signature_byte_is_refused() {
    let signer = Signer::new("kid-tamper");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let body = login_repaired();
    let token = signer.token(&body);

    let mut tampered = body.clone();
    tampered[40] ^= 0x01;
    let err = verifier.verify(&token, &tampered).await.unwrap_err();
    assert!(matches!(err, WebhookError::BodyMismatch), "{err:?}");
    assert_no_secrets(&err, &signer, &token, &tampered);
    // Same JSON, re-serialised with different spacing: the raw bytes are what is signed.
    let respaced =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    let err = verifier.verify(&token, &respaced).await.unwrap_err();
    assert!(matches!(err, WebhookError::BodyMismatch), "{err:?}");

    let (input, sig) = token.rsplit_once('.').unwrap();
    let mut sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    for index in [0, 31, 32, 63] {
        sig[index] ^= 0x80;
        let forged = format!("{input}.{}", b64(&sig));
        sig[index] ^= 0x80;
        let err = verifier.verify(&forged, &body).await.unwrap_err();
        assert!(
            matches!(err, WebhookError::BadSignature),
            "{index}: {err:?}"
        );
        assert_no_secrets(&err, &signer, &forged, &body);
    }
    // Claims changed after signing (a fresher iat, another body's hash).
    let (header_b64, _) = token.split_once('.').unwrap();
    let claims = json!({"iat": NOW, "request_body_sha256": sha256_hex(&tampered)});
    let resigned = format!(
        "{header_b64}.{}.{}",
        b64(claims.to_string()),
        b64(URL_SAFE_NO_PAD
            .decode(token.rsplit_once('.').unwrap().1)
            .unwrap())
    );
    let err = verifier.verify(&resigned, &tampered).await.unwrap_err();
    assert!(matches!(err, WebhookError::BadSignature), "{err:?}");
    // Signed by another key under the same kid.
    let impostor = Signer::new("kid-tamper");
    let err = verifier
        .verify(&impostor.token(&body), &body)
        .await
        .unwrap_err();
    assert!(matches!(err, WebhookError::BadSignature), "{err:?}");
    assert_eq!(fetches(&server).await, 1);
    verifier
        .verify(&token, &body)
        .await
        .expect("the original still verifies");
}

#[tokio::test]
async fn a_key_plaid_retired_is_refused() {
    let signer = Signer::new("kid-expired");
    let server = key_server(vec![signer.jwk(Some(1_700_000_000))]).await;
    let body = login_repaired();
    let token = signer.token(&body);
    let err = verifier(&server).verify(&token, &body).await.unwrap_err();
    assert!(
        matches!(&err, WebhookError::ExpiredKey { kid, .. } if kid == "kid-expired"),
        "{err:?}"
    );
    assert_no_secrets(&err, &signer, &token, &body);
}

#[tokio::test]
async fn iat_older_than_five_minutes_or_ahead_beyond_the_skew_is_refused() {
    let signer = Signer::new("kid-iat");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let body = login_repaired();
    let skew = verifier.limits().allowed_skew().as_secs();
    assert_eq!(verifier.limits().max_age(), Duration::from_secs(300));
    for iat in [NOW - 300, NOW, NOW + skew] {
        verifier
            .verify(&signer.token_at(&body, iat), &body)
            .await
            .unwrap_or_else(|e| panic!("iat {iat}: {e}"));
    }
    let token = signer.token_at(&body, NOW - 301);
    let err = verifier.verify(&token, &body).await.unwrap_err();
    assert!(
        matches!(
            err,
            WebhookError::StaleToken {
                age_secs: 301,
                max_age_secs: 300,
                ..
            }
        ),
        "{err:?}"
    );
    assert_no_secrets(&err, &signer, &token, &body);
    let err = verifier
        .verify(&signer.token_at(&body, NOW - 86_400 * 365), &body)
        .await
        .unwrap_err();
    assert!(matches!(err, WebhookError::StaleToken { .. }), "{err:?}");
    let err = verifier
        .verify(&signer.token_at(&body, NOW + skew + 1), &body)
        .await
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::FutureToken { ahead_secs, .. } if ahead_secs == skew + 1),
        "{err:?}"
    );
    // A later clock turns the same accepted token stale: the clock is really consulted.
    let token = signer.token_at(&body, NOW);
    let later = WebhookVerifier::new(client(&server.uri()))
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW + 301));
    assert!(matches!(
        later.verify(&token, &body).await,
        Err(WebhookError::StaleToken { .. })
    ));
}

#[tokio::test]
async fn an_unknown_kid_is_resolved_by_one_fetch_even_under_concurrency() {
    let signer = Signer::new("kid-concurrent");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(KEY_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"key": signer.jwk(None), "request_id": "r"}))
                // Slow enough that every verification below is waiting on the same fetch.
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let verifier = Arc::new(verifier(&server));
    let body = login_repaired();
    let token = signer.token(&body);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (verifier, token, body) = (verifier.clone(), token.clone(), body.clone());
            tokio::spawn(async move { verifier.verify(&token, &body).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("every waiter gets the key");
    }
    assert_eq!(fetches(&server).await, 1, "16 verifications, one fetch");
    verifier.verify(&token, &body).await.unwrap();
    assert_eq!(fetches(&server).await, 1, "then served from the cache");
}

#[tokio::test]
async fn a_flood_of_random_kids_costs_at_most_the_fetch_budget() {
    let signer = Signer::new("kid-real");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let burst = verifier.limits().fetch_burst() as usize;
    let body = login_repaired();
    let mut unknown = 0;
    let mut throttled = 0;
    for i in 0..500 {
        let forger = Signer::new(&format!("random-kid-{i}"));
        let token = forger.token(&body);
        match verifier.verify(&token, &body).await.unwrap_err() {
            WebhookError::UnknownKey { .. } => unknown += 1,
            WebhookError::KeyFetchThrottled => throttled += 1,
            other => panic!("{other:?}"),
        }
        if i < 3 {
            // The same forged kid again: remembered as unknown, no new fetch.
            let again = verifier.verify(&token, &body).await.unwrap_err();
            assert!(
                matches!(again, WebhookError::UnknownKey { .. }),
                "{again:?}"
            );
        }
    }
    assert_eq!(
        fetches(&server).await,
        burst,
        "the clock stood still: only the burst"
    );
    assert_eq!((unknown, throttled), (burst, 500 - burst));
    // Genuine webhooks from a key never seen before wait for the bucket too, but a key the
    // verifier already has keeps working through the flood.
    let fresh = WebhookVerifier::new(client(&server.uri())).with_clock(now);
    fresh.verify(&signer.token(&body), &body).await.unwrap();
    for i in 0..50 {
        let _ = fresh
            .verify(&Signer::new(&format!("r{i}")).token(&body), &body)
            .await;
    }
    fresh.verify(&signer.token(&body), &body).await.unwrap();
}

#[tokio::test]
async fn the_bucket_refills_with_time_at_the_documented_rate() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let signer = Signer::new("kid-refill");
    let server = key_server(vec![signer.jwk(None)]).await;
    let offset = Arc::new(AtomicU64::new(0));
    let clock_offset = offset.clone();
    let verifier = WebhookVerifier::new(client(&server.uri())).with_clock(move || {
        UNIX_EPOCH + Duration::from_secs(NOW + clock_offset.load(Ordering::SeqCst))
    });
    let limits = *verifier.limits();
    let body = login_repaired();
    let mut kid = 0;
    let mut flood = |n: usize| {
        let tokens: Vec<String> = (0..n)
            .map(|_| {
                kid += 1;
                Signer::new(&format!("f{kid}")).token_at(&body, NOW)
            })
            .collect();
        tokens
    };
    for token in flood(50) {
        let _ = verifier.verify(&token, &body).await;
    }
    assert_eq!(fetches(&server).await, limits.fetch_burst() as usize);
    // One minute later: 60 s / 6 s = 10 more fetches, however many kids arrive.
    offset.store(60, Ordering::SeqCst);
    for token in flood(50) {
        let _ = verifier.verify(&token, &body).await;
    }
    let per_minute = (60 / limits.fetch_refill().as_secs()) as usize;
    assert_eq!(
        fetches(&server).await,
        limits.fetch_burst() as usize + per_minute
    );
}

#[tokio::test]
async fn a_failing_key_endpoint_is_a_key_fetch_error_with_its_status() {
    let signer = Signer::new("kid-fail");
    let body = login_repaired();
    let token = signer.token(&body);
    for (status, reply, expect_status) in [
        (
            500,
            r#"{"error_type":"API_ERROR","error_code":"INTERNAL_SERVER_ERROR","error_message":"x","display_message":null,"request_id":"req-500"}"#,
            500,
        ),
        (200, "<html>not json</html>", 200),
        (
            200,
            r#"{"key": {"kid": "kid-fail"}, "request_id": "req-garbage"}"#,
            200,
        ),
        (403, "forbidden", 403),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(KEY_PATH))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("content-type", "application/json")
                    .set_body_string(reply),
            )
            .mount(&server)
            .await;
        let verifier = verifier(&server);
        let err = verifier.verify(&token, &body).await.unwrap_err();
        let WebhookError::KeyFetch(call) = &err else {
            panic!("{status} {reply}: {err:?}");
        };
        assert_eq!(
            call.status().map(|s| s.as_u16()),
            Some(expect_status),
            "{err}"
        );
        assert!(err.is_retryable());
        if status == 500 {
            assert_eq!(call.request_id(), Some("req-500"));
        }
        assert_no_secrets(&err, &signer, &token, &body);
        // Not remembered: the next webhook asks again (within the rate limit).
        let _ = verifier.verify(&token, &body).await;
        assert_eq!(fetches(&server).await, 2);
    }
}

#[tokio::test]
async fn a_key_that_cannot_verify_es256_is_refused() {
    let signer = Signer::new("kid-odd");
    let body = login_repaired();
    let token = signer.token(&body);
    let mut wrong_kid = signer.jwk(None);
    wrong_kid["kid"] = json!("someone-else");
    let mut rsa = signer.jwk(None);
    rsa["kty"] = json!("RSA");
    let mut short = signer.jwk(None);
    short["x"] = json!(b64([1u8; 31]));
    let mut off_curve = signer.jwk(None);
    off_curve["y"] = json!(b64([1u8; 32]));
    for (key, expected_bad_signature) in [
        (wrong_kid, false),
        (rsa, false),
        (short, false),
        (off_curve, true),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(KEY_PATH))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"key": key, "request_id": "r"})),
            )
            .mount(&server)
            .await;
        let err = verifier(&server).verify(&token, &body).await.unwrap_err();
        if expected_bad_signature {
            assert!(matches!(err, WebhookError::BadSignature), "{err:?}");
        } else {
            assert!(matches!(err, WebhookError::UnusableKey(_)), "{err:?}");
        }
        assert_no_secrets(&err, &signer, &token, &body);
    }
}

#[tokio::test]
async fn oversized_tokens_and_bodies_are_refused_before_any_work() {
    let signer = Signer::new("kid-big");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let limits: Limits = *verifier.limits();
    let body = login_repaired();
    let huge_token = format!(
        "{}.{}",
        signer.token(&body),
        "A".repeat(limits.max_token_bytes())
    );
    let err = verifier.verify(&huge_token, &body).await.unwrap_err();
    assert!(
        matches!(err, WebhookError::TokenTooLarge { limit, .. } if limit == 8 * 1024),
        "{err:?}"
    );
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("plaid-verification", huge_token.parse().unwrap());
    let err = verifier.verify_headers(&headers, &body).await.unwrap_err();
    assert!(matches!(err, WebhookError::TokenTooLarge { .. }), "{err:?}");

    let huge_body = vec![b' '; limits.max_body_bytes() + 1];
    let err = verifier
        .verify(&signer.token(&huge_body), &huge_body)
        .await
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::BodyTooLarge { limit, .. } if limit == 1024 * 1024),
        "{err:?}"
    );
    assert_eq!(fetches(&server).await, 0);
}

#[tokio::test]
async fn malformed_tokens_are_refused_without_a_fetch() {
    let signer = Signer::new("kid-malformed");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let body = login_repaired();
    let good = signer.token(&body);
    for token in [
        String::new(),
        "not a jwt".to_string(),
        format!("{good}.x"),
        good.replace('.', ".."),
        signer.sign_parts(&json!({"alg": "ES256", "typ": "JWT"}), &json!({"iat": NOW})),
        format!("{}.{}", good.rsplit_once('.').unwrap().0, b64([9u8; 70])),
    ] {
        let err = verifier.verify(&token, &body).await.unwrap_err();
        assert!(
            matches!(err, WebhookError::MalformedToken(_)),
            "{token}: {err:?}"
        );
        assert_no_secrets(&err, &signer, &good, &body);
    }
    assert_eq!(fetches(&server).await, 0);
    // Well signed but without the claims Plaid sends.
    let no_hash = signer.sign_parts(
        &json!({"alg": "ES256", "kid": signer.kid, "typ": "JWT"}),
        &json!({"iat": NOW}),
    );
    let err = verifier.verify(&no_hash, &body).await.unwrap_err();
    assert!(matches!(err, WebhookError::MalformedToken(_)), "{err:?}");
}

#[tokio::test]
async fn a_verified_body_that_is_not_a_webhook_is_a_bad_payload() {
    let signer = Signer::new("kid-payload");
    let server = key_server(vec![signer.jwk(None)]).await;
    let verifier = verifier(&server);
    let body = br#"{"webhook_type":"ITEM","webhook_code":"ERROR","item_id":"i","environment":"production","error":{"error_type":42}}"#;
    let err = verifier
        .verify(&signer.token(body), body)
        .await
        .unwrap_err();
    let WebhookError::BadPayload(detail) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(detail.path, "error.error_type");
    assert!(!err.to_string().contains("42"), "{err}");
}

#[test]
fn an_unknown_type_or_code_keeps_its_raw_json() {
    for raw in [
        json!({"webhook_type": "ITEM", "webhook_code": "SOMETHING_NEW", "item_id": "i", "extra": [1, 2]}),
        json!({"webhook_type": "TRANSACTIONS", "webhook_code": "SYNC_UPDATES_AVAILABLE", "item_id": "i"}),
    ] {
        let parsed = ItemWebhook::parse(raw.to_string().as_bytes()).unwrap();
        let ItemWebhook::Other {
            webhook_type,
            webhook_code,
            raw: kept,
        } = &parsed
        else {
            panic!("{parsed:?}");
        };
        assert_eq!(webhook_type, raw["webhook_type"].as_str().unwrap());
        assert_eq!(webhook_code, raw["webhook_code"].as_str().unwrap());
        assert_eq!(kept, &raw);
        assert_eq!(parsed.to_json(), raw);
        assert_eq!(parsed.item_id(), Some("i"));
        assert_eq!(parsed.webhook_type(), raw["webhook_type"]);
    }
    for bad in [
        &b"[]"[..],
        b"{\"webhook_type\":\"ITEM\"}",
        b"{\"webhook_type\":1,\"webhook_code\":\"X\"}",
        b"nope",
    ] {
        assert!(matches!(
            ItemWebhook::parse(bad),
            Err(WebhookError::BadPayload(_))
        ));
    }
}

/// Removes `null` members: a `null` optional field reads as "not set" and is left out when
/// written again, which is the same payload.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Reads `../shared/reference/plaid-openapi/<file>` when it is there (it is not part of the
/// crate), else says so and returns nothing.
fn reference(file: &str) -> Option<Value> {
    let path = format!(
        "{}/../shared/reference/plaid-openapi/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_yaml::from_str(&text).expect("reference YAML parses")),
        Err(_) => {
            eprintln!("skipping: {path} is absent (reference material, not part of the crate)");
            None
        }
    }
}

#[test]
fn every_reference_example_parses_into_its_variant_and_round_trips() {
    let mut seen = std::collections::BTreeSet::new();
    for file in ["item-webhooks-1.517.0.yml", "1.697.4/item-webhooks.yml"] {
        let Some(doc) = reference(file) else {
            return;
        };
        for (schema, definition) in doc["components"]["schemas"].as_object().unwrap() {
            let Some(examples) = definition["x-examples"].as_object() else {
                continue;
            };
            for example in examples.values() {
                // `json!` of the YAML value: the body Plaid would send.
                let body = serde_json::to_vec(example).unwrap();
                let parsed = ItemWebhook::parse(&body).unwrap();
                // 1.517.0's USER_ACCOUNT_REVOKED example says webhook_type "`ITEM`" (a doc
                // typo; Plaid sends ITEM): it is not an Item webhook by type, so it is kept raw.
                let typo = example["webhook_type"] == "`ITEM`";
                assert_eq!(
                    matches!(parsed, ItemWebhook::Other { .. }),
                    typo,
                    "{file} {schema}: {parsed:?}"
                );
                assert_eq!(parsed.webhook_code(), example["webhook_code"]);
                assert_eq!(parsed.webhook_type(), example["webhook_type"]);
                assert_eq!(
                    without_nulls(&parsed.to_json()),
                    without_nulls(example),
                    "{file} {schema}"
                );
                let again = ItemWebhook::parse(&serde_json::to_vec(&parsed.to_json()).unwrap());
                assert_eq!(again.unwrap(), parsed, "{file} {schema}");
                if typo {
                    // The typed struct still reads it.
                    let typed: plaid_item::webhooks::UserAccountRevokedWebhook =
                        serde_json::from_value(example.clone()).unwrap();
                    assert_eq!(typed.account_id, "BxBXxLj1m4HMXBm9WZJyUg9XLd4rKEhw8Pb1J");
                }
                seen.insert(schema.clone());
            }
        }
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
}
