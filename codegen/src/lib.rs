//! The plaid-item spec pipeline, what `build.rs` runs (and the `plaid-spec` tool on top of it):
//! load the spec, fill its gaps from the supplement, keep the selected operations and what
//! they use, check every `$ref`, run the spec passes,
//! generate with progenitor, rewrite its output and format.
//!
//! Layout:
//! - [`inputs`]: which spec, supplement and selection a build reads (`PLAID_ITEM_SPEC`,
//!   `PLAID_ITEM_SUPPLEMENT`, `PLAID_ITEM_SELECTION`).
//! - [`selection`]: which operations form the SDK (default: the Item API), and the cut of a
//!   spec, Plaid's whole file included, to them and what they use.
//! - [`load`], [`supplement`], [`merge`], [`refs`]: the spec in, the supplement's gaps filled,
//!   `$ref`s checked; [`sparse`]: Plaid's whole file read by parsing only what the selection
//!   reaches (the full parse whenever it is unsure).
//! - [`features`]: one file per SDK feature (open enums, secrets, tri-state fields, typed
//!   errors, unknown fields, transport routing, ...), each owning its spec pass, generator
//!   settings and output rewrite, run in the order of the one table
//!   [`features::FEATURES`]. Adding a feature is a file plus one table entry.
//! - [`normalise`]: plain spec cleanups that belong to no feature (placed in the same table).
//! - [`generate`]: progenitor with the base settings, then every feature's hooks;
//!   [`guard`]: a generator panic becomes a [`CodegenError`] naming the operation or schema;
//!   [`unsupported`]: what generates but the runtime cannot serve, refused by operation.
//! - [`spec_index`]: the operations, schemas and `$ref`s of a document and the mutable schema
//!   walk; every pass asks it.
//! - [`rewrite`]: what the output rewrites share. [`names`]: the one naming rule (typify's).

pub mod error;
pub mod features;
pub mod generate;
pub mod guard;
pub mod inputs;
pub mod load;
pub mod merge;
pub mod names;
pub mod normalise;
pub mod refs;
pub mod rewrite;
pub mod selection;
pub mod sparse;
pub mod spec_index;
pub mod supplement;
pub mod unsupported;

use std::path::Path;

use serde_json::Value;

pub use error::{CodegenError, MissingRef, Unsupported};
pub use generate::Generated;
pub use inputs::Inputs;
pub use merge::MergeReport;
pub use selection::{Selected, Selection};
pub use supplement::{Supplement, BUNDLED_SUPPLEMENT};

/// The spec after merging, selecting and checking, before normalisation: what
/// `plaid-spec merge` prints.
#[derive(Debug, Clone)]
pub struct MergedSpec {
    /// The merged document.
    pub document: Value,
    /// What the supplement filled in.
    pub report: MergeReport,
    /// What the selection kept.
    pub selected: Selected,
}

/// Loads `spec` (a slice or Plaid's whole file) and fills its gaps from `supplement`, before
/// anything is selected.
pub fn load_filled(
    spec: &Path,
    supplement: &Supplement,
) -> Result<(Value, MergeReport), CodegenError> {
    let mut document = load::load_yaml(spec)?;
    load::check_is_openapi(spec, &document)?;
    let report = supplement.fill(&mut document);
    Ok((document, report))
}

/// Cuts a filled document to `selection`, keeping the schemas the runtime needs that no
/// operation references (the supplement's `x-extra-schemas`), then checks every `$ref` left.
/// The selection's names are checked against `document` alone.
pub fn select(
    document: &mut Value,
    supplement: &Supplement,
    selection: &Selection,
) -> Result<Selected, CodegenError> {
    selection.check(&[document])?;
    let selected = selection.apply(document, &supplement.extra_schema_names())?;
    refs::check_refs(document)?;
    Ok(selected)
}

/// Loads `spec`, fills its gaps from `supplement`, keeps the default selection (the Item API)
/// and checks that every `$ref` resolves.
pub fn load_merged(spec: &Path, supplement: &Supplement) -> Result<MergedSpec, CodegenError> {
    load_selected(spec, supplement, &Selection::item_api())
}

/// [`load_merged`] with another selection. Plaid's whole file is read sparsely (only what the
/// selection reaches is parsed, `sparse.rs`), anything else in full, with the same result.
pub fn load_selected(
    spec: &Path,
    supplement: &Supplement,
    selection: &Selection,
) -> Result<MergedSpec, CodegenError> {
    let text = load::read(spec)?;
    if let Some(sparse) = sparse::load_selected(spec, &text, supplement, selection) {
        return sparse;
    }
    let mut document = load::parse_yaml(spec, &text)?;
    load::check_is_openapi(spec, &document)?;
    let report = supplement.fill(&mut document);
    let selected = select(&mut document, supplement, selection)?;
    Ok(MergedSpec {
        document,
        report,
        selected,
    })
}

/// The whole pipeline with the default selection.
pub fn generate_client(
    spec: &Path,
    supplement: &Supplement,
) -> Result<(Generated, MergeReport), CodegenError> {
    generate_selected(spec, supplement, &Selection::item_api())
}

/// The whole pipeline: what `build.rs` calls.
pub fn generate_selected(
    spec: &Path,
    supplement: &Supplement,
    selection: &Selection,
) -> Result<(Generated, MergeReport), CodegenError> {
    let MergedSpec {
        mut document,
        report,
        ..
    } = load_selected(spec, supplement, selection)?;
    features::run_passes(&mut document);
    Ok((generate::generate(&document)?, report))
}
