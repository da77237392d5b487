//! Absent nullable fields: a required-and-nullable response field Plaid leaves out reads as
//! `None` instead of failing the whole reply.
//!
//! Rewrite only: typify's `deserialize_with = "Option::deserialize"` on such fields becomes
//! `#[serde(default)]`.

use syn::{parse_quote, File, Item};

use super::Feature;
use crate::error::CodegenError;
use crate::rewrite::{module_mut, MetaText};

pub const FEATURE: Feature = Feature::new("absent_nullable_fields")
    .rewrite(|_spec, file| accept_missing_nullable_fields(file));

/// typify types a required-and-nullable field as `Option<T>` that must still be present.
/// Plaid omits such fields at times: `#[serde(default)]` accepts absence as `None` while a
/// `None` is still written as `null`, as the spec requires.
fn accept_missing_nullable_fields(file: &mut File) -> Result<usize, CodegenError> {
    let types = module_mut(&mut file.items, "types")?;
    let mut changed = 0;
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            for attr in field.attrs.iter_mut() {
                if !attr.path().is_ident("serde") {
                    continue;
                }
                let text = attr.meta.to_token_stream_string();
                if text.contains("deserialize_with") && text.contains("Option::deserialize\"") {
                    *attr = parse_quote!(#[serde(default)]);
                    changed += 1;
                }
            }
        }
    }
    Ok(changed)
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
        assert_eq!(accept_missing_nullable_fields(&mut file).unwrap(), 1);
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
