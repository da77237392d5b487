//! What `plaid-spec diff` reports, and its `--json` format.
//!
//! # The `--json` format (version 1)
//!
//! One JSON object; fields are only ever added within a format version, never renamed or
//! removed, and `format` is bumped if that ever has to change.
//!
//! ```json
//! {
//!   "format": 1,
//!   "old": {"path": "spec/plaid-item.yml", "version": "2020-09-14_1.517.0"},
//!   "new": {"path": "new.yml", "version": "2020-09-14_1.697.4"},
//!   "summary": {
//!     "breaking": 4, "additive": 64, "compatible": 1, "docs": 146, "verdict": "breaking",
//!     "wire": "breaking", "source": "breaking", "semver": "major"
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
//!   generated from OLD, rebuilt against the one generated from NEW (see [`super::classify`]).
//!   Each is `breaking` (stops working / compiling, or a call now fails in `send()`),
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
//!   are `0.x.(y+1)`.
//!
//! Changes are sorted by scope (spec, servers, operations by path and method, schemas by
//! name), then kind (breaking first), then path.

use serde::Serialize;
use serde_json::Value;

/// How a change affects one axis (the wire or the source); worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Breaking,
    Additive,
    /// Keeps working with nothing new: a stronger promise, the same JSON under a new name.
    Compatible,
    Docs,
}

impl Kind {
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
    OperationAdded,
    OperationRemoved,
    /// Same path and method with a new `operationId`: the SDK method is renamed.
    OperationRenamed,
    /// The same `operationId` at a new path: the method keeps its name, its URL changes.
    OperationMoved,
    ServerAdded,
    ServerRemoved,
    SecurityChanged,
    ParameterAdded,
    ParameterAddedRequired,
    ParameterRemoved,
    ParameterMadeRequired,
    ParameterMadeOptional,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyMadeRequired,
    RequestBodyMadeOptional,
    /// A success (2xx) response added.
    ResponseAdded,
    /// A success (2xx) response removed.
    ResponseRemoved,
    ErrorResponseAdded,
    ErrorResponseRemoved,
    SchemaAdded,
    SchemaRemoved,
    /// An optional field added (or any field, in a response).
    FieldAdded,
    /// A required field added to a request.
    FieldAddedRequired,
    FieldRemoved,
    /// Its type, format or kind (object, array, enum, scalar) changed.
    FieldRetyped,
    /// It now uses a different named schema: its Rust type is renamed.
    FieldSchemaChanged,
    FieldMadeRequired,
    FieldMadeOptional,
    MadeNullable,
    MadeNonNullable,
    EnumValueAdded,
    EnumValueRemoved,
    ConstraintTightened,
    ConstraintLoosened,
    AdditionalPropertiesOpened,
    AdditionalPropertiesClosed,
    DefaultChanged,
    DescriptionChanged,
    SummaryChanged,
    ExampleChanged,
    /// `title`, `tags`, `externalDocs`, `deprecated`, an `x-` extension, a server description.
    AnnotationChanged,
}

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scope {
    Spec,
    Server,
    Operation {
        path: String,
        method: String,
        operation_id: Option<String>,
    },
    Schema {
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
    pub wire: Kind,
    pub source: Kind,
    pub code: Code,
    pub scope: Scope,
    pub path: String,
    pub message: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub used_by: Vec<String>,
}

/// One side of the comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SpecInfo {
    pub path: Option<String>,
    /// `info.version`.
    pub version: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub breaking: usize,
    pub additive: usize,
    pub compatible: usize,
    pub docs: usize,
    pub verdict: &'static str,
    pub wire: &'static str,
    pub source: &'static str,
    pub semver: &'static str,
}

/// The worst kind among `kinds`, or `identical` when there is none.
fn verdict(kinds: impl Iterator<Item = Kind>) -> &'static str {
    kinds.min().map_or("identical", Kind::as_str)
}

/// Which axis decides `plaid-spec diff`'s exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Wire,
    Source,
    /// Either.
    Any,
}

/// The whole comparison: what `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    pub format: u32,
    pub old: SpecInfo,
    pub new: SpecInfo,
    pub summary: Summary,
    pub changes: Vec<Change>,
}

impl DiffReport {
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
            format: 1,
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
            },
            changes,
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
