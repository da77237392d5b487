//! `plaid-spec diff`: what a new spec version changes for code that uses the SDK.
//!
//! Both specs are merged with the supplement (not normalised: the diff speaks about Plaid's
//! spec, not about our rewrites of it), then compared by server, operation and schema.
//! Schemas are compared as the SDK sees them (`view.rs`): `$ref`s and `allOf` resolved,
//! alias wrappers looked through. A change inside a schema is listed once, at that schema,
//! with every operation that reaches it; a use that switches to another schema is compared
//! field by field where it happens. Every change is classified (`classify.rs`) on two axes,
//! the wire (deployed clients) and the source (code rebuilt against the regenerated crate),
//! taking into account which side of a call the schema is on and the Rust type the generator
//! gives it.
//! [`model`] documents the `--json` format.

mod classify;
mod constraints;
mod differ;
mod docs;
pub mod lines;
pub mod model;
mod operations;
pub mod outside;
mod parameters;
pub mod paths;
mod schemas;
mod servers;
pub mod text;
pub mod usage;
mod view;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

pub use model::{Axis, Change, Code, DiffReport, Kind, Scope, SpecInfo};

use differ::{At, Differ};
use plaid_item_codegen::{CodegenError, Selection, Supplement};

/// Compares two merged specs.
pub fn diff(old: &Value, new: &Value) -> DiffReport {
    let mut d = Differ::new(old, new);
    servers::compare_servers(&mut d);
    servers::compare_security(&mut d);
    operations::compare_operations(&mut d);
    compare_schema_sets(&mut d);
    let info = |doc: &Value| SpecInfo {
        path: None,
        version: doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    DiffReport::new(info(old), info(new), d.changes)
}

/// Loads both files, merges each with `supplement`, keeps the default selection (the Item
/// API), checks their refs and compares them.
pub fn diff_files(
    old: &Path,
    new: &Path,
    supplement: &Supplement,
) -> Result<DiffReport, CodegenError> {
    diff_selected(old, new, supplement, &Selection::item_api())
}

/// [`diff_files`] with another selection: both files (slices or Plaid's whole file) are cut
/// to it, a name is unknown only if neither has it, and the report counts the operations
/// outside the selection that changed.
pub fn diff_selected(
    old: &Path,
    new: &Path,
    supplement: &Supplement,
    selection: &Selection,
) -> Result<DiffReport, CodegenError> {
    let (mut before, _) = plaid_item_codegen::load_filled(old, supplement)?;
    let (mut after, _) = plaid_item_codegen::load_filled(new, supplement)?;
    selection.check(&[&before, &after])?;
    let outside = outside::changed_outside(&before, &after, selection);
    let extra = supplement.extra_schema_names();
    for doc in [&mut before, &mut after] {
        selection.apply(doc, &extra)?;
        plaid_item_codegen::refs::check_refs(doc)?;
    }
    let mut report = diff(&before, &after);
    report.old.path = Some(old.display().to_string());
    report.new.path = Some(new.display().to_string());
    report.outside_selection = outside;
    Ok(report)
}

fn schema_names(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default()
}

fn compare_schema_sets(d: &mut Differ<'_>) {
    let (old, new) = (schema_names(d.old), schema_names(d.new));
    for name in old.union(&new) {
        let at = At {
            scope: Scope::Schema { name: name.clone() },
            sides: d.usage.sides(name),
            used_by: d.usage.labels(name),
        };
        match (old.contains(name), new.contains(name)) {
            (true, true) => schemas::compare_named(d, name),
            (true, false) => d.push(
                &at,
                Code::SchemaRemoved,
                "",
                "schema removed".into(),
                None,
                None,
            ),
            _ => d.push(
                &at,
                Code::SchemaAdded,
                "",
                "schema added".into(),
                None,
                None,
            ),
        }
    }
}
