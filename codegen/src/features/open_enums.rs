//! Open enums: every string enum (named or inline) becomes a `crate::open_enum!` type with
//! the known values as variants plus `Unrecognized(String)`, so a value Plaid adds later
//! decodes instead of failing the whole reply. The runtime half is `src/open_enum.rs`.
//!
//! Spec pass: `null` out of value lists, inline enums lifted to named schemas. Settings: each
//! named enum replaced by `crate::types::<Name>`. Rewrite: the `open_enum!` items added to
//! `mod types`.

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, TypeImpl};
use quote::{format_ident, quote};
use serde_json::{json, Value};

use super::Feature;
use crate::names::{type_name, variant_names};
use crate::rewrite::{expect_sites, module_mut, Mismatch};
use crate::spec_index::for_each_schema_mut;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("open_enums")
    .normalise(normalise)
    .settings(settings)
    .rewrite(rewrite);

/// `null` leaves the value lists first, so a nullable inline enum is lifted as a plain one.
fn normalise(spec: &mut Value) {
    move_null_out_of_enums(spec);
    lift_inline_enums(spec);
}

fn settings(spec: &Value, settings: &mut GenerationSettings) {
    for e in named_string_enums(spec) {
        let name = type_name(&e.name);
        settings.with_replacement(
            &name,
            format!("crate::types::{name}"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
}

/// Puts one `open_enum!` item per named enum into `mod types`, beside typify's types, after
/// checking that the replacement took: typify emitted no type of that name itself.
fn rewrite(spec: &Value, file: &mut syn::File) -> Result<usize, Mismatch> {
    let types = module_mut(&mut file.items, "types")?;
    let enums = named_string_enums(spec);
    for e in &enums {
        let name = type_name(&e.name);
        let emitted = types.iter().any(|item| match item {
            syn::Item::Enum(x) => x.ident == name,
            syn::Item::Struct(x) => x.ident == name,
            _ => false,
        });
        if emitted {
            return Err(Mismatch::new(
                format!("`{name}` replaced by `crate::types::{name}`"),
                format!("typify's own `{name}` in `mod types`"),
            ));
        }
    }
    let items = enums
        .iter()
        .map(|e| {
            syn::parse2(open_enum(e))
                .map_err(|err| Mismatch::new("an `open_enum!` item", err.to_string()))
        })
        .collect::<Result<Vec<syn::Item>, _>>()?;
    let added = items.len();
    types.extend(items);
    expect_sites("open enums (one per named string enum)", enums.len(), added)
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

/// A named string enum, as the generator will emit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringEnum {
    /// The Rust type name.
    pub name: String,
    /// The wire values, in the spec's order.
    pub values: Vec<String>,
    /// The schema's description.
    pub description: Option<String>,
}

/// True for a schema with an `enum` list (a string enum).
pub fn is_string_enum(schema: &Value) -> bool {
    schema.get("enum").is_some_and(Value::is_array)
        && schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string")
            == "string"
}

/// A `null` inside an enum's value list means "nullable" (Plaid does this from 1.6xx on).
pub fn move_null_out_of_enums(spec: &mut Value) {
    for_each_schema_mut(spec, &mut |schema, _| {
        let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) else {
            return;
        };
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() != before {
            schema["nullable"] = Value::Bool(true);
        }
    });
}

/// typify makes closed enums and leaves inline ones nameless; lifting every inline string enum
/// to `components.schemas.<Parent><Field>` lets one mechanism make all enums open.
pub fn lift_inline_enums(spec: &mut Value) {
    let mut lifted: Vec<(String, Value)> = Vec::new();
    let named = named_string_enums(spec);
    let mut taken: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    for_each_schema_mut(spec, &mut |schema, name| {
        // A named enum is visited under its own name: it is already where it belongs.
        if !is_string_enum(schema) || named.iter().any(|e| e.name == name) {
            return;
        }
        let mut name = name.to_string();
        while taken.contains(&name) {
            name.push('_');
        }
        let mut definition = schema.clone();
        let nullable = definition
            .as_object_mut()
            .and_then(|d| d.remove("nullable"))
            .unwrap_or(Value::Bool(false));
        let description = definition.get("description").cloned();
        let mut reference = json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}]});
        if nullable == Value::Bool(true) {
            reference["nullable"] = Value::Bool(true);
        }
        if let Some(d) = description {
            reference["description"] = d;
        }
        *schema = reference;
        taken.push(name.clone());
        lifted.push((name, definition));
    });
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, definition) in lifted {
            schemas.insert(name, definition);
        }
    }
}

/// Every named string enum in the (lifted) spec.
pub fn named_string_enums(spec: &Value) -> Vec<StringEnum> {
    let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter(|(_, s)| is_string_enum(s))
        .map(|(name, s)| StringEnum {
            name: name.clone(),
            values: s["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
                .collect(),
            description: s
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_enums_are_lifted_with_their_parent_and_field_name() {
        let mut spec = json!({"components": {"schemas": {
            "Item": {"type": "object", "properties": {
                "update_type": {"type": "string", "enum": ["background", "user_present_required"], "description": "how"}
            }},
            "Products": {"type": "string", "enum": ["auth"]}
        }}});
        lift_inline_enums(&mut spec);
        let schemas = &spec["components"]["schemas"];
        assert_eq!(
            schemas["Item"]["properties"]["update_type"]["allOf"][0]["$ref"],
            "#/components/schemas/ItemUpdateType"
        );
        assert_eq!(
            schemas["Item"]["properties"]["update_type"]["description"],
            "how"
        );
        assert_eq!(
            schemas["ItemUpdateType"]["enum"][1],
            "user_present_required"
        );
        assert_eq!(
            schemas["Products"]["enum"][0], "auth",
            "named enums stay where they are"
        );
        let names: Vec<_> = named_string_enums(&spec)
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, vec!["ItemUpdateType".to_string(), "Products".into()]);
    }

    #[test]
    fn a_lifted_name_that_is_taken_gets_a_suffix() {
        let mut spec = json!({"components": {"schemas": {
            "ItemMode": {"type": "object"},
            "Item": {"properties": {"mode": {"type": "string", "enum": ["a"]}}}
        }}});
        lift_inline_enums(&mut spec);
        assert_eq!(spec["components"]["schemas"]["ItemMode_"]["enum"][0], "a");
        assert_eq!(spec["components"]["schemas"]["ItemMode"]["type"], "object");
    }

    #[test]
    fn nullable_inline_enum_keeps_nullability_at_the_use_site() {
        let mut spec = json!({"components": {"schemas": {
            "Req": {"properties": {"reason": {"type": "string", "nullable": true, "enum": ["a", null]}}}
        }}});
        move_null_out_of_enums(&mut spec);
        lift_inline_enums(&mut spec);
        let schemas = &spec["components"]["schemas"];
        assert_eq!(schemas["Req"]["properties"]["reason"]["nullable"], true);
        assert_eq!(schemas["ReqReason"]["enum"], json!(["a"]));
        assert!(schemas["ReqReason"].get("nullable").is_none());
    }
}
