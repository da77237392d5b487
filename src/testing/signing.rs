//! Signs webhook bodies the way Plaid does: an ES256 JWT in the `Plaid-Verification` header,
//! header `{alg: ES256, kid, typ: JWT}`, claims `{iat, request_body_sha256}` where the hash is
//! the hex SHA-256 of the exact body bytes. The public half is served as a JWK from
//! `/webhook_verification_key/get`.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Map};

use crate::types::JwkPublicKey;

/// The fake's webhook signing key. Generated fresh for every fake.
pub(crate) struct Signer {
    key: EcdsaKeyPair,
    rng: SystemRandom,
    kid: String,
    created_at: i64,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Signer {
    pub(crate) fn generate(kid: String, created_at: i64) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .expect("ring generates a P-256 key");
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .expect("ring reads back the key it generated");
        Self {
            key,
            rng,
            kid,
            created_at,
        }
    }

    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    /// The compact JWT for `body`, issued at `iat` (Unix seconds).
    pub(crate) fn sign(&self, body: &[u8], iat: i64) -> String {
        let header = json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"});
        let claims = json!({"iat": iat, "request_body_sha256": sha256_hex(body)});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .key
            .sign(&self.rng, signing_input.as_bytes())
            .expect("ES256 signing does not fail with a valid key");
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        )
    }

    /// The public key as Plaid's `JWKPublicKey`, in the generated model the client decodes.
    pub(crate) fn jwk(&self) -> JwkPublicKey {
        // An uncompressed SEC1 point: 0x04, then 32 bytes of x and 32 of y.
        let point = self.key.public_key().as_ref();
        JwkPublicKey {
            alg: "ES256".into(),
            created_at: self.created_at,
            crv: "P-256".into(),
            expired_at: None,
            kid: self.kid.clone(),
            kty: "EC".into(),
            use_: "sig".into(),
            x: URL_SAFE_NO_PAD.encode(&point[1..33]).into(),
            y: URL_SAFE_NO_PAD.encode(&point[33..65]).into(),
            extra: Map::new(),
        }
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    crate::hex::lower(digest.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
    use serde_json::Value;

    fn decode_json(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn the_jwt_verifies_with_the_served_jwk_and_hashes_the_exact_body() {
        let signer = Signer::generate("kid-1".into(), 1_700_000_000);
        let body = br#"{"webhook_type":"ITEM","webhook_code":"ERROR"}"#;
        let jwt = signer.sign(body, 1_700_000_123);
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            decode_json(parts[0]),
            json!({"alg": "ES256", "kid": "kid-1", "typ": "JWT"})
        );
        let claims = decode_json(parts[1]);
        assert_eq!(claims["iat"], 1_700_000_123);
        assert_eq!(claims["request_body_sha256"], sha256_hex(body));

        let jwk = signer.jwk();
        assert_eq!((jwk.kid.as_str(), jwk.expired_at), ("kid-1", None));
        let mut point = vec![4u8];
        point.extend(URL_SAFE_NO_PAD.decode(jwk.x.expose_secret()).unwrap());
        point.extend(URL_SAFE_NO_PAD.decode(jwk.y.expose_secret()).unwrap());
        let key = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point);
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        let input = format!("{}.{}", parts[0], parts[1]);
        key.verify(input.as_bytes(), &signature).expect("verifies");
        assert!(key.verify(b"tampered", &signature).is_err());
    }

    #[test]
    fn sha256_hex_matches_a_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
