//! Every way the pipeline can refuse a spec, each with a message a user can act on.

use std::fmt;
use std::path::PathBuf;

/// A `$ref` that points at no schema, with every place that uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRef {
    /// The schema name the `$ref`s point at.
    pub name: String,
    /// Each place that uses it.
    pub used_by: Vec<String>,
}

/// A part of the spec the generator cannot handle: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// ``operation `itemGet` (POST /item/get)`` or ``schema `Item` ``.
    pub at: String,
    /// The construct, in the spec's terms (or the generator's own words when it panicked).
    pub construct: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.construct)
    }
}

#[derive(Debug)]
/// Why the pipeline refused a spec, a supplement or a selection.
pub enum CodegenError {
    /// The file could not be read at all.
    Read {
        /// The file.
        path: PathBuf,
        /// What reading it said.
        source: std::io::Error,
    },
    /// The file is not valid YAML; `line`/`column` are 1-based when known.
    Yaml {
        /// The file.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// The 1-based column, when known.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// Valid YAML, but not an OpenAPI 3.0 document the pipeline understands.
    NotOpenApi {
        /// The file.
        path: PathBuf,
        /// What is missing or wrong.
        message: String,
    },
    /// `PLAID_ITEM_SPEC` or `PLAID_ITEM_SUPPLEMENT` names no usable file.
    Input {
        /// The variable.
        variable: &'static str,
        /// What is wrong with its value.
        message: String,
    },
    /// One or more `$ref`s resolve to nothing; all of them are listed.
    MissingRefs(Vec<MissingRef>),
    /// The selection names operations the spec lacks, removes one the runtime needs, or
    /// selects nothing; every problem is listed.
    Selection {
        /// "the selection in FILE" or "the default selection".
        source: String,
        /// Every problem found.
        problems: Vec<String>,
    },
    /// progenitor or typify refused the normalised spec.
    Generator(String),
    /// Constructs progenitor or typify cannot generate (they would panic on them), each with
    /// the operation or schema that holds it; all of them are listed.
    Unsupported(Vec<Unsupported>),
    /// The generated code did not parse as Rust.
    GeneratedShape(String),
    /// A feature's rewrite found progenitor's output in another shape than it expects.
    Rewrite {
        /// The feature whose rewrite it is.
        feature: &'static str,
        /// What it expected to find.
        expected: String,
        /// What it found.
        found: String,
    },
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            CodegenError::Yaml {
                path,
                line,
                column,
                message,
            } => {
                write!(f, "{}", path.display())?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                    if let Some(column) = column {
                        write!(f, ":{column}")?;
                    }
                }
                write!(f, ": invalid YAML: {message}")
            }
            CodegenError::NotOpenApi { path, message } => {
                write!(
                    f,
                    "{} is not an OpenAPI 3.0 document: {message}",
                    path.display()
                )
            }
            CodegenError::Input { message, .. } => write!(f, "{message}"),
            CodegenError::MissingRefs(missing) => {
                writeln!(
                    f,
                    "the spec references {} schema(s) that neither it nor the supplement defines:",
                    missing.len()
                )?;
                for m in missing {
                    writeln!(f, "  - {} ({})", m.name, m.used_by.join("; "))?;
                }
                write!(
                    f,
                    "add each one under components.schemas in your own supplement file and \
                     point PLAID_ITEM_SUPPLEMENT at it (it is layered over the bundled one; \
                     `plaid-spec --supplement FILE check SPEC` tries it). Plaid's public spec \
                     has their definitions"
                )
            }
            CodegenError::Selection { source, problems } => match problems.as_slice() {
                [one] => write!(f, "{source}: {one}"),
                many => {
                    write!(f, "{source}:")?;
                    many.iter().try_for_each(|p| write!(f, "\n  - {p}"))
                }
            },
            CodegenError::Generator(message) => {
                write!(f, "the generator refused the normalised spec: {message}")
            }
            CodegenError::Unsupported(found) => {
                writeln!(
                    f,
                    "the generator cannot handle {} part(s) of the spec:",
                    found.len()
                )?;
                for u in found {
                    writeln!(f, "  - {u}")?;
                }
                write!(
                    f,
                    "leave these operations out of the SDK, or correct them in your copy of \
                     the spec (`plaid-spec check SPEC` lists them)"
                )
            }
            CodegenError::GeneratedShape(message) => write!(
                f,
                "the generated client does not have the shape plaid-item post-processes \
                 (was progenitor upgraded?): {message}"
            ),
            CodegenError::Rewrite {
                feature,
                expected,
                found,
            } => write!(
                f,
                "the `{feature}` rewrite (codegen/src/features/{feature}.rs) no longer fits \
                 progenitor's output (was progenitor upgraded?): expected {expected}; found \
                 {found}"
            ),
        }
    }
}

impl std::error::Error for CodegenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CodegenError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}
