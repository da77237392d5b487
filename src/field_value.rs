//! What a setter accepts for a field: the values a person would pass, not only the field's
//! exact Rust type.
//!
//! A field of type `T` takes anything that is a [`FieldValue<T>`]: `&str`, `String` and
//! `&String` for text and credentials (and `&AccessToken`, so a token is never cloned by
//! hand), plain integers for counts, a nested value or its builder, and a list as an array or
//! a `Vec`. An optional field (`Option<T>`) takes the same plain values and also `Some(…)`;
//! a field where `null` means something (`Nullable<T>`) takes them, `Some(…)`, `None` (sent
//! as `null`) and `Nullable::Null`.
//!
//! A value that cannot be one (a `0` for a count that must be at least 1, a builder missing a
//! required field) is kept as an error and reported by `send()`, naming the field, before
//! anything is sent.

use std::num::NonZeroU64;

/// A value a setter accepts for a field of type `T`.
pub trait FieldValue<T> {
    /// The field's value, or why this input cannot be one.
    fn into_field(self) -> Result<T, String>;
}

/// `field_value!(Source => Target, |v| conversion)` lets `Source` set a `Target` field, and
/// an optional or nullable one (alone or in `Some`). `field_value!(Target)` adds `Target`
/// itself and `Nullable<Target>`.
macro_rules! field_value {
    ($target:ty) => {
        $crate::field_value::field_value!($target => $target, |v| Ok(v));
        impl $crate::field_value::FieldValue<$crate::Nullable<$target>> for $crate::Nullable<$target> {
            fn into_field(self) -> ::std::result::Result<$crate::Nullable<$target>, ::std::string::String> {
                Ok(self)
            }
        }
    };
    ($source:ty => $target:ty, |$v:ident| $convert:expr) => {
        impl $crate::field_value::FieldValue<$target> for $source {
            fn into_field(self) -> ::std::result::Result<$target, ::std::string::String> {
                let $v = self;
                $convert
            }
        }
        impl $crate::field_value::FieldValue<::std::option::Option<$target>> for $source {
            fn into_field(self) -> ::std::result::Result<::std::option::Option<$target>, ::std::string::String> {
                $crate::field_value::FieldValue::<$target>::into_field(self).map(Some)
            }
        }
        impl $crate::field_value::FieldValue<::std::option::Option<$target>> for ::std::option::Option<$source> {
            fn into_field(self) -> ::std::result::Result<::std::option::Option<$target>, ::std::string::String> {
                self.map($crate::field_value::FieldValue::<$target>::into_field).transpose()
            }
        }
        impl $crate::field_value::FieldValue<$crate::Nullable<$target>> for $source {
            fn into_field(self) -> ::std::result::Result<$crate::Nullable<$target>, ::std::string::String> {
                $crate::field_value::FieldValue::<$target>::into_field(self).map($crate::Nullable::Value)
            }
        }
        /// `None` is an explicit `null`.
        impl $crate::field_value::FieldValue<$crate::Nullable<$target>> for ::std::option::Option<$source> {
            fn into_field(self) -> ::std::result::Result<$crate::Nullable<$target>, ::std::string::String> {
                match self {
                    Some(v) => $crate::field_value::FieldValue::<$target>::into_field(v).map($crate::Nullable::Value),
                    None => Ok($crate::Nullable::Null),
                }
            }
        }
    };
}

pub(crate) use field_value;

field_value!(String);
field_value!(&str => String, |v| Ok(v.to_owned()));
field_value!(&String => String, |v| Ok(v.clone()));
field_value!(bool);
field_value!(i64);
field_value!(i32 => i64, |v| Ok(v.into()));
field_value!(u32 => i64, |v| Ok(v.into()));
field_value!(u64 => i64, |v| i64::try_from(v).map_err(|_| format!("{v} is too large")));
field_value!(NonZeroU64);
field_value!(u64 => NonZeroU64, |v| at_least_one(v.into()));
field_value!(u32 => NonZeroU64, |v| at_least_one(v.into()));
field_value!(usize => NonZeroU64, |v| at_least_one(v as i128));
field_value!(i32 => NonZeroU64, |v| at_least_one(v.into()));
field_value!(i64 => NonZeroU64, |v| at_least_one(v.into()));
field_value!(chrono::DateTime<chrono::Utc>);
field_value!(chrono::NaiveDate);
field_value!(serde_json::Value);
field_value!(serde_json::Map<String, serde_json::Value>);

fn at_least_one(v: i128) -> Result<NonZeroU64, String> {
    u64::try_from(v)
        .ok()
        .and_then(NonZeroU64::new)
        .ok_or_else(|| format!("must be at least 1, got {v}"))
}

/// A list as a `Vec` of anything that sets one element.
impl<T, S: FieldValue<T>> FieldValue<Vec<T>> for Vec<S> {
    fn into_field(self) -> Result<Vec<T>, String> {
        self.into_iter().map(FieldValue::into_field).collect()
    }
}

