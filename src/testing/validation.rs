//! What Plaid checks before acting on a request, in its order: an `application/json` content
//! type and a JSON object body, the credentials (headers or body), `Plaid-Version` when sent,
//! then the body against the operation's request model. The models are the ones generated from the merged spec, so what the fake
//! accepts cannot drift from what the spec (and so the client) says.

use hyper::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::errors::Refusal;

/// The credentials and API version the fake accepts.
#[derive(Clone)]
pub(crate) struct Expected {
    pub(crate) client_id: String,
    pub(crate) secret: String,
    pub(crate) version: String,
}

/// INVALID_BODY unless the content type is `application/json` (parameters allowed, a charset
/// only if UTF-8): Plaid refuses anything else, `curl -d`'s form type included, even when the
/// body is JSON.
pub(crate) fn json_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let refused = || {
        Refusal::invalid_body(
            "the content-type must be application/json; see https://plaid.com/docs/api/",
        )
    };
    let value = headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(refused)?;
    let mut parts = value.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|media| media.eq_ignore_ascii_case("application/json"))
    {
        return Err(refused());
    }
    for parameter in parts {
        let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
        let value = value.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset")
            && !(value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8"))
        {
            return Err(refused());
        }
    }
    Ok(())
}

/// The body as a JSON object, or INVALID_BODY.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Refusal::invalid_body(
            "body must be a JSON object; see https://plaid.com/docs/api/",
        )),
        Err(_) => Err(Refusal::invalid_body(
            "body could not be parsed as JSON; see https://plaid.com/docs/api/",
        )),
    }
}

/// `client_id` and `secret` from the headers or the body, then `Plaid-Version`. A request
/// without `Plaid-Version` is served, as Plaid serves it with the account's default version
/// (the fake's is the spec's); one that names another version is refused, since the fake
/// serves only its spec's.
pub(crate) fn credentials(
    headers: &HeaderMap,
    body: &Map<String, Value>,
    expected: &Expected,
) -> Result<(), Refusal> {
    let pick = |header: &str, field: &str| -> Option<String> {
        headers
            .get(header)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| body.get(field).and_then(Value::as_str).map(str::to_string))
            .filter(|v| !v.is_empty())
    };
    let client_id = pick("plaid-client-id", "client_id");
    let secret = pick("plaid-secret", "secret");
    let missing: Vec<&str> = [("client_id", &client_id), ("secret", &secret)]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| name)
        .collect();
    if !missing.is_empty() {
        return Err(Refusal::missing_fields(&missing));
    }
    // Both compared in full, whichever differs, so timing says nothing about which was wrong.
    let id_ok = constant_time_eq(
        client_id.unwrap_or_default().as_bytes(),
        expected.client_id.as_bytes(),
    );
    let secret_ok = constant_time_eq(
        secret.unwrap_or_default().as_bytes(),
        expected.secret.as_bytes(),
    );
    if !(id_ok & secret_ok) {
        return Err(Refusal::invalid_api_keys());
    }
    match headers.get("plaid-version").map(|v| v.to_str()) {
        Some(Ok(v)) if v == expected.version => Ok(()),
        Some(_) => Err(Refusal::invalid_headers(format!(
            "Plaid-Version must be {:?}, the version of the spec this fake serves",
            expected.version
        ))),
        None => Ok(()),
    }
}

