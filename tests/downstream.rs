//! Drop-in from a real dependent project: `tests/downstream/` depends on plaid-item by path
//! and, through its `.cargo/config.toml`, builds it from Plaid's 1.697.4 slice and its own
//! small supplement (the three schemas the slice lacks), layered over the bundled one.
//!
//! One `cargo build --offline`, into `target/downstream/` so later runs reuse it.

use std::path::Path;
use std::process::Command;

#[test]
fn a_dependent_project_builds_the_slice_with_its_own_supplement() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let app = root.join("tests/downstream");
    // The workspace's lock: every crate it names is already in the local cache, so the
    // offline build resolves the same versions (cargo drops the entries the app does not use).
    std::fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--offline"])
        .current_dir(&app)
        .env("CARGO_TARGET_DIR", root.join("target/downstream"))
        // Only the project's .cargo/config.toml may set them (an outer value would win).
        .env_remove("PLAID_ITEM_SPEC")
        .env_remove("PLAID_ITEM_SUPPLEMENT")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the dependent build failed:\n{stderr}"
    );

    // Neither supplement has entries the slice defines itself, so the build says nothing
    // (the one-line warning for that case is unit-tested in plaid-item-codegen's inputs.rs).
    assert!(!stderr.contains("plaid-item: the spec defines"), "{stderr}");
}
