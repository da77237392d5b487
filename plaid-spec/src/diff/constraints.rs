//! Validation keywords: tightened (a request valid before may now be refused) or loosened.

use serde_json::Value;

use super::classify::constraint_changed;
use super::differ::{subject, At, Differ};
use super::model::Code;
use super::view::{View, CONSTRAINTS};

/// Whether moving from `old` to `new` tightens (`Some(true)`) or loosens (`Some(false)`).
pub fn tightens(key: &str, old: Option<&Value>, new: Option<&Value>) -> Option<bool> {
    if old == new {
        return None;
    }
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    let flag = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
    match key {
        "maxLength" | "maximum" | "maxItems" | "maxProperties" => match (num(old), num(new)) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(a), Some(b)) => Some(b < a),
            (None, None) => None,
        },
        "minLength" | "minimum" | "minItems" | "minProperties" => match (num(old), num(new)) {
            (None, Some(b)) => (b > 0.0 || key == "minimum").then_some(true),
            (Some(_), None) => Some(false),
            (Some(a), Some(b)) => Some(b > a),
            (None, None) => None,
        },
        "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => {
            (flag(old) != flag(new)).then(|| flag(new))
        }
        // A new or different pattern or multiple can refuse values the old one allowed.
        _ => Some(new.is_some()),
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => format!("`{s}`"),
        Some(other) => other.to_string(),
        None => "none".into(),
    }
}

pub fn compare_constraints(d: &mut Differ<'_>, at: &At, path: &str, ov: &View, nv: &View) {
    for key in CONSTRAINTS {
        let (old, new) = (ov.constraints.get(key), nv.constraints.get(key));
        let Some(tighter) = tightens(key, old, new) else {
            continue;
        };
        let change = match (old, new) {
            (None, Some(n)) => format!("{key} {} added", show(Some(n))),
            (Some(o), None) => format!("{key} {} removed", show(Some(o))),
            _ => format!("{key} {} -> {}", show(old), show(new)),
        };
        let (code, word) = if tighter {
            (Code::ConstraintTightened, "tightened")
        } else {
            (Code::ConstraintLoosened, "loosened")
        };
        d.push_judged(
            at,
            (code, constraint_changed(at.sides, key, tighter)),
            path,
            format!("{}{change} ({word})", subject(path)),
            old.cloned(),
            new.cloned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn direction_of_each_keyword() {
        let t = |k, o: Option<Value>, n: Option<Value>| tightens(k, o.as_ref(), n.as_ref());
        assert_eq!(t("maxLength", None, Some(json!(512))), Some(true));
        assert_eq!(
            t("maxLength", Some(json!(512)), Some(json!(256))),
            Some(true)
        );
        assert_eq!(
            t("maxLength", Some(json!(256)), Some(json!(512))),
            Some(false)
        );
        assert_eq!(t("maxLength", Some(json!(256)), None), Some(false));
        assert_eq!(t("minimum", Some(json!(1)), Some(json!(0))), Some(false));
        assert_eq!(t("minLength", None, Some(json!(0))), None, "no effect");
        assert_eq!(t("minLength", None, Some(json!(1))), Some(true));
        assert_eq!(t("pattern", Some(json!("a")), Some(json!("b"))), Some(true));
        assert_eq!(t("pattern", Some(json!("a")), None), Some(false));
        assert_eq!(t("uniqueItems", None, Some(json!(true))), Some(true));
        assert_eq!(t("maximum", Some(json!(5)), Some(json!(5))), None);
    }
}
