//! Enums that accept values Plaid adds after this SDK was generated.
//!
//! Every string enum in the spec is generated through `open_enum!`: known values are plain
//! variants to match on and construct, and anything else lands in `Unrecognized`, which keeps
//! the raw string so it serialises back unchanged. Decoding one logs a DEBUG event naming the
//! enum and the (escaped) value, so a user learns that Plaid sent something new.
//!
//! The enums are `#[non_exhaustive]`: when a regenerated SDK learns a value, it moves from
//! `Unrecognized` to a new variant, and a `match` in code outside this crate must already
//! have an arm for values it does not name. Match the ones you handle and read the rest by
//! their wire name, which is the same before and after the SDK learns them:
//!
//! ```
//! use plaid_item::types::Products;
//!
//! fn label(product: &Products) -> String {
//!     match product {
//!         Products::Transactions => "transactions".to_string(),
//!         Products::Auth => "auth".to_string(),
//!         other => format!("other: {}", other.as_str()),
//!     }
//! }
//! assert_eq!(label(&Products::from("brand_new_product")), "other: brand_new_product");
//! ```
//!
//! Matching `Unrecognized(raw)` compiles too, but such an arm stops matching a value once the
//! SDK learns it; compare `other.as_str()` to the wire name instead.
//!
//! They sort by wire string, so an order (a `BTreeMap` key, a sorted list) stays the same when
//! a regenerated SDK learns a value or the spec lists its values in another order.

use std::fmt;

/// A value the spec did not list. Opaque so that a known value can never hide in it:
/// build one with `From<&str>` on the enum, which picks the known variant when there is one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnrecognizedValue(pub(crate) Box<str>);

impl UnrecognizedValue {
    /// The value as Plaid sends it, known or not.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnrecognizedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// One DEBUG event per unknown value decoded. The value is the server's text, so it goes
/// through `crate::escape` (escaped, so it cannot forge log lines, and bounded).
#[doc(hidden)]
pub fn log_unrecognized(enum_name: &'static str, value: &UnrecognizedValue) {
    tracing::debug!(
        target: "plaid_item::open_enum",
        enum_name,
        value = %crate::escape::text(value.as_str()),
        "decoded a value this SDK version does not know"
    );
}

/// Defines an open string enum: `Name { Variant => "wire", ... }`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $value:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this version of the SDK does not know; it keeps the raw string. A later
            /// SDK may know it as a variant: match `other => other.as_str()`, not on this.
            Unrecognized($crate::open_enum::UnrecognizedValue),
        }

        impl $name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant,)*];

            /// The value as Plaid spells it on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $value,)*
                    $name::Unrecognized(raw) => raw.as_str(),
                }
            }

            /// True for a value this SDK version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unrecognized(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::Unrecognized($crate::open_enum::UnrecognizedValue(other.into())),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        /// By wire string: an order that a regenerated SDK (values added mid-list, a value
        /// moving out of `Unrecognized`) does not change.
        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(self.cmp(other))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                let value = $name::from(raw.as_ref());
                if let $name::Unrecognized(unknown) = &value {
                    $crate::open_enum::log_unrecognized(stringify!($name), unknown);
                }
                Ok(value)
            }
        }

        $crate::field_value::field_value!($name);
        $crate::field_value::field_value!(&$name => $name, |v| Ok(v.clone()));
        $crate::field_value::field_value!(&str => $name, |v| Ok($name::from(v)));
        $crate::field_value::field_value!(::std::string::String => $name, |v| Ok($name::from(v)));
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    open_enum! {
        /// A test enum.
        Colour { Red => "red", DarkBlue => "dark_blue", }
    }

    #[test]
    fn known_values_are_variants() {
        let c: Colour = serde_json::from_str("\"dark_blue\"").unwrap();
        assert_eq!(c, Colour::DarkBlue);
        assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"red\"");
        assert!(c.is_known());
        assert_eq!(Colour::KNOWN, &[Colour::Red, Colour::DarkBlue]);
    }

    #[test]
    fn unknown_values_round_trip_unchanged() {
        let c: Colour = serde_json::from_str("\"ultra_violet\"").unwrap();
        assert!(!c.is_known());
        assert_eq!(c.as_str(), "ultra_violet");
        assert_eq!(c.to_string(), "ultra_violet");
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"ultra_violet\"");
        assert_eq!(
            Colour::from("red"),
            Colour::Red,
            "From picks the known variant"
        );
    }

    #[test]
    fn order_is_the_wire_strings_whatever_the_declaration_or_knowledge() {
        // Declared red, dark_blue: sorted by wire string, an unknown value among the known.
        let mut values = ["red", "zebra", "dark_blue", "blue"].map(Colour::from);
        values.sort();
        let sorted: Vec<&str> = values.iter().map(Colour::as_str).collect();
        assert_eq!(sorted, ["blue", "dark_blue", "red", "zebra"]);
        assert!(Colour::DarkBlue < Colour::Red);
        assert_eq!(
            Colour::from("red").cmp(&Colour::Red),
            std::cmp::Ordering::Equal
        );
    }

    #[test]
    fn non_strings_are_still_errors() {
        assert!(serde_json::from_str::<Colour>("42").is_err());
        assert!(serde_json::from_str::<Colour>("null").is_err());
    }
}
