//! Structural comparison of schemas: fields, types, enums, nullability, constraints.
//!
//! A use of a named schema that both specs define stops at the name: what changed inside it
//! is reported once, at that schema, with every operation that reaches it (`used_by`). A use
//! that switches to a different schema is reported as such and then compared field by field,
//! so every difference between the two is still listed, attributed to the place that uses it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::classify::{field_removed, presence_changed, Presence};
use super::differ::{join, subject, At, Differ};
use super::docs::compare_docs;
use super::model::{Code, Scope};
use super::view::{view, Shape, View};
use plaid_item_codegen::normalise::TYPED_STRING_FORMATS;

/// Compares `components.schemas.<name>` of both specs.
pub fn compare_named(d: &mut Differ<'_>, name: &str) {
    let pointer = format!("/components/schemas/{}", super::differ::escape(name));
    let (Some(old), Some(new)) = (d.old.pointer(&pointer), d.new.pointer(&pointer)) else {
        return;
    };
    let at = At {
        scope: Scope::Schema {
            name: name.to_string(),
        },
        sides: d.usage.sides(name),
        used_by: d.usage.labels(name),
    };
    compare_docs(d, &at, "", old, new);
    let (ov, nv) = (view(d.old, old), view(d.new, new));
    if ov.name.is_some() || nv.name.is_some() {
        // An alias (`allOf: [$ref X]`): its target is compared under its own name.
        compare_nullability(d, &at, "", (&ov, &nv), (true, true));
        if ov.name != nv.name {
            schema_changed(d, &at, "", &ov, &nv);
        }
        return;
    }
    // A schema's own nullability is reported where it is used: that is where it matters.
    compare_views(d, &at, "", &ov, &nv);
}

/// Compares one use of a schema (array items, a body, a parameter) in both specs.
pub fn compare_use(d: &mut Differ<'_>, at: &At, path: &str, old: &Value, new: &Value) {
    compare_use_required(d, at, path, (old, new), (true, true));
}

/// Compares one use of a schema whose requiredness was `required.0` and is `required.1`.
fn compare_use_required(
    d: &mut Differ<'_>,
    at: &At,
    path: &str,
    (old, new): (&Value, &Value),
    required: (bool, bool),
) {
    compare_docs(d, at, path, old, new);
    let (ov, nv) = (view(d.old, old), view(d.new, new));
    compare_nullability(d, at, path, (&ov, &nv), required);
    if let (Some(o), Some(n)) = (&ov.name, &nv.name) {
        if o == n && d.defined_in_both(o) {
            return;
        }
    }
    if ov.name != nv.name && (ov.is_named_type() || nv.is_named_type()) {
        if same_kind(&ov.shape, &nv.shape) {
            schema_changed(d, at, path, &ov, &nv);
        } else {
            retyped(d, at, path, &ov, &nv);
            return;
        }
    }
    let pair = (
        ov.name.clone().unwrap_or_default(),
        nv.name.clone().unwrap_or_default(),
    );
    let named = !pair.0.is_empty() && !pair.1.is_empty();
    if named && d.comparing.contains(&pair) {
        return;
    }
    if named {
        d.comparing.push(pair);
    }
    compare_views(d, at, path, &ov, &nv);
    if named {
        d.comparing.pop();
    }
}

/// What decides the Rust type of a use of `v`.
fn presence(v: &View, required: bool) -> Presence {
    Presence {
        required,
        nullable: v.nullable,
        array: matches!(v.shape, Shape::Array { .. }),
    }
}

fn compare_nullability(
    d: &mut Differ<'_>,
    at: &At,
    path: &str,
    (ov, nv): (&View, &View),
    required: (bool, bool),
) {
    if ov.nullable == nv.nullable {
        return;
    }
    let axes = presence_changed(at.sides, presence(ov, required.0), presence(nv, required.1));
    let (code, word) = if nv.nullable {
        (Code::MadeNullable, "made nullable")
    } else {
        (Code::MadeNonNullable, "no longer nullable")
    };
    let message = format!("{}{word}", subject(path));
    d.push_judged(
        at,
        (code, axes),
        path,
        message,
        Some(ov.nullable.into()),
        Some(nv.nullable.into()),
    );
}

