//! With the `codegen` feature (the default), generates the client from the spec; the pipeline
//! itself lives in `plaid-item-codegen`. `PLAID_ITEM_SPEC`, `PLAID_ITEM_SUPPLEMENT` and
//! `PLAID_ITEM_SELECTION` point it at a project's own files (see the README's "Building from
//! your own spec"). Without the feature, checks that the shipped code
//! (`generated/plaid_item.rs`) matches the vendored spec.

use std::path::PathBuf;

#[path = "build/shipped.rs"]
mod shipped;

/// What changes the generated code; without the `codegen` feature each one is refused.
const VARIABLES: [&str; 3] = [
    "PLAID_ITEM_SPEC",
    "PLAID_ITEM_SUPPLEMENT",
    "PLAID_ITEM_SELECTION",
];

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    for var in VARIABLES {
        println!("cargo:rerun-if-env-changed={var}");
    }
    if let Err(error) = build(&root) {
        // A readable message (cargo shows a failed build script's stderr) and exit code 1,
        // never a panic and a backtrace.
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

#[cfg(feature = "codegen")]
fn build(root: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    use plaid_item_codegen::{generate_selected, Inputs};

    let inputs = Inputs::from_env(|var| std::env::var_os(var), root)?;
    for line in inputs.rerun_lines() {
        println!("{line}");
    }
    let (generated, report) =
        generate_selected(&inputs.spec, &inputs.supplement()?, &inputs.selection()?)?;
    for warning in inputs.warnings(&report) {
        println!("cargo:warning={warning}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("plaid_item.rs"), generated.source)?;
    Ok(())
}

#[cfg(not(feature = "codegen"))]
fn build(root: &std::path::Path) -> Result<(), String> {
    let spec_path = root.join("spec/plaid-item.yml");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!(
        "cargo:rerun-if-changed={}",
        root.join(shipped::SHIPPED).display()
    );
    for var in VARIABLES {
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            return Err(format!(
                "{var} is set, but plaid-item is built without its `codegen` feature, so it \
                 would use the code generated from its own vendored spec and ignore yours. \
                 Enable the feature (it is on by default): plaid-item = {{ version = \"0.1\", \
                 features = [\"codegen\"] }}"
            ));
        }
    }
    let spec = std::fs::read(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let shipped_path = root.join(shipped::SHIPPED);
    let shipped = std::fs::read_to_string(&shipped_path)
        .map_err(|e| format!("cannot read {}: {e}", shipped_path.display()))?;
    let (found, recorded) = (shipped::spec_hash(&spec), shipped::recorded_hash(&shipped));
    if recorded != Some(found.as_str()) {
        return Err(format!(
            "{} is not the spec {} was generated from (spec hash {found}, recorded {}): \
             enable the `codegen` feature to generate from it, or, in the plaid-item \
             repository, run `UPDATE_SNAPSHOTS=1 cargo test --test shipped_code`",
            spec_path.display(),
            shipped_path.display(),
            recorded.unwrap_or("none"),
        ));
    }
    Ok(())
}