/// A list as an array: `.products(["transactions"])`.
impl<T, S: FieldValue<T>, const N: usize> FieldValue<Vec<T>> for [S; N] {
    fn into_field(self) -> Result<Vec<T>, String> {
        self.into_iter().map(FieldValue::into_field).collect()
    }
}

/// A list as a borrowed slice, cloning its elements.
impl<T, S: FieldValue<T> + Clone> FieldValue<Vec<T>> for &[S] {
    fn into_field(self) -> Result<Vec<T>, String> {
        self.iter().cloned().map(FieldValue::into_field).collect()
    }
}

/// An optional or nullable list from the same values as a list (`Option<Vec<T>>` fields).
macro_rules! optional_list {
    ([$($g:tt)*] $source:ty) => {
        impl<$($g)*> FieldValue<Option<Vec<T>>> for $source {
            fn into_field(self) -> Result<Option<Vec<T>>, String> {
                FieldValue::<Vec<T>>::into_field(self).map(Some)
            }
        }
        impl<$($g)*> FieldValue<crate::Nullable<Vec<T>>> for $source {
            fn into_field(self) -> Result<crate::Nullable<Vec<T>>, String> {
                FieldValue::<Vec<T>>::into_field(self).map(crate::Nullable::Value)
            }
        }
    };
}

optional_list!([T, S: FieldValue<T>] Vec<S>);
optional_list!([T, S: FieldValue<T>, const N: usize] [S; N]);
optional_list!([T, S: FieldValue<T> + Clone] &[S]);

field_value!(f64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Nullable;

    fn set<T>(value: impl FieldValue<T>) -> Result<T, String> {
        value.into_field()
    }

    #[test]
    fn text_fields_take_borrowed_and_owned_strings() {
        let owned = String::from("b");
        assert_eq!(set::<String>("a").unwrap(), "a");
        assert_eq!(set::<String>(&owned).unwrap(), "b");
        assert_eq!(set::<Option<String>>("c").unwrap().as_deref(), Some("c"));
        assert_eq!(
            set::<Option<String>>(Some("d")).unwrap().as_deref(),
            Some("d")
        );
        assert_eq!(set::<Option<String>>(None::<&str>).unwrap(), None);
    }

    #[test]
    fn optional_lists_take_the_values_a_list_takes_and_keep_element_errors() {
        let some = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            set::<Option<Vec<String>>>(["a", "b"]).unwrap(),
            some(&["a", "b"])
        );
        assert_eq!(set::<Option<Vec<String>>>(vec!["a"]).unwrap(), some(&["a"]));
        assert_eq!(
            set::<Option<Vec<String>>>(&["a"][..]).unwrap(),
            some(&["a"])
        );
        assert_eq!(
            set::<Nullable<Vec<String>>>(["a"]).unwrap(),
            Nullable::Value(vec!["a".to_string()])
        );
        let err = set::<Option<Vec<NonZeroU64>>>([1u64, 0]).unwrap_err();
        assert!(err.contains("must be at least 1, got 0"), "{err}");
        assert_eq!(set::<Option<f64>>(2.5).unwrap(), Some(2.5));
    }

    #[test]
    fn nullable_fields_tell_null_from_a_value() {
        assert_eq!(
            set::<Nullable<String>>("x").unwrap(),
            Nullable::Value("x".into())
        );
        assert_eq!(
            set::<Nullable<String>>(Some("x")).unwrap(),
            Nullable::Value("x".into())
        );
        assert_eq!(
            set::<Nullable<String>>(None::<&str>).unwrap(),
            Nullable::Null
        );
        assert_eq!(
            set::<Nullable<String>>(Nullable::Null).unwrap(),
            Nullable::Null
        );
    }

    #[test]
    fn counts_take_plain_integers_and_refuse_zero_and_negatives() {
        assert_eq!(
            set::<Option<NonZeroU64>>(10).unwrap().map(NonZeroU64::get),
            Some(10)
        );
        assert_eq!(
            set::<Option<NonZeroU64>>(Some(3))
                .unwrap()
                .map(NonZeroU64::get),
            Some(3)
        );
        assert_eq!(
            set::<NonZeroU64>(0).unwrap_err(),
            "must be at least 1, got 0"
        );
        assert_eq!(
            set::<NonZeroU64>(-5).unwrap_err(),
            "must be at least 1, got -5"
        );
        assert!(set::<Option<NonZeroU64>>(Some(0u64)).is_err());
        assert!(set::<i64>(u64::MAX).is_err());
    }

    #[test]
    fn lists_take_arrays_vecs_and_slices_and_keep_the_first_error() {
        let v: Vec<i64> = set([1, 2, 3]).unwrap();
        assert_eq!(v, [1, 2, 3]);
        let v: Vec<String> = set(vec!["a", "b"]).unwrap();
        assert_eq!(v, ["a", "b"]);
        let v: Vec<String> = set(&["c"][..]).unwrap();
        assert_eq!(v, ["c"]);
        assert!(set::<Vec<NonZeroU64>>([1, 0]).is_err());
    }
}
