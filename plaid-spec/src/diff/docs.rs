//! Changes that only touch documentation: descriptions, summaries, examples, titles, tags,
//! external docs, deprecation marks and `x-` extensions. None of them changes generated code.

use std::collections::BTreeSet;

use serde_json::Value;

use super::differ::{subject, At, Differ};
use super::model::Code;

fn doc_code(key: &str) -> Option<Code> {
    match key {
        "description" => Some(Code::DescriptionChanged),
        "summary" => Some(Code::SummaryChanged),
        "example" | "examples" => Some(Code::ExampleChanged),
        "title" | "externalDocs" | "deprecated" | "tags" => Some(Code::AnnotationChanged),
        k if k.starts_with("x-") => Some(Code::AnnotationChanged),
        _ => None,
    }
}

/// Compares the documentation keys that sit directly on `old` and `new` (not behind `$ref`s:
/// a referenced schema's docs are compared once, at that schema).
pub fn compare_docs(d: &mut Differ<'_>, at: &At, path: &str, old: &Value, new: &Value) {
    let keys: BTreeSet<&String> = [old, new]
        .iter()
        .filter_map(|v| v.as_object())
        .flat_map(|m| m.keys())
        .filter(|k| doc_code(k).is_some())
        .collect();
    for key in keys {
        let (before, after) = (old.get(key.as_str()), new.get(key.as_str()));
        if before == after {
            continue;
        }
        let code = doc_code(key).expect("filtered above");
        let what = match code {
            Code::AnnotationChanged => format!("`{key}`"),
            _ => key.trim_end_matches('s').to_string(),
        };
        let verb = match (before, after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        d.push(
            at,
            code,
            path,
            format!("{}{what} {verb}", subject(path)),
            before.cloned(),
            after.cloned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::classify::Sides;
    use crate::diff::model::{Kind, Scope};
    use serde_json::json;

    #[test]
    fn only_documentation_keys_count_and_all_are_docs() {
        let (old, new) = (json!({}), json!({}));
        let mut d = Differ::new(&old, &new);
        let at = At::new(Scope::Spec, Sides::BOTH);
        compare_docs(
            &mut d,
            &at,
            "item",
            &json!({"description": "a", "type": "string", "x-plaid": 1, "examples": [1]}),
            &json!({"description": "b", "type": "integer", "title": "T", "examples": [1]}),
        );
        let messages: Vec<_> = d.changes.iter().map(|c| c.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`item`: description changed",
                "`item`: `title` added",
                "`item`: `x-plaid` removed"
            ]
        );
        assert!(d.changes.iter().all(|c| c.kind == Kind::Docs));
    }
}
