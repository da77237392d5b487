//! What `plaid-spec diff` reports, and its `--json` format.
//!
//! # The `--json` format (version 2)
//!
//! One JSON object; fields are only ever added within a format version, never renamed or
//! removed, and `format` is bumped if that ever has to change. Version 2 (the two axes):
//! `kind` is the worse of `wire` and `source` and may be `compatible`, so a change version 1
//! called additive (a reply field made required) can now be breaking.
//!
//! ```json
//! {
//!   "format": 2,
//!   "old": {"path": "spec/plaid-item.yml", "version": "2020-09-14_1.517.0"},
//!   "new": {"path": "new.yml", "version": "2020-09-14_1.697.4"},
//!   "summary": {
//!     "breaking": 4, "additive": 64, "compatible": 1, "docs": 146, "verdict": "breaking",
//!     "wire": "breaking", "source": "breaking", "semver": "major", "next_version": "0.2.0"
//!   },
//!   "changes": [
//!     {
//!       "kind": "breaking",
//!       "wire": "breaking",
//!       "source": "breaking",
//!       "code": "enum-value-removed",
//!       "scope": {"type": "schema", "name": "Products"},
//!       "path": "",
//!       "message": "enum value `deposit_switch` removed",
//!       "old": "deposit_switch",
//!       "new": null,
//!       "used_by": ["itemGet (response)", "itemImport (request)", "itemWebhookUpdate (response)"]
//!     }
//!   ]
//! }
//! ```
//!
//! - `wire`: what the change does to a client already deployed (built from OLD) talking to a
//!   Plaid that follows NEW; `source`: what it does to code that compiled against the crate
//!   generated from OLD, rebuilt against the one generated from NEW (the crate's README has
//!   the table). Each is `breaking` (stops working / compiling, or a call now fails in `send()`),
//!   `additive` (something new, or a rule loosened), `compatible` (keeps working, nothing new:
//!   a stronger promise, the same JSON under a new type name) or `docs` (descriptions,
//!   summaries, examples, titles, tags, `x-` extensions only).
//! - `kind`: the worse of `wire` and `source` (breaking, additive, compatible, docs).
//! - `code`: what changed, one of the [`Code`] names (kebab-case, stable).
//! - `scope`: where: `{"type": "spec"}` (security), `{"type": "server"}`,
//!   `{"type": "operation", "method": "POST", "path": "/item/get", "operation_id": "itemGet"}`
//!   or `{"type": "schema", "name": "Item"}` (a `components.schemas` entry).
//! - `path`: inside the scope: a dotted field path (`item.created_at`, `accounts[]` for array
//!   items), prefixed by `request body` / `response 200` in an operation; empty for the scope
//!   itself.
//! - `old` / `new`: the values before and after (a JSON value or `null`).
//! - `used_by`: for a schema scope, every operation that reaches the schema through `$ref`s and
//!   `allOf`, as `operationId (request)` or `operationId (response)`; empty otherwise.
//! - `verdict`: the worst `kind` (`breaking`, `additive`, `compatible`, `docs`) or
//!   `identical`; `summary.wire` and `summary.source` the same per axis.
//! - `semver`: the bump the regenerated crate needs, from the source axis: `major` (something
//!   source-breaking), `minor` (additive), `patch` (compatible or docs only) or `none`. Cargo
//!   reads a `0.x.y` version one place to the right: major is `0.(x+1).0`, minor and patch
//!   are `0.x.(y+1)`. `next_version`: that bump applied to the version `--crate-version`
//!   gave, or `null`.
//!
//! Changes are sorted by scope (spec, servers, operations by path and method, schemas by
//! name), then kind (breaking first), then path.

use serde::Serialize;
use serde_json::Value;

/// How a change affects one axis (the wire or the source); worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Stops working (wire) or compiling (source), or a call now fails in `send()`.
    Breaking,
    /// Something new, or a rule loosened.
    Additive,
    /// Keeps working with nothing new: a stronger promise, the same JSON under a new name.
    Compatible,
    /// Descriptions, summaries, examples and other annotations only.
    Docs,
}

impl Kind {
    /// The lower-case name used in the report and the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Breaking => "breaking",
            Kind::Additive => "additive",
            Kind::Compatible => "compatible",
            Kind::Docs => "docs",
        }
    }
}

