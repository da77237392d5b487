//! A schema seen the way the generated SDK sees it: `$ref`s followed, `allOf` merged, alias
//! wrappers (`allOf: [$ref X]` plus annotations) looked through, and a `null` in an enum's
//! value list read as nullability. The diff compares views, never raw YAML shapes, so a
//! change spelled differently in two versions is still recognised as the same change.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub const PREFIX: &str = "#/components/schemas/";

/// Validation keywords: changing one of them can make a request Plaid accepted fail.
pub const CONSTRAINTS: [&str; 13] = [
    "maxLength",
    "minLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// What a value of the schema looks like.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape<'a> {
    Object {
        properties: BTreeMap<String, &'a Value>,
        required: BTreeSet<String>,
        /// `additionalProperties: true` (or a schema): the SDK keeps unknown fields.
        open: bool,
    },
    Array {
        items: Option<&'a Value>,
    },
    Scalar {
        ty: String,
        format: Option<String>,
        /// The enum's values (without `null`), when it is an enum.
        values: Option<Vec<String>>,
    },
    Union {
        members: Vec<&'a Value>,
    },
    /// No type at all (`{}`), or a `$ref` that does not resolve.
    Any,
}

/// One schema, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct View<'a> {
    /// The component schema this stands for; `None` for an inline schema.
    pub name: Option<String>,
    pub nullable: bool,
    pub shape: Shape<'a>,
    pub constraints: BTreeMap<String, Value>,
    pub default: Option<Value>,
}

impl View<'_> {
    /// Objects, enums and unions become named Rust types; plain scalars become `String`,
    /// `i64`, ...
    pub fn is_named_type(&self) -> bool {
        matches!(
            self.shape,
            Shape::Object { .. }
                | Shape::Union { .. }
                | Shape::Scalar {
                    values: Some(_),
                    ..
                }
        )
    }
}

/// Resolves `schema` (a raw schema inside `doc`).
pub fn view<'a>(doc: &'a Value, schema: &'a Value) -> View<'a> {
    view_in(doc, schema, &mut Vec::new())
}

fn view_in<'a>(doc: &'a Value, schema: &'a Value, stack: &mut Vec<String>) -> View<'a> {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.strip_prefix(PREFIX).unwrap_or(target).to_string();
        let resolved = plaid_item_codegen::refs::resolve(doc, target);
        let Some(definition) = resolved.filter(|_| !stack.contains(&name)) else {
            return View {
                name: Some(name),
                ..empty(Shape::Any)
            };
        };
        stack.push(name.clone());
        let mut inner = view_in(doc, definition, stack);
        stack.pop();
        // An alias already carries its target's name; anything else is named by this ref.
        inner.name.get_or_insert(name);
        return inner;
    }
    let mut result = match schema.get("allOf").and_then(Value::as_array) {
        Some(members) => all_of(doc, schema, members, stack),
        None => empty(own_shape(schema)),
    };
    overlay(&mut result, schema);
    result
}

fn empty(shape: Shape<'_>) -> View<'_> {
    View {
        name: None,
        nullable: false,
        shape,
        constraints: BTreeMap::new(),
        default: None,
    }
}

/// The shape a schema declares itself, ignoring `allOf`.
fn own_shape(schema: &Value) -> Shape<'_> {
    let declared = schema.get("type").and_then(Value::as_str);
    let values = schema.get("enum").and_then(Value::as_array).map(|values| {
        values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
    });
    let union = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array));
    match declared {
        Some("object") => object_shape(schema),
        Some("array") => Shape::Array {
            items: schema.get("items"),
        },
        Some(ty) => Shape::Scalar {
            ty: ty.to_string(),
            format: schema
                .get("format")
                .and_then(Value::as_str)
                .map(str::to_string),
            values,
        },
        None if schema.get("properties").is_some()
            || schema.get("additionalProperties").is_some() =>
        {
            object_shape(schema)
        }
        None if schema.get("items").is_some() => Shape::Array {
            items: schema.get("items"),
        },
        None if values.is_some() => Shape::Scalar {
            ty: "string".into(),
            format: None,
            values,
        },
        None => match union {
            Some(members) => Shape::Union {
                members: members.iter().collect(),
            },
            None => Shape::Any,
        },
    }
}

fn object_shape(schema: &Value) -> Shape<'_> {
    Shape::Object {
        properties: schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v)).collect())
            .unwrap_or_default(),
        required: required_of(schema),
        open: is_open(schema),
    }
}

fn required_of(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn is_open(schema: &Value) -> bool {
    match schema.get("additionalProperties") {
        None | Some(Value::Bool(false)) => false,
        Some(_) => true,
    }
}

/// Keys that describe a schema without shaping it.
fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "description"
            | "title"
            | "example"
            | "examples"
            | "externalDocs"
            | "deprecated"
            | "nullable"
            | "default"
            | "readOnly"
            | "writeOnly"
    ) || key.starts_with("x-")
        || CONSTRAINTS.contains(&key)
}

/// `{type: object, additionalProperties: true}`: adds nothing but openness.
fn is_open_empty_object(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        map.iter().all(|(k, v)| match k.as_str() {
            "type" => v == "object",
            "additionalProperties" => v != &Value::Bool(false),
            "properties" => v.as_object().is_some_and(|p| p.is_empty()),
            k => is_annotation(k),
        })
    })
}

