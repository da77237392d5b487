//! progenitor's settings for this SDK, the open enums, and the formatted output.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::CodegenError;
use crate::names::{type_name, variant_names};
use crate::normalise::{named_string_enums, StringEnum, ACCESS_TOKEN, PUBLIC_TOKEN, SECRET};
use crate::postprocess;

/// The generated source, formatted, and what went into it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub source: String,
    pub enums: Vec<StringEnum>,
    pub operations: usize,
}

/// Generates the client and models from a merged, checked, normalised spec.
pub fn generate(spec: &Value) -> Result<Generated, CodegenError> {
    let api: OpenAPI =
        serde_json::from_value(spec.clone()).map_err(|e| CodegenError::NotOpenApi {
            path: "(merged spec)".into(),
            message: e.to_string(),
        })?;
    let enums = named_string_enums(spec);
    let settings = settings(spec, &enums);
    let tokens = Generator::new(&settings)
        .generate_tokens(&api)
        .map_err(|e| CodegenError::Generator(e.to_string()))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| CodegenError::GeneratedShape(e.to_string()))?;
    let operations = postprocess::route_sends_through_transport(&mut file)?;
    postprocess::accept_missing_nullable_fields(&mut file)?;
    postprocess::default_flattened_maps_to_empty(&mut file)?;
    postprocess::make_nullable(&mut file, &crate::explicit_null::explicit_null_fields(spec))?;
    let enum_items = enums
        .iter()
        .map(|e| {
            syn::parse2(open_enum(e)).map_err(|err| CodegenError::GeneratedShape(err.to_string()))
        })
        .collect::<Result<Vec<syn::Item>, _>>()?;
    postprocess::add_to_types(&mut file, enum_items)?;
    Ok(Generated {
        source: prettyplease::unparse(&file),
        enums,
        operations,
    })
}

fn settings(spec: &Value, enums: &[StringEnum]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote!(crate::runtime::Runtime))
        .with_derive("PartialEq");
    let text_impls = || [TypeImpl::Display, TypeImpl::FromStr].into_iter();
    for e in enums {
        let name = type_name(&e.name);
        settings.with_replacement(&name, format!("crate::types::{name}"), text_impls());
    }
    for (schema, rust) in [
        (ACCESS_TOKEN, "crate::secret::AccessToken"),
        (PUBLIC_TOKEN, "crate::secret::PublicToken"),
        (SECRET, "crate::secret::Secret"),
        ("APISecret", "crate::secret::Secret"),
    ] {
        settings.with_replacement(type_name(schema), rust, std::iter::empty());
    }
    for alias in plain_string_aliases(spec) {
        settings.with_replacement(
            type_name(&alias),
            "::std::string::String",
            [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default].into_iter(),
        );
    }
    settings
}

/// Named schemas that are just `type: string` (IDs like `RequestID`, `ApplicationID`): a
/// `String` field accepts `&str` and `String` without a newtype in the way.
fn plain_string_aliases(spec: &Value) -> Vec<String> {
    let secret_names = [ACCESS_TOKEN, PUBLIC_TOKEN, SECRET, "APISecret"];
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, s)| {
            !secret_names.contains(&name.as_str())
                && s.get("type").and_then(Value::as_str) == Some("string")
                && [
                    "enum",
                    "format",
                    "pattern",
                    "minLength",
                    "maxLength",
                    "nullable",
                ]
                .iter()
                .all(|k| s.get(*k).is_none())
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// One `crate::open_enum!` invocation: known values as variants plus `Unrecognized`.
fn open_enum(e: &StringEnum) -> TokenStream {
    let name = format_ident!("{}", type_name(&e.name));
    let variants = variant_names(&e.values)
        .into_iter()
        .map(|v| format_ident!("{}", v))
        .collect::<Vec<_>>();
    let values = &e.values;
    let doc = e
        .description
        .clone()
        .unwrap_or_else(|| format!("One of Plaid's `{}` values.", e.name));
    quote! {
        crate::open_enum::open_enum! {
            #[doc = #doc]
            #name {
                #( #variants => #values, )*
            }
        }
    }
}
