//! Where requests go: Plaid's environments or a URL of your own.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// A Plaid environment, from the spec's `servers` list.
#[derive(Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://sandbox.plaid.com`: test Items and credentials.
    Sandbox,
    /// `https://development.plaid.com`.
    Development,
    /// `https://production.plaid.com`: real Items.
    Production,
    /// Any other base URL: a local stand-in, a proxy, a mock server. A `user:password@` in it
    /// is sent (as Basic auth) but shown as `<redacted>` by `Debug`, `Display`, errors and
    /// [`Client::base_url`](crate::Client::base_url).
    Custom(String),
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Environment::Sandbox => f.write_str("Sandbox"),
            Environment::Development => f.write_str("Development"),
            Environment::Production => f.write_str("Production"),
            Environment::Custom(url) => f
                .debug_tuple("Custom")
                .field(&redact_userinfo(url))
                .finish(),
        }
    }
}

/// `url` with a `user:password@` shown as `<redacted>@`, for everything that displays a URL.
pub(crate) fn redact_userinfo(url: &str) -> Cow<'_, str> {
    match url::Url::parse(url) {
        Ok(parsed) if parsed.username().is_empty() && parsed.password().is_none() => {
            Cow::Borrowed(url)
        }
        Ok(mut parsed) => {
            // Both succeed for any URL that has userinfo to clear.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            let shown = parsed.as_str();
            match shown.split_once("://") {
                Some((scheme, rest)) => Cow::Owned(format!("{scheme}://<redacted>@{rest}")),
                None => Cow::Owned(shown.to_string()),
            }
        }
        // Not a URL, but it may still hold a password: keep the scheme and what follows the
        // last `@`.
        Err(_) => match url.rfind('@') {
            Some(at) => {
                let scheme = url.find("://").map_or("", |end| &url[..end + 3]);
                Cow::Owned(format!("{scheme}<redacted>{}", &url[at..]))
            }
            None => Cow::Borrowed(url),
        },
    }
}

impl Environment {
    /// Where requests go, exactly as given (a custom URL keeps its userinfo: this is the
    /// value sent from, not one to show).
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => "https://sandbox.plaid.com",
            Environment::Development => "https://development.plaid.com",
            Environment::Production => "https://production.plaid.com",
            Environment::Custom(url) => url.trim_end_matches('/'),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Environment::Sandbox => f.write_str("sandbox"),
            Environment::Development => f.write_str("development"),
            Environment::Production => f.write_str("production"),
            Environment::Custom(url) => f.write_str(&redact_userinfo(url)),
        }
    }
}

/// The error for a `PLAID_ENV` value that names no environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnvironment(pub String);

impl fmt::Display for UnknownEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown Plaid environment {:?}: expected sandbox, development or production",
            self.0
        )
    }
}

impl std::error::Error for UnknownEnvironment {}

impl FromStr for Environment {
    type Err = UnknownEnvironment;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Environment::Sandbox),
            "development" => Ok(Environment::Development),
            "production" => Ok(Environment::Production),
            _ => Err(UnknownEnvironment(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_names_case_insensitively() {
        assert_eq!(
            "Sandbox".parse::<Environment>().unwrap(),
            Environment::Sandbox
        );
        assert_eq!(
            "production".parse::<Environment>().unwrap(),
            Environment::Production
        );
        assert_eq!(
            " development ".parse::<Environment>().unwrap(),
            Environment::Development
        );
        let err = "prod".parse::<Environment>().unwrap_err();
        assert!(err.to_string().contains("\"prod\""));
    }

    #[test]
    fn a_password_in_a_custom_url_is_never_shown() {
        for url in [
            "https://alice:hunter2@proxy.example/plaid",
            "https://hunter2@proxy.example",
            "http://alice:hunter2@127.0.0.1:8080/",
            "https:alice:hunter2@proxy.example",
            "not a url://alice:hunter2@proxy example",
        ] {
            let env = Environment::Custom(url.into());
            for shown in [format!("{env:?}"), env.to_string()] {
                assert!(
                    !shown.contains("hunter2") && !shown.contains("alice"),
                    "{url} shown as {shown}"
                );
                assert!(shown.contains("<redacted>@"), "{shown}");
            }
        }
        assert_eq!(
            redact_userinfo("https://alice:hunter2@proxy.example/plaid?x=1"),
            "https://<redacted>@proxy.example/plaid?x=1"
        );
        assert_eq!(
            redact_userinfo("https://proxy.example/a@b"),
            "https://proxy.example/a@b",
            "an @ in the path is no userinfo"
        );
        assert_eq!(format!("{:?}", Environment::Sandbox), "Sandbox");
    }

    #[test]
    fn custom_urls_lose_a_trailing_slash() {
        assert_eq!(
            Environment::Custom("http://127.0.0.1:9/".into()).base_url(),
            "http://127.0.0.1:9"
        );
        assert_eq!(Environment::Sandbox.base_url(), "https://sandbox.plaid.com");
    }
}