/// Annotation-only members (`{description: ..}`, `{nullable: true}`) overlay the others.
fn is_overlay_only(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|map| map.keys().all(|k| is_annotation(k)))
}

fn all_of<'a>(
    doc: &'a Value,
    outer: &'a Value,
    members: &'a [Value],
    stack: &mut Vec<String>,
) -> View<'a> {
    let structural: Vec<&Value> = members
        .iter()
        .filter(|m| !is_open_empty_object(m) && !is_overlay_only(m))
        .collect();
    let opens = members.iter().any(is_open_empty_object) || is_open(outer);
    let outer_adds_fields = outer
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    let mut result = if structural.len() == 1 && !outer_adds_fields {
        // An alias: `allOf: [$ref X]`, maybe with an open-object or annotation member.
        view_in(doc, structural[0], stack)
    } else {
        let mut merged = empty(Shape::Object {
            properties: BTreeMap::new(),
            required: BTreeSet::new(),
            open: false,
        });
        let parts = structural
            .iter()
            .map(|m| view_in(doc, m, stack))
            .chain(std::iter::once(empty(object_shape(outer))));
        for part in parts {
            merge_object(&mut merged, part);
        }
        merged
    };
    if opens {
        if let Shape::Object { open, .. } = &mut result.shape {
            *open = true;
        }
    }
    for member in members.iter().filter(|m| is_overlay_only(m)) {
        overlay(&mut result, member);
    }
    result
}

/// Adds `part`'s fields to `into`; a later member's definition of a field wins.
fn merge_object<'a>(into: &mut View<'a>, part: View<'a>) {
    let Shape::Object {
        properties,
        required,
        open,
    } = &mut into.shape
    else {
        return;
    };
    if let Shape::Object {
        properties: p,
        required: r,
        open: o,
    } = part.shape
    {
        properties.extend(p);
        required.extend(r);
        *open |= o;
    }
    into.constraints.extend(part.constraints);
}

/// Applies a layer's own nullability, constraints and default on top of what it wraps.
fn overlay(view: &mut View<'_>, layer: &Value) {
    if layer.get("nullable") == Some(&Value::Bool(true))
        || layer
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v.iter().any(Value::is_null))
    {
        view.nullable = true;
    }
    for key in CONSTRAINTS {
        if let Some(v) = layer.get(key) {
            view.constraints.insert(key.to_string(), v.clone());
        }
    }
    if let Some(d) = layer.get("default") {
        view.default = Some(d.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Item": {"type": "object", "required": ["item_id"], "properties": {
                "item_id": {"type": "string"},
                "webhook": {"type": "string", "nullable": true}
            }},
            "ItemWithConsentFields": {"type": "object", "additionalProperties": true, "allOf": [
                {"$ref": "#/components/schemas/Item"},
                {"type": "object", "properties": {"created_at": {"type": "string", "format": "date-time"}}}
            ]},
            "ItemNullable": {"nullable": true, "allOf": [
                {"$ref": "#/components/schemas/Item"},
                {"type": "object", "additionalProperties": true}
            ]},
            "Reason": {"type": "string", "nullable": true, "enum": ["A", "B", null]},
            "ReasonAlias": {"description": "d", "allOf": [{"$ref": "#/components/schemas/Reason"}]},
            "LoopA": {"allOf": [{"$ref": "#/components/schemas/LoopB"}]},
            "LoopB": {"allOf": [{"$ref": "#/components/schemas/LoopA"}]}
        }}})
    }

    fn reference(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn all_of_extension_merges_fields_and_required() {
        let d = doc();
        let v = view(&d, &d["components"]["schemas"]["ItemWithConsentFields"]);
        let Shape::Object {
            properties,
            required,
            open,
        } = &v.shape
        else {
            panic!("{v:?}")
        };
        assert_eq!(
            properties.keys().collect::<Vec<_>>(),
            ["created_at", "item_id", "webhook"]
        );
        assert_eq!(required.iter().collect::<Vec<_>>(), ["item_id"]);
        assert!(open);
        assert_eq!(v.name, None, "an extension is its own type, not Item");
    }

    #[test]
    fn alias_wrappers_resolve_to_their_target_with_nullability() {
        let d = doc();
        let v_ref = reference("ItemNullable");
        let v = view(&d, &v_ref);
        assert_eq!(v.name.as_deref(), Some("Item"));
        assert!(v.nullable);
        let alias_ref = reference("ReasonAlias");
        let alias = view(&d, &alias_ref);
        assert_eq!(alias.name.as_deref(), Some("Reason"));
        assert!(alias.nullable, "null in the enum list means nullable");
        assert_eq!(
            alias.shape,
            Shape::Scalar {
                ty: "string".into(),
                format: None,
                values: Some(vec!["A".into(), "B".into()])
            }
        );
    }

    #[test]
    fn cycles_and_dangling_refs_end_in_any() {
        let d = doc();
        let v_ref = reference("LoopA");
        let v = view(&d, &v_ref);
        assert_eq!(v.shape, Shape::Any);
        assert_eq!(v.name.as_deref(), Some("LoopA"));
        let gone_ref = reference("Gone");
        let gone = view(&d, &gone_ref);
        assert_eq!(
            (gone.name.as_deref(), gone.shape),
            (Some("Gone"), Shape::Any)
        );
    }
}
