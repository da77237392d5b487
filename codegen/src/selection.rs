//! Which operations form the SDK: data, not an accident of the file.
//!
//! Plaid publishes its whole API in one file; the SDK is made of a selection of it. The
//! default is the Item API ([`Selection::item_api`]). Selecting keeps the selected operations
//! and the transitive closure of what they use (schemas, parameters, security schemes), plus
//! the schemas the runtime needs that no operation references (the supplement's
//! `x-extra-schemas`, such as the webhook payloads), and nothing else: a slice and the whole
//! file of one version give the same operations and the same types.
//!
//! An entry is a path (`/item/get`), every path under a prefix ending in `/` (`/sandbox/item/`;
//! `/` alone is every operation), or an operationId (`itemGet`). A selection file (YAML) starts
//! from the default and changes it:
//!
//! ```yaml
//! add: [/institutions/get_by_id]   # more operations
//! remove: [/sandbox/item/]         # fewer
//! # operations: [...]              # instead of the default list
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::CodegenError;
use crate::load;
use crate::spec_index::{self, Operation};

/// The Item API: every path under `/item/` and `/sandbox/item/`, and the key call the webhook
/// verifier makes.
pub const ITEM_API: [&str; 3] = ["/item/", "/sandbox/item/", "/webhook_verification_key/get"];

/// Operations the hand-written runtime calls, with what needs them: every selection keeps
/// them, and one that removes them is refused.
pub const RUNTIME_OPERATIONS: [(&str, &str); 2] = [
    (
        "/webhook_verification_key/get",
        "plaid_item::webhooks fetches Plaid's signing keys with it",
    ),
    (
        "/item/activity/list",
        "plaid_item::paginate pages through it",
    ),
];

/// Which operations of a spec form the SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// How messages name it: "the default selection" or its file.
    pub source: String,
    /// The starting list; `None` is [`ITEM_API`], whose entries may match nothing (a trimmed
    /// spec), unlike the user's.
    pub operations: Option<Vec<String>>,
    /// Operations added to the starting list.
    pub add: Vec<String>,
    /// Operations removed from it.
    pub remove: Vec<String>,
    /// Entries every selection keeps, each with what needs it.
    pub required: Vec<(String, String)>,
}

impl Default for Selection {
    fn default() -> Self {
        Selection::item_api()
    }
}

/// What selecting kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    /// `METHOD /path` of every selected operation, sorted by path.
    pub operations: Vec<String>,
    /// How many operations the spec had.
    pub of: usize,
    /// How many component entries (all sections) were left out.
    pub dropped_components: usize,
}

impl Selection {
    /// The default: [`ITEM_API`], keeping [`RUNTIME_OPERATIONS`].
    pub fn item_api() -> Selection {
        Selection {
            source: "the default selection".into(),
            operations: None,
            add: Vec::new(),
            remove: Vec::new(),
            required: RUNTIME_OPERATIONS
                .iter()
                .map(|(entry, why)| (entry.to_string(), why.to_string()))
                .collect(),
        }
    }

    /// Every operation of the spec (`/`).
    pub fn everything() -> Selection {
        Selection {
            source: "every operation".into(),
            operations: Some(vec!["/".into()]),
            ..Selection::item_api()
        }
    }

    /// Reads a selection file.
    pub fn from_file(path: &Path) -> Result<Selection, CodegenError> {
        let doc = load::load_yaml(path)?;
        Selection::from_document(&format!("the selection in {}", path.display()), &doc)
    }

