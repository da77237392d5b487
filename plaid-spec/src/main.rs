//! `plaid-spec`: checks, merges, compares and summarises Plaid spec versions with the same
//! load / merge / normalise / generate code the build uses.
//!
//! ```text
//! plaid-spec [--supplement PATH] [--selection FILE] check [SPEC]
//! plaid-spec [--supplement PATH] [--selection FILE] merge [SPEC]
//! plaid-spec [--supplement PATH] [--selection FILE] select SPEC [-o OUT]
//! plaid-spec [--supplement PATH] [--selection FILE] diff OLD NEW [--json]
//!                                   [--fail-on any|wire|source] [--crate-version X.Y.Z]
//! plaid-spec [--supplement PATH] [--selection FILE] surface [SPEC]
//! plaid-spec <command> --help | help <command> | --help | --version
//! ```
//!
//! SPEC defaults to `spec/plaid-item.yml` in the current directory or the nearest one above it
//! (a plaid-item checkout). The supplement is the one bundled with `plaid-item-codegen` (what
//! the build uses), or the file `--supplement` names instead. Every command takes a slice or
//! Plaid's whole published file and keeps the same selection as the build: the Item API, or
//! the selection file `--selection` names (as `PLAID_ITEM_SELECTION` does in the build).
//!
//! Exit codes: 0 fine; 1 the spec has a problem (`check`, `merge`, `surface`: missing refs or
//! the generator refused it) or, for `diff`, a change breaking on the wire or the source axis
//! (`--fail-on` picks one); 2 bad input (unreadable file,
//! invalid YAML, not OpenAPI 3.0, missing refs in a `diff` input, bad arguments).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plaid_item_codegen::merge::LayerReport;
use plaid_item_codegen::{features, generate, refs, CodegenError, Selection, Supplement};
use plaid_spec::diff::{self, text, usage::Usage, Axis};
use plaid_spec::surface;
use serde_json::Value;

mod output;

/// `println!` through `output::print`: a closed pipe ends the output quietly, any other
/// write failure is a `Failure`.
macro_rules! say {
    ($($arg:tt)*) => {
        output::print(&format!("{}\n", format_args!($($arg)*))).map_err(write_failure)?
    };
}

const USAGE: &str = "\
usage: plaid-spec [--supplement PATH [--no-bundled]] [--selection FILE] <command>
       plaid-spec <command> --help | help <command> | --version

commands:
  check [SPEC]           merge SPEC with the supplement; report missing refs, supplement
                         entries now redundant or unused, and entries still needed; then
                         generate the client once to prove the spec builds (exit 1 on failure)
  select SPEC [-o OUT]   write the selected, self-contained spec as YAML (to OUT or stdout):
                         the selected operations and everything they use, gaps filled from
                         the supplement; for vendoring, mock servers and linters
  merge [SPEC]           the same as select, to stdout (its first name)
  diff OLD NEW [--json] [--fail-on any|wire|source] [--crate-version X.Y.Z]
                         list what NEW changes against OLD in the selected API, each merged
                         with the supplement, on two axes: wire (a deployed client) and source
                         (code rebuilt against the regenerated crate), with the semver bump it
                         needs; exit 1 if a change breaks either axis (or the one --fail-on
                         names)
  surface [SPEC]         print the public API listing of the client generated from SPEC

SPEC is a slice or Plaid's whole published file; it defaults to spec/plaid-item.yml (here or
above). Every command keeps the build's selection: the Item API, or FILE (as
PLAID_ITEM_SELECTION is in the build). The supplement is the bundled one, with PATH layered
over it as PLAID_ITEM_SUPPLEMENT is in the build; --no-bundled uses PATH alone.
exit codes: 0 ok, 1 spec problem or breaking change, 2 bad input";

const SUPPLEMENT_NOTE: &str = "\
SPEC is a slice or Plaid's whole published file; it defaults to spec/plaid-item.yml in the
current directory or the nearest one above it. --selection FILE picks the operations as
PLAID_ITEM_SELECTION does in the build (default: the Item API). --supplement PATH layers PATH
over the bundled supplement, as PLAID_ITEM_SUPPLEMENT does in the build; add --no-bundled to
use PATH alone.";

