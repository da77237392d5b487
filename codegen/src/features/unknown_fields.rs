//! Unknown fields: objects keep the fields Plaid adds after this SDK was generated, in a
//! flattened `extra` map that reads and writes them back.
//!
//! Spec pass: `additionalProperties: true` becomes `{}` (typify's trigger for the map).
//! Rewrite: typify's builders default that map to empty instead of demanding a value.

use serde_json::{json, Value};
use syn::{parse_quote, Expr, File, Item, Stmt, Type};

use super::Feature;
use crate::rewrite::{expect_sites, has_serde_flag, module_mut, Mismatch};
use crate::spec_index::for_each_schema_mut;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("unknown_fields")
    .normalise(keep_unknown_fields)
    .rewrite(|spec, file| default_flattened_maps_to_empty(file, open_objects(spec)));

/// typify ignores `additionalProperties: true` by design (unknown fields are dropped) but turns
/// `additionalProperties: {}` into a flattened map that reads and writes them back.
pub fn keep_unknown_fields(spec: &mut Value) {
    for_each_schema_mut(spec, &mut |schema, _| {
        if schema.get("additionalProperties") == Some(&Value::Bool(true)) {
            schema["additionalProperties"] = json!({});
        }
    });
}

/// How many object schemas keep unknown fields (`additionalProperties: {}`): one flattened
/// map, and one builder default, each.
pub fn open_objects(spec: &Value) -> usize {
    let mut spec = spec.clone();
    let mut count = 0;
    for_each_schema_mut(&mut spec, &mut |schema, _| {
        let is_object = schema.get("type").and_then(Value::as_str) == Some("object")
            || schema.get("properties").is_some();
        if is_object && schema.get("additionalProperties") == Some(&json!({})) {
            count += 1;
        }
    });
    count
}

/// typify's builders demand a value for the flattened `extra` map that keeps unknown fields,
/// so `Scopes::builder()...` fails with "no value supplied for extra". An empty map is the
/// right default: a value built in code has no unknown fields.
fn default_flattened_maps_to_empty(file: &mut File, expected: usize) -> Result<usize, Mismatch> {
    let types = module_mut(&mut file.items, "types")?;
    let flattened: Vec<(String, Vec<String>)> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter(|f| f.attrs.iter().any(is_serde_flatten))
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .collect::<Vec<_>>(),
            )),
            _ => None,
        })
        .filter(|(_, fields)| !fields.is_empty())
        .collect();
    let maps = flattened.iter().map(|(_, f)| f.len()).sum();
    expect_sites(
        "`#[serde(flatten)]` maps in `mod types` (one per open object schema)",
        expected,
        maps,
    )?;
    let builders = module_mut(types, "builder")?;
    let mut changed = 0;
    for item in builders.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let is_default = block
            .trait_
            .as_ref()
            .is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Default"));
        let Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some((_, fields)) = flattened.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        if !is_default {
            continue;
        }
        for impl_item in block.items.iter_mut() {
            let syn::ImplItem::Fn(f) = impl_item else {
                continue;
            };
            for stmt in f.block.stmts.iter_mut() {
                let Stmt::Expr(Expr::Struct(literal), _) = stmt else {
                    continue;
                };
                for field in literal.fields.iter_mut() {
                    if let syn::Member::Named(ident) = &field.member {
                        if fields.iter().any(|f| ident == f) {
                            field.expr = parse_quote!(Ok(Default::default()));
                            changed += 1;
                        }
                    }
                }
            }
        }
    }
    expect_sites(
        "builder defaults of flattened maps (one per map)",
        maps,
        changed,
    )
}

fn is_serde_flatten(attr: &syn::Attribute) -> bool {
    has_serde_flag(attr, "flatten")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_objects_get_an_empty_schema_for_extra_fields() {
        let mut spec = json!({"components": {"schemas": {
            "A": {"type": "object", "additionalProperties": true},
            "B": {"type": "object", "additionalProperties": false},
            "C": {"type": "object", "additionalProperties": {"type": "string"}}
        }}});
        keep_unknown_fields(&mut spec);
        let s = &spec["components"]["schemas"];
        assert_eq!(s["A"]["additionalProperties"], json!({}));
        assert_eq!(s["B"]["additionalProperties"], false);
        assert_eq!(s["C"]["additionalProperties"], json!({"type": "string"}));
    }

    #[test]
    fn flattened_maps_default_to_empty_in_builders() {
        let mut file: File = parse_quote! {
            pub mod types {
                pub struct Scopes {
                    pub accounts: Vec<String>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                }
                pub mod builder {
                    impl ::std::default::Default for Scopes {
                        fn default() -> Self {
                            Self {
                                accounts: Err("no value supplied for accounts".to_string()),
                                extra: Err("no value supplied for extra".to_string()),
                            }
                        }
                    }
                }
            }
        };
        assert_eq!(default_flattened_maps_to_empty(&mut file, 1).unwrap(), 1);
        let mut again = file.clone();
        let err = default_flattened_maps_to_empty(&mut again, 2).unwrap_err();
        assert_eq!(err.found, "1 of them");
        let text = prettyplease::unparse(&file);
        assert!(text.contains("extra: Ok(Default::default())"), "{text}");
        assert!(
            text.contains("no value supplied for accounts"),
            "required fields stay required: {text}"
        );
    }
}