fn compare_views(d: &mut Differ<'_>, at: &At, path: &str, ov: &View, nv: &View) {
    super::constraints::compare_constraints(d, at, path, ov, nv);
    if ov.default != nv.default {
        d.push(
            at,
            Code::DefaultChanged,
            path,
            format!("{}default changed", subject(path)),
            ov.default.clone(),
            nv.default.clone(),
        );
    }
    match (&ov.shape, &nv.shape) {
        (
            Shape::Object {
                properties: op,
                required: or,
                open: oo,
            },
            Shape::Object {
                properties: np,
                required: nr,
                open: no,
            },
        ) => {
            let names: BTreeSet<&String> = op.keys().chain(np.keys()).collect();
            for name in names {
                let sides = ((op.get(name), or), (np.get(name), nr));
                compare_field(d, at, (path, name), sides, *oo);
            }
            if oo != no {
                let (code, word) = if *no {
                    (Code::AdditionalPropertiesOpened, "now keeps unknown fields")
                } else {
                    (
                        Code::AdditionalPropertiesClosed,
                        "no longer keeps unknown fields (additionalProperties)",
                    )
                };
                let message = format!("{}{word}", subject(path));
                d.push(
                    at,
                    code,
                    path,
                    message,
                    Some((*oo).into()),
                    Some((*no).into()),
                );
            }
        }
        (Shape::Array { items: Some(oi) }, Shape::Array { items: Some(ni) }) => {
            compare_use(d, at, &format!("{path}[]"), oi, ni);
        }
        (
            Shape::Scalar {
                ty: ot,
                format: of,
                values: ov_values,
            },
            Shape::Scalar {
                ty: nt,
                format: nf,
                values: nv_values,
            },
        ) => {
            if ot != nt || ov_values.is_some() != nv_values.is_some() {
                retyped(d, at, path, ov, nv);
                return;
            }
            if of != nf {
                if changes_rust_type(ot, of.as_deref(), nf.as_deref()) {
                    retyped(d, at, path, ov, nv);
                    return;
                }
                format_documented(d, at, path, of, nf);
            }
            if let (Some(o), Some(n)) = (ov_values, nv_values) {
                compare_enum(d, at, path, o, n);
            }
        }
        (Shape::Union { members: om }, Shape::Union { members: nm }) => {
            if om.len() != nm.len() {
                retyped(d, at, path, ov, nv);
            } else {
                for (i, (o, n)) in om.iter().zip(nm).enumerate() {
                    compare_use(d, at, &format!("{path}(variant {})", i + 1), o, n);
                }
            }
        }
        (Shape::Array { .. }, Shape::Array { .. }) | (Shape::Any, Shape::Any) => {}
        _ => retyped(d, at, path, ov, nv),
    }
}