/// Equal, in time that depends on the lengths only (subtle's compare; a length difference is
/// refused without looking at the bytes, and the lengths are not secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// The body as the operation's generated request model: MISSING_FIELDS for a required field
/// left out, INVALID_FIELD for a value of the wrong type or out of range, UNKNOWN_FIELDS for a
/// top-level field the model does not have.
pub(crate) fn decode<T: DeserializeOwned + Serialize>(
    body: Map<String, Value>,
) -> Result<T, Refusal> {
    let keys: Vec<String> = body
        .iter()
        .filter(|(_, v)| !is_empty(v))
        .map(|(k, _)| k.clone())
        .collect();
    let typed: T = serde_path_to_error::deserialize(Value::Object(body)).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        match missing_field_name(&message) {
            Some(field) if path == "." => Refusal::missing_fields(&[field]),
            Some(field) => Refusal::missing_fields(&[&format!("{path}.{field}")]),
            None => Refusal::invalid_field(format!("{path}: {message}")),
        }
    })?;
    let known = serde_json::to_value(&typed).unwrap_or(Value::Null);
    let unknown: Vec<String> = keys
        .into_iter()
        .filter(|k| known.get(k).is_none())
        .collect();
    if unknown.is_empty() {
        Ok(typed)
    } else {
        Err(Refusal::unknown_fields(&unknown))
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// serde's "missing field `name`" message, as the name.
fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ItemGetRequest, ItemImportRequest};
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn code<T>(r: Result<T, Refusal>) -> (String, String) {
        let e = r.err().expect("refused").error;
        (e.error_code, e.error_message)
    }

    #[test]
    fn body_errors_follow_plaid_codes() {
        assert_eq!(
            code(decode::<ItemGetRequest>(object(json!({})))).0,
            "MISSING_FIELDS"
        );
        let (c, m) = code(decode::<ItemGetRequest>(object(json!({"access_token": 5}))));
        assert_eq!(c, "INVALID_FIELD");
        assert!(m.contains("access_token"), "{m}");
        let (c, m) = code(decode::<ItemGetRequest>(object(
            json!({"access_token": "a", "surprise": true}),
        )));
        assert_eq!(c, "UNKNOWN_FIELDS");
        assert!(m.contains("surprise"), "{m}");
        let (c, m) = code(decode::<ItemImportRequest>(object(
            json!({"products": ["auth"], "user_auth": {"user_id": "u"}}),
        )));
        assert_eq!(c, "MISSING_FIELDS");
        assert!(m.contains("user_auth.auth_token"), "{m}");
        assert!(
            decode::<ItemGetRequest>(object(json!({"access_token": "a", "secret": null}))).is_ok()
        );
        assert_eq!(code(json_object(b"[1]")).0, "INVALID_BODY");
        assert_eq!(code(json_object(b"{nope")).0, "INVALID_BODY");
    }

    #[test]
    fn credentials_come_from_headers_or_body_and_must_match() {
        let expected = Expected {
            client_id: "cid".into(),
            secret: "sec".into(),
            version: "2020-09-14".into(),
        };
        let mut headers = HeaderMap::new();
        headers.insert("plaid-version", "2020-09-14".parse().unwrap());
        let body = object(json!({"client_id": "cid", "secret": "sec"}));
        assert!(credentials(&headers, &body, &expected).is_ok());
        let (c, m) = code(credentials(&headers, &Map::new(), &expected));
        assert_eq!(c, "MISSING_FIELDS");
        assert!(m.contains("client_id, secret"), "{m}");
        headers.insert("plaid-client-id", "cid".parse().unwrap());
        headers.insert("plaid-secret", "wrong".parse().unwrap());
        assert_eq!(
            code(credentials(&headers, &Map::new(), &expected)).0,
            "INVALID_API_KEYS"
        );
        headers.insert("plaid-secret", "sec".parse().unwrap());
        headers.insert("plaid-version", "2019-05-29".parse().unwrap());
        assert_eq!(
            code(credentials(&headers, &Map::new(), &expected)).0,
            "INVALID_HEADERS"
        );
        headers.remove("plaid-version");
        assert!(
            credentials(&headers, &Map::new(), &expected).is_ok(),
            "served with the default version"
        );
    }

    #[test]
    fn only_json_content_types_are_accepted() {
        let with = |value: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(hyper::header::CONTENT_TYPE, value.parse().unwrap());
            }
            json_content_type(&headers).map_err(|r| r.error.error_code)
        };
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
        ] {
            assert_eq!(with(Some(ok)), Ok(()), "{ok}");
        }
        for refused in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonp"),
            Some("application/json; charset=latin1"),
            Some("multipart/form-data; boundary=x"),
        ] {
            assert_eq!(
                with(refused),
                Err("INVALID_BODY".to_string()),
                "{refused:?}"
            );
        }
    }
}
