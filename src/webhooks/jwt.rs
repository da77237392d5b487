//! The compact JWS in `Plaid-Verification`: splitting it, reading the header without trusting
//! it, and checking the ES256 signature.
//!
//! Only what Plaid sends is accepted: three base64url parts without padding, a JSON header
//! whose `alg` is exactly `ES256` and that names a `kid`, and a 64-byte `r || s` signature.
//! Keys embedded in the header (`jwk`, `jku`, `x5u`...) are never used; `crit` is refused
//! because nothing here understands an extension.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
use serde::Deserialize;

use super::error::{shown, WebhookError};

/// The one algorithm Plaid signs webhooks with.
pub(crate) const ES256: &str = "ES256";

/// Longest `kid` accepted: Plaid's are UUIDs (36 characters).
const MAX_KID_LEN: usize = 128;

/// A token split and its header checked; the claims are read only after the signature.
#[derive(Debug)]
pub(crate) struct Token<'a> {
    pub kid: String,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a [u8],
    payload: &'a str,
    pub signature: [u8; 64],
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde::de::IgnoredAny>,
}

/// What Plaid signs: when, and the SHA-256 (hex) of the body.
#[derive(Deserialize)]
pub(crate) struct Claims {
    pub iat: i64,
    pub request_body_sha256: String,
}

fn malformed(reason: &'static str) -> WebhookError {
    WebhookError::MalformedToken(reason)
}

/// Splits `token` and checks its header: any `alg` but ES256 fails here, before a key is
/// looked up.
pub(crate) fn decode(token: &str) -> Result<Token<'_>, WebhookError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected three dot-separated parts"));
    };
    let signing_input = &token.as_bytes()[..header.len() + 1 + payload.len()];
    let header_json = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| malformed("header is not base64url"))?;
    let header: Header = serde_json::from_slice(&header_json)
        .map_err(|_| malformed("header is not a JWS header"))?;
    if header.alg != ES256 {
        return Err(WebhookError::UnsupportedAlgorithm {
            alg: shown(&header.alg),
        });
    }
    if header.crit.is_some() {
        return Err(malformed("critical header extensions are not supported"));
    }
    let kid = match header.kid {
        Some(kid) if !kid.is_empty() && kid.len() <= MAX_KID_LEN => kid,
        Some(_) => return Err(malformed("kid is empty or too long")),
        None => return Err(malformed("header has no kid")),
    };
    let mut sig = [0u8; 64];
    match URL_SAFE_NO_PAD.decode_slice(signature, &mut sig) {
        Ok(64) => {}
        _ => return Err(malformed("signature is not 64 base64url-encoded bytes")),
    }
    Ok(Token {
        kid,
        signing_input,
        payload,
        signature: sig,
    })
}

impl Token<'_> {
    /// Checks the ES256 signature with `point` (an uncompressed P-256 point, `04 || x || y`).
    pub(crate) fn verify(&self, point: &[u8; 65]) -> Result<(), WebhookError> {
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
            .verify(self.signing_input, &self.signature)
            .map_err(|_| WebhookError::BadSignature)
    }

    /// The claims; call only after [`verify`](Self::verify) succeeded.
    pub(crate) fn claims(&self) -> Result<Claims, WebhookError> {
        let json = URL_SAFE_NO_PAD
            .decode(self.payload)
            .map_err(|_| malformed("payload is not base64url"))?;
        serde_json::from_slice(&json)
            .map_err(|_| malformed("payload lacks an integer iat or request_body_sha256"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn token(header: &str) -> String {
        format!(
            "{}.{}.{}",
            b64(header),
            b64(r#"{"iat":1,"request_body_sha256":"00"}"#),
            URL_SAFE_NO_PAD.encode([7u8; 64])
        )
    }

    #[test]
    fn es256_with_a_kid_decodes() {
        let t = token(r#"{"alg":"ES256","kid":"k1","typ":"JWT"}"#);
        let decoded = decode(&t).unwrap();
        assert_eq!(decoded.kid, "k1");
        assert_eq!(decoded.signature, [7u8; 64]);
        assert_eq!(
            decoded.signing_input,
            t.rsplit_once('.').unwrap().0.as_bytes()
        );
    }

    #[test]
    fn every_other_alg_is_refused_by_name() {
        for alg in ["none", "HS256", "RS256", "es256", "ES384", "ES256 ", ""] {
            let t = token(&format!(r#"{{"alg":"{alg}","kid":"k1"}}"#));
            match decode(&t) {
                Err(WebhookError::UnsupportedAlgorithm { alg: shown_alg }) => {
                    assert_eq!(shown_alg, alg)
                }
                other => panic!("{alg}: {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_shapes_are_refused() {
        let good = token(r#"{"alg":"ES256","kid":"k1"}"#);
        let (hp, _) = good.rsplit_once('.').unwrap();
        let cases = [
            "a.b".to_string(),
            format!("{good}.extra"),
            format!("{hp}.{}", URL_SAFE_NO_PAD.encode([1u8; 63])),
            format!("{hp}.{}", URL_SAFE_NO_PAD.encode([1u8; 65])),
            format!("{hp}.{}=", URL_SAFE_NO_PAD.encode([1u8; 64])),
            token(r#"{"alg":"ES256"}"#),
            token(r#"{"alg":"ES256","kid":""}"#),
            token(r#"{"alg":"ES256","kid":"k","crit":["b64"]}"#),
            token(r#"{"alg":"ES256","alg":"none","kid":"k"}"#),
            token(r#"["ES256"]"#),
            format!("!!!.{}", good.split_once('.').unwrap().1),
        ];
        for t in cases {
            assert!(
                matches!(decode(&t), Err(WebhookError::MalformedToken(_))),
                "{t}: {:?}",
                decode(&t)
            );
        }
    }
}