/// `plaid-spec <command> --help`: the command's own usage.
fn command_usage(command: &str) -> Option<String> {
    let (synopsis, body, exit) = match command {
        "check" => (
            "check [SPEC]",
            "Merges SPEC with the supplement and lists the supplement entries still needed, the\n\
             ones the spec now defines itself (redundant) and the ones nothing uses; reports\n\
             missing $refs with the build's own message; then generates the client once to\n\
             prove the spec builds.",
            "0 ok, 1 missing refs or the generator refused the spec, 2 bad input",
        ),
        "merge" => (
            "merge [SPEC]",
            "Prints SPEC cut to the selection and merged with the supplement as one\n\
             self-contained YAML document (security schemes included): `select` to stdout.",
            "0 ok, 1 missing refs or an unknown name in the selection, 2 bad input",
        ),
        "select" => (
            "select SPEC [-o OUT]",
            "Writes the selected, self-contained spec as YAML, to OUT or stdout: the selected\n\
             operations (the Item API, or --selection FILE) and the transitive closure of what\n\
             they use (schemas, parameters, security schemes, servers), plus the schemas the\n\
             runtime needs that no operation references (webhook payloads); what the spec lacks\n\
             is filled from the supplement. From Plaid's whole file: a vendored spec, or the\n\
             input of a mock server or linter. Says on stderr what it kept.",
            "0 ok, 1 missing refs or an unknown name in the selection, 2 bad input",
        ),
        "diff" => (
            "diff OLD NEW [--json] [--fail-on any|wire|source] [--crate-version X.Y.Z]",
            "Lists what NEW changes against OLD in the selected API (each merged with the\n\
             supplement and cut to the selection), by operation and schema; with whole files, one\n\
             line counts the operations outside the selection that changed. Each change is judged\n\
             on two axes:\n  \
             wire    a client already deployed, built from OLD, talking to a Plaid that follows NEW\n  \
             source  code that compiled against the crate generated from OLD, rebuilt against NEW\n\
             each breaking, additive, compatible or docs; the header names the semver bump the\n\
             regenerated crate needs (major, minor, patch; 0.x crates: 0.(x+1).0 or 0.x.(y+1)).\n\n  \
             --json             the report as JSON (format 2, see plaid-spec's README)\n  \
             --fail-on AXIS     which breaking changes make the exit code 1: any (default),\n                     \
             wire or source\n  \
             --crate-version V  the version of the crate generated from OLD: the report adds the\n                     \
             version the one generated from NEW needs",
            "0 nothing breaking, 1 a breaking change (on the axis --fail-on names), 2 bad input",
        ),
        "surface" => (
            "surface [SPEC]",
            "Prints the public API listing of the client generated from SPEC: operations with\n\
             their setters, request and reply types, models and enums (what\n\
             tests/snapshots/api-surface.txt holds).",
            "0 ok, 1 missing refs or the generator refused the spec, 2 bad input",
        ),
        _ => return None,
    };
    Some(format!(
        "usage: plaid-spec [--supplement PATH [--no-bundled]] [--selection FILE] {synopsis}\n\n\
         {body}\n\n\
         {SUPPLEMENT_NOTE}\nexit codes: {exit}"
    ))
}

/// A failure and the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl From<CodegenError> for Failure {
    fn from(error: CodegenError) -> Self {
        let code = match error {
            CodegenError::Read { .. }
            | CodegenError::Yaml { .. }
            | CodegenError::NotOpenApi { .. } => 2,
            _ => 1,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

fn write_failure(error: std::io::Error) -> Failure {
    Failure {
        code: 2,
        message: format!("cannot write the output: {error}"),
    }
}

fn bad_usage(message: &str) -> Failure {
    Failure {
        code: 2,
        message: format!("{message}\n\n{USAGE}"),
    }
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            output::eprint(&format!("error: {}\n", failure.message));
            ExitCode::from(failure.code)
        }
    }
}

struct Args {
    supplement: Option<PathBuf>,
    selection: Option<PathBuf>,
    output: Option<PathBuf>,
    no_bundled: bool,
    json: bool,
    help: bool,
    version: bool,
    fail_on: Option<Axis>,
    crate_version: Option<String>,
    positional: Vec<String>,
}

fn parse(raw: Vec<String>) -> Result<Args, Failure> {
    let mut args = Args {
        supplement: None,
        selection: None,
        output: None,
        no_bundled: false,
        json: false,
        help: false,
        version: false,
        fail_on: None,
        crate_version: None,
        positional: Vec::new(),
    };
    let mut iter = raw.into_iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--supplement" => {
                let path = iter
                    .next()
                    .ok_or_else(|| bad_usage("--supplement needs a path"))?;
                args.supplement = Some(PathBuf::from(path));
            }
            "--no-bundled" => args.no_bundled = true,
            "--selection" => {
                let path = iter
                    .next()
                    .ok_or_else(|| bad_usage("--selection needs a file"))?;
                args.selection = Some(PathBuf::from(path));
            }
            "-o" | "--output" => {
                let path = iter.next().ok_or_else(|| bad_usage("-o needs a file"))?;
                args.output = Some(PathBuf::from(path));
            }
            "--json" => args.json = true,
            "--crate-version" => {
                let version = iter
                    .next()
                    .ok_or_else(|| bad_usage("--crate-version needs a version (X.Y.Z)"))?;
                args.crate_version = Some(version);
            }
            "--fail-on" => {
                let axis = iter.next();
                args.fail_on = Some(match axis.as_deref() {
                    Some("any") => Axis::Any,
                    Some("wire") => Axis::Wire,
                    Some("source") => Axis::Source,
                    _ => return Err(bad_usage("--fail-on needs any, wire or source")),
                });
            }
            "-h" | "--help" => args.help = true,
            "-V" | "--version" => args.version = true,
            flag if flag.starts_with("--") => {
                return Err(bad_usage(&format!("unknown option {flag}")))
            }
            _ => args.positional.push(arg),
        }
    }
    Ok(args)
}

