//! A request field that can be left out, set to `null`, or set to a value.
//!
//! For some of Plaid's fields these differ: `webhook: null` removes an Item's webhook, while
//! leaving `webhook` out leaves it alone. `Option<T>` cannot say both.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Absent (the default: not sent), `Null` (sent as `null`) or a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    #[default]
    /// Not sent: the field is left as it is.
    Absent,
    /// Sent as `null`: the field is cleared.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True when the field is left out of the request.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True for [`Nullable::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one; absent and null both read as `None`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one (`Absent` and `Null` both give `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// `Some(v)` is a value and `None` an explicit `null`.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Req {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        webhook: Nullable<String>,
    }

    #[test]
    fn absent_null_and_value_are_three_different_requests() {
        let json = |webhook| serde_json::to_string(&Req { webhook }).unwrap();
        assert_eq!(json(Nullable::Absent), "{}");
        assert_eq!(json(Nullable::Null), r#"{"webhook":null}"#);
        assert_eq!(json("https://x".into()), r#"{"webhook":"https://x"}"#);
    }

    #[test]
    fn reads_back_what_it_wrote() {
        for text in ["{}", r#"{"webhook":null}"#, r#"{"webhook":"https://x"}"#] {
            let parsed: Req = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
        }
    }
}