    /// A selection from its YAML document; `source` names it in messages.
    pub fn from_document(source: &str, doc: &Value) -> Result<Selection, CodegenError> {
        let invalid = |message: String| CodegenError::Selection {
            source: source.to_string(),
            problems: vec![message],
        };
        let map = match doc {
            Value::Object(map) => map.clone(),
            Value::Null => Map::new(),
            _ => {
                return Err(invalid(
                    "a selection is a mapping with `add`, `remove` and/or `operations`".into(),
                ))
            }
        };
        let mut selection = Selection {
            source: source.to_string(),
            ..Selection::item_api()
        };
        for (key, value) in &map {
            let list = match value {
                Value::Null => Vec::new(),
                Value::Array(items) => items
                    .iter()
                    .map(|item| match item.as_str() {
                        Some(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                        _ => Err(invalid(format!(
                            "`{key}` holds {item}: each entry is a path, a path prefix ending \
                             in `/` or an operationId"
                        ))),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                other => {
                    return Err(invalid(format!(
                        "`{key}` is {other}, not a list of paths or operationIds"
                    )))
                }
            };
            match key.as_str() {
                "operations" => selection.operations = Some(list),
                "add" => selection.add = list,
                "remove" => selection.remove = list,
                other => {
                    return Err(invalid(format!(
                        "unknown key `{other}` (a selection has `add`, `remove` and \
                         `operations`)"
                    )))
                }
            }
        }
        Ok(selection)
    }

    /// True for the default (the Item API, unchanged).
    pub fn is_default(&self) -> bool {
        self.operations.is_none() && self.add.is_empty() && self.remove.is_empty()
    }

    /// Fails, naming each entry, when an entry of the user's names no operation of any of
    /// `docs` (with the nearest real names), or removes one the runtime needs.
    pub fn check(&self, docs: &[&Value]) -> Result<(), CodegenError> {
        let ops: Vec<Operation<'_>> = docs
            .iter()
            .flat_map(|doc| spec_index::operations(doc))
            .collect();
        let mut problems = Vec::new();
        let user_entries = self
            .operations
            .iter()
            .flatten()
            .chain(&self.add)
            .chain(&self.remove);
        for entry in user_entries {
            if !ops.iter().any(|op| matches(entry, op)) {
                problems.push(unknown(entry, &ops));
            }
        }
        for entry in &self.remove {
            for (needed, why) in &self.required {
                if ops
                    .iter()
                    .any(|op| matches(entry, op) && matches(needed, op))
                {
                    problems.push(format!(
                        "`{entry}` removes {needed}, which every selection keeps: {why}"
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CodegenError::Selection {
                source: self.source.clone(),
                problems,
            })
        }
    }

    /// Whether `op` is selected.
    pub fn selects(&self, op: &Operation<'_>) -> bool {
        self.selects_path(op.path, op.id)
    }

    /// Whether the operation at `path` with `operation_id` is selected (entries name paths or
    /// operationIds, never methods), for callers that have not parsed the operation.
    pub fn selects_path(&self, path: &str, operation_id: Option<&str>) -> bool {
        let hit = |e: &str| entry_matches(e, path, operation_id);
        let any = |entries: &[String]| entries.iter().any(|e| hit(e));
        let start = match &self.operations {
            Some(list) => any(list),
            None => ITEM_API.iter().any(|e| hit(e)),
        };
        let required = self.required.iter().any(|(e, _)| hit(e));
        required || ((start || any(&self.add)) && !any(&self.remove))
    }

    /// Cuts `doc` to the selected operations and what they reach (and `keep_schemas`, named
    /// schemas no operation references). Call [`Selection::check`] first for the messages.
    pub fn apply(
        &self,
        doc: &mut Value,
        keep_schemas: &[String],
    ) -> Result<Selected, CodegenError> {
        let all = spec_index::operations(doc);
        let of = all.len();
        let chosen: BTreeSet<(String, &'static str)> = all
            .iter()
            .filter(|op| self.selects(op))
            .map(|op| (op.path.to_string(), op.method))
            .collect();
        if chosen.is_empty() {
            return Err(CodegenError::Selection {
                source: self.source.clone(),
                problems: vec![format!("it selects none of the spec's {of} operations")],
            });
        }
        let operations = all
            .iter()
            .filter(|op| chosen.contains(&(op.path.to_string(), op.method)))
            .map(|op| format!("{} {}", op.method_upper(), op.path))
            .collect();
        cut_paths(doc, &chosen);
        let dropped_components = keep_reachable(doc, keep_schemas);
        Ok(Selected {
            operations,
            of,
            dropped_components,
        })
    }
}

/// Whether one entry names `op`.
pub fn matches(entry: &str, op: &Operation<'_>) -> bool {
    entry_matches(entry, op.path, op.id)
}

fn entry_matches(entry: &str, path: &str, operation_id: Option<&str>) -> bool {
    if entry.starts_with('/') {
        if entry.ends_with('/') {
            path.starts_with(entry)
        } else {
            path == entry
        }
    } else {
        operation_id == Some(entry)
    }
}

/// Entries longer than this get no suggestions and are cut in messages: no real path or
/// operationId is near, and comparing would cost length × every name.
const LONGEST_NAME: usize = 200;

/// "`x` is no path, path prefix or operationId of the spec (nearest: ...)".
fn unknown(entry: &str, ops: &[Operation<'_>]) -> String {
    if entry.chars().count() > LONGEST_NAME {
        let cut: String = entry.chars().take(40).collect();
        return format!(
            "`{cut}...` ({} characters) is no path, path prefix or operationId of the spec",
            entry.chars().count()
        );
    }
    let mut names: BTreeSet<String> = BTreeSet::new();
    // Like with like: a path gets paths (and prefixes), an operationId operationIds.
    let by_path = entry.starts_with('/');
    for op in ops {
        if !by_path {
            names.extend(op.id.map(str::to_string));
            continue;
        }
        names.insert(op.path.to_string());
        if entry.ends_with('/') {
            let mut prefix = String::new();
            for part in op.path.split('/').filter(|p| !p.is_empty()) {
                prefix = format!("{prefix}/{part}");
                names.insert(format!("{prefix}/"));
            }
        }
    }
    let wanted = entry.to_lowercase();
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|name| (distance(&wanted, &name.to_lowercase()), name))
        .collect();
    scored.sort();
    let limit = (entry.chars().count() / 2).max(3);
    let nearest: Vec<String> = scored
        .iter()
        .filter(|(d, _)| *d <= limit)
        .take(3)
        .map(|(_, name)| format!("`{name}`"))
        .collect();
    let hint = match nearest.as_slice() {
        [] => String::new(),
        names => format!(" (nearest: {})", names.join(", ")),
    };
    format!("`{entry}` is no path, path prefix or operationId of the spec{hint}")
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Drops every operation not in `chosen`, and path items left without one.
fn cut_paths(doc: &mut Value, chosen: &BTreeSet<(String, &'static str)>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    paths.retain(|path, item| {
        let Some(item) = item.as_object_mut() else {
            return false;
        };
        item.retain(|key, _| {
            !spec_index::METHODS.contains(&key.as_str())
                || chosen.iter().any(|(p, m)| p == path && *m == key)
        });
        item.keys()
            .any(|key| spec_index::METHODS.contains(&key.as_str()))
    });
}

/// Keeps the components the paths, the top-level security and `keep_schemas` reach, through
/// any number of `$ref`s; returns how many entries it dropped.
fn keep_reachable(doc: &mut Value, keep_schemas: &[String]) -> usize {
    // section -> names reached
    let mut reached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut queue: Vec<String> = Vec::new();
    let mut roots = Vec::new();
    spec_index::refs_under(doc.get("paths").unwrap_or(&Value::Null), &mut roots);
    queue.extend(roots.iter().map(|r| r.to_string()));
    queue.extend(keep_schemas.iter().map(|n| spec_index::schema_ref(n)));
    for requirement in security_requirements(doc) {
        reached
            .entry("securitySchemes".into())
            .or_default()
            .insert(requirement);
    }
    while let Some(reference) = queue.pop() {
        let Some(pointer) = reference.strip_prefix("#/components/") else {
            continue;
        };
        let Some((section, name)) = pointer.split_once('/') else {
            continue;
        };
        let name = spec_index::unescape(name);
        if !reached
            .entry(section.to_string())
            .or_default()
            .insert(name.clone())
        {
            continue;
        }
        if let Some(target) = doc
            .get("components")
            .and_then(|c| c.get(section))
            .and_then(|s| s.get(&name))
        {
            let mut refs = Vec::new();
            spec_index::refs_under(target, &mut refs);
            queue.extend(refs.iter().map(|r| r.to_string()));
        }
    }
    let mut dropped = 0;
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (section, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            let keep = reached.get(section);
            let before = entries.len();
            entries.retain(|name, _| keep.is_some_and(|k| k.contains(name)));
            dropped += before - entries.len();
        }
    }
    dropped
}

/// The security scheme names the top-level and every operation's `security` name.
fn security_requirements(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let top = doc.get("security").into_iter();
    let ops = spec_index::operations(doc);
    let per_op = ops.iter().filter_map(|op| op.definition.get("security"));
    for list in top.chain(per_op).filter_map(Value::as_array) {
        for requirement in list.iter().filter_map(Value::as_object) {
            out.extend(requirement.keys().cloned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(id: &str, body: &str) -> Value {
        json!({"post": {
            "operationId": id,
            "requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}}},
            "parameters": [{"$ref": "#/components/parameters/Version"}],
            "responses": {"200": {"description": "ok"}}
        }})
    }

    fn spec() -> Value {
        json!({
            "openapi": "3.0.0",
            "security": [{"clientId": []}],
            "paths": {
                "/item/get": op("itemGet", "ItemGetRequest"),
                "/item/activity/list": op("itemActivityList", "Shared"),
                "/sandbox/item/reset_login": op("sandboxItemResetLogin", "Shared"),
                "/webhook_verification_key/get": op("webhookVerificationKeyGet", "Shared"),
                "/institutions/get_by_id": op("institutionsGetById", "InstitutionsRequest"),
                "/transfer/get": op("transferGet", "Transfer")
            },
            "components": {
                "securitySchemes": {"clientId": {"type": "apiKey"}, "other": {"type": "apiKey"}},
                "parameters": {"Version": {"schema": {"$ref": "#/components/schemas/Version"}}},
                "schemas": {
                    "ItemGetRequest": {"properties": {"a": {"$ref": "#/components/schemas/Deep~1Name"}}},
                    "Deep/Name": {"type": "string"},
                    "Shared": {"type": "object"},
                    "Version": {"type": "string"},
                    "InstitutionsRequest": {"type": "object"},
                    "Transfer": {"type": "object"},
                    "Webhook": {"properties": {"e": {"$ref": "#/components/schemas/Env"}}},
                    "Env": {"type": "string"}
                }
            }
        })
    }

    fn names(doc: &Value, section: &str) -> Vec<String> {
        doc["components"][section]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn the_default_keeps_the_item_api_and_the_closure_of_what_it_uses() {
        let mut doc = spec();
        let selection = Selection::item_api();
        selection.check(&[&doc]).unwrap();
        let selected = selection.apply(&mut doc, &["Webhook".into()]).unwrap();
        assert_eq!(
            selected.operations,
            [
                "POST /item/activity/list",
                "POST /item/get",
                "POST /sandbox/item/reset_login",
                "POST /webhook_verification_key/get"
            ]
        );
        assert_eq!(selected.of, 6);
        let mut schemas = names(&doc, "schemas");
        schemas.sort();
        assert_eq!(
            schemas,
            [
                "Deep/Name",
                "Env",
                "ItemGetRequest",
                "Shared",
                "Version",
                "Webhook"
            ]
        );
        assert_eq!(names(&doc, "securitySchemes"), ["clientId"]);
        assert_eq!(names(&doc, "parameters"), ["Version"]);
        assert_eq!(selected.dropped_components, 3);
    }

    #[test]
    fn a_file_adds_and_removes_and_the_runtime_keeps_its_calls() {
        let yaml = "add: [institutionsGetById]\nremove: [/sandbox/item/]\n";
        let selection = Selection::from_document(
            "sel.yml",
            &load::parse_yaml(Path::new("sel.yml"), yaml).unwrap(),
        )
        .unwrap();
        assert!(!selection.is_default());
        let mut doc = spec();
        selection.check(&[&doc]).unwrap();
        let selected = selection.apply(&mut doc, &[]).unwrap();
        assert_eq!(
            selected.operations,
            [
                "POST /institutions/get_by_id",
                "POST /item/activity/list",
                "POST /item/get",
                "POST /webhook_verification_key/get"
            ]
        );
        assert!(doc["components"]["schemas"].get("Transfer").is_none());

        let only = Selection {
            operations: Some(vec!["/item/get".into()]),
            ..Selection::item_api()
        };
        let mut doc = spec();
        let selected = only.apply(&mut doc, &[]).unwrap();
        assert_eq!(selected.operations.len(), 3, "{selected:?}");
        let mut doc = spec();
        assert_eq!(
            Selection::everything()
                .apply(&mut doc, &[])
                .unwrap()
                .operations
                .len(),
            6
        );
    }

    #[test]
    fn unknown_names_are_one_error_with_the_nearest_real_ones() {
        let selection = Selection {
            add: vec![
                "/institution/get_by_id".into(),
                "itemGett".into(),
                "zzzzzz".into(),
            ],
            remove: vec!["/sandbox/items/".into()],
            ..Selection::item_api()
        };
        let err = selection.check(&[&spec()]).unwrap_err().to_string();
        assert!(
            err.contains("`/institution/get_by_id` is no path, path prefix or operationId of the spec (nearest: `/institutions/get_by_id`"),
            "{err}"
        );
        assert!(
            err.contains(
                "`itemGett` is no path, path prefix or operationId of the spec (nearest: `itemGet`"
            ),
            "{err}"
        );
        assert!(err.contains("(nearest: `/sandbox/item/`"), "{err}");
        assert!(
            err.contains("`zzzzzz` is no path, path prefix or operationId of the spec\n")
                || err.ends_with("`zzzzzz` is no path, path prefix or operationId of the spec"),
            "{err}"
        );
        assert!(
            err.starts_with("the selection in sel.yml") || err.contains("the default selection"),
            "{err}"
        );
    }

    #[test]
    fn a_huge_entry_is_refused_quickly_and_shown_cut() {
        let huge = "/item/".repeat(100_000);
        let selection = Selection {
            add: vec![huge],
            ..Selection::item_api()
        };
        let err = selection.check(&[&spec()]).unwrap_err().to_string();
        assert!(
            err.contains("(600000 characters) is no path"),
            "{}",
            &err[..200]
        );
        assert!(err.len() < 300, "{}", err.len());
    }

    #[test]
    fn removing_what_the_runtime_calls_is_refused() {
        let selection = Selection {
            remove: vec!["/item/".into(), "webhookVerificationKeyGet".into()],
            ..Selection::item_api()
        };
        let err = selection.check(&[&spec()]).unwrap_err().to_string();
        assert!(
            err.contains("`/item/` removes /item/activity/list, which every selection keeps: plaid_item::paginate pages through it"),
            "{err}"
        );
        assert!(
            err.contains("`webhookVerificationKeyGet` removes /webhook_verification_key/get"),
            "{err}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_selection_is_refused_clearly() {
        for (yaml, expected) in [
            ("- /item/get\n", "a selection is a mapping"),
            ("add: /item/get\n", "`add` is \"/item/get\", not a list"),
            ("ad: [/item/get]\n", "unknown key `ad`"),
            ("add: [1]\n", "`add` holds 1"),
        ] {
            let doc = load::parse_yaml(Path::new("s.yml"), yaml).unwrap();
            let err = Selection::from_document("s.yml", &doc)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{yaml}: {err}");
            assert!(err.contains("s.yml"), "{err}");
        }
        let empty = load::parse_yaml(Path::new("s.yml"), "# nothing\n").unwrap();
        assert!(Selection::from_document("s.yml", &empty)
            .unwrap()
            .is_default());
    }
}