fn run(raw: Vec<String>) -> Result<u8, Failure> {
    let args = parse(raw)?;
    if args.version {
        say!("plaid-spec {}", env!("CARGO_PKG_VERSION"));
        return Ok(0);
    }
    let topic = match args.positional.split_first() {
        Some((help, rest)) if help == "help" => Some(rest.first()),
        Some((command, _)) if args.help => Some(Some(command)),
        None if args.help => Some(None),
        _ => None,
    };
    if let Some(topic) = topic {
        match topic {
            None => say!("{USAGE}"),
            Some(command) => match command_usage(command) {
                Some(usage) => say!("{usage}"),
                None => return Err(bad_usage(&format!("unknown command `{command}`"))),
            },
        }
        return Ok(0);
    }
    let Some((command, rest)) = args.positional.split_first() else {
        return Err(bad_usage("no command given"));
    };
    let diff_only = args.json || args.fail_on.is_some() || args.crate_version.is_some();
    if diff_only && command != "diff" {
        return Err(bad_usage(
            "--json, --fail-on and --crate-version only apply to diff",
        ));
    }
    if args.output.is_some() && command != "select" {
        return Err(bad_usage("-o only applies to select"));
    }
    let selection = match &args.selection {
        Some(path) => Selection::from_file(path)?,
        None => Selection::item_api(),
    };
    let supplement = match (&args.supplement, args.no_bundled) {
        (Some(path), false) => Supplement::project(path)?,
        (Some(path), true) => Supplement::file(path)?,
        (None, false) => Supplement::bundled()?,
        (None, true) => return Err(bad_usage("--no-bundled needs --supplement PATH")),
    };
    let spec_arg = |rest: &[String]| -> Result<PathBuf, Failure> {
        match rest {
            [] => vendored_spec(),
            [one] => Ok(PathBuf::from(one)),
            _ => Err(bad_usage(&format!("{command} takes at most one SPEC"))),
        }
    };
    match command.as_str() {
        "check" => check(&spec_arg(rest)?, &supplement, &selection),
        "merge" => select(&spec_arg(rest)?, &supplement, &selection, None),
        "select" => {
            let [spec] = rest else {
                return Err(bad_usage("select takes one SPEC"));
            };
            select(
                Path::new(spec),
                &supplement,
                &selection,
                args.output.as_deref(),
            )
        }
        "diff" => {
            let [old, new] = rest else {
                return Err(bad_usage("diff takes OLD and NEW"));
            };
            let mut report =
                diff::diff_selected(Path::new(old), Path::new(new), &supplement, &selection)
                    .map_err(|e| Failure {
                        code: 2,
                        message: e.to_string(),
                    })?;
            if let Some(current) = &args.crate_version {
                let next =
                    diff::model::next_version(current, report.summary.semver).ok_or_else(|| {
                        bad_usage(&format!("--crate-version {current}: expected X.Y.Z"))
                    })?;
                report.summary.next_version = Some(next);
            }
            if args.json {
                say!("{}", report.to_json());
            } else {
                output::print(&text::render(&report, true)).map_err(write_failure)?;
            }
            Ok(u8::from(report.breaks(args.fail_on.unwrap_or(Axis::Any))))
        }
        "surface" => {
            let (generated, _) =
                plaid_item_codegen::generate_selected(&spec_arg(rest)?, &supplement, &selection)?;
            let listing = surface::surface(&generated.source)?.render();
            output::print(&listing).map_err(write_failure)?;
            Ok(0)
        }
        other => Err(bad_usage(&format!("unknown command `{other}`"))),
    }
}

/// `spec/plaid-item.yml` in the current directory or the nearest one above it that has one
/// (a checkout of plaid-item); there is no default anywhere else.
fn vendored_spec() -> Result<PathBuf, Failure> {
    const VENDORED: &str = "spec/plaid-item.yml";
    let cwd = std::env::current_dir().map_err(|e| Failure {
        code: 2,
        message: format!("cannot read the current directory: {e}"),
    })?;
    cwd.ancestors()
        .map(|dir| dir.join(VENDORED))
        .find(|spec| spec.is_file())
        .ok_or_else(|| {
            bad_usage(&format!(
                "no SPEC given and no {VENDORED} in {} or any directory above it",
                cwd.display()
            ))
        })
}

