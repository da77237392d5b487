//! The code that ships in the package for builds without the `codegen` feature
//! (`generated/plaid_item.rs`) is exactly what the pipeline generates from the vendored spec
//! and the bundled supplement, and such a build compiles no generator, refuses a project's own
//! spec instead of ignoring it, and builds.
//!
//! Rewrite the shipped file after a change to the spec, the supplement or the pipeline:
//! `UPDATE_SNAPSHOTS=1 cargo test --test shipped_code`

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../build/shipped.rs"]
mod shipped;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_code_is_what_the_pipeline_generates_from_the_vendored_spec() {
    let spec_path = root().join("spec/plaid-item.yml");
    let supplement = plaid_item_codegen::Supplement::bundled().unwrap_or_else(|e| panic!("{e}"));
    let (generated, _) = plaid_item_codegen::generate_client(&spec_path, &supplement)
        .unwrap_or_else(|e| panic!("{e}"));
    let spec = std::fs::read(&spec_path).unwrap();
    let expected = shipped::shipped_text(&spec, &generated.source);
    let path = root().join(shipped::SHIPPED);
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        shipped::recorded_hash(&found),
        Some(shipped::spec_hash(&spec).as_str()),
        "{} records another spec than spec/plaid-item.yml; rewrite it: \
         UPDATE_SNAPSHOTS=1 cargo test --test shipped_code",
        path.display()
    );
    if found != expected {
        let line = found
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .map_or(found.lines().count().min(expected.lines().count()), |i| i)
            + 1;
        panic!(
            "{} is not what the pipeline generates now (first difference at line {line}); \
             rewrite it: UPDATE_SNAPSHOTS=1 cargo test --test shipped_code",
            path.display()
        );
    }
}

/// `cargo check` of the library alone (no dev-dependencies, so no feature unification with
/// them) without default features, into the target dir the downstream tests share.
fn check_without_codegen(input: Option<(&str, &Path)>) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "check",
            "--offline",
            "-p",
            "plaid-item",
            "--no-default-features",
        ])
        .arg("--message-format=short")
        .current_dir(root())
        .env("CARGO_TARGET_DIR", root().join("target/downstream"))
        .env_remove("PLAID_ITEM_SPEC")
        .env_remove("PLAID_ITEM_SUPPLEMENT")
        .env_remove("PLAID_ITEM_SELECTION");
    if let Some((var, path)) = input {
        command.env(var, path);
    }
    command.output().expect("cargo runs")
}

#[test]
fn without_codegen_a_build_compiles_no_generator_and_refuses_a_foreign_spec_or_selection() {
    let slice: PathBuf = root().join("tests/fixtures/plaid-1.697.4-slice.yml");
    let selection: PathBuf = root().join("tests/downstream/selection.yml");
    for (var, path) in [
        ("PLAID_ITEM_SPEC", &slice),
        ("PLAID_ITEM_SELECTION", &selection),
    ] {
        let refused = check_without_codegen(Some((var, path)));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "{var} is set, but plaid-item is built without its `codegen` feature"
            )),
            "{stderr}"
        );
    }

    let built = check_without_codegen(None);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    // Nothing of the generator was compiled for it (cargo names each crate it checks or builds).
    for generator in ["plaid-item-codegen", "progenitor", "typify", "openapiv3"] {
        assert!(
            !stderr.contains(&format!("Compiling {generator} ")),
            "{generator} was compiled:\n{stderr}"
        );
    }
}