type Side<'a, 'b> = (Option<&'b &'a Value>, &'b BTreeSet<String>);

/// `was_open`: the old object kept unknown fields in `extra`, where an added field used to be.
fn compare_field(
    d: &mut Differ<'_>,
    at: &At,
    (path, name): (&str, &str),
    (old, new): (Side, Side),
    was_open: bool,
) {
    let field = join(path, name);
    let (was_required, is_required) = (old.1.contains(name), new.1.contains(name));
    match (old.0, new.0) {
        (Some(o), None) => {
            let was = presence(&view(d.old, o), was_required);
            d.push_judged(
                at,
                (Code::FieldRemoved, field_removed(at.sides, was)),
                &field,
                format!("field `{field}` removed"),
                None,
                None,
            )
        }
        (None, Some(_)) => {
            let (code, word) = if is_required {
                (Code::FieldAddedRequired, "required")
            } else {
                (Code::FieldAdded, "optional")
            };
            // Code that read it from `extra` still compiles but no longer finds it there.
            let moved = if was_open {
                "; no longer in `extra`"
            } else {
                ""
            };
            d.push(
                at,
                code,
                &field,
                format!("field `{field}` added ({word}{moved})"),
                None,
                None,
            );
        }
        (Some(o), Some(n)) => {
            if was_required != is_required {
                let (code, word) = if is_required {
                    (Code::FieldMadeRequired, "made required")
                } else {
                    (Code::FieldMadeOptional, "made optional")
                };
                let axes = presence_changed(
                    at.sides,
                    presence(&view(d.old, o), was_required),
                    presence(&view(d.new, n), is_required),
                );
                d.push_judged(
                    at,
                    (code, axes),
                    &field,
                    format!("field `{field}` {word}"),
                    Some(was_required.into()),
                    Some(is_required.into()),
                );
            }
            compare_use_required(d, at, &field, (o, n), (was_required, is_required));
        }
        (None, None) => {}
    }
}

fn compare_enum(d: &mut Differ<'_>, at: &At, path: &str, old: &[String], new: &[String]) {
    for value in old.iter().filter(|v| !new.contains(v)) {
        d.push(
            at,
            Code::EnumValueRemoved,
            path,
            format!("{}enum value `{value}` removed", subject(path)),
            Some(json!(value)),
            None,
        );
    }
    for value in new.iter().filter(|v| !old.contains(v)) {
        d.push(
            at,
            Code::EnumValueAdded,
            path,
            format!("{}enum value `{value}` added", subject(path)),
            None,
            Some(json!(value)),
        );
    }
}

/// A string format the SDK has no Rust type for (`url`, `email`, ...) only documents the
/// value; a typed one (`date-time`), or any integer or number format (`int32` vs `int64`),
/// changes the field's Rust type.
fn changes_rust_type(ty: &str, old: Option<&str>, new: Option<&str>) -> bool {
    let typed = |f: Option<&str>| f.is_some_and(|f| TYPED_STRING_FORMATS.contains(&f));
    ty != "string" || typed(old) || typed(new)
}

fn format_documented(
    d: &mut Differ<'_>,
    at: &At,
    path: &str,
    old: &Option<String>,
    new: &Option<String>,
) {
    let change = match (old, new) {
        (None, Some(n)) => format!("format `{n}` added"),
        (Some(o), None) => format!("format `{o}` removed"),
        (Some(o), Some(n)) => format!("format `{o}` -> `{n}`"),
        (None, None) => return,
    };
    d.push(
        at,
        Code::AnnotationChanged,
        path,
        format!("{}{change} (a plain string either way)", subject(path)),
        old.clone().map(Value::from),
        new.clone().map(Value::from),
    );
}

fn same_kind(a: &Shape, b: &Shape) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// `object`, `array`, `string (date-time)`, `enum`, `oneOf`, `any`.
fn describe(v: &View) -> String {
    let base = match &v.shape {
        Shape::Object { .. } => "object".to_string(),
        Shape::Array { .. } => "array".to_string(),
        Shape::Scalar {
            values: Some(_), ..
        } => "enum".to_string(),
        Shape::Scalar {
            ty,
            format: Some(f),
            ..
        } => format!("{ty} ({f})"),
        Shape::Scalar { ty, .. } => ty.clone(),
        Shape::Union { members } => format!("oneOf of {}", members.len()),
        Shape::Any => "any".to_string(),
    };
    match &v.name {
        Some(name) => format!("{name} ({base})"),
        None => base,
    }
}

fn retyped(d: &mut Differ<'_>, at: &At, path: &str, ov: &View, nv: &View) {
    let (before, after) = (describe(ov), describe(nv));
    let what = if path.is_empty() {
        "type changed".to_string()
    } else {
        format!("`{path}` retyped")
    };
    d.push(
        at,
        Code::FieldRetyped,
        path,
        format!("{what}: {before} -> {after}"),
        Some(before.into()),
        Some(after.into()),
    );
}

fn schema_changed(d: &mut Differ<'_>, at: &At, path: &str, ov: &View, nv: &View) {
    let name = |v: &View| v.name.clone().unwrap_or_else(|| "an inline schema".into());
    let (before, after) = (name(ov), name(nv));
    let what = if path.is_empty() {
        "now stands for".to_string()
    } else {
        format!("`{path}` now uses")
    };
    d.push(
        at,
        Code::FieldSchemaChanged,
        path,
        format!("{what} {after} (was {before})"),
        ov.name.clone().map(Value::from),
        nv.name.clone().map(Value::from),
    );
}