/// `select` and `merge`: the selected, merged spec as YAML, to `out` or stdout.
fn select(
    spec: &Path,
    supplement: &Supplement,
    selection: &Selection,
    out: Option<&Path>,
) -> Result<u8, Failure> {
    let merged = plaid_item_codegen::load_selected(spec, supplement, selection)?;
    let yaml = serde_yaml::to_string(&merged.document).map_err(|e| Failure {
        code: 1,
        message: format!("cannot write the selected spec as YAML: {e}"),
    })?;
    match out {
        None => output::print(&yaml).map_err(write_failure)?,
        Some(path) => {
            std::fs::write(path, yaml).map_err(|e| Failure {
                code: 2,
                message: format!("cannot write {}: {e}", path.display()),
            })?;
            let kept = &merged.selected;
            let schemas = merged
                .document
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map_or(0, |s| s.len());
            output::eprint(&format!(
                "{}: {} of {} operations ({}), {schemas} schemas; wrote {}\n",
                spec.display(),
                kept.operations.len(),
                kept.of,
                selection.source,
                path.display()
            ));
        }
    }
    Ok(0)
}

fn check(spec: &Path, supplement: &Supplement, selection: &Selection) -> Result<u8, Failure> {
    let (mut document, report) = plaid_item_codegen::load_filled(spec, supplement)?;
    let version = document
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("no info.version")
        .to_string();
    say!("{} ({version})", spec.display());
    // What the whole spec uses, before selecting: a bundled entry only the operations a
    // selection leaves out use is still in use (only filled entries are looked up).
    let used = match report.filled.is_empty() {
        true => BTreeSet::new(),
        false => used_components(&document),
    };
    selection.check(&[&document])?;
    let selected = selection.apply(&mut document, &supplement.extra_schema_names())?;
    say!(
        "selects {} of {} operations ({})",
        selected.operations.len(),
        selected.of,
        selection.source
    );
    // With a project supplement over the bundled one, say which file an entry is in.
    let layered = report.layers.len() > 1;
    let labelled = |pick: fn(&LayerReport) -> &Vec<String>, keep: &dyn Fn(&String) -> bool| {
        let mut entries = Vec::new();
        for layer in &report.layers {
            for entry in pick(layer).iter().filter(|e| keep(e)) {
                entries.push(match layered {
                    true => format!("{entry} (in {})", layer.name),
                    false => entry.clone(),
                });
            }
        }
        entries
    };
    let list = |title: &str, entries: Vec<String>| -> Result<(), Failure> {
        say!("{title} ({}):", entries.len());
        for e in entries {
            say!("  {e}");
        }
        Ok(())
    };
    list(
        "supplement entries still needed",
        labelled(|l| &l.filled, &|e| used.contains(e)),
    )?;
    list(
        "supplement entries the spec now defines itself (ignored: redundant for this spec)",
        labelled(|l| &l.shadowed, &|_| true),
    )?;
    list(
        "supplement entries nothing uses (remove them)",
        labelled(|l| &l.filled, &|e| !used.contains(e)),
    )?;
    if layered {
        list(
            "bundled entries your supplement replaces",
            labelled(|l| &l.overridden, &|_| true),
        )?;
    }
    if let Err(error) = refs::check_refs(&document) {
        return Err(error.into());
    }
    say!("every $ref resolves");
    let passes: Vec<&str> = features::PASSES.iter().map(|(name, _)| *name).collect();
    say!("normalisation passes: {}", passes.join(", "));
    features::run_passes(&mut document);
    let generated = generate::generate(&document)?;
    say!(
        "generates {} operations and {} enums: ok",
        generated.operations,
        generated.enums.len()
    );
    Ok(0)
}

/// `components.schemas.X` / `components.securitySchemes.Y` labels of everything the paths
/// reach (through any number of `$ref`s) and every security scheme a requirement names.
fn used_components(doc: &Value) -> BTreeSet<String> {
    let mut used: BTreeSet<String> = Usage::of(doc)
        .schemas()
        .map(|s| format!("components.schemas.{s}"))
        .collect();
    let requirements = doc
        .get("security")
        .into_iter()
        .chain(
            diff::paths::operations(doc)
                .into_iter()
                .filter_map(|op| op.definition.get("security")),
        )
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|r| r.keys());
    used.extend(requirements.map(|name| format!("components.securitySchemes.{name}")));
    used
}
