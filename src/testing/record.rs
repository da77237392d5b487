//! What the fake received, for assertions: operation, path, headers and body, with the
//! credentials (`PLAID-CLIENT-ID`, `PLAID-SECRET`, body `client_id` and `secret`) replaced by
//! `<redacted>` so recorded requests can be printed safely.

use std::fmt;

use serde_json::Value;

const REDACTED: &str = "<redacted>";
const SECRET_HEADERS: [&str; 4] = ["plaid-client-id", "plaid-secret", "authorization", "cookie"];
const SECRET_BODY_FIELDS: [&str; 2] = ["client_id", "secret"];

/// One request as the fake saw it.
#[derive(Clone, PartialEq)]
pub struct RecordedRequest {
    /// The operation id (`item_get`), or `None` for a path the fake does not serve.
    pub operation: Option<&'static str>,
    /// The request path (`/item/get`).
    pub path: String,
    /// Header names in lower case, credentials redacted.
    pub headers: Vec<(String, String)>,
    /// The body as JSON (`Value::Null` when it was not JSON), credentials redacted. Tokens
    /// are kept so a test can check which one was sent; the fake's tokens are not real.
    pub body: Value,
}

impl RecordedRequest {
    pub(crate) fn new(
        operation: Option<&'static str>,
        path: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Self {
        let headers = headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str().to_string();
                let value = if SECRET_HEADERS.contains(&name.as_str()) {
                    REDACTED.to_string()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name, value)
            })
            .collect();
        let mut body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut body {
            for field in SECRET_BODY_FIELDS {
                if let Some(v) = map.get_mut(field) {
                    *v = Value::String(REDACTED.into());
                }
            }
        }
        Self {
            operation,
            path: path.to_string(),
            headers,
            body,
        }
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body can hold access tokens: Debug names its fields, not their values.
        let fields: Vec<&str> = match &self.body {
            Value::Object(map) => map.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        f.debug_struct("RecordedRequest")
            .field("operation", &self.operation)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("body_fields", &fields)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_and_debug_hides_tokens() {
        let mut headers = hyper::HeaderMap::new();
        headers.insert("plaid-secret", "s3cr3t".parse().unwrap());
        headers.insert("plaid-client-id", "cid".parse().unwrap());
        headers.insert("plaid-version", "2020-09-14".parse().unwrap());
        let body = br#"{"access_token":"access-1","secret":"s3cr3t","client_id":"cid"}"#;
        let r = RecordedRequest::new(Some("item_get"), "/item/get", &headers, body);
        assert_eq!(r.header("PLAID-SECRET"), Some("<redacted>"));
        assert_eq!(r.header("plaid-version"), Some("2020-09-14"));
        assert_eq!(r.body["secret"], "<redacted>");
        assert_eq!(r.body["client_id"], "<redacted>");
        assert_eq!(r.body["access_token"], "access-1");
        let shown = format!("{r:?}");
        for secret in ["s3cr3t", "cid", "access-1"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