/// Every kind of change the diff recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// An operation added.
    OperationAdded,
    /// An operation removed.
    OperationRemoved,
    /// Same path and method with a new `operationId`: the SDK method is renamed.
    OperationRenamed,
    /// The same `operationId` at a new path: the method keeps its name, its URL changes.
    OperationMoved,
    /// A server added.
    ServerAdded,
    /// A server removed.
    ServerRemoved,
    /// The security requirements changed.
    SecurityChanged,
    /// An optional parameter added.
    ParameterAdded,
    /// A required parameter added.
    ParameterAddedRequired,
    /// A parameter removed.
    ParameterRemoved,
    /// A parameter made required.
    ParameterMadeRequired,
    /// A parameter made optional.
    ParameterMadeOptional,
    /// A request body added.
    RequestBodyAdded,
    /// A request body removed.
    RequestBodyRemoved,
    /// A request body made required.
    RequestBodyMadeRequired,
    /// A request body made optional.
    RequestBodyMadeOptional,
    /// A success (2xx) response added.
    ResponseAdded,
    /// A success (2xx) response removed.
    ResponseRemoved,
    /// An error (non-2xx) response added.
    ErrorResponseAdded,
    /// An error (non-2xx) response removed.
    ErrorResponseRemoved,
    /// A `components.schemas` entry added.
    SchemaAdded,
    /// A `components.schemas` entry removed.
    SchemaRemoved,
    /// An optional field added (or any field, in a response).
    FieldAdded,
    /// A required field added to a request.
    FieldAddedRequired,
    /// A field removed.
    FieldRemoved,
    /// Its type, format or kind (object, array, enum, scalar) changed.
    FieldRetyped,
    /// It now uses a different named schema: its Rust type is renamed.
    FieldSchemaChanged,
    /// A field made required.
    FieldMadeRequired,
    /// A field made optional.
    FieldMadeOptional,
    /// A value made nullable.
    MadeNullable,
    /// A value made non-nullable.
    MadeNonNullable,
    /// An enum value added.
    EnumValueAdded,
    /// An enum value removed.
    EnumValueRemoved,
    /// A length, range or pattern made stricter.
    ConstraintTightened,
    /// A length, range or pattern made looser.
    ConstraintLoosened,
    /// `additionalProperties` now allows other keys.
    AdditionalPropertiesOpened,
    /// `additionalProperties` now refuses other keys.
    AdditionalPropertiesClosed,
    /// A `default` changed.
    DefaultChanged,
    /// A `description` changed.
    DescriptionChanged,
    /// A `summary` changed.
    SummaryChanged,
    /// An example changed.
    ExampleChanged,
    /// `title`, `tags`, `externalDocs`, `deprecated`, an `x-` extension, a server description.
    AnnotationChanged,
}

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scope {
    /// The whole spec (its security requirements).
    Spec,
    /// The `servers` list.
    Server,
    /// One operation.
    Operation {
        /// Its path (`/item/get`).
        path: String,
        /// Its HTTP method, upper-case.
        method: String,
        /// Its `operationId`, when it has one.
        operation_id: Option<String>,
    },
    /// One `components.schemas` entry.
    Schema {
        /// The schema's name.
        name: String,
    },
}

impl Scope {
    /// `POST /item/get (itemGet)`, `schema Item`, `servers`, `spec`.
    pub fn label(&self) -> String {
        match self {
            Scope::Spec => "spec".into(),
            Scope::Server => "servers".into(),
            Scope::Operation {
                path,
                method,
                operation_id,
            } => match operation_id {
                Some(id) => format!("{method} {path} ({id})"),
                None => format!("{method} {path}"),
            },
            Scope::Schema { name } => format!("schema {name}"),
        }
    }
}

/// One change between the two specs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The worse of `wire` and `source`.
    pub kind: Kind,
    /// What it does to a client already deployed.
    pub wire: Kind,
    /// What it does to code built against the old crate.
    pub source: Kind,
    /// What changed.
    pub code: Code,
    /// Where.
    pub scope: Scope,
    /// Where inside the scope (a dotted field path); empty for the scope itself.
    pub path: String,
    /// The change in words.
    pub message: String,
    /// The value before, if any.
    pub old: Option<Value>,
    /// The value after, if any.
    pub new: Option<Value>,
    /// For a schema: every operation that reaches it, as `operationId (request)` or `(response)`.
    pub used_by: Vec<String>,
}

/// One side of the comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SpecInfo {
    /// The file, as given on the command line.
    pub path: Option<String>,
    /// `info.version`.
    pub version: Option<String>,
}

/// The counts and verdicts of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Changes whose kind is breaking.
    pub breaking: usize,
    /// Changes whose kind is additive.
    pub additive: usize,
    /// Changes whose kind is compatible.
    pub compatible: usize,
    /// Changes whose kind is docs.
    pub docs: usize,
    /// The worst kind, or `identical`.
    pub verdict: &'static str,
    /// The worst wire axis, or `identical`.
    pub wire: &'static str,
    /// The worst source axis, or `identical`.
    pub source: &'static str,
    /// The bump the regenerated crate needs: `major`, `minor`, `patch` or `none`.
    pub semver: &'static str,
    /// The version the regenerated crate needs, when the current one was given
    /// (`--crate-version`); `null` otherwise.
    pub next_version: Option<String>,
}

