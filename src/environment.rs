//! Where requests go: Plaid's environments or a URL of your own.

use std::fmt;
use std::str::FromStr;

/// A Plaid environment, from the spec's `servers` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    Sandbox,
    Development,
    Production,
    /// Any other base URL: a local stand-in, a proxy, a mock server.
    Custom(String),
}

impl Environment {
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
            Environment::Custom(url) => f.write_str(url),
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
    fn custom_urls_lose_a_trailing_slash() {
        assert_eq!(
            Environment::Custom("http://127.0.0.1:9/".into()).base_url(),
            "http://127.0.0.1:9"
        );
        assert_eq!(Environment::Sandbox.base_url(), "https://sandbox.plaid.com");
    }
}
