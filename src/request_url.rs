//! Each request's URL: the base URL parsed once per client, the operation's path appended per
//! call.
//!
//! progenitor formats `"{base}{path}"` and reqwest parses the result on every call: scheme,
//! host (IDNA and all) and path, about 6,000 instructions, as much as decoding a small reply.
//! Appending the path to the parsed base gives the same URL for a fraction of that; the
//! client checks at build time that it does, for its base URL, and formats and parses as
//! before when it does not.

use std::fmt::{self, Write as _};

use reqwest::Url;

use crate::error::{Error, ErrorKind};
use crate::Client;

/// A client's base URL, parsed.
pub(crate) struct BaseUrl {
    /// The base URL as given, which progenitor's client also holds.
    given: String,
    /// `Some` when appending to `url` gives what parsing `"{given}{path}"` gives.
    fast: Option<Fast>,
}

struct Fast {
    url: Url,
    /// The path `"{given}{path}"` has before `path`: `""` for `http://host`, `/plaid` for
    /// `http://host/plaid`.
    prefix: String,
}

/// Paths the build-time check tries; the second has what a path parameter may carry once
/// progenitor has percent-encoded it.
const PROBES: [&str; 2] = ["/item/get", "/a%2Fb/%20c~d.e_f-g/h"];

impl BaseUrl {
    pub(crate) fn new(given: &str) -> Self {
        let fast = Fast::new(given).filter(|fast| {
            PROBES.iter().all(|path| {
                Url::parse(&format!("{given}{path}")).ok() == fast.join(format_args!("{path}"))
            })
        });
        Self {
            given: given.to_string(),
            fast,
        }
    }

    fn join(&self, path: fmt::Arguments<'_>) -> Result<Url, url::ParseError> {
        match self.fast.as_ref().and_then(|fast| fast.join(path)) {
            Some(url) => Ok(url),
            None => Url::parse(&format!("{}{path}", self.given)),
        }
    }

    /// Whether the fast path is in use (for tests).
    #[cfg(test)]
    fn is_fast(&self) -> bool {
        self.fast.is_some()
    }
}

impl Fast {
    fn new(given: &str) -> Option<Self> {
        let url = Url::parse(given).ok()?;
        if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
            return None; // `"{given}{path}"` would put the path in the query or fragment
        }
        // `http://host` and `http://host/` both parse to the path `/`; only the second adds
        // its slash before the operation's path.
        let prefix = match url.path() {
            "/" if !given.trim_end().ends_with('/') => String::new(),
            path => path.to_string(),
        };
        Some(Self { url, prefix })
    }

    /// `None` for a path with a byte that a whole-URL parse might read otherwise (`?`, `#`,
    /// a space, a tab): those are formatted and parsed as before.
    fn join(&self, path: fmt::Arguments<'_>) -> Option<Url> {
        let mut url = self.url.clone();
        match (self.prefix.is_empty(), path.as_str()) {
            (true, Some(path)) if plain(path) => url.set_path(path),
            (true, Some(_)) => return None,
            _ => {
                let mut full = String::with_capacity(self.prefix.len() + 64);
                full.push_str(&self.prefix);
                // Writing to a String cannot fail.
                let _ = full.write_fmt(path);
                if !plain(&full[self.prefix.len()..]) {
                    return None;
                }
                url.set_path(&full);
            }
        }
        Some(url)
    }
}

/// Only the bytes an encoded path holds: RFC 3986's unreserved and sub-delims, `/`, `:`, `@`
/// and `%`. progenitor percent-encodes path parameters, so every Plaid path is plain.
fn plain(path: &str) -> bool {
    path.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'%'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            )
    })
}

impl Client {
    /// The URL of one request: the base URL and `path` (what progenitor's `format!("{}{path}",
    /// client.baseurl)` gives), without parsing the base URL again.
    pub(crate) fn operation_url(&self, path: fmt::Arguments<'_>) -> Result<Url, Error> {
        let base = &self.inner.0.base_url;
        let joined = if base.given == self.baseurl {
            base.join(path)
        } else {
            // A client assembled from another's settings: its own base URL wins.
            Url::parse(&format!("{}{path}", self.baseurl))
        };
        joined.map_err(|e| Error::new(ErrorKind::InvalidRequest(format!("request URL: {e}"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(given: &str, path: &str) -> Option<Url> {
        Url::parse(&format!("{given}{path}")).ok()
    }

    #[test]
    fn the_joined_url_is_the_one_parsing_the_formatted_string_gives() {
        let bases = [
            "http://127.0.0.1:4010",
            "http://127.0.0.1:4010/",
            "https://sandbox.plaid.com",
            "https://user:pa%20ss@example.com:8443/plaid",
            "https://example.com/plaid/",
            "https://EXAMPLE.com/a%20b",
            "https://bücher.example/api",
            "http://[::1]:9/x",
            "https://example.com/../up",
            "  https://example.com/trailing-space  ",
        ];
        let paths = [
            "/item/get",
            "/item/activity/list",
            "/accounts/abc%2Fdef",
            "/a b/ü?",
            "/../../escape",
            "/q?x=1#f",
            "/tab\there\n",
            "/trailing ",
            "/back\\slash/./x",
            "",
        ];
        for given in bases {
            let base = BaseUrl::new(given);
            for path in paths {
                assert_eq!(
                    base.join(format_args!("{path}")).ok(),
                    slow(given, path),
                    "{given} + {path}"
                );
            }
        }
    }

    #[test]
    fn a_base_with_a_query_or_fragment_is_formatted_and_parsed_as_before() {
        for given in [
            "https://example.com/?tenant=a",
            "https://example.com/#frag",
            "https://example.com?",
        ] {
            let base = BaseUrl::new(given);
            assert!(!base.is_fast(), "{given}");
            assert_eq!(
                base.join(format_args!("/item/get")).ok(),
                slow(given, "/item/get")
            );
        }
        assert!(BaseUrl::new("https://sandbox.plaid.com").is_fast());
        assert!(BaseUrl::new("https://example.com/plaid/").is_fast());
    }

    #[test]
    fn a_client_assembled_from_another_clients_settings_uses_its_own_base_url() {
        let first = Client::builder()
            .base_url("http://127.0.0.1:9/first")
            .credentials("id", "secret")
            .build()
            .unwrap();
        let url = |client: &Client| client.operation_url(format_args!("/item/get")).unwrap();
        assert_eq!(url(&first).as_str(), "http://127.0.0.1:9/first/item/get");
        let second = Client::new_with_client(
            "http://127.0.0.1:9/second",
            first.client.clone(),
            first.inner.clone(),
        );
        assert_eq!(url(&second).as_str(), "http://127.0.0.1:9/second/item/get");
    }

    #[test]
    fn a_path_parameter_is_written_after_the_prefix() {
        let base = BaseUrl::new("https://example.com/plaid");
        let fast = base
            .fast
            .as_ref()
            .expect("a plain base URL takes the fast path");
        assert!(fast.join(format_args!("/item/get")).is_some());
        assert!(fast.join(format_args!("/a?b")).is_none());
        let id = "a%2Fb";
        assert_eq!(
            base.join(format_args!("/accounts/{id}/get"))
                .unwrap()
                .as_str(),
            "https://example.com/plaid/accounts/a%2Fb/get"
        );
    }
}
