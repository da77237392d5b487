//! The state of one comparison: both specs, who uses what, and the changes found so far.

use serde_json::Value;

use super::classify::{classify, Axes, Sides};
use super::model::{Change, Code, Scope};
use super::usage::Usage;

/// Where the comparison currently is: which scope the changes belong to and which side of a
/// call the compared schemas are on.
#[derive(Debug, Clone)]
pub struct At {
    pub scope: Scope,
    pub sides: Sides,
    pub used_by: Vec<String>,
}

impl At {
    pub fn new(scope: Scope, sides: Sides) -> At {
        At {
            scope,
            sides,
            used_by: Vec::new(),
        }
    }
}

pub struct Differ<'a> {
    pub old: &'a Value,
    pub new: &'a Value,
    pub usage: Usage,
    pub changes: Vec<Change>,
    /// Pairs of named schemas being compared structurally, to stop on recursive schemas.
    pub(super) comparing: Vec<(String, String)>,
}

impl<'a> Differ<'a> {
    pub fn new(old: &'a Value, new: &'a Value) -> Differ<'a> {
        Differ {
            old,
            new,
            usage: Usage::of(old).union(Usage::of(new)),
            changes: Vec::new(),
            comparing: Vec::new(),
        }
    }

    /// Records a change, classified for the sides `at` is on.
    pub fn push(
        &mut self,
        at: &At,
        code: Code,
        path: &str,
        message: String,
        old: Option<Value>,
        new: Option<Value>,
    ) {
        let axes = classify(code, at.sides);
        self.push_judged(at, (code, axes), path, message, old, new);
    }

    /// Records a change whose axes the caller worked out from more than its code.
    pub fn push_judged(
        &mut self,
        at: &At,
        (code, axes): (Code, Axes),
        path: &str,
        message: String,
        old: Option<Value>,
        new: Option<Value>,
    ) {
        self.changes.push(Change {
            kind: axes.wire.min(axes.source),
            wire: axes.wire,
            source: axes.source,
            code,
            scope: at.scope.clone(),
            path: path.to_string(),
            message,
            old,
            new,
            used_by: at.used_by.clone(),
        });
    }

    /// True when both specs define `components.schemas.<name>`.
    pub fn defined_in_both(&self, name: &str) -> bool {
        let pointer = format!("/components/schemas/{}", escape(name));
        self.old.pointer(&pointer).is_some() && self.new.pointer(&pointer).is_some()
    }
}

pub use plaid_item_codegen::spec_index::escape;

/// `a.b` from `a` and `b`; `b` alone at the top.
pub fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// "`path`: " before a message about a part of the scope; nothing for the scope itself.
pub fn subject(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("`{path}`: ")
    }
}
