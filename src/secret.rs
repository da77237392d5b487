//! Credentials that never show up in `Debug`, `Display`, logs or errors.
//!
//! Reading the value takes a deliberate call to `expose_secret()`, so it cannot end up in a
//! log line by accident.

use std::fmt;

/// The one redaction rule for credentials in `Debug`: whether one is set shows, its value
/// never does. `Auth` and `ClientBuilder` both print through it.
pub(crate) fn redacted<T>(value: Option<&T>) -> &'static dyn fmt::Debug {
    match value {
        Some(_) => &Redacted,
        None => &None::<()>,
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident, $redacted:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value so that it is shown as `<redacted>`.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The real value, for sending or storing it. Keep it out of logs.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($redacted)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($redacted)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                Self(value.clone())
            }
        }

        /// So a token is reused by reference instead of cloned by hand.
        impl From<&$name> for $name {
            fn from(value: &$name) -> Self {
                value.clone()
            }
        }

        crate::field_value::field_value!($name);
        crate::field_value::field_value!(&$name => $name, |v| Ok(v.clone()));
        crate::field_value::field_value!(&str => $name, |v| Ok($name::from(v)));
        crate::field_value::field_value!(String => $name, |v| Ok($name(v)));
        crate::field_value::field_value!(&String => $name, |v| Ok($name::from(v)));

        /// So optional, nullable credential fields take a `&str` directly.
        impl From<&str> for crate::Nullable<$name> {
            fn from(value: &str) -> Self {
                crate::Nullable::Value($name::from(value))
            }
        }
    };
}

secret_string!(
    /// An Item's `access_token`: full, long-lived access to a user's bank data.
    AccessToken,
    "AccessToken(<redacted>)"
);
secret_string!(
    /// A short-lived `public_token` from Link, exchanged for an access token.
    PublicToken,
    "PublicToken(<redacted>)"
);
secret_string!(
    /// A Plaid API secret, or another credential such as `user_auth.auth_token`.
    Secret,
    "Secret(<redacted>)"
);
secret_string!(
    /// A coordinate of a webhook verification key (a JWK's `x` or `y`): key material, so it
    /// stays out of logs like a credential does.
    KeyMaterial,
    "KeyMaterial(<redacted>)"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let token = AccessToken::from("access-sandbox-123");
        for shown in [
            format!("{token:?}"),
            format!("{token}"),
            format!("{:?}", Some(&token)),
        ] {
            assert!(!shown.contains("access-sandbox-123"), "{shown}");
        }
        assert_eq!(token.expose_secret(), "access-sandbox-123");
    }

    #[test]
    fn serialises_as_the_plain_string() {
        let secret = Secret::new("s3cr3t");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"s3cr3t\"");
        let back: Secret = serde_json::from_str("\"s3cr3t\"").unwrap();
        assert_eq!(back, secret);
    }
}
