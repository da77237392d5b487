//! Drop-in from a real dependent project: `tests/downstream/` depends on plaid-item by path
//! and, through its `.cargo/config.toml`, builds it from Plaid's published file (the whole
//! 1.697.4 API, 3 MB): once with the default selection, once with its own selection file
//! (`/institutions/get_by_id` added, the sandbox calls left out). Its code compiles only against the
//! operations each selection makes.
//!
//! `cargo build --offline` into `target/downstream/` (shared with tests/compat.rs), so later
//! runs rebuild only plaid-item.

use std::path::Path;
use std::process::{Command, Output};

fn build(selection: Option<&str>) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let app = root.join("tests/downstream");
    // The workspace's lock: every crate it names is already in the local cache, so the
    // offline build resolves the same versions (cargo drops the entries the app does not use).
    std::fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--offline"])
        .current_dir(&app)
        .env("CARGO_TARGET_DIR", root.join("target/downstream"))
        // Only the project's .cargo/config.toml may set them (an outer value would win).
        .env_remove("PLAID_ITEM_SPEC")
        .env_remove("PLAID_ITEM_SUPPLEMENT")
        .env_remove("PLAID_ITEM_SELECTION");
    if let Some(file) = selection {
        // As a shell would set it: relative to the directory cargo runs in.
        command
            .env("PLAID_ITEM_SELECTION", file)
            .env("PWD", &app)
            .args(["--features", "changed-selection"]);
    }
    command.output().expect("cargo runs")
}

#[test]
fn a_dependent_project_builds_plaids_whole_file_with_the_default_and_its_own_selection() {
    for selection in [None, Some("selection.yml")] {
        let out = build(selection);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "the dependent build ({selection:?}) failed:\n{stderr}"
        );
        // The whole file defines everything the bundled supplement has: the normal update
        // path prints nothing.
        assert!(!stderr.contains("warning"), "{stderr}");
    }
}

#[test]
fn an_unknown_name_in_the_selection_fails_the_build_with_the_nearest_real_ones() {
    let dir = std::env::temp_dir().join(format!("plaid-item-selection-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("typo.yml");
    std::fs::write(&file, "add: [/institution/get_by_id]\n").unwrap();
    let out = build(Some(file.to_str().unwrap()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: PLAID_ITEM_SELECTION={}: `/institution/get_by_id` is no path, path prefix \
             or operationId of the spec (nearest: `/institutions/get_by_id`",
            file.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}