/// The version after `current` (`X.Y.Z`) for a `bump`, as cargo reads versions: before 1.0
/// the leftmost non-zero part is the major one (`0.3.1` breaking -> `0.4.0`, additive ->
/// `0.3.2`; `0.0.z` changes on every bump). `None` for anything but three numbers.
pub fn next_version(current: &str, bump: &str) -> Option<String> {
    let parts: Vec<u64> = current
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [x, y, z] = parts[..] else {
        return None;
    };
    let (x, y, z) = match (bump, x, y) {
        ("none", ..) => (x, y, z),
        ("major", 0, 0) | ("minor", 0, 0) => (0, 0, z + 1),
        ("major", 0, _) => (0, y + 1, 0),
        ("major", ..) => (x + 1, 0, 0),
        ("minor", 0, _) => (0, y, z + 1),
        ("minor", ..) => (x, y + 1, 0),
        _ => (x, y, z + 1),
    };
    Some(format!("{x}.{y}.{z}"))
}

/// The worst kind among `kinds`, or `identical` when there is none.
fn verdict(kinds: impl Iterator<Item = Kind>) -> &'static str {
    kinds.min().map_or("identical", Kind::as_str)
}

/// Which axis decides `plaid-spec diff`'s exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// What a deployed client sees.
    Wire,
    /// What code compiled against the crate sees.
    Source,
    /// Either.
    Any,
}

/// The whole comparison: what `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    /// The `--json` format version.
    pub format: u32,
    /// The old spec.
    pub old: SpecInfo,
    /// The new spec.
    pub new: SpecInfo,
    /// Counts and verdicts.
    pub summary: Summary,
    /// Every change, sorted.
    pub changes: Vec<Change>,
    /// How many operations the selection leaves out changed (added, removed, or changed in
    /// anything they reach); absent when neither spec has operations outside the selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_selection: Option<usize>,
}

impl DiffReport {
    /// A report of `changes` between `old` and `new`, sorted and summarised.
    pub fn new(old: SpecInfo, new: SpecInfo, mut changes: Vec<Change>) -> Self {
        changes.sort_by(|a, b| {
            (&a.scope, a.kind, &a.path, a.code, &a.message)
                .cmp(&(&b.scope, b.kind, &b.path, b.code, &b.message))
        });
        changes.dedup();
        let count = |k| changes.iter().filter(|c| c.kind == k).count();
        let source = verdict(changes.iter().map(|c| c.source));
        let semver = match source {
            "breaking" => "major",
            "additive" => "minor",
            "identical" => "none",
            _ => "patch",
        };
        DiffReport {
            format: 2,
            old,
            new,
            summary: Summary {
                breaking: count(Kind::Breaking),
                additive: count(Kind::Additive),
                compatible: count(Kind::Compatible),
                docs: count(Kind::Docs),
                verdict: verdict(changes.iter().map(|c| c.kind)),
                wire: verdict(changes.iter().map(|c| c.wire)),
                source,
                semver,
                next_version: None,
            },
            changes,
            outside_selection: None,
        }
    }

    /// True when a change breaks the wire, the source or either (`axis`).
    pub fn breaks(&self, axis: Axis) -> bool {
        self.changes.iter().any(|c| match axis {
            Axis::Wire => c.wire == Kind::Breaking,
            Axis::Source => c.source == Kind::Breaking,
            Axis::Any => c.kind == Kind::Breaking,
        })
    }

    /// True when anything breaks, on either axis.
    pub fn is_breaking(&self) -> bool {
        self.breaks(Axis::Any)
    }

    /// The changes of one code, for tests and tools.
    pub fn with_code(&self, code: Code) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.code == code)
    }

    /// Pretty JSON in the documented format.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report is plain data")
    }
}

#[cfg(test)]
mod tests {
    use super::next_version;

    #[test]
    fn next_versions_follow_cargo_before_and_after_1_0() {
        let next = |v, bump| next_version(v, bump).unwrap();
        assert_eq!(next("1.4.2", "major"), "2.0.0");
        assert_eq!(next("1.4.2", "minor"), "1.5.0");
        assert_eq!(next("1.4.2", "patch"), "1.4.3");
        assert_eq!(next("0.1.0", "major"), "0.2.0");
        assert_eq!(next("0.1.0", "minor"), "0.1.1");
        assert_eq!(next("0.1.0", "patch"), "0.1.1");
        assert_eq!(next("0.0.3", "major"), "0.0.4");
        assert_eq!(next("0.0.3", "minor"), "0.0.4");
        assert_eq!(next("0.1.0", "none"), "0.1.0");
        for bad in ["1.2", "1.2.3.4", "1.2.x", "1.2.3-rc.1", ""] {
            assert_eq!(next_version(bad, "major"), None, "{bad}");
        }
    }
}
