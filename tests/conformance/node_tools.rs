//! The npm tools the suite runs (Prism, Spectral), each pinned and installed on first use into
//! its own directory under the repository's `target/`, never globally.
//!
//! Without Node or npm a developer gets a skip message; with `CI` set that is a failure.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The repository's `target/`.
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
}

/// True when the environment says this is a CI run (`CI=true`, as CI services set it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The installed package's directory (`target/<dir>/node_modules/<package>`), installing it if
/// needed. `None` means skip: the caller returns. Panics instead when `CI` is set.
pub fn package(dir: &str, package: &str, version: &str) -> Option<PathBuf> {
    // One install per tool per test process, however many tests ask at once; different
    // tools install side by side.
    type Slot = Arc<OnceLock<Result<PathBuf, String>>>;
    static INSTALLED: Mutex<BTreeMap<String, Slot>> = Mutex::new(BTreeMap::new());
    let slot = Arc::clone(
        INSTALLED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(dir.to_owned())
            .or_default(),
    );
    let result = slot.get_or_init(|| {
        let result = ensure(&target_dir().join(dir), package, version);
        if let (Err(reason), false) = (&result, in_ci()) {
            say(&format!(
                "SKIPPED: the tests that need {package}@{version} pass without running: \
                 {reason}. Install Node 20 and npm to run them; with CI=true they fail."
            ));
        }
        result
    });
    match result {
        Ok(path) => Some(path.clone()),
        Err(reason) if in_ci() => panic!(
            "{package}@{version} cannot run: {reason}\n\
             CI is set, so this is a failure, not a skip: CI machines must have Node 20 and npm."
        ),
        Err(_) => None,
    }
}

/// Straight to stderr, past the test harness's capture: a skip must be seen.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn ensure(dir: &Path, package: &str, version: &str) -> Result<PathBuf, String> {
    if !runs("node") {
        return Err("`node` was not found on PATH".into());
    }
    let installed = dir.join("node_modules").join(package);
    if installed_version(&installed).as_deref() == Some(version) {
        return Ok(installed);
    }
    if !runs("npm") {
        return Err(format!(
            "`npm` was not found on PATH, and {dir:?} holds no install"
        ));
    }
    // Install next to `dir`, then move it into place: an interrupted (or concurrent) run never
    // leaves a half-installed tool where the next run would trust it.
    let staging = dir.with_extension(format!("installing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    say(&format!("installing {package}@{version} into {dir:?}"));
    let out = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&staging)
        .arg(format!("{package}@{version}"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(format!(
            "`npm install {package}@{version}` failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let _ = std::fs::remove_dir_all(dir);
    let moved = std::fs::rename(&staging, dir);
    let _ = std::fs::remove_dir_all(&staging);
    match installed_version(&installed) {
        Some(v) if v == version => Ok(installed),
        _ => Err(format!("cannot move the install into {dir:?}: {moved:?}")),
    }
}

fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

fn installed_version(package_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(package_dir.join("package.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["version"].as_str().map(str::to_owned)
}
