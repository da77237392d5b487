//! The plaid-item spec pipeline, what `build.rs` runs (and the `plaid-spec` tool on top of it):
//! load the spec, fill its gaps from the supplement, check every `$ref`, normalise what the
//! generator cannot take, generate with progenitor, post-process and format.

pub mod error;
pub mod explicit_null;
pub mod generate;
pub mod load;
pub mod merge;
pub mod names;
pub mod normalise;
pub mod postprocess;
pub mod refs;
pub mod supplement;

use std::path::Path;

use serde_json::Value;

pub use error::{CodegenError, MissingRef};
pub use generate::Generated;
pub use merge::MergeReport;
pub use supplement::{Supplement, BUNDLED_SUPPLEMENT};

/// The spec after merging and checking, before normalisation: what `plaid-spec merge` prints.
#[derive(Debug, Clone)]
pub struct MergedSpec {
    pub document: Value,
    pub report: MergeReport,
}

/// Loads `spec`, fills its gaps from `supplement`, and checks that every `$ref` resolves.
pub fn load_merged(spec: &Path, supplement: &Supplement) -> Result<MergedSpec, CodegenError> {
    let mut document = load::load_yaml(spec)?;
    load::check_is_openapi(spec, &document)?;
    let report = supplement.fill(&mut document);
    refs::check_refs(&document)?;
    Ok(MergedSpec { document, report })
}

/// The whole pipeline: what `build.rs` calls.
pub fn generate_client(
    spec: &Path,
    supplement: &Supplement,
) -> Result<(Generated, MergeReport), CodegenError> {
    let MergedSpec {
        mut document,
        report,
    } = load_merged(spec, supplement)?;
    normalise::normalise(&mut document);
    Ok((generate::generate(&document)?, report))
}
