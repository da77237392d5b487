//! Asking Plaid for a key (`/webhook_verification_key/get`, an ordinary generated call with
//! the client's auth, time limits, retries and error type) and checking what comes back.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;

use super::jwt::ES256;
use super::keys::{Outcome, VerifyingKey};
use crate::types::JwkPublicKey;
use crate::Client;

/// Fetches the key `kid`. A 400 or 404 carrying a Plaid error means "no such key" (cached as
/// unknown); anything else that fails is a failed fetch.
pub(crate) async fn fetch_key(client: &Client, kid: &str) -> Outcome {
    let reply = client
        .webhook_verification_key_get()
        .key_id(kid)
        .send()
        .await;
    match reply {
        Ok(response) => match to_verifying_key(kid, &response.key) {
            Ok(key) => Outcome::Key(Arc::new(key)),
            Err(reason) => Outcome::Unusable(reason),
        },
        Err(e)
            if matches!(
                e.status(),
                Some(StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND)
            ) && e.plaid_error().is_some() =>
        {
            Outcome::NotFound
        }
        Err(e) => Outcome::Failed(Arc::new(e)),
    }
}

/// Checks a JWK is the P-256 signing key that was asked for and builds `04 || x || y`.
pub(crate) fn to_verifying_key(
    kid: &str,
    jwk: &JwkPublicKey,
) -> Result<VerifyingKey, &'static str> {
    if jwk.kid != kid {
        return Err("Plaid returned a key with a different kid");
    }
    if jwk.kty != "EC" || jwk.crv != "P-256" {
        return Err("not an EC key on P-256");
    }
    if jwk.alg != ES256 {
        return Err("key is not for ES256");
    }
    if jwk.use_ != "sig" {
        return Err("key is not a signing key");
    }
    let mut point = [0u8; 65];
    point[0] = 0x04;
    for (coordinate, out) in [&jwk.x, &jwk.y].into_iter().zip(point[1..].chunks_mut(32)) {
        match URL_SAFE_NO_PAD.decode_slice(coordinate.expose_secret(), out) {
            Ok(32) => {}
            _ => return Err("a coordinate is not 32 base64url-encoded bytes"),
        }
    }
    Ok(VerifyingKey {
        kid: kid.to_owned(),
        point,
        expired_at: jwk.expired_at,
    })
}
