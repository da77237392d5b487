//! Absent nullable fields: a required-and-nullable response field Plaid leaves out reads as
//! `None` instead of failing the whole reply.
//!
//! Rewrite only: typify's `deserialize_with = "Option::deserialize"` on such fields becomes
//! `#[serde(default)]`.

use serde_json::Value;
use syn::{parse_quote, File, Item};

use super::Feature;
use crate::rewrite::{expect_sites, is_name_value, module_mut, serde_args, Mismatch};
use crate::spec_index::for_each_schema_mut;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("absent_nullable_fields")
    .rewrite(|spec, file| accept_missing_nullable_fields(file, required_nullable(spec)));

/// How many object properties are both required and nullable: the fields typify reads with
/// `Option::deserialize`.
pub fn required_nullable(spec: &Value) -> usize {
    let mut spec = spec.clone();
    let mut count = 0;
    for_each_schema_mut(&mut spec, &mut |schema, _| {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        count += schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(name, p)| {
                required.contains(&name.as_str()) && p.get("nullable") == Some(&Value::Bool(true))
            })
            .count();
    });
    count
}

/// typify types a required-and-nullable field as `Option<T>` that must still be present.
/// Plaid omits such fields at times: `#[serde(default)]` accepts absence as `None` while a
/// `None` is still written as `null`, as the spec requires.
fn accept_missing_nullable_fields(file: &mut File, expected: usize) -> Result<usize, Mismatch> {
    let types = module_mut(&mut file.items, "types")?;
    let mut changed = 0;
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            for attr in field.attrs.iter_mut() {
                let reads_option = serde_args(attr).is_some_and(|args| {
                    args.iter()
                        .any(|m| is_name_value(m, "deserialize_with", "Option::deserialize"))
                });
                if reads_option {
                    *attr = parse_quote!(#[serde(default)]);
                    changed += 1;
                }
            }
        }
    }
    expect_sites(
        "`deserialize_with = \"..Option::deserialize\"` fields (one per required, nullable property)",
        expected,
        changed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> File {
        parse_quote! {
            pub mod types {
                pub struct Item {
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub webhook: ::std::option::Option<String>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub institution_id: ::std::option::Option<String>,
                }
            }
            pub mod builder {
                impl<'a> ItemGet<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::ItemGetResponse>, Error<types::PlaidError>> {
                        let Self { client, body } = self;
                        let request = client.client.post(url).build()?;
                        let info = OperationInfo { operation_id: "item_get" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        result
                    }
                }
            }
        }
    }

    #[test]
    fn required_nullable_fields_accept_absence() {
        let mut file = sample();
        assert_eq!(accept_missing_nullable_fields(&mut file, 1).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("#[serde(default)]\n        pub webhook"),
            "{text}"
        );
        assert!(
            text.contains("skip_serializing_if"),
            "other fields are untouched: {text}"
        );
    }
}
